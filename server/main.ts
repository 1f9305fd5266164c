#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { JsonDocumentStore } from '../storage/JsonDocumentStore.js';
import { MemoryDocumentStore } from '../storage/MemoryDocumentStore.js';
import type { DocumentStore } from '../storage/DocumentStore.js';
import { ConfigError, loadConfig } from './config/loadConfig.js';
import { createLogger } from './createLogger.js';
import { startServer, type TandemServer } from './startServer.js';

/** Entry point: the only module that reads process.env and picks a concrete store. */
async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`tandem: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (loaded.kind === 'help') {
    process.stdout.write(`${loaded.text}\n`);
    return;
  }
  const { config } = loaded;
  const logger = createLogger(config.logLevel);
  let server: TandemServer | null = null;

  let store: DocumentStore;
  try {
    store =
      config.store === 'memory'
        ? new MemoryDocumentStore()
        : await JsonDocumentStore.open({
            dataDir: config.dataDir,
            onLockCompromised: (error) => {
              // Writes are refused from now on (another server may own the directory); peers are closed with
              // 1012 and re-send their unsaved edits to whichever server they reach next.
              logger.fatal({ err: error, dataDir: config.dataDir }, 'lost the lock on the data directory; stopping without writing to it');
              void shutdown(1);
            },
          });
  } catch (error) {
    logger.fatal({ err: error, dataDir: config.dataDir }, `cannot open the data directory: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }

  let shuttingDown = false;
  async function shutdown(exitCode: number): Promise<void> {
    if (shuttingDown) return;
    shuttingDown = true;
    try {
      await server?.close();
    } catch (error) {
      logger.error({ err: error }, 'shutdown did not complete cleanly');
      exitCode = 1;
    } finally {
      await store.close().catch((error: unknown) => {
        logger.error({ err: error }, 'could not close the store');
        exitCode = 1;
      });
    }
    process.exit(exitCode);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (shuttingDown) {
        logger.warn({ signal }, 'second signal: exiting without waiting for saves');
        process.exit(1);
      }
      logger.info({ signal }, 'shutting down: saving every open document');
      void shutdown(0);
    });
  }

  try {
    server = await startServer({
      port: config.port,
      host: config.host,
      store,
      logger,
      webDir: fileURLToPath(new URL('../web', import.meta.url)),
      snapshotPolicy: {
        idleMs: config.snapshotIdleMs,
        maxWaitMs: config.snapshotMaxWaitMs,
        afterUpdates: config.snapshotAfterUpdates,
        afterBytes: config.snapshotAfterBytes,
        retryBaseMs: 1000,
        retryMaxMs: 30_000,
      },
      maxMessageBytes: config.maxMessageBytes,
    });
  } catch (error) {
    logger.fatal({ err: error }, `cannot start: ${error instanceof Error ? error.message : String(error)}`);
    await store.close();
    process.exit(1);
  }
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${server.port}`;
  logger.info({ port: server.port, host: config.host, url, dataDir: config.store === 'json' ? config.dataDir : null, store: config.store }, `Tandem is listening on ${url}`);
}

await main();
