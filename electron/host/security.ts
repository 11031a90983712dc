import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The page's Content-Security-Policy. The renderer needs nothing remote: scripts, styles and
 * connections go only to this origin (the WebSocket included).
 */
export function contentSecurityPolicy(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'", // recharts and React set inline style attributes
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Constant-time comparison so the token cannot be guessed a byte at a time. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(value);
  return match?.[1];
}

/**
 * DNS rebinding defence: a browser tricked into resolving evil.example to 127.0.0.1 still sends
 * `Host: evil.example`, so only the literal loopback authority we listen on is accepted.
 */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** Browsers always send Origin on WebSocket upgrades; only our own page may open one. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

/** WebSocket subprotocols carry the token, since browsers cannot set headers on an upgrade. */
export const wsProtocol = 'daytwo.v1';
export const wsTokenPrefix = 'bearer.';
