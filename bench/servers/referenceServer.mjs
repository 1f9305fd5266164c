/**
 * The reference: the stock y-websocket server (`@y/websocket-server` utils)
 * on a `ws` WebSocketServer, with persistence on.
 *
 *   node bench/servers/referenceServer.mjs --port 0 --data-dir DIR
 *
 * Persistence stands in for y-leveldb, the stock choice (npm pulls it in as
 * an optional dependency, but its native leveldown install script is not run
 * here, so the bench does not rely on it): like y-leveldb it appends every
 * update of a document (to one file per document, no fsync, as LevelDB's
 * default write is not synced either) and replays them when the document is
 * loaded. Prints
 * `{"msg":"listening","port":N}` on stdout once it accepts connections.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setPersistence, setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, 'data-dir': { type: 'string' } } });
const dataDir = values['data-dir'];
if (!dataDir) {
  process.stderr.write('referenceServer: --data-dir is required\n');
  process.exit(2);
}

/** @type {Map<string, import('node:fs').WriteStream>} open logs, by document name */
const openLogs = new Map();
/** @type {Map<string, Promise<void>>} logs still being flushed after their document was unloaded */
const closingLogs = new Map();

function logPath(documentName) {
  return join(dataDir, `${encodeURIComponent(documentName)}.log`);
}

/** One record: a 4-byte little-endian length, then the update. */
function record(update) {
  const header = Buffer.alloc(4);
  header.writeUInt32LE(update.byteLength);
  return Buffer.concat([header, update]);
}

async function readUpdates(path) {
  let bytes;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw error;
  }
  const updates = [];
  for (let offset = 0; offset + 4 <= bytes.length; ) {
    const length = bytes.readUInt32LE(offset);
    // A record cut short by a crash is ignored, as LevelDB drops a torn log tail.
    if (offset + 4 + length > bytes.length) break;
    updates.push(bytes.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return updates;
}

setPersistence({
  provider: null,
  bindState: async (documentName, doc) => {
    // A log still flushing from the document's previous life must be complete before it is read.
    await closingLogs.get(documentName);
    const stored = await readUpdates(logPath(documentName));
    const log = createWriteStream(logPath(documentName), { flags: 'a' });
    log.on('error', (error) => process.stderr.write(`referenceServer: cannot write ${logPath(documentName)}: ${error.message}\n`));
    openLogs.set(documentName, log);
    // As y-leveldb does: keep what arrived while loading, then apply what was stored.
    if (doc.store.clients.size > 0) log.write(record(Y.encodeStateAsUpdate(doc)));
    doc.transact(() => {
      for (const update of stored) Y.applyUpdate(doc, update);
    });
    doc.on('update', (update) => log.write(record(update)));
  },
  writeState: async (documentName) => {
    const log = openLogs.get(documentName);
    if (!log) return;
    openLogs.delete(documentName);
    const closed = new Promise((resolve) => log.end(resolve));
    closingLogs.set(documentName, closed);
    await closed;
    if (closingLogs.get(documentName) === closed) closingLogs.delete(documentName);
  },
});

const wss = new WebSocketServer({ noServer: true });
wss.on('connection', setupWSConnection);
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end('okay');
});
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: server.address().port })}\n`);
});

process.on('SIGTERM', () => {
  // Flush every open log before exiting, as a LevelDB close would.
  const flushed = [...openLogs.values()].map((log) => new Promise((resolve) => log.end(resolve)));
  void Promise.all([...flushed, ...closingLogs.values()]).then(() => process.exit(0));
});
