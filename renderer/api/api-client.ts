import { config } from 'zod';
import { ApiError } from '../../shared/api/errors.js';
import type { ApiClient } from '../../shared/api/client.js';

let client: ApiClient | null = null;

/** Set once at start (and by tests); actions reach the engine through api(). */
export function setApiClient(next: ApiClient | null): void {
  // The page's policy allows no eval, so zod's compiled object parsers can never be used here.
  // Told so, zod also skips the probe that finds out: a `new Function` the policy refuses, which
  // Chromium reports as a violation (12 ms of a cold first paint, and an error in the console).
  config({ jitless: true });
  client = next;
}

export function api(): ApiClient {
  if (!client) throw new ApiError('unavailable', 'Daytwo is not connected to its engine yet.');
  return client;
}

/** The sentence to show a person for any failure; API errors already carry one. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
