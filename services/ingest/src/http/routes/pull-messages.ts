import type { EndpointsRepository, PullMessage, PullMessagesRepository, PullMessageWakeups } from '@hookline/db';
import type { Logger } from '@hookline/telemetry';
import type { Response } from 'express';
import { z } from 'zod';
import { conflict, forbidden, notFound, validationFailed } from '../../domain/errors.ts';
import { signedAtRead } from '../../domain/read-signature.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { appOf, portalOf, tenantOf } from '../auth.ts';
import { APPLICATION_MOUNTS } from '../mounts.ts';
import { parseQuery } from '../problem.ts';

/** The longest a long poll waits for a message (seconds). */
export const MAX_WAIT_SECONDS = 30;
/** A stream says it is alive this often while nothing arrives (proxies drop silent connections). */
const KEEP_ALIVE_MS = 15_000;
/** A stream ends after this long; EventSource reconnects with Last-Event-ID and resumes where it was. */
const STREAM_MAX_MS = 30 * 60_000;
const STREAM_BATCH = 100;

const cursorText = z.string().regex(/^\d{1,15}$/, 'must be a cursor from an earlier answer (digits)');
const messagesQuery = z.object({
  cursor: cursorText.optional().describe('Commits (acknowledges) every message up to this cursor, then reads after it. Absent: read after the last committed position'),
  limit: z.coerce.number().int().min(1).max(1_000).default(100).describe('Messages per answer (1–1000, default 100)'),
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_WAIT_SECONDS)
    .default(0)
    .describe(`Long poll: when no message waits, wait up to this many seconds for one (0–${MAX_WAIT_SECONDS}, default 0: answer at once)`),
});

const messageView = z.object({
  id: z.string().describe('The message id: the `webhook-id` header (the event id; the same on a redelivery)'),
  cursor: z.string().describe("This message's place in the endpoint's sequence (pass it as `cursor` to commit up to it)"),
  eventId: z.string(),
  eventType: z.string(),
  eventCreatedAt: z.string().describe('When the event was published'),
  createdAt: z.string().describe('When the dispatcher stored it'),
  headers: z
    .record(z.string(), z.string())
    .describe(
      "The headers an HTTP receiver would get: webhook-id, webhook-timestamp, webhook-signature, content-type, user-agent, traceparent, the endpoint's own headers. `webhook-timestamp` is the time of this read and `webhook-signature` is computed then with the endpoint's active secrets, so a Standard Webhooks library's default tolerance accepts a message read long after it was stored",
    ),
  body: z.string().describe("The signed body, byte for byte (verify webhook-signature over it with the endpoint's secret)"),
});
const messagesPage = z.object({
  data: z.array(messageView),
  cursor: z.string().describe('Where this answer ends: pass it back to commit these messages and read the next ones'),
  done: z.boolean().describe('true when no more messages wait after `cursor` right now'),
});

/** A message as a reader gets it, signed with `secrets` at `nowSeconds` (the read). */
const view = (m: PullMessage, secrets: readonly string[], nowSeconds: number) => ({
  id: m.messageId,
  cursor: String(m.seq),
  eventId: m.eventId,
  eventType: m.eventType,
  eventCreatedAt: m.eventCreatedAt.toISOString(),
  createdAt: m.createdAt.toISOString(),
  headers: signedAtRead(m, secrets, nowSeconds),
  body: m.body,
});

/** Unix seconds now: what a read stamps and signs. */
const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface PullMessageDeps {
  endpoints: EndpointsRepository;
  messages: PullMessagesRepository;
  wakeups: PullMessageWakeups;
  /** Aborts when ingest stops: waiting polls answer, streams end. */
  stopping: AbortSignal;
  log: Logger;
}

/** Aborts when the response closes (answered, or the client went away) or ingest stops. */
function requestSignal(res: Response, stopping: AbortSignal): AbortSignal {
  const gone = new AbortController();
  res.on('close', () => gone.abort());
  return AbortSignal.any([gone.signal, stopping]);
}

/**
 * Pull endpoints' messages (issue 22): `GET /v1/endpoints/{id}/messages?cursor=&limit=&wait=` answers
 * `{data, cursor, done}` (Svix's polling endpoint answers `{data, iterator, done}`): at once when messages wait, else
 * after the first arrives or `wait` seconds. At least once: passing a `cursor` commits everything up to it; without
 * one the read starts after the last committed position, so messages read but not committed come again. With
 * `Accept: text/event-stream` the same messages come as Server-Sent Events (`id:` = cursor, `data:` = the message
 * as JSON) as they are stored; `Last-Event-ID` (or `cursor`) commits up to it and resumes after it. Tenant API keys
 * read and commit; a portal session of the endpoint's application too, a read-only one may only read (a `cursor` or
 * `Last-Event-ID` is answered 403). A read renews a temporary endpoint's expiry.
 */
