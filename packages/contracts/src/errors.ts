/**
 * Where handling a request or record failed; it decides what may be done again. `before_send`: nothing left the
 * process, the whole step may run again. `send`: the webhook request itself failed (its outcome is an attempt).
 * `after_send`: the request was sent and its outcome decided; only the hand-off (records, endpoint state) may be
 * retried, never the request. `decode` and `write` are the consumers' reading and the tracker's storing.
 */
export type FailureStage = 'decode' | 'before_send' | 'send' | 'after_send' | 'write';

/** What every Hookline error carries. */
export interface HooklineErrorOptions {
  /** Stable code `HKL_<AREA>_<REASON>`, for logs, metrics and clients. */
  code: string;
  message: string;
  /** Whether doing the same again may succeed (default false). */
  retryable?: boolean;
  stage?: FailureStage;
  cause?: unknown;
}

/**
 * The one error taxonomy of the services: a stable code, whether a retry may succeed, the stage it happened in,
 * and its cause. Areas add what they need (the API an HTTP status) by extending it, never a taxonomy of their own.
 */
export class HooklineError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly stage: FailureStage | undefined;

  constructor(opts: HooklineErrorOptions) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HooklineError';
    this.code = opts.code;
    this.retryable = opts.retryable ?? false;
    this.stage = opts.stage;
  }
}
