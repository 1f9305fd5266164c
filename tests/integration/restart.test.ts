import { afterEach, describe, expect, it } from 'vitest';
import { TestResources } from '../support/TestResources.js';
import type { TestServer } from '../support/TestServer.js';
import { waitFor } from '../support/waitFor.js';

const resources = new TestResources();
const startServer = (args: string[] = []) => resources.startServer(args);
const connect = (server: TestServer, documentName: string) => resources.connect(server, documentName);

afterEach(() => resources.dispose());

describe('content survives the server', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('is saved on %s and served again after a restart', async (signal) => {
    // Snapshots are far in the future: only the shutdown flush can write one.
    const server = await startServer(['--snapshot-idle-ms', '60000', '--snapshot-max-wait-ms', '60000']);
    const writer = connect(server, 'survives-restart');
    await writer.synced();
    writer.text.insert(0, 'Nothing a user typed may be lost.');
    // Another client seeing the text proves the server holds it.
    const witness = connect(server, 'survives-restart');
    await witness.textEquals('Nothing a user typed may be lost.');
    writer.destroy();
    witness.destroy();

    expect(await server.stop(signal)).toBe(0);
    expect(server.findLog((line) => line.msg === 'snapshot written' && line.documentName === 'survives-restart')).toBeDefined();
    await server.start();

    const reader = connect(server, 'survives-restart');
    await reader.textEquals('Nothing a user typed may be lost.');
    // A graceful shutdown leaves no log to replay: the snapshot holds everything.
    const loaded = server.logs.filter((line) => line.msg === 'document loaded' && line.documentName === 'survives-restart').at(-1);
    expect(loaded?.replayedUpdates).toBe(0);
  });

  it('an edit acknowledged as saved survives a crash (SIGKILL) the moment after', async () => {
    // No snapshot before the crash: the text can only come back from the log.
    const server = await startServer(['--snapshot-idle-ms', '60000', '--snapshot-max-wait-ms', '60000']);
    const writer = resources.connect(server, 'crash-after-ack', { wantsSavedState: true });
    await writer.synced();
    writer.text.insert(0, 'acknowledged before the crash');
    await writer.saved();

    await server.restart('SIGKILL');
    writer.destroy();
    const reader = connect(server, 'crash-after-ack');
    await reader.textEquals('acknowledged before the crash');
    const loaded = server.logs.filter((line) => line.msg === 'document loaded' && line.documentName === 'crash-after-ack').at(-1);
    expect(loaded?.replayedUpdates).toBeGreaterThan(0);
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
