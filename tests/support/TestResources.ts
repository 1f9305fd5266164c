import { TestServer, type TestServerOptions } from './TestServer.js';
import { YjsClient, type YjsClientOptions } from './YjsClient.js';

/**
 * The servers and clients one test file starts, so that every test can stop
 * what it started: `destroyClients()` after each test, `dispose()` for all.
 */
export class TestResources {
  readonly #servers: TestServer[] = [];
  readonly #clients: YjsClient[] = [];

  async startServer(args: string[] = [], options: Omit<TestServerOptions, 'args'> = {}): Promise<TestServer> {
    const server = await TestServer.start({ ...options, args });
    this.#servers.push(server);
    return server;
  }

  /** A stock y-websocket client on `server`, destroyed with the others. */
  connect(server: TestServer, documentName: string, options: YjsClientOptions = {}): YjsClient {
    const client = new YjsClient(server.wsUrl, documentName, options);
    this.#clients.push(client);
    return client;
  }

  destroyClients(): void {
    for (const client of this.#clients.splice(0)) client.destroy();
  }

  /** Destroys every client, then stops every server and removes its temporary data. */
  async dispose(): Promise<void> {
    this.destroyClients();
    await Promise.all(this.#servers.splice(0).map((server) => server.dispose()));
  }
}
