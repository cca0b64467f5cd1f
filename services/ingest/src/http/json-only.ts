import type { RequestHandler } from 'express';
import { sendProblem } from './problem.ts';

/** Requests that carry a body must say it is JSON (415 otherwise). */
export const jsonOnly: RequestHandler = (req, res, next) => {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is('application/json') && !req.is('application/*+json')) {
    res.locals.errorCode = 'HKL_API_UNSUPPORTED_MEDIA_TYPE';
    return sendProblem(res, 415, 'the body must be application/json', { code: 'HKL_API_UNSUPPORTED_MEDIA_TYPE' });
  }
  next();
};
