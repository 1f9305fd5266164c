import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookBody } from '../../server/webhooks/createWebhookNotifier.js';
import { waitFor } from './waitFor.js';

export interface ReceivedWebhook {
  /** Lower-cased header names, as Node gives them. */
  headers: Record<string, string>;
  body: string;
  json: WebhookBody;
  /** Position among every request this receiver got, from 0. */
  index: number;
  receivedAt: number;
}

/** How to answer one request: a status (and headers), or never (the connection hangs until `close`). */
export type WebhookAnswer = { status: number; headers?: Record<string, string> } | 'hang';

/**
 * A real HTTP server on a free local port that records every webhook request
 * (answered or not) and answers as `respond` says (200 by default).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  respond: (request: ReceivedWebhook) => WebhookAnswer = () => ({ status: 200 });
  readonly #server: Server;
  readonly #listeners = new Set<() => void>();
  readonly #hanging = new Set<ServerResponse>();

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (request, response) => receiver.#handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks?token=receiver-secret`;
  }

  /** Requests whose body has this event type (and document name, if given). */
  ofType(type: WebhookBody['type'], documentName?: string): ReceivedWebhook[] {
    return this.received.filter((request) => request.json.type === type && (documentName === undefined || request.json.data.name === documentName));
  }

  /** Resolves with the first request matching `predicate` (already received or still to come). */
  waitFor(predicate: (request: ReceivedWebhook) => boolean, description: string, timeoutMs = 10_000): Promise<ReceivedWebhook> {
    return waitFor(() => this.received.find(predicate), {
      description: `${description} (received: ${this.received.map((request) => `${request.json.type} ${request.json.data.name}`).join(', ') || 'nothing'})`,
      timeoutMs,
      subscribe: (onChange) => {
        this.#listeners.add(onChange);
        return () => this.#listeners.delete(onChange);
      },
    });
  }

  /** Resolves once `count` requests match `predicate`. */
  waitForCount(predicate: (request: ReceivedWebhook) => boolean, count: number, description: string, timeoutMs = 10_000): Promise<ReceivedWebhook[]> {
    return waitFor(
      () => {
        const matching = this.received.filter(predicate);
        return matching.length >= count ? matching : undefined;
      },
      {
        description: `${count} × ${description} (received: ${this.received.map((request) => `${request.json.type} ${request.json.data.name}`).join(', ') || 'nothing'})`,
        timeoutMs,
        subscribe: (onChange) => {
          this.#listeners.add(onChange);
          return () => this.#listeners.delete(onChange);
        },
      },
    );
  }

  /** Answers the requests left hanging, with `status`. */
  release(status = 200): void {
    for (const response of this.#hanging) response.writeHead(status).end();
    this.#hanging.clear();
  }

  async close(): Promise<void> {
    for (const response of this.#hanging) response.destroy();
    this.#hanging.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.#server.close((error) => (error ? reject(error) : resolve())));
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const received: ReceivedWebhook = {
        headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')])),
        body,
        json: JSON.parse(body) as WebhookBody,
        index: this.received.length,
        receivedAt: performance.now(),
      };
      this.received.push(received);
      const answer = this.respond(received);
      if (answer === 'hang') {
        this.#hanging.add(response);
      } else {
        response.writeHead(answer.status, answer.headers).end();
      }
      for (const listener of this.#listeners) listener();
    });
  }
}
