import { HooklineError as BaseError } from '@hookline/contracts';

/**
 * An API error: the services' one taxonomy (a stable code `HKL_<AREA>_<REASON>`, whether a retry may succeed, its
 * cause) plus the HTTP status, the field problems and a Retry-After.
 */
export class HooklineError extends BaseError {
  readonly status: number;
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
    super(opts);
    this.status = opts.status;
    this.errors = opts.errors;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

export const notFound = (what: string) => new HooklineError({ code: 'HKL_API_NOT_FOUND', status: 404, message: `${what} not found` });
export const unauthorized = () =>
  new HooklineError({ code: 'HKL_AUTH_UNAUTHORIZED', status: 401, message: 'missing or invalid bearer token' });

export const validationFailed = (errors: Array<{ path: string; message: string }>, message = 'the request body is invalid') =>
  new HooklineError({ code: 'HKL_API_VALIDATION', status: 422, message, errors });

export const forbidden = (code: string, message: string) => new HooklineError({ code, status: 403, message });
export const conflict = (code: string, message: string) => new HooklineError({ code, status: 409, message });
