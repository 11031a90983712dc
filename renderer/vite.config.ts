import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// This file runs under Node at build time but lives in renderer/, where Node built-ins are
// linted out, so the folder comes from the file URL (Vite's config loader sets import.meta.url
// to this file's). A Windows drive path arrives as /C:/…; drop the leading slash there.
const here = decodeURIComponent(new URL('.', import.meta.url).pathname).replace(/^\/([A-Za-z]:)/, '$1');

// base './' so the same build loads from host mode's http://127.0.0.1:<port>/ and from the
// desktop shell's custom scheme, without knowing either origin at build time.
export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${here}/../dist/renderer`,
    emptyOutDir: true,
    // The page's CSP forbids inline scripts; keep every asset a file, never a data: URL.
    assetsInlineLimit: 0,
    sourcemap: true,
    target: 'es2022',
  },
});
