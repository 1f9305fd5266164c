import { createSseParser, type SseEvent } from './createSseParser.js';

/**
 * Reads a `text/event-stream` response body (UTF-8) to its end, handing every event to `onEvent`.
 * Resolves when the stream ends; rejects when reading fails (network, abort) or `onEvent` throws.
 * Works on `fetch` streaming, in browsers and in Node, which has no `EventSource`. To stop early,
 * abort the request (its `AbortSignal`): that ends the read with the abort error.
 *
 * @example
 * const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal });
 * await readEventStream(response.body!, (event) => console.log(event.type, event.data));
 */
export async function readEventStream(body: ReadableStream<Uint8Array>, onEvent: (event: SseEvent) => void): Promise<void> {
  const parser = createSseParser(onEvent);
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    parser.feed(decoder.decode());
  } finally {
    reader.releaseLock();
  }
}
