import { createHash } from 'node:crypto';
import { errors } from './protocol.js';

/**
 * NextToken: where the next page starts, bound to the request that produced it, so a token
 * replayed against a different request is refused as CloudWatch refuses it (InvalidNextToken).
 */
export interface PageCursor {
  offset: number;
  /** Simulated time frozen at the first page, so later pages continue the same answer. */
  asOf: number;
}

export function fingerprint(request: object): string {
  const { NextToken: _ignored, ...rest } = request as Record<string, unknown>;
  return createHash('sha256').update(JSON.stringify(rest)).digest('base64url').slice(0, 16);
}

export function encodeCursor(request: object, cursor: PageCursor): string {
  return Buffer.from(JSON.stringify({ o: cursor.offset, a: cursor.asOf, f: fingerprint(request) })).toString('base64url');
}

export function decodeCursor(request: object, token: string | undefined, now: number): PageCursor {
  if (token === undefined) return { offset: 0, asOf: now };
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; a?: unknown; f?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 && typeof parsed.a === 'number' && parsed.f === fingerprint(request)) {
      return { offset: parsed.o, asOf: parsed.a };
    }
  } catch {
    // Falls through to the refusal below.
  }
  throw errors.invalidNextToken();
}
