import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from '../../web/src/transport/createSseParser.js';
import { readEventStream } from '../../web/src/transport/readEventStream.js';

function parse(...chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  for (const chunk of chunks) parser.feed(chunk);
  return events;
}

describe('createSseParser (text/event-stream, as the HTTP fallback streams frames)', () => {
  it('reads the server’s open, frame and close events, skipping ids and ping comments', () => {
    const stream = 'event: open\ndata: \n\n: ping\n\nid: 1\ndata: AAEC\n\nid: 2\ndata: AwQ=\n\nevent: close\ndata: {"code":4404,"reason":"deleted"}\n\n';
    expect(parse(stream)).toEqual([
      { type: 'open', data: '' },
      { type: 'message', data: 'AAEC' },
      { type: 'message', data: 'AwQ=' },
      { type: 'close', data: '{"code":4404,"reason":"deleted"}' },
    ]);
  });

  it('dispatches a typed event without data (unlike EventSource), but not a blank line alone', () => {
    expect(parse('event: open\n\n\n\n')).toEqual([{ type: 'open', data: '' }]);
  });

  it('gives the same events however the stream is cut into chunks, with any line ending', () => {
    const stream = 'event: open\r\ndata:\r\n\r\ndata: first\rdata: second\r\rdata:no-space\n\n';
    const expected = [
      { type: 'open', data: '' },
      { type: 'message', data: 'first\nsecond' },
      { type: 'message', data: 'no-space' },
    ];
    expect(parse(stream)).toEqual(expected);
    // Every split point, including between the halves of a \r\n.
    for (let at = 0; at <= stream.length; at += 1) {
      expect(parse(stream.slice(0, at), stream.slice(at)), `split at ${at}`).toEqual(expected);
    }
    expect(parse(...stream)).toEqual(expected);
  });

  it('keeps one leading space out of a value, and a colon in it', () => {
    expect(parse('data:  two spaces\n\ndata: a: b\n\n')).toEqual([
      { type: 'message', data: ' two spaces' },
      { type: 'message', data: 'a: b' },
    ]);
  });

  it('never dispatches an event the stream ended in the middle of', () => {
    expect(parse('data: complete\n\ndata: cut off\n')).toEqual([{ type: 'message', data: 'complete' }]);
  });

  it('forgets the type after each event', () => {
    expect(parse('event: open\ndata: x\n\ndata: y\n\n')).toEqual([
      { type: 'open', data: 'x' },
      { type: 'message', data: 'y' },
    ]);
  });
});

describe('readEventStream', () => {
  it('reads a byte stream to its end, UTF-8 characters split across chunks included', async () => {
    const bytes = new TextEncoder().encode('event: open\n\ndata: héllo ✓\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        // One byte at a time: every multi-byte character arrives in pieces.
        for (const byte of bytes) controller.enqueue(Uint8Array.of(byte));
        controller.close();
      },
    });
    const events: SseEvent[] = [];
    await readEventStream(stream, (event) => events.push(event));
    expect(events).toEqual([
      { type: 'open', data: '' },
      { type: 'message', data: 'héllo ✓' },
    ]);
  });

  it('rejects when the stream fails, after the events that arrived', async () => {
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        if (pulls === 1) controller.enqueue(new TextEncoder().encode('data: before\n\n'));
        else controller.error(new Error('connection reset'));
      },
    });
    const events: SseEvent[] = [];
    await expect(readEventStream(stream, (event) => events.push(event))).rejects.toThrow('connection reset');
    expect(events).toEqual([{ type: 'message', data: 'before' }]);
  });
});
