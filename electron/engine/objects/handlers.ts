import type { Handler } from '../api/router.js';
import type { ObjectReader } from './object-reader.js';

/** The API handlers for objects; the engine spreads them into its router. */
export function objectHandlers(reader: ObjectReader): { 'objects.get': Handler<'objects.get'>; 'objects.revealSecret': Handler<'objects.revealSecret'> } {
  return {
    'objects.get': (request) => reader.view(request),
    'objects.revealSecret': (request) => reader.view(request, true),
  };
}
