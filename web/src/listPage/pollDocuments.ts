import { fetchDocuments, type DocumentSummary } from './fetchDocuments.js';

export interface PollDocumentsOptions {
  /** Time between refreshes while the page is visible. */
  intervalMs: number;
  /** Access token for a server that requires one. */
  token?: string;
  onDocuments: (documents: DocumentSummary[]) => void;
  onError: (error: Error) => void;
}

export interface DocumentPoller {
  /** Fetches now (unless a fetch is already running) and restarts the interval. */
  refresh(): void;
  /** Stops the interval and listeners and aborts a running fetch. */
  stop(): void;
}

/**
 * Keeps the document list fresh: fetches at once, then every `intervalMs`
 * while the tab is visible, and again whenever the window regains focus.
 * At most one request runs at a time.
 */
export function pollDocuments(options: PollDocumentsOptions): DocumentPoller {
  let timer = 0;
  let running: AbortController | null = null;

  function schedule(): void {
    window.clearTimeout(timer);
    if (document.visibilityState === 'visible') timer = window.setTimeout(refresh, options.intervalMs);
  }

  function refresh(): void {
    if (running) return;
    const controller = new AbortController();
    running = controller;
    void fetchDocuments({ signal: controller.signal, ...(options.token ? { token: options.token } : {}) })
      .then(options.onDocuments, (error: unknown) => {
        if (controller.signal.aborted) return;
        options.onError(error instanceof Error ? error : new Error(String(error)));
      })
      .finally(() => {
        if (running === controller) running = null;
        if (!controller.signal.aborted) schedule();
      });
  }

  const onVisible = (): void => {
    if (document.visibilityState === 'visible') refresh();
    else window.clearTimeout(timer);
  };
  window.addEventListener('focus', refresh);
  document.addEventListener('visibilitychange', onVisible);
  refresh();

  return {
    refresh,
    stop() {
      window.clearTimeout(timer);
      running?.abort();
      window.removeEventListener('focus', refresh);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}
