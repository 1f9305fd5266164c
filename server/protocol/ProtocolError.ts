/** A message that does not follow the y-websocket protocol. The peer that sent it is closed with 4400. */
export class ProtocolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtocolError';
  }
}
