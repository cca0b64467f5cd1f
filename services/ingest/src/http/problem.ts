import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '@hookline/telemetry';
import type { z } from 'zod';
import { HooklineError, validationFailed } from '../domain/errors.ts';
import { findUnstorable } from '../domain/storable-json.ts';

const titles: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large',
  415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Sends an RFC 9457 problem document. */
export function sendProblem(
  res: Response,
  status: number,
  detail?: string,
  extra: { code?: string; errors?: Array<{ path: string; message: string }> } = {},
): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({
      type: extra.code ? `urn:hookline:problem:${extra.code}` : 'about:blank',
      title: titles[status] ?? 'Error',
      status,
      ...(detail ? { detail } : {}),
      ...(extra.code ? { code: extra.code } : {}),
      ...(extra.errors ? { errors: extra.errors } : {}),
    });
}

/** A zod issue as the problem document lists it: an unknown key is named in the path (`headers.x`, `extra`). */
function fieldProblems(issues: readonly z.core.$ZodIssue[], root: string): Array<{ path: string; message: string }> {
  return issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => ({ path: [...i.path, key].join('.'), message: 'is not a field of this request (unknown fields are refused, not ignored)' }))
      : [{ path: i.path.join('.') || root, message: i.message }],
  );
}

/**
 * Parses a request body with a zod schema, or throws a 422 listing every field problem. A body that could not be
 * stored whatever its schema (U+0000 in a string, nesting deeper than 64) is refused first, naming the field.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const unstorable = findUnstorable(body);
  if (unstorable) throw validationFailed([unstorable]);
  // No body at all reads as {} (every field optional); a JSON `null` is a body, and not an object.
  const result = schema.safeParse(body === undefined ? {} : body);
  if (result.success) return result.data;
  throw validationFailed(fieldProblems(result.error.issues, '(body)'));
}

/** Parses query parameters with a zod schema, or throws a 422 naming each bad parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const unstorable = findUnstorable(query);
  if (unstorable) throw validationFailed([unstorable], 'the query parameters are invalid');
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  throw validationFailed(fieldProblems(result.error.issues, '(query)'), 'the query parameters are invalid');
}

/** The stable code of an error raised by express itself (body parsing), or of an unexpected one. */
function errorCodeOf(err: unknown): string {
  const type = (err as { type?: string }).type;
  if (type === 'entity.parse.failed') return 'HKL_API_MALFORMED_JSON';
  if (type === 'entity.too.large') return 'HKL_API_TOO_LARGE';
  return 'HKL_API_INTERNAL';
}

/** A PostgreSQL "data exception" (SQLSTATE class 22: bad encoding, value too long, out of range, …). */
function isDataException(err: unknown): boolean {
  const { code, severity } = err as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code) && typeof severity === 'string';
}

/** Unknown routes answer 404 as a problem document. */
export const notFoundHandler: RequestHandler = (req, res) => sendProblem(res, 404, `no route for ${req.method} ${req.path}`);

/**
 * Maps known errors to problem documents; anything unexpected is logged with context and answered with a bare
 * 500 that reveals nothing of the internals.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) {
      // Already answered: a body refused as too large while express.json still read it says nothing new (body
      // parser errors carry a `type`); anything else is a defect to see in the logs.
      if (!(err as { type?: unknown }).type) log.error({ err, method: req.method, path: req.path }, 'error after the answer was sent');
      return;
    }
    res.locals.errorCode = err instanceof HooklineError ? err.code : errorCodeOf(err);
    if (err instanceof HooklineError) {
      if (err.retryAfterSeconds !== undefined) res.set('retry-after', String(err.retryAfterSeconds));
      return sendProblem(res, err.status, err.message, { code: err.code, ...(err.errors ? { errors: err.errors } : {}) });
    }
    const e = err as { status?: number };
    if (isDataException(err)) {
      // The last line of defence (values are checked before they reach PostgreSQL): a value it cannot take is the
      // request's fault, never a 500.
      res.locals.errorCode = 'HKL_API_UNSTORABLE';
      const column = (err as { column?: string }).column;
      return sendProblem(res, 422, 'a value of this request cannot be stored', {
        code: 'HKL_API_UNSTORABLE',
        errors: [{ path: column ?? '(body)', message: (err as Error).message }],
      });
    }
    if (res.locals.errorCode === 'HKL_API_MALFORMED_JSON') return sendProblem(res, 400, 'the body is not valid JSON', { code: 'HKL_API_MALFORMED_JSON' });
    if (res.locals.errorCode === 'HKL_API_TOO_LARGE') return sendProblem(res, 413, 'the body is larger than MAX_PAYLOAD_BYTES', { code: 'HKL_API_TOO_LARGE' });
    if (e.status && e.status >= 400 && e.status < 500) return sendProblem(res, e.status, undefined);
    log.error({ err, method: req.method, path: req.path }, 'unhandled error in request');
    if (!res.headersSent) res.status(500).type('application/problem+json').json({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
  };
}
