/** One Server-Sent Event: its type (`message` unless the server named one) and its data lines joined by `\n`. */
export interface SseEvent {
  type: string;
  data: string;
}

/** Turns `text/event-stream` text, in chunks as it arrives, into events. */
export interface SseParser {
  /** Parses the next chunk; chunks may split lines, and `\r\n` pairs, anywhere. */
  feed(chunk: string): void;
}

/**
 * A parser for the `text/event-stream` format (HTML Living Standard, "Parsing an event stream"):
 * lines end with `\r\n`, `\n` or `\r`; a blank line dispatches the event; `:` starts a comment (the
 * server's `: ping`); `id` and `retry` are read past (the HTTP fallback reconnects its own way). Unlike
 * `EventSource`, an event with a type but no `data` line is dispatched too (with `data` empty), so an
 * `event: open` announcement arrives however the server writes it. A last event without its blank line
 * is never dispatched: the stream ended in the middle of it.
 *
 * @example
 * const parser = createSseParser((event) => console.log(event.type, event.data));
 * parser.feed('event: open\n\ndata: AAE'); // logs "open"
 * parser.feed('C\n\n'); // logs "message AAEC"
 */
export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  let pending = '';
  /** The stream's last character was `\r`: a `\n` starting the next chunk belongs to it. */
  let afterCarriageReturn = false;
  let type = '';
  let data: string[] | null = null;

  function readLine(line: string): void {
    if (line === '') {
      if (data !== null || type !== '') onEvent({ type: type || 'message', data: (data ?? []).join('\n') });
      type = '';
      data = null;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') (data ??= []).push(value);
  }

  return {
    feed(chunk) {
      // An empty chunk (a decoder holding half a character) must not end a pending `\r\n`.
      if (chunk === '') return;
      let text = chunk;
      if (afterCarriageReturn && text.startsWith('\n')) text = text.slice(1);
      afterCarriageReturn = false;
      pending += text;
      const lineEnd = /\r\n|\r|\n/g;
      let start = 0;
      for (let match = lineEnd.exec(pending); match !== null; match = lineEnd.exec(pending)) {
        // A `\r` ending the text so far may be the first half of a `\r\n` split across chunks.
        if (match[0] === '\r' && match.index === pending.length - 1) afterCarriageReturn = true;
        readLine(pending.slice(start, match.index));
        start = match.index + match[0].length;
      }
      pending = pending.slice(start);
    },
  };
}
