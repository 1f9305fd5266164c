import { Worker } from 'node:worker_threads';
import type { JSONContent } from '@tiptap/core';
import type { ImportedContent } from './createContentImporter.js';

/** Why an import produced no document. */
export class ImportError extends Error {
  readonly code: 'invalid-content' | 'import-timeout' | 'import-busy' | 'shutting-down';

  constructor(code: ImportError['code'], message: string) {
    super(message);
    this.name = 'ImportError';
    this.code = code;
  }
}

export interface ImportQueueOptions {
  /** A conversion that takes longer is stopped (its worker terminated). */
  timeoutMs: number;
  /** Imports waiting beyond the running one; more are refused with `import-busy`. */
  maxWaiting: number;
}

/** What the worker is asked: `content`, converted to a Yjs update or to checked TipTap JSON. */
export interface ImportRequest {
  content: ImportedContent;
  output: 'update' | 'document';
}

/** What the worker answers (one of the three). */
export interface ImportResult {
  update?: Uint8Array;
  document?: JSONContent;
  error?: { invalid: boolean; message: string };
}

export interface ImportQueue {
  /** The Yjs update holding `content`; rejects with `ImportError`. */
  toUpdate(content: ImportedContent): Promise<Uint8Array>;
  /** `content` as TipTap JSON checked against the document schema; rejects with `ImportError`. */
  toDocument(content: ImportedContent): Promise<JSONContent>;
  /** Stops the worker at once: the running import and those waiting are refused with `shutting-down`. */
  close(): Promise<void>;
}

/**
 * Converts imported content in a worker thread, one import at a time, so a
 * large or pathological file costs one CPU core for at most `timeoutMs` and
 * never stalls the editors the server is serving.
 */
export function createImportQueue(options: ImportQueueOptions): ImportQueue {
  const workerUrl = new URL('./contentImportWorker.js', import.meta.url);
  let worker: Worker | null = null;
  let tail: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  let closed = false;

  const shutDown = () => new ImportError('shutting-down', 'the server is shutting down; try again shortly');

  function run(request: ImportRequest): Promise<ImportResult> {
    return new Promise((resolve, reject) => {
      if (closed) return reject(shutDown());
      // Started on first use and kept: loading the schema and parsers takes a moment.
      const current = (worker ??= startWorker());
      const timer = setTimeout(() => {
        cleanup();
        worker = null;
        void current.terminate();
        reject(new ImportError('import-timeout', `converting the content took longer than ${Math.round(options.timeoutMs / 1000)} s; split it into smaller files`));
      }, options.timeoutMs);
      const onMessage = (message: ImportResult) => {
        cleanup();
        if (message.update || message.document) resolve(message);
        else if (message.error?.invalid) reject(new ImportError('invalid-content', message.error.message));
        else reject(new Error(`content import failed: ${message.error?.message ?? 'no answer'}`));
      };
      const onError = (error: Error) => {
        cleanup();
        worker = null;
        reject(error);
      };
      // Terminated by close(), or gone for a reason of its own: either way no answer is coming.
      const onExit = (exitCode: number) => {
        cleanup();
        if (worker === current) worker = null;
        reject(closed ? shutDown() : new Error(`the content import worker stopped (exit code ${exitCode})`));
      };
      function cleanup(): void {
        clearTimeout(timer);
        current.off('message', onMessage);
        current.off('error', onError);
        current.off('exit', onExit);
      }
      current.on('message', onMessage);
      current.on('error', onError);
      current.on('exit', onExit);
      current.postMessage(request);
    });
  }

  function startWorker(): Worker {
    const started = new Worker(workerUrl);
    // A worker that dies between imports is replaced by the next one, not sent work it cannot answer.
    started.once('exit', () => {
      if (worker === started) worker = null;
    });
    return started;
  }

  function enqueue(request: ImportRequest): Promise<ImportResult> {
    if (closed) return Promise.reject(shutDown());
    if (waiting > options.maxWaiting) return Promise.reject(new ImportError('import-busy', 'too many imports at once; try again in a moment'));
    waiting += 1;
    const result = tail.then(() => run(request)).finally(() => (waiting -= 1));
    // The next import waits for this one, whatever its outcome.
    tail = result.catch(() => undefined);
    return result;
  }

  return {
    toUpdate: async (content) => (await enqueue({ content, output: 'update' })).update ?? missing('update'),
    toDocument: async (content) => (await enqueue({ content, output: 'document' })).document ?? missing('document'),
    async close() {
      closed = true;
      const current = worker;
      worker = null;
      await current?.terminate();
    },
  };
}

function missing(what: string): never {
  throw new Error(`content import answered without the ${what} it was asked for`);
}
