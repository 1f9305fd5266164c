import { apiRequest } from './apiRequest.js';

/**
 * Deletes a document on the server (`DELETE /api/documents/:name`); whoever
 * has it open is disconnected. Throws an `ApiError` (`404 not-found` when it
 * is already gone, `403` when the access link may not change it).
 */
export async function deleteDocument(documentName: string, options: { token?: string } = {}): Promise<void> {
  await apiRequest(`/api/documents/${encodeURIComponent(documentName)}`, { method: 'DELETE', ...options });
}
