import fs from 'node:fs/promises';
import path from 'node:path';
import { protocol } from 'electron';
import { appScheme, desktopContentSecurityPolicy, mimeTypeFor, resolveAppAsset } from './policy.js';

/**
 * The UI is served from app://daytwo/ rather than file:// (checklist #18,
 * https://www.electronjs.org/docs/latest/tutorial/security#18-avoid-usage-of-the-file-protocol-and-prefer-usage-of-custom-protocols):
 * a standard, secure origin of its own, which only ever serves files under dist/renderer.
 * Must be called before app 'ready'.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** Serves the built renderer with the strict CSP as a response header (checklist #7). */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(appScheme, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    const file = await existingAsset(rendererDir, request.url);
    if (!file) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    const body = await fs.readFile(file);
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: {
        'content-type': mimeTypeFor(file),
        'content-security-policy': desktopContentSecurityPolicy,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      },
    });
  });
}

/** The asset for a URL; paths without an extension are the single-page app's own routes. */
async function existingAsset(rendererDir: string, url: string): Promise<string | null> {
  const file = resolveAppAsset(rendererDir, url);
  if (!file) return null;
  if (await isFile(file)) return file;
  return path.extname(file) === '' ? path.join(path.resolve(rendererDir), 'index.html') : null;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