export function pullMessageRoutes(api: ApiRoutes, deps: PullMessageDeps): void {
  const { endpoints, messages, wakeups, stopping, log } = deps;

  /**
   * The secrets that sign a read now (looked up after the messages were read, so a rotation in between signs with the
   * new secret too). Messages are signed at each read rather than served as stored: a stored signature carries the
   * storing time, which a Standard Webhooks library refuses once it is more than its tolerance (5 minutes) old.
   */
  async function secretsNow(tenantId: string, endpointId: string): Promise<string[]> {
    const secrets = await endpoints.signingSecrets(tenantId, endpointId, Date.now());
    // The endpoint was deleted after it was looked up: its messages went with it.
    if (!secrets) throw notFound('endpoint');
    return secrets;
  }

  for (const { prefix, auth } of APPLICATION_MOUNTS) {
    api.add(
      {
        method: 'get', path: `${prefix}/endpoints/:id/messages`, tag: 'Endpoints', auth, query: messagesQuery,
        summary:
          "Read a pull endpoint's messages (long poll with `wait`; `cursor` commits what was read). With `Accept: text/event-stream`: a Server-Sent Events stream of them (`id:` = cursor, resumes after `Last-Event-ID`)",
        responses: {
          200: { description: '`{data, cursor, done}`; or, with Accept: text/event-stream, an event stream of the same messages', schema: messagesPage },
          403: { description: 'A read-only portal session passed a cursor (it may read, not commit)' },
          409: { description: 'The endpoint is not a pull endpoint' },
        },
      },
      async (req, res) => {
        const q = parseQuery(messagesQuery, req.query);
        const lastEventId = req.get('last-event-id');
        const stream = (req.get('accept') ?? '').includes('text/event-stream');
        if (stream && lastEventId !== undefined && !cursorText.safeParse(lastEventId).success) {
          throw validationFailed([{ path: 'Last-Event-ID', message: 'must be a cursor from an earlier event (digits)' }], 'the Last-Event-ID header is invalid');
        }
        const endpoint = await endpoints.get(tenantOf(res), String(req.params.id), appOf(res).id);
        if (!endpoint) throw notFound('endpoint');
        if (endpoint.type !== 'pull') throw conflict('HKL_ENDPOINT_NOT_PULL', `endpoint ${endpoint.id} is of type ${endpoint.type}: only a pull endpoint has messages to read`);
        const commitTo = q.cursor ?? (stream ? lastEventId : undefined);
        if (commitTo !== undefined && portalOf(res)?.readOnly) throw forbidden('HKL_READ_ONLY', 'this portal session is read-only: it may read messages, not commit them');

        const from = await messages.commit(endpoint.id, commitTo === undefined ? undefined : Number(commitTo));
        await messages.renew(endpoint.id);
        const signal = requestSignal(res, stopping);
        if (stream) return streamMessages(res, endpoint.tenantId, endpoint.id, from, signal);

        const deadline = Date.now() + q.wait * 1_000;
        let found: PullMessage[] = [];
        // Register for a wake-up before each read, so a message stored between the read and the wait is not missed.
        for (let round = 0; round < 1_000; round++) {
          const remaining = deadline - Date.now();
          const waiter = remaining > 0 && !signal.aborted ? wakeups.next(endpoint.id, remaining, signal) : null;
          found = await messages.read(endpoint.id, from, q.limit);
          if (found.length > 0 || !waiter) {
            waiter?.cancel();
            break;
          }
          await waiter.arrived;
        }
        // Answered because ingest stops: the connection closes with it (a kept-alive one would hold the server's close).
        if (stopping.aborted) res.set('connection', 'close');
        const secrets = found.length > 0 ? await secretsNow(endpoint.tenantId, endpoint.id) : [];
        const now = nowSeconds();
        res.json({ data: found.map((m) => view(m, secrets, now)), cursor: String(found.at(-1)?.seq ?? from), done: found.length < q.limit });
      },
    );
  }

  /** The stream: every message after `from` as it is stored, until the client leaves, ingest stops or STREAM_MAX_MS. */
  async function streamMessages(res: Response, tenantId: string, endpointId: string, from: number, signal: AbortSignal): Promise<void> {
    res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    const write = async (text: string) => {
      if (!res.write(text) && !signal.aborted) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            signal.removeEventListener('abort', done);
            resolve();
          };
          res.once('drain', done);
          signal.addEventListener('abort', done, { once: true });
        });
      }
    };
    const ends = Date.now() + STREAM_MAX_MS;
    let position = from;
    try {
      while (!signal.aborted && Date.now() < ends) {
        const waiter = wakeups.next(endpointId, KEEP_ALIVE_MS, signal);
        const batch = await messages.read(endpointId, position, STREAM_BATCH);
        if (batch.length > 0) {
          waiter.cancel();
          const secrets = await secretsNow(tenantId, endpointId);
          // Each event is stamped when it is written: a slow reader's later events are not signed in the past.
          for (const m of batch) await write(`id: ${m.seq}\ndata: ${JSON.stringify(view(m, secrets, nowSeconds()))}\n\n`);
          position = batch.at(-1)!.seq;
          continue;
        }
        if (!(await waiter.arrived) && !signal.aborted) {
          await write(': keep-alive\n\n');
          await messages.renew(endpointId);
        }
      }
    } catch (err) {
      log.warn({ err, endpoint_id: endpointId }, 'pull message stream failed; closing it (the client resumes with Last-Event-ID)');
    } finally {
      const socket = res.socket;
      res.end();
      // Ended because ingest stops: the connection goes too (a kept-alive one would hold the server's close).
      if (stopping.aborted) socket?.end();
    }
  }
}
