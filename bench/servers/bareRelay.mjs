/**
 * The floor for relay cost: forwards every binary frame from one client to
 * every other client of the same room (the URL path) without decoding it.
 * It holds no document, so it cannot answer a fresh client's sync step 1;
 * the bench only runs it in scenarios where every client starts empty and
 * every update is relayed.
 *
 *   node bench/servers/bareRelay.mjs --port 0
 *
 * Prints `{"msg":"listening","port":N}` on stdout once it accepts connections.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, 'data-dir': { type: 'string' } } });

/** @type {Map<string, Set<import('ws').WebSocket>>} sockets by room */
const rooms = new Map();

const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end('okay');
});
const wss = new WebSocketServer({ server });
wss.on('connection', (socket, request) => {
  const roomName = (request.url ?? '/').split('?')[0];
  let room = rooms.get(roomName);
  if (!room) {
    room = new Set();
    rooms.set(roomName, room);
  }
  room.add(socket);
  socket.on('message', (data, isBinary) => {
    for (const other of room) {
      if (other !== socket && other.readyState === other.OPEN) other.send(data, { binary: isBinary });
    }
  });
  socket.on('error', (error) => process.stderr.write(`bareRelay: socket error in ${roomName}: ${error.message}\n`));
  socket.on('close', () => {
    room.delete(socket);
    if (room.size === 0) rooms.delete(roomName);
  });
});
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: server.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
