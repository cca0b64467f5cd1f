/** An error with a stable code (`HKL_<AREA>_<REASON>`), an HTTP status and whether a retry may succeed. */
export class HooklineError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly errors: Array<{ path: string; message: string }> | undefined;

  constructor(opts: {
    code: string;
    status: number;
    message: string;
    retryable?: boolean;
    errors?: Array<{ path: string; message: string }>;
    cause?: unknown;
  }) {
    super(opts.message, { cause: opts.cause });
    this.name = 'HooklineError';
    this.code = opts.code;
    this.status = opts.status;
    this.retryable = opts.retryable ?? false;
    this.errors = opts.errors;
  }
}

export const notFound = (what: string) => new HooklineError({ code: 'HKL_API_NOT_FOUND', status: 404, message: `${what} not found` });
export const unauthorized = () =>
  new HooklineError({ code: 'HKL_AUTH_UNAUTHORIZED', status: 401, message: 'missing or invalid bearer token' });
