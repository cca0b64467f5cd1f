import type { Request, Response } from 'express';
import { sendProblem } from './problem.ts';

/**
 * Reads a request's body as the exact bytes sent, up to `maxBytes`. A declared length over the limit is refused
 * at once, and a body is refused as soon as its bytes pass the limit: 413 problem+json, then the connection is
 * closed a second later (as {@link jsonBody} does), so an endless body cannot hold it. Resolves null when refused.
 */
export function readRawBody(req: Request, res: Response, maxBytes: number): Promise<Buffer | null> {
  const refuse = () => {
    res.locals.errorCode = 'HKL_API_TOO_LARGE';
    if (!res.headersSent) {
      res.set('connection', 'close');
      sendProblem(res, 413, 'the body is larger than MAX_PAYLOAD_BYTES', { code: 'HKL_API_TOO_LARGE' });
    }
    const socket = req.socket;
    socket.end();
    setTimeout(() => socket.destroy(), 1_000).unref();
  };
  if (Number(req.get('content-length') ?? 0) > maxBytes) {
    refuse();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      cleanup();
      refuse();
      resolve(null);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, seen));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(Object.assign(err, { status: 400 }));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
