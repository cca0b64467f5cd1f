import express, { type RequestHandler } from 'express';
import { sendProblem } from './problem.ts';

/**
 * Parses JSON bodies up to `maxBytes`, and answers 413 as soon as a body is over it. express.json alone reads a
 * too-large body to its end before answering (so that the client can read the answer): a body that never ends
 * would hold the connection until the request timeout. Here a declared length over the limit is refused at once,
 * and a body whose bytes (as sent, before any decompression) pass the limit is refused when they do; the
 * connection is then closed, after a second in which the client can read the answer.
 */
export function jsonBody(maxBytes: number): RequestHandler {
  const json = express.json({ limit: maxBytes, strict: false, type: ['application/json', 'application/*+json'] });
  return (req, res, next) => {
    const refuse = () => {
      res.locals.errorCode = 'HKL_API_TOO_LARGE';
      const socket = req.socket;
      if (!res.headersSent) {
        res.set('connection', 'close');
        sendProblem(res, 413, 'the body is larger than MAX_PAYLOAD_BYTES', { code: 'HKL_API_TOO_LARGE' });
      }
      // Stop reading the body; close our side, and the connection a second later whatever the client does.
      socket.end();
      setTimeout(() => socket.destroy(), 1_000).unref();
    };
    if (Number(req.get('content-length') ?? 0) > maxBytes) return refuse();
    json(req, res, next);
    if (req.complete || req.readableEnded) return;
    // Listening after express.json has attached its own listeners: both see every byte.
    let seen = 0;
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= maxBytes) return;
      req.off('data', count);
      refuse();
    };
    req.on('data', count);
  };
}
