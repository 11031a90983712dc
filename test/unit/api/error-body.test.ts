import { describe, expect, it } from 'vitest';
import { readErrorBody } from '../../../shared/api/error-body.js';
import { ApiErrorBody } from '../../../shared/api/errors.js';

// The page's entry reads error bodies by hand (error-body.ts) so that it runs before zod loads;
// it must accept exactly what the schema accepts, and give back what the schema gives back.
const samples: unknown[] = [
  { code: 'not_found', message: 'No such pod.' },
  { code: 'bad_request', message: 'Invalid parameters.', field: 'id' },
  { code: 'bad_request', message: 'Invalid parameters.', field: '' },
  { code: 'internal', message: '' },
  { code: 'unavailable', message: 'Starting.', extra: 'dropped', nested: { a: 1 } },
  { code: 'teapot', message: 'Unknown code.' },
  { code: 'NOT_FOUND', message: 'Case matters.' },
  { code: 'not_found' },
  { message: 'No code.' },
  { code: 'not_found', message: 42 },
  { code: 'not_found', message: 'Field not a string.', field: 7 },
  { code: 'not_found', message: 'Field null.', field: null },
  { code: 'toString', message: 'A name on Object.prototype.' },
  Object.assign(Object.create({ code: 'internal' }), { message: 'Code inherited, not own.' }),
  ['internal', 'An array.'],
  'internal',
  null,
  undefined,
  42,
];

describe('reading an error body without zod', () => {
  it.each(samples.map((s, i) => [i, s] as const))('sample %i: as ApiErrorBody parses it', (_, sample) => {
    const parsed = ApiErrorBody.safeParse(sample);
    expect(readErrorBody(sample)).toEqual(parsed.success ? parsed.data : null);
  });
});
