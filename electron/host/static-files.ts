import fs from 'node:fs/promises';
import path from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * The renderer's page, scripts and styles, read into memory when the server starts, and the
 * rest read from disk as asked. A console opening asks for its scripts while the engine works
 * out the overview it asked for the moment before: read from disk, each script's stat and read
 * went to the thread pool and came back only after that work, so the 600 KB of scripts left the
 * engine a quarter of a second after they were asked for, with the page idle meanwhile. Held
 * ones are answered at once. Source maps are not held (7 MB, read only by developer tools). The
 * files are those of the build the engine started with; a rebuild shows after a restart.
 */
export interface StaticFiles {
  /** The file for a URL path: at once when held, else from disk; null where there is none (or it would leave the root). */
  read(urlPath: string): StaticFile | null | Promise<StaticFile | null>;
}

export async function staticFiles(root: string): Promise<StaticFiles> {
  const resolvedRoot = path.resolve(root);
  const held = new Map<string, StaticFile>();
  const names = ['index.html', ...(await fs.readdir(path.join(resolvedRoot, 'assets')).catch(() => [] as string[])).map((name) => `assets/${name}`)];
  await Promise.all(
    names
      .filter((name) => path.extname(name) !== '.map')
      .map(async (name) => {
        const file = path.join(resolvedRoot, name);
        try {
          held.set(file, { body: await fs.readFile(file), contentType: contentTypeOf(file) });
        } catch {
          // Not there (a build without assets, a test's bare page): read as asked, like any other.
        }
      }),
  );
  return {
    read(urlPath) {
      const resolved = resolveUrlPath(resolvedRoot, urlPath);
      if (resolved === null) return null;
      return held.get(resolved.candidate) ?? readResolved(resolvedRoot, resolved);
    },
  };
}

interface Resolved {
  candidate: string;
  relative: string;
}

/**
 * The file a URL path names inside the root, refusing anything that would escape it (../,
 * encoded separators, absolute paths): null then, or where it is not a path at all.
 */
function resolveUrlPath(resolvedRoot: string, urlPath: string): Resolved | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const candidate = path.resolve(resolvedRoot, relative);
  if (candidate !== resolvedRoot && !candidate.startsWith(resolvedRoot + path.sep)) return null;
  return { candidate, relative };
}

/** Reads a resolved path; unknown paths fall back to index.html so the single-page app owns its routes. */
async function readResolved(resolvedRoot: string, { candidate, relative }: Resolved): Promise<StaticFile | null> {
  const file = (await isFile(candidate)) ? candidate : path.extname(relative) ? null : path.join(resolvedRoot, 'index.html');
  if (!file) return null;
  try {
    return { body: await fs.readFile(file), contentType: contentTypeOf(file) };
  } catch {
    return null;
  }
}

function contentTypeOf(file: string): string {
  return contentTypes[path.extname(file)] ?? 'application/octet-stream';
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
