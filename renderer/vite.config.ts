import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// This file runs under Node at build time but lives in renderer/, where Node built-ins are
// linted out, so the folder comes from the file URL (Vite's config loader sets import.meta.url
// to this file's). A Windows drive path arrives as /C:/…; drop the leading slash there.
const here = decodeURIComponent(new URL('.', import.meta.url).pathname).replace(/^\/([A-Za-z]:)/, '$1');

/**
 * The console's script (app/boot, most of the bundle) is a dynamic import of the entry, so the
 * browser would start fetching it only once the entry and its imports had run (150–450 ms into a
 * load at 50,000 pods): a modulepreload in the page asks for it, and what it imports, beside
 * the entry, and the browser has it compiled by the time the entry asks.
 */
function preloadConsoleScript(): Plugin {
  return {
    name: 'daytwo-preload-console-script',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const chunks = Object.values(context.bundle ?? {}).filter((c) => c.type === 'chunk');
        const boot = chunks.find((c) => c.facadeModuleId?.replace(/\\/g, '/').endsWith('/app/boot.tsx'));
        if (!boot) throw new Error('The console script (renderer/app/boot.tsx) is not in the bundle: the page could not preload it.');
        // What the entry imports is preloaded by Vite already.
        const entry = chunks.find((c) => c.isEntry);
        const preloaded = new Set([entry?.fileName, ...(entry?.imports ?? [])]);
        return [boot.fileName, ...boot.imports].filter((file) => !preloaded.has(file)).map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` }, injectTo: 'head' as const }));
      },
    },
  };
}

// base './' so the same build loads from host mode's http://127.0.0.1:<port>/ and from the
// desktop shell's custom scheme, without knowing either origin at build time.
export default defineConfig({
  root: here,
  base: './',
  plugins: [react(), preloadConsoleScript()],
  build: {
    outDir: `${here}/../dist/renderer`,
    emptyOutDir: true,
    // The page's CSP forbids inline scripts; keep every asset a file, never a data: URL.
    assetsInlineLimit: 0,
    sourcemap: true,
    target: 'es2022',
  },
});
