import WebSocket from 'ws';

/** Sync step 1 with an empty state vector: what a fresh client sends first. */
const EMPTY_SYNC_STEP_1 = Uint8Array.of(0, 0, 1, 0);

/**
 * The lightest client that still counts as a peer: it opens the socket, sends
 * sync step 1 and ignores everything after. Resolves once the server has
 * answered (or, with `awaitAnswer` false, once the socket is open).
 */
export function openIdleConnection(url: string, awaitAnswer: boolean): Promise<WebSocket> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => {
      socket.send(EMPTY_SYNC_STEP_1);
      if (!awaitAnswer) resolve(socket);
    });
    socket.once('message', () => resolve(socket));
    socket.once('close', (code, reason) => reject(new Error(`closed before the server answered: ${code} ${reason.toString()}`)));
  });
}
