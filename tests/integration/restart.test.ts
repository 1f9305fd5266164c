import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestServer } from '../support/TestServer.js';
import { YjsClient } from '../support/YjsClient.js';
import { waitFor } from '../support/waitFor.js';

const servers: TestServer[] = [];
const clients: YjsClient[] = [];

async function startServer(args: string[] = []): Promise<TestServer> {
  const server = await TestServer.start({ args });
  servers.push(server);
  return server;
}

function connect(server: TestServer, documentName: string): YjsClient {
  const client = new YjsClient(server.wsUrl, documentName);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((server) => server.dispose()));
});

describe('content survives the server', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('is saved on %s and served again after a restart', async (signal) => {
    // Saves are far in the future: only the shutdown flush can have written the text.
    const server = await startServer(['--save-debounce-ms', '60000', '--save-max-wait-ms', '60000']);
    const writer = connect(server, 'survives-restart');
    await writer.synced();
    writer.text.insert(0, 'Nothing a user typed may be lost.');
    // Another client seeing the text proves the server holds it.
    const witness = connect(server, 'survives-restart');
    await witness.textEquals('Nothing a user typed may be lost.');
    writer.destroy();
    witness.destroy();

    expect(await server.stop(signal)).toBe(0);
    expect(server.findLog((line) => line.msg === 'document saved' && line.documentName === 'survives-restart')).toBeDefined();
    await server.start();

    const reader = connect(server, 'survives-restart');
    await reader.textEquals('Nothing a user typed may be lost.');
  });

  it('is written to disk within the save window, so even a crash (SIGKILL) after it keeps the text', async () => {
    const server = await startServer(['--save-debounce-ms', '50', '--save-max-wait-ms', '200']);
    const writer = connect(server, 'crash-after-save');
    await writer.synced();
    writer.text.insert(0, 'saved before the crash');

    const file = join(server.dataDir, 'documents', 'crash-after-save.json');
    await waitFor(() => server.findLog((line) => line.msg === 'document saved' && line.documentName === 'crash-after-save'), {
      description: 'the server to log the save',
    });
    const stored = JSON.parse(await readFile(file, 'utf8')) as { documentName: string; state: string; format: string };
    expect(stored.documentName).toBe('crash-after-save');
    expect(stored.format).toBe('tandem.document/1');

    await server.restart('SIGKILL');
    writer.destroy();
    const reader = connect(server, 'crash-after-save');
    await reader.textEquals('saved before the crash');
  });

  it('a client connected during a restart reconnects by itself and delivers what it typed while the server was down', async () => {
    const server = await startServer();
    const alice = connect(server, 'offline-edits');
    await alice.synced();
    alice.text.insert(0, 'before the restart. ');
    const bob = connect(server, 'offline-edits');
    await bob.textEquals('before the restart. ');

    await server.stop('SIGTERM');
    await waitFor(() => !alice.provider.wsconnected, { description: 'alice to notice the server is gone' });
    // Typed while there is no server at all.
    alice.text.insert(alice.text.length, 'typed while the server was down.');

    await server.start();
    await alice.synced(15_000);
    // Bob also reconnects by himself and receives Alice's offline edit.
    await bob.textEquals('before the restart. typed while the server was down.', 15_000);
    const newcomer = connect(server, 'offline-edits');
    await newcomer.textEquals('before the restart. typed while the server was down.');
    expect(alice.closeEvents.map((event) => event.code)).toContain(1012);
  });
});
