/**
 * The codes every failure crossing the API carries, and the body that carries one, without zod:
 * the page's entry reads error bodies before the API contract (and zod) have loaded, so that
 * its first calls leave before a couple of hundred milliseconds of schema building. errors.ts
 * builds the zod schemas from this list; test/unit/api/error-body.test.ts holds the two to the
 * same acceptance.
 */
export const errorCodes = [
  'bad_request', // parameters failed validation; nothing ran
  'unknown_method',
  'unauthorized',
  'forbidden', // e.g. a mutating method on a read-only host
  'not_found',
  'conflict',
  'unavailable', // a source is offline or the engine is starting
  'internal',
] as const;

const known: ReadonlySet<string> = new Set(errorCodes);

/** What ApiErrorBody's schema accepts, as it parses it (unknown keys dropped); null for anything else. */
export function readErrorBody(value: unknown): { code: (typeof errorCodes)[number]; message: string; field?: string } | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { code, message, field } = value as Record<string, unknown>;
  if (typeof code !== 'string' || !known.has(code) || typeof message !== 'string') return null;
  if (field !== undefined && typeof field !== 'string') return null;
  const body = { code: code as (typeof errorCodes)[number], message };
  return field === undefined ? body : { ...body, field };
}
