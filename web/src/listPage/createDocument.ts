import { apiRequest } from './apiRequest.js';

/** What a new document starts with; the server converts it once, when it creates the document. */
export interface DocumentContent {
  format: 'markdown' | 'html';
  value: string;
}

/**
 * Creates a document on the server (`POST /api/documents`), seeded with
 * `content`. Throws an `ApiError`: `409 document-exists`, `400
 * invalid-content`, `413` (larger than a document may be), `401`/`403`.
 */
export async function createDocument(documentName: string, content: DocumentContent, options: { token?: string } = {}): Promise<void> {
  await apiRequest('/api/documents', { method: 'POST', body: { name: documentName, content }, ...options });
}
