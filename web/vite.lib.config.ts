import { fileURLToPath } from 'node:url';
import { defineConfig, transformWithEsbuild, type Plugin } from 'vite';
import { precompressAssets } from './build/precompressAssets.js';

/**
 * Builds the embeddable editor into `dist/web/lib/` as one self-contained ES
 * module, `tandem-editor.js` (the editor API and `<tandem-editor>`, with
 * TipTap, ProseMirror and Yjs inside), and its stylesheet, `tandem-editor.css`.
 * The server serves them at `/lib/` to any site, so a page needs no build step.
 * Runs after the app's build, which empties `dist/web/`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // The app's public files (the service worker) belong to the app, not the library.
  publicDir: false,
  plugins: [minifyBundle(), precompressAssets({ under: '' })],
  // Library mode leaves `process.env.NODE_ENV` for the consumer's bundler; a browser has no `process`.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: fileURLToPath(new URL('../dist/web/lib', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Vite's own minification keeps whitespace in library mode; minifyBundle() finishes the job.
    minify: 'esbuild',
    sourcemap: false,
    // The whole editor in one file is the point (~650 kB, under 200 kB gzipped; tests/unit/editorBundleSize.test.ts keeps it so).
    chunkSizeWarningLimit: 800,
    lib: {
      entry: fileURLToPath(new URL('src/embed/standalone.ts', import.meta.url)),
      formats: ['es'],
      fileName: () => 'tandem-editor.js',
      cssFileName: 'tandem-editor',
    },
    rollupOptions: {
      // One file: a page loads one URL, and a dynamic import inside would resolve against the host page's CSP and cache.
      output: { inlineDynamicImports: true },
    },
  },
});

/**
 * Minifies the bundle completely. Library mode keeps whitespace and comments in
 * ES output (so a consumer's bundler sees annotations), but this file is loaded
 * by browsers as it is. License comments are kept, at the end.
 */
function minifyBundle(): Plugin {
  return {
    name: 'tandem-minify-bundle',
    apply: 'build',
    // After every renderChunk hook: Vite's own esbuild pass there would print the whitespace back.
    async generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const result = await transformWithEsbuild(chunk.code, chunk.fileName, { minify: true, format: 'esm', target: 'es2022', legalComments: 'eof' });
        chunk.code = result.code;
      }
    },
  };
}
