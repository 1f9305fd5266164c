/**
 * The server answered an API call with an HTTP error. `code` is the server's
 * machine-readable `error.code` (`unauthorized`, `token-expired`, …) when
 * the body had one; the message is the server's own `error.message`.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;

  constructor(status: number, code: string | null, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}
