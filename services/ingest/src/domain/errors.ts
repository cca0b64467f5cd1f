/** An error with a stable code (`HKL_<AREA>_<REASON>`), an HTTP status and whether a retry may succeed. */
export class HooklineError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly errors: Array<{ path: string; message: string }> | undefined;
  /** Seconds a client should wait before retrying (429, 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(opts: {
    code: string;
    status: number;
    message: string;
    retryable?: boolean;
    errors?: Array<{ path: string; message: string }>;
    retryAfterSeconds?: number;
    cause?: unknown;
  }) {
    super(opts.message, { cause: opts.cause });
    this.name = 'HooklineError';
    this.code = opts.code;
    this.status = opts.status;
    this.retryable = opts.retryable ?? false;
    this.errors = opts.errors;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

export const notFound = (what: string) => new HooklineError({ code: 'HKL_API_NOT_FOUND', status: 404, message: `${what} not found` });
export const unauthorized = () =>
  new HooklineError({ code: 'HKL_AUTH_UNAUTHORIZED', status: 401, message: 'missing or invalid bearer token' });

export const validationFailed = (errors: Array<{ path: string; message: string }>, message = 'the request body is invalid') =>
  new HooklineError({ code: 'HKL_API_VALIDATION', status: 422, message, errors });
