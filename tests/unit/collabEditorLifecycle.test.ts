// @vitest-environment happy-dom
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer, type RawData } from 'ws';
import { Peer } from '../../server/rooms/Peer.js';
import { RoomRegistry } from '../../server/rooms/RoomRegistry.js';
import type { Room } from '../../server/rooms/Room.js';
import { MemoryDocumentStore } from '../../storage/MemoryDocumentStore.js';
import { createCollabEditor, type CollabEditor } from '../../web/src/editor/createCollabEditor.js';
import { waitFor } from '../support/waitFor.js';

/**
 * The component's lifecycle in a DOM (happy-dom), against the server's real
 * rooms over real WebSockets: after `destroy()` nothing it started may be left
 * running: no socket, no timer, no window or document listener, no presence.
 * (happy-dom has no IndexedDB, so the local copy is off here; the e2e tests cover it.)
 */

/** Every timer, socket and listener started while the editor runs, and whether it is still live. */
class ResourceTracker {
  readonly timeouts = new Map<unknown, string>();
  readonly intervals = new Map<unknown, string>();
  readonly sockets: NodeWebSocket[] = [];
  readonly listeners = new Map<string, number>();
  readonly #restore: (() => void)[] = [];

  install(): void {
    const global = globalThis as unknown as Record<string, unknown>;
    const track = <K extends string>(name: K, replacement: unknown) => {
      const original = global[name];
      global[name] = replacement;
      this.#restore.push(() => (global[name] = original));
    };
    const originalSetTimeout = globalThis.setTimeout;
    const originalClearTimeout = globalThis.clearTimeout;
    const originalSetInterval = globalThis.setInterval;
    const originalClearInterval = globalThis.clearInterval;
    const stack = () => new Error().stack?.split('\n').slice(3, 6).join(' <- ') ?? '';
    // Only the editor's timers count: not the test runner's, the waiters' or the stand-in server's (same process).
    const isEditors = () => {
      const trace = new Error().stack ?? '';
      return !/[/\\]server[/\\]rooms[/\\]/.test(trace) && /[/\\](web[/\\]src|node_modules[/\\](y-|yjs|lib0|@tiptap|prosemirror))/.test(trace);
    };
    track('setTimeout', (callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
      const id = originalSetTimeout(
        (...callbackArgs: unknown[]) => {
          this.timeouts.delete(id);
          callback(...callbackArgs);
        },
        delay,
        ...args,
      );
      if (isEditors()) this.timeouts.set(id, stack());
      return id;
    });
    track('clearTimeout', (id: Parameters<typeof clearTimeout>[0]) => {
      this.timeouts.delete(id);
      originalClearTimeout(id);
    });
    track('setInterval', (callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
      const id = originalSetInterval(callback, delay, ...args);
      if (isEditors()) this.intervals.set(id, stack());
      return id;
    });
    track('clearInterval', (id: Parameters<typeof clearInterval>[0]) => {
      this.intervals.delete(id);
      originalClearInterval(id);
    });
    const sockets = this.sockets;
    track(
      'WebSocket',
      class TrackedWebSocket extends NodeWebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols);
          sockets.push(this);
        }
      },
    );
    for (const [label, target] of [
      ['window', window],
      ['document', document],
    ] as const) {
      const add = target.addEventListener.bind(target);
      const remove = target.removeEventListener.bind(target);
      target.addEventListener = (type: string, listener: unknown, options?: unknown) => {
        this.#count(`${label}:${type}`, +1);
        add(type, listener as EventListener, options as AddEventListenerOptions);
      };
      target.removeEventListener = (type: string, listener: unknown, options?: unknown) => {
        this.#count(`${label}:${type}`, -1);
        remove(type, listener as EventListener, options as EventListenerOptions);
      };
      this.#restore.push(() => {
        target.addEventListener = add;
        target.removeEventListener = remove;
      });
    }
  }

  uninstall(): void {
    for (const restore of this.#restore.splice(0).reverse()) restore();
  }

  /** Listener types with more additions than removals. */
  get leftoverListeners(): string[] {
    return [...this.listeners].filter(([, count]) => count > 0).map(([type, count]) => `${type} ×${count}`);
  }

  #count(type: string, delta: number): void {
    this.listeners.set(type, (this.listeners.get(type) ?? 0) + delta);
  }
}

let wss: WebSocketServer;
let registry: RoomRegistry;
let serverUrl: string;
let tracker: ResourceTracker;
let peerCount = 0;

