import { createMessageCard } from '../dom/createMessageCard.js';
import type { IconName } from '../dom/icon.js';

export interface DocumentErrorOptions {
  /** Where "All documents" leads; keeps the visitor's access link. Default `/`. */
  homeHref?: string;
  /** `access` for a link that does not (or no longer) open this document. Default `error`. */
  tone?: 'error' | 'access';
  /** Why, as `data-reason` (e.g. `token-expired`). */
  reason?: string;
  /** The picture at the top (see `createMessageCard`). */
  icon?: IconName;
}

/** The inline error shown instead of the editor (`data-testid="document-error"`). */
export function createDocumentError(title: string, detail: string, options: DocumentErrorOptions = {}): HTMLElement {
  return createMessageCard({
    title,
    detail,
    tone: options.tone ?? 'error',
    testId: 'document-error',
    ...(options.reason ? { reason: options.reason } : {}),
    ...(options.icon ? { icon: options.icon } : {}),
    action: { href: options.homeHref ?? '/', label: 'All documents', icon: 'arrowLeft' },
  });
}
