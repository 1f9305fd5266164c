import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { precompressAssets } from './build/precompressAssets.js';

const webDir = fileURLToPath(new URL('.', import.meta.url));

/**
 * Builds the pages into `dist/web/` (`index.html`, `document.html`, `embed.html`, and
 * everything else under `assets/`), which is the layout the server serves.
 * Asset URLs are absolute (`/assets/…`) because `document.html` is served at
 * `/d/<documentName>`.
 */
export default defineConfig({
  root: webDir,
  base: '/',
  plugins: [documentRoutes(), precompressAssets()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // The editor code is one ~650 kB chunk (ProseMirror, TipTap and its extensions, Yjs, the Markdown
    // codec), shared by the document and embed pages: expected, and ~205 kB gzipped.
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      output: {
        // Code both pages share, under a name that says so (otherwise Rollup names it after a module in it).
        chunkFileNames: 'assets/shared-[hash].js',
      },
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        document: fileURLToPath(new URL('document.html', import.meta.url)),
        embed: fileURLToPath(new URL('embed.html', import.meta.url)),
      },
    },
  },
  server: {
    // `npm run dev:web` next to a server on its default port (`npm start`).
    proxy: {
      '/api': 'http://localhost:1234',
      '/ws': { target: 'ws://localhost:1234', ws: true },
    },
  },
});

/** In dev, answer `/d/<documentName>` and `/embed/<documentName>` with their pages, as the server does in production. */
function documentRoutes(): Plugin {
  return {
    name: 'tandem-document-routes',
    configureServer(server) {
      server.middlewares.use((request, _response, next) => {
        if (request.url?.startsWith('/d/')) request.url = '/document.html';
        else if (request.url?.startsWith('/embed/')) request.url = '/embed.html';
        next();
      });
    },
  };
}