beforeEach(async () => {
  registry = new RoomRegistry({
    store: new MemoryDocumentStore(),
    logger: pino({ level: 'silent' }),
    snapshotPolicy: { idleMs: 10, maxWaitMs: 50, afterUpdates: 1000, afterBytes: 1 << 20, retryBaseMs: 10, retryMaxMs: 40 },
    maxDocumentBytes: 32 << 20,
  });
  // The server's rooms behind a plain `ws` server: the sync protocol is the real one, with no HTTP layer to set up.
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  wss.on('connection', (socket, request) => {
    const documentName = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname.split('/').at(-1) ?? '');
    const peer = new Peer(`peer-${(peerCount += 1)}`, { send: (frame) => socket.send(frame), close: (code, reason) => socket.close(code, reason) }, { wantsSavedState: true });
    const queued: RawData[] = [];
    let room: Room | null = null;
    socket.on('message', (data) => (room ? room.receive(peer, toBytes(data)) : queued.push(data)));
    socket.on('close', () => room?.removePeer(peer));
    void registry.join(documentName, peer).then((joined) => {
      room = joined;
      for (const data of queued.splice(0)) joined.receive(peer, toBytes(data));
    });
  });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  serverUrl = `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ws`;
  tracker = new ResourceTracker();
});

afterEach(async () => {
  tracker.uninstall();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  await registry.close();
});

function toBytes(data: RawData): Uint8Array {
  return data instanceof Buffer ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(Buffer.concat(data as Buffer[]));
}

function mount(documentName: string, name: string): { collab: CollabEditor; element: HTMLElement } {
  const element = document.createElement('div');
  document.body.append(element);
  const collab = createCollabEditor({ element, serverUrl, documentName, user: { name, color: '#1565c0' }, placeholder: 'Write…' });
  return { collab, element };
}

describe('createCollabEditor lifecycle', () => {
  it('releases its socket, timers, listeners and presence on destroy()', async () => {
    tracker.install();
    const { collab, element } = mount('lifecycle', 'Ada');
    await waitFor(() => collab.status === 'connected' && collab.saveStatus === 'saved', { description: 'connected and saved' });
    collab.editor.commands.insertContent('Hello from Ada');
    await waitFor(() => registry.get('lifecycle')?.doc.getXmlFragment('default').toString().includes('Hello from Ada'), { description: 'text reached the server' });
    await waitFor(() => (registry.get('lifecycle')?.awareness.getStates().size ?? 0) === 1, { description: 'presence reached the server' });
    expect(tracker.sockets).toHaveLength(1);
    expect(tracker.intervals.size).toBeGreaterThan(0);

    collab.destroy();

    // Nothing repeating is left, the socket closes, and the server forgets the presence at once.
    expect([...tracker.intervals.values()]).toEqual([]);
    await waitFor(() => tracker.sockets.every((socket) => socket.readyState === NodeWebSocket.CLOSED), { description: 'socket closed' });
    await waitFor(() => registry.get('lifecycle')?.peers.size === 0 || registry.get('lifecycle') === undefined, { description: 'server saw the peer leave' });
    expect(registry.get('lifecycle')?.awareness.getStates().size ?? 0).toBe(0);
    // One-off timeouts run out on their own; one that keeps rescheduling itself would not.
    await waitFor(() => tracker.timeouts.size === 0, { description: `timeouts to run out: ${[...tracker.timeouts.values()].join(' | ')}`, timeoutMs: 4000 });
    expect(tracker.leftoverListeners).toEqual([]);
    expect(element.childElementCount).toBe(0);
    // No late reconnect either.
    expect(tracker.sockets).toHaveLength(1);
    collab.destroy(); // a second call is harmless
  });

  it('releases everything when destroyed before it ever connected, and when destroyed twice in a row', async () => {
    tracker.install();
    const { collab } = mount('early', 'Bo');
    collab.destroy();
    collab.destroy();
    expect([...tracker.intervals.values()]).toEqual([]);
    await waitFor(() => tracker.sockets.every((socket) => socket.readyState === NodeWebSocket.CLOSED), { description: 'socket closed' });
    await waitFor(() => tracker.timeouts.size === 0, { description: `timeouts to run out: ${[...tracker.timeouts.values()].join(' | ')}`, timeoutMs: 4000 });
    expect(tracker.leftoverListeners).toEqual([]);
  });
});
