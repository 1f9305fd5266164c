import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const COMPRESSIBLE = /\.(js|css|svg|json|html)$/;

/**
 * Writes `<file>.br` and `<file>.gz` next to every text asset of the build, so
 * the server sends compressed bytes without compressing on each request
 * (`serveStatic({ precompressed: true })` picks the best one the browser accepts).
 *
 * @param options.under Only files whose path in the output starts with this; default `assets/`
 *   (the pages themselves are read by the server, not served as files). `''` for every file.
 *
 * @example
 * plugins: [precompressAssets()]                // the app: dist/web/assets/*
 * plugins: [precompressAssets({ under: '' })]   // the library: dist/web/lib/*
 */
export function precompressAssets(options: { under?: string } = {}): Plugin {
  const under = options.under ?? 'assets/';
  let outDir = '';
  return {
    name: 'tandem-precompress-assets',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((fileName) => fileName.startsWith(under) && COMPRESSIBLE.test(fileName));
      await Promise.all(
        files.map(async (fileName) => {
          const path = join(outDir, fileName);
          const content = await readFile(path);
          const [br, gz] = await Promise.all([
            brotli(content, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }),
            gzipAsync(content, { level: 9 }),
          ]);
          await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gz)]);
        }),
      );
    },
  };
}
