import type { TestServer } from './TestServer.js';

/**
 * Creates a document through the server's HTTP API, as an importing client
 * would: seeded once by the server with `markdown` (an empty paragraph without).
 *
 * @example
 * await createDocumentOnServer(server, 'plan', '# Plan\n');
 */
export async function createDocumentOnServer(server: TestServer, documentName: string, markdown?: string): Promise<void> {
  const response = await fetch(`${server.httpUrl}/api/documents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: documentName, ...(markdown === undefined ? {} : { content: { format: 'markdown', value: markdown } }) }),
  });
  if (response.status !== 201) throw new Error(`creating "${documentName}" answered ${response.status}: ${await response.text()}`);
}

/** The names of the documents the server lists. */
export async function listDocumentNames(server: TestServer): Promise<string[]> {
  const response = await fetch(`${server.httpUrl}/api/documents`);
  if (!response.ok) throw new Error(`listing documents answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { documents: { name: string }[] };
  return body.documents.map((document) => document.name);
}
