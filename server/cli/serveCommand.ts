import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { JsonDocumentStore } from '../../storage/JsonDocumentStore.js';
import { MemoryDocumentStore } from '../../storage/MemoryDocumentStore.js';
import { PostgresDocumentStore } from '../../storage/PostgresDocumentStore.js';
import { RedisBus } from '../cluster/RedisBus.js';
import { createInstanceId } from '../cluster/createInstanceId.js';
import type { DocumentStore } from '../../storage/DocumentStore.js';
import { ConfigError, loadConfig, type ServerConfig } from '../config/loadConfig.js';
import { createLogger } from '../createLogger.js';
import { startServer, type TandemServer } from '../startServer.js';
import { readConfigFile } from './readConfigFile.js';
import { serverUrl } from './serverUrl.js';

/** `tandem serve`: the only place that picks a concrete store. Exits the process on fatal errors. */
export async function runServeCommand(env: Record<string, string | undefined>, argv: string[]): Promise<void> {
  let loaded;
  try {
    // `--help` needs no config file (it may be the file that is wrong).
    const wantsHelp = argv.includes('--help') || argv.includes('-h');
    loaded = loadConfig(env, argv, { configFile: wantsHelp ? null : await readConfigFile(env, argv) });
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
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, stdoutIsTerminal: process.stdout.isTTY === true });
  let server: TandemServer | null = null;

  let store: DocumentStore;
  let postgres: PostgresDocumentStore | null = null;
  try {
    if (config.store !== 'json' && config.store !== 'memory') {
      postgres = await PostgresDocumentStore.open({
        url: config.store,
        // A holder paused inside a snapshot's transaction loses its locks, at the latest when it would lose its lease.
        idleInTransactionTimeoutMs: Math.min(config.compactionLeaseMs, 30_000),
        // The pool reconnects by itself; failed saves are logged and retried by the rooms.
        onConnectionError: (error) => logger.warn({ err: error }, 'a PostgreSQL connection broke; reconnecting when next needed'),
      });
      logger.info({ store: postgres.describe() }, 'documents are stored in PostgreSQL');
    }
    store =
      postgres ??
      (config.store === 'memory'
        ? new MemoryDocumentStore()
        : await JsonDocumentStore.open({
            dataDir: config.dataDir,
            onLockCompromised: (error) => {
              // Writes are refused from now on (another server may own the directory); peers are closed with
              // 1012 and re-send their unsaved edits to whichever server they reach next.
              logger.fatal({ err: error, dataDir: config.dataDir }, 'lost the lock on the data directory; stopping without writing to it');
              void shutdown(1);
            },
          }));
  } catch (error) {
    const what = postgres === null && (config.store === 'json' || config.store === 'memory') ? 'the data directory' : 'the PostgreSQL store';
    logger.fatal({ err: error, dataDir: config.dataDir }, `cannot open ${what}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const instanceId = createInstanceId(config.instanceId);
  const cluster = config.redisUrl === null ? null : await RedisBus.open({ url: config.redisUrl, instanceId, logger });

  let shuttingDown = false;
  async function shutdown(exitCode: number): Promise<void> {
    if (shuttingDown) return;
    shuttingDown = true;
    // A shutdown must end: a disk that hangs, a huge document or a stuck request cannot keep the process (and its port) forever.
    setTimeout(() => {
      const unsaved = server?.unsavedDocuments() ?? [];
      logger.error(
        { shutdownTimeoutMs: config.shutdownTimeoutMs, unsavedDocuments: unsaved },
        unsaved.length > 0
          ? `shutdown did not finish within ${config.shutdownTimeoutMs} ms; exiting with unsaved changes in ${unsaved.length} document(s): ${unsaved.join(', ')}`
          : `shutdown did not finish within ${config.shutdownTimeoutMs} ms; exiting (every document was saved)`,
      );
      process.exit(1);
    }, config.shutdownTimeoutMs);
    try {
      await server?.close();
    } catch (error) {
      logger.error({ err: error }, 'shutdown did not complete cleanly');
      exitCode = 1;
    } finally {
      // After the server: its last saves went to the store, and its rooms have left their channels.
      await cluster?.close();
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
      logger.info({ signal, shutdownTimeoutMs: config.shutdownTimeoutMs }, 'shutting down: refusing new connections, closing peers with 1012, saving every open document');
      void shutdown(0);
    });
  }

  try {
    const tls = await readTlsFiles(config);
    server = await startServer({
      port: config.port,
      host: config.host,
      store,
      logger,
      webDir: fileURLToPath(new URL('../../web', import.meta.url)),
      snapshotPolicy: {
        idleMs: config.snapshotIdleMs,
        maxWaitMs: config.snapshotMaxWaitMs,
        afterUpdates: config.snapshotAfterUpdates,
        afterBytes: config.snapshotAfterBytes,
        retryBaseMs: 1000,
        retryMaxMs: 30_000,
      },
      access: {
        authSecret: config.authSecret,
        adminKey: config.adminKey,
        publicUrl: config.publicUrl,
        allowedOrigins: config.allowedOrigins,
        trustProxy: config.trustProxy,
      },
      limits: {
        maxMessageBytes: config.maxMessageBytes,
        maxDocumentBytes: config.maxDocumentBytes,
        maxConnections: config.maxConnections,
        maxConnectionsPerDocument: config.maxConnectionsPerDocument,
        messagesPerSecond: config.messagesPerSecond,
        messageBurst: config.messageBurst,
        connectionsPerMinutePerIp: config.connectionsPerMinutePerIp,
        handshakeTimeoutMs: config.handshakeTimeoutMs,
        httpSessionTimeoutMs: config.httpSessionTimeoutMs,
        pingIntervalMs: config.pingIntervalMs,
      },
      tls,
      metricsToken: config.metricsToken,
      webhooks:
        config.webhookUrls.length > 0 && config.webhookSecret !== null
          ? {
              urls: config.webhookUrls,
              secret: config.webhookSecret,
              debounceMs: config.webhookDebounceMs,
              maxWaitMs: config.webhookMaxWaitMs,
              // A share of the shutdown's time: the rooms' saves come first and must not be cut short by it.
              closeTimeoutMs: Math.min(3000, Math.floor(config.shutdownTimeoutMs / 3)),
            }
          : null,
      cluster,
      compactionLease: { holder: instanceId, ttlMs: config.compactionLeaseMs },
      ...(postgres ? { storeConnections: () => postgres.poolStats() } : {}),
    });
  } catch (error) {
    logger.fatal({ err: error }, `cannot start: ${error instanceof Error ? error.message : String(error)}`);
    await cluster?.close();
    await store.close();
    process.exit(1);
  }
  const url = serverUrl(config.host, server.port, config.tlsCert !== null);
  logger.info(
    { port: server.port, host: config.host, url, dataDir: config.store === 'json' ? config.dataDir : null, store: postgres?.describe() ?? config.store, instanceId, redis: cluster !== null, authentication: config.authSecret !== null },
    `Tandem is listening on ${url}`,
  );
  if (config.authSecret === null && !isLoopback(config.host)) {
    logger.warn(
      { host: config.host },
      `authentication is off and the server listens on ${config.host}: anyone who can reach it can read and change every document. Set AUTH_SECRET to require access tokens.`,
    );
  }
}

/** Reads the certificate and key named in the config; a missing file is a clear start-up error. */
async function readTlsFiles(config: ServerConfig): Promise<{ cert: Buffer; key: Buffer } | null> {
  if (config.tlsCert === null || config.tlsKey === null) return null;
  const [cert, key] = await Promise.all([config.tlsCert, config.tlsKey].map(async (path) => {
    try {
      return await readFile(path);
    } catch (error) {
      throw new Error(`cannot read TLS file ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }));
  return cert && key ? { cert, key } : null;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}
