import path from 'node:path';

/**
 * Every security decision the desktop shell makes, as pure functions so each one is tested
 * without Electron. Electron's checklist: https://www.electronjs.org/docs/latest/tutorial/security
 */

/** The UI's origin. A custom scheme, not file:// (checklist #18: file:// pages get extra privileges). */
export const appScheme = 'app';
export const appHost = 'daytwo';
export const appOrigin = `${appScheme}://${appHost}`;
export const appEntryUrl = `${appOrigin}/index.html`;

export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && parsed.protocol === `${appScheme}:` && parsed.host === appHost;
}

/**
 * Maps an app:// request to a file under the built renderer, or null to refuse it. Decoding
 * happens before normalising, so `%2e%2e%2f` cannot climb out; the final check is on the
 * resolved path itself, not on a string prefix (`/dist/renderer-evil` starts with
 * `/dist/renderer` too).
 */
export function resolveAppAsset(rootDir: string, requestUrl: string): string | null {
  const url = parseUrl(requestUrl);
  if (!url || url.protocol !== `${appScheme}:` || url.host !== appHost) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = path.resolve(rootDir);
  const file = path.resolve(root, relative);
  const fromRoot = path.relative(root, file);
  if (fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) return null;
  return file;
}

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Module scripts are refused unless served with a JavaScript MIME type, so this is not cosmetic. */
export function mimeTypeFor(file: string): string {
  return mimeTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The desktop page's Content-Security-Policy (checklist #7). The desktop renderer reaches the
 * engine only through window.daytwo, so it needs no network at all beyond its own files.
 */
export const desktopContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // recharts and React set inline style attributes
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "object-src 'none'",
  "worker-src 'self'",
].join('; ');

/**
 * Whether a window may navigate to `url` (checklist #13). Only our own pages; everything
 * else is refused, and an http(s) link is offered to the system browser instead.
 */
export function navigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

/**
 * A link the user may open in their browser, normalised, or null. Only http and https (no
 * file:, smb:, javascript:, custom handlers: checklist #15, "Do not use shell.openExternal
 * with untrusted content"), and never with credentials embedded in the URL.
 */
export function externalLinkTarget(url: string): string | null {
  if (url.length > 2048) return null;
  const parsed = parseUrl(url);
  if (!parsed) return null;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (parsed.hostname === '' || parsed.username !== '' || parsed.password !== '') return null;
  return parsed.href;
}

export type WindowOpenDecision = { action: 'deny'; openExternally: string | null };

/** window.open and target=_blank never create a window (checklist #14); safe links go to the browser. */
export function decideWindowOpen(url: string): WindowOpenDecision {
  return { action: 'deny', openExternally: externalLinkTarget(url) };
}

/**
 * Permission requests and checks (checklist #5). Daytwo needs no camera, microphone,
 * notifications, geolocation, midi, HID, serial or USB. The one exception is writing plain
 * text to the clipboard from our own page (copy a kubectl command), which Chromium gates as
 * `clipboard-sanitized-write`; reading the clipboard stays denied.
 */
export function permissionAllowed(permission: string, requestingUrl: string | undefined): boolean {
  if (permission !== 'clipboard-sanitized-write') return false;
  return requestingUrl !== undefined && isAppUrl(requestingUrl);
}

/**
 * Who may ask main for a port to the engine: only a window's main frame showing our own page
 * (VS Code's ipcMain does the same check). An iframe or a page that navigated elsewhere gets nothing.
 */
export function trustedBridgeSender(frame: { url: string; isMainFrame: boolean } | null): boolean {
  return frame !== null && frame.isMainFrame && isAppUrl(frame.url);
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
