import SwaggerParser from '@apidevtools/swagger-parser';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/createApp.js';
import { createServerMetrics } from '../../server/metrics/createServerMetrics.js';
import { ERROR_CODES } from '../../server/http/openApiDocument.js';
import { RoomRegistry } from '../../server/rooms/RoomRegistry.js';
import { MemoryDocumentStore } from '../../storage/MemoryDocumentStore.js';

const store = new MemoryDocumentStore();
const logger = pino({ level: 'silent' });
const registry = new RoomRegistry({
  store,
  logger,
  snapshotPolicy: { idleMs: 5, maxWaitMs: 20, afterUpdates: 1000, afterBytes: 1 << 20, retryBaseMs: 10, retryMaxMs: 40 },
  maxDocumentBytes: 1 << 20,
});
const { app, closeImports, wss } = createApp({
  registry,
  store,
  logger,
  webDir: '/nonexistent',
  // With an admin key and a secret, every route the server can have is registered.
  access: { authSecret: 'openapi-unit-secret-0123456789abcdefghijkl', allowedOrigins: [], adminKey: 'admin-key-0123456789', publicUrl: null, trustProxy: false },
  limits: {
    maxMessageBytes: 1 << 20,
    maxConnections: 10,
    maxConnectionsPerDocument: 10,
    connectionsPerMinutePerIp: 0,
    maxDocumentBytes: 1 << 20,
    messagesPerSecond: 0,
    messageBurst: 10,
    handshakeTimeoutMs: 5000,
    httpSessionTimeoutMs: 30_000,
  },
  monitoring: {
    metrics: createServerMetrics({ rooms: () => registry.stats(), httpRequestsInFlight: () => 0, processMetrics: false }),
    metricsToken: null,
    isShuttingDown: () => false,
  },
});
afterAll(async () => {
  await registry.close();
  await closeImports();
  wss.close();
});

interface OpenApi {
  openapi: string;
  info: { description: string };
  paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
}

async function description(): Promise<OpenApi> {
  const response = await app.request('/api/openapi.json');
  expect(response.status).toBe(200);
  return (await response.json()) as OpenApi;
}

/** Hono's `/api/documents/:documentName` as OpenAPI writes it. */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const document = await description();
    expect(document.openapi).toBe('3.1.0');
    // validate() dereferences in place; give it a copy.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('describes every /api route the app registers, and no route it does not', async () => {
    const { paths } = await description();
    const registered = app.routes
      .filter((route) => route.method !== 'ALL' && (route.path.startsWith('/api/') || route.path === '/healthz'))
      .map((route) => `${route.method} ${toOpenApiPath(route.path)}`);
    expect(registered.length).toBeGreaterThanOrEqual(9);
    const described = Object.entries(paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    for (const route of registered) expect(described).toContain(route);
    // /readyz and /metrics come with the observability part of the server.
    const elsewhere = new Set(['GET /readyz', 'GET /metrics']);
    for (const operation of described) if (!elsewhere.has(operation)) expect(registered).toContain(operation);
  });

  it('lists every stable error code, and each error answer names its codes', async () => {
    const document = await description();
    for (const code of Object.keys(ERROR_CODES)) expect(document.info.description).toContain(`\`${code}\``);
    const content = document.paths['/api/documents/{documentName}/content']!;
    expect(content['put']!.responses['413']!.description).toContain('document-too-large');
    expect(content['get']!.responses['400']!.description).toContain('invalid-query');
  });
});
