/**
 * Exit codes that scripts can rely on. They are listed in `hookline --help` and stay stable across versions.
 */
export const ExitCode = {
  ok: 0,
  /** The API refused the request (4xx other than 404), failed (5xx), could not be reached, or a check failed. */
  failed: 1,
  /** The command line was wrong: unknown command or option, missing or malformed argument, missing settings. */
  usage: 2,
  /** The resource does not exist (404), for this tenant or at all. */
  notFound: 3,
  /** Stopped by Ctrl-C while a request was in flight (128 + SIGINT, as shells report it). */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The command line cannot be carried out as written (exit 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Something the user asked to check did not hold (exit 1), e.g. a signature or a failed job. */
export class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

/** A field problem of an application/problem+json answer. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** The API answered with an error status; `problem` is its problem+json document when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly problem: Record<string, unknown> | undefined;
  /** Seconds to wait before retrying, from Retry-After (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(status: number, problem: Record<string, unknown> | undefined, fallback: string, retryAfter?: number) {
    const detail = typeof problem?.detail === 'string' ? problem.detail : typeof problem?.title === 'string' ? problem.title : fallback;
    super(detail);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** The field problems the API listed (`errors`), if any. */
  get fieldErrors(): FieldProblem[] {
    const errors = this.problem?.errors;
    if (!Array.isArray(errors)) return [];
    return errors
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
      .map((e) => ({ path: String(e.path ?? ''), message: String(e.message ?? '') }));
  }
}

/** The API could not be reached or did not answer in time (exit 1). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

/** Ctrl-C arrived while a request was in flight (exit 130); `events tail` and `jobs watch` end cleanly instead. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
}

/** The exit code for an error thrown by a command. */
export function exitCodeOf(err: unknown): ExitCode {
  if (err instanceof UsageError) return ExitCode.usage;
  if (err instanceof Interrupted) return ExitCode.interrupted;
  if (err instanceof ApiError) return err.status === 404 ? ExitCode.notFound : ExitCode.failed;
  return ExitCode.failed;
}
