import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestResources } from '../support/TestResources.js';
import type { TestServer } from '../support/TestServer.js';
import type { YjsClient } from '../support/YjsClient.js';

let server: TestServer;
const resources = new TestResources();
const connect = (documentName: string) => resources.connect(server, documentName);

beforeAll(async () => {
  server = await resources.startServer();
});
afterEach(() => resources.destroyClients());
afterAll(() => resources.dispose());

describe('co-editing through the server with stock y-websocket clients', () => {
  it('two clients editing the same spot at once converge on the same text', async () => {
    const alice = connect('two-writers');
    const bob = connect('two-writers');
    await Promise.all([alice.synced(), bob.synced()]);

    alice.text.insert(0, 'Hello from Alice. ');
    bob.text.insert(0, 'Hello from Bob. ');

    const both = (client: YjsClient) => client.text.toString().includes('Hello from Alice. ') && client.text.toString().includes('Hello from Bob. ');
    await Promise.all([alice.docSatisfies(both, 'both greetings'), bob.docSatisfies(both, 'both greetings')]);
    expect(alice.text.toString()).toBe(bob.text.toString());
    expect(alice.text.length).toBe('Hello from Alice. '.length + 'Hello from Bob. '.length);
  });

  it('ten clients typing concurrently converge with every keystroke kept', async () => {
    const writers = Array.from({ length: 10 }, () => connect('ten-writers'));
    await Promise.all(writers.map((client) => client.synced()));

    const perWriter = 25;
    for (let round = 0; round < perWriter; round += 1) {
      writers.forEach((client, index) => {
        const position = Math.floor(Math.random() * (client.text.length + 1));
        client.text.insert(position, String.fromCharCode(65 + index));
      });
    }

    const complete = (client: YjsClient) => client.text.length === writers.length * perWriter;
    await Promise.all(writers.map((client) => client.docSatisfies(complete, `${writers.length * perWriter} characters`)));
    const texts = new Set(writers.map((client) => client.text.toString()));
    expect(texts.size).toBe(1);
    const [text] = texts;
    for (let index = 0; index < writers.length; index += 1) {
      const letter = String.fromCharCode(65 + index);
      expect(text?.split('').filter((character) => character === letter)).toHaveLength(perWriter);
    }
  });

  it('a client that joins later receives the whole document', async () => {
    const early = connect('late-joiner');
    await early.synced();
    early.text.insert(0, 'written before you came');
    const late = connect('late-joiner');
    await late.textEquals('written before you came');
  });

  it('documents are isolated from each other', async () => {
    const a = connect('isolated-a');
    const b = connect('isolated-b');
    await Promise.all([a.synced(), b.synced()]);
    a.text.insert(0, 'only in A');
    const otherA = connect('isolated-a');
    await otherA.textEquals('only in A');
    expect(b.text.toString()).toBe('');
  });
});

describe('presence (awareness)', () => {
  it('reaches the other clients and disappears as soon as a client leaves', async () => {
    const alice = connect('presence');
    const bob = connect('presence');
    const carol = connect('presence');
    alice.provider.awareness.setLocalStateField('user', { name: 'Alice', color: '#d33' });
    bob.provider.awareness.setLocalStateField('user', { name: 'Bob', color: '#33d' });
    carol.provider.awareness.setLocalStateField('user', { name: 'Carol', color: '#3a3' });

    await Promise.all([alice.presenceEquals(['Bob', 'Carol']), bob.presenceEquals(['Alice', 'Carol']), carol.presenceEquals(['Alice', 'Bob'])]);

    // A dropped connection, not a polite goodbye: the server must remove the presence itself
    // (awareness would otherwise linger for 30 s as a ghost caret).
    (carol.provider.ws as unknown as { terminate(): void } | null)?.terminate();
    carol.provider.shouldConnect = false;
    await Promise.all([alice.presenceEquals(['Bob'], 5_000), bob.presenceEquals(['Alice'], 5_000)]);
  });

  it('twelve people in one document all see each other (stock clients echo everyone’s presence back)', async () => {
    const names = Array.from({ length: 12 }, (_, index) => `Person${index + 1}`);
    const join = (name: string) => {
      const client = connect('crowded');
      client.provider.awareness.setLocalStateField('user', { name, color: '#555555' });
      return client;
    };
    const people = names.slice(0, 11).map(join);
    await Promise.all(people.map((client, index) => client.presenceEquals(names.slice(0, 11).filter((_, other) => other !== index))));
    // The newcomer receives eleven states at once and echoes all of them back in one message.
    people.push(join(names[11]!));
    await Promise.all(people.map((client, index) => client.presenceEquals(names.filter((_, other) => other !== index))));
    expect(people.every((client) => client.closeEvents.length === 0)).toBe(true);
    // Leaving still removes exactly the one who left, everywhere.
    people[0]!.destroy();
    await Promise.all(people.slice(1).map((client, index) => client.presenceEquals(names.slice(1).filter((_, other) => other !== index))));
  });

  it('a client that joins later sees who is already there', async () => {
    const alice = connect('presence-late');
    alice.provider.awareness.setLocalStateField('user', { name: 'Alice', color: '#d33' });
    await alice.synced();
    const dave = connect('presence-late');
    await dave.presenceEquals(['Alice']);
  });
});
