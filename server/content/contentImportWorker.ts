import { parentPort } from 'node:worker_threads';
import { createContentImporter } from './createContentImporter.js';
import type { ImportRequest, ImportResult } from './createImportQueue.js';

/**
 * Runs imports off the server's event loop (see `createImportQueue`): parsing
 * a large Markdown or HTML file takes seconds, during which no editor would be
 * served. Receives an `ImportRequest`, answers an `ImportResult`.
 */
const importer = createContentImporter();
const port = parentPort;
if (!port) throw new Error('contentImportWorker must run in a worker thread');
port.on('message', ({ content, output }: ImportRequest) => {
  try {
    if (output === 'document') {
      port.postMessage({ document: importer.toDocument(content) } satisfies ImportResult);
      return;
    }
    const update = importer.toUpdate(content);
    port.postMessage({ update } satisfies ImportResult, [update.buffer as ArrayBuffer]);
  } catch (error) {
    // RangeError is the importer's "does not fit the schema"; anything else is a bug, reported as such.
    port.postMessage({ error: { invalid: error instanceof RangeError, message: error instanceof Error ? error.message : String(error) } } satisfies ImportResult);
  }
});
