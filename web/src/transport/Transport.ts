/**
 * How a connection to the server travels:
 * - `websocket`: a WebSocket, the usual way;
 * - `http-sse`: the HTTP fallback, where WebSockets are blocked: the server's messages stream in as
 *   Server-Sent Events, the editor's go out as POST requests;
 * - `http-poll`: the HTTP fallback with long polling instead of the stream, where a proxy holds event
 *   streams back until they end.
 */
export type Transport = 'websocket' | 'http-sse' | 'http-poll';
