import type { Logger } from '@hookline/telemetry';
import { trace } from '@opentelemetry/api';
import express, { type Request, type Response, type Router } from 'express';
import { Counter, type Registry } from 'prom-client';
import { z } from 'zod';
import { CidrSet, clientAddress } from '../../inbound/client-address.ts';
import type { InboundAnswer, InboundReceiver } from '../../inbound/inbound-receiver.ts';
import type { SourceResolver } from '../../inbound/source-resolver.ts';
import type { ApiRoutes, RouteSpec } from '../api-routes.ts';
import { sendProblem } from '../problem.ts';
import { readRawBody } from '../raw-body.ts';

export interface InboundRouteDeps {
  receiver: InboundReceiver;
  resolver: SourceResolver;
  maxPayloadBytes: number;
  /** INBOUND_TRUSTED_PROXIES: peers whose X-Forwarded-For is believed. */
  trustedProxies: readonly string[];
  metrics: Registry;
  log: Logger;
}

/** The document of `POST /in/{token}` (served before the JSON-only middleware: any body, read as raw bytes). */
const spec: RouteSpec = {
  method: 'post', path: '/in/:token', tag: 'Sources', auth: 'none',
  summary: "A provider's webhook to an inbound source (no bearer token: the URL and the provider's signature authenticate it)",
  params: z.object({ token: z.string().describe('The source URL token (hls_…)') }),
  responses: {
    200: { description: 'Accepted (a source configured to answer 200), or Slack\'s url_verification challenge echoed' },
    201: { description: 'Accepted (a source configured to answer 201)' },
    202: { description: 'Accepted: published and acknowledged by Kafka (default answer; body {"id": <event id>} unless configured); a repeated delivery id is answered the same' },
    204: { description: 'Accepted (a source configured to answer 204)' },
    400: { description: 'The body could not be read (the client broke off)' },
    401: { description: 'The provider\'s signature or credentials did not verify (recorded, never forwarded)' },
    403: { description: 'The client address is not in the source\'s allowedIps' },
    404: { description: 'No source has this URL token' },
    413: { description: 'The body is larger than MAX_PAYLOAD_BYTES' },
    422: { description: "The event's data does not match its event type's schema" },
    429: { description: "Over the source's rateLimitPerSecond or the tenant publish rate; Retry-After says when to retry" },
    503: { description: 'Kafka did not acknowledge within PUBLISH_TIMEOUT_MS' },
  },
};

const flatHeaders = (req: Request): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
};

function send(res: Response, answer: InboundAnswer): void {
  if (answer.retryAfterSeconds !== undefined) res.set('retry-after', String(answer.retryAfterSeconds));
  const b = answer.body;
  if ('problem' in b) {
    res.locals.errorCode = b.code;
    return sendProblem(res, answer.status, b.problem, { code: b.code });
  }
  if (answer.status === 204) return void res.status(204).end();
  if ('json' in b) return void res.status(answer.status).json(b.json);
  res.status(answer.status).type(b.contentType).send(b.text);
}

/** Adds `POST /in/{token}` (served by {@link inboundRouter}) to the routes the OpenAPI document is built from. */
export function documentInbound(api: ApiRoutes): void {
  api.specs.push(spec);
}

/**
 * `POST /in/{token}`: mounted on the app ahead of the JSON-only body parsing (providers send JSON, forms or
 * anything else, and the signature covers the exact bytes). The request's SERVER span is the parent of the produce.
 */
export function inboundRouter(deps: InboundRouteDeps): Router {
  const trusted = new CidrSet(deps.trustedProxies);
  const requests = new Counter({
    name: 'hookline_inbound_requests_total',
    help: 'Requests to inbound sources, by provider and outcome (accepted, duplicate, unverified, refused, failed, unknown_source)',
    labelNames: ['provider', 'outcome'],
    registers: [deps.metrics],
  });
  const router = express.Router();
  router.post('/in/:token', async (req, res) => {
    try {
      const span = trace.getActiveSpan();
      // The token is a credential: never in a trace.
      span?.setAttribute('url.path', '/in/{token}');
      const receivedAt = new Date();
      const token = String(req.params.token);
      const source = token.includes('\u0000') || token.length > 200 ? null : await deps.resolver.forToken(token);
      if (!source) {
        requests.inc({ provider: 'unknown', outcome: 'unknown_source' });
        res.set('connection', 'close');
        return sendProblem(res, 404, 'no source has this URL', { code: 'HKL_API_NOT_FOUND' });
      }
      res.locals.tenantId = source.tenantId;
      res.locals.sourceId = source.id;
      span?.setAttributes({ 'hookline.source_id': source.id, 'hookline.source_provider': source.provider });
      const arrival = {
        source,
        remoteAddress: clientAddress(req.socket.remoteAddress ?? '', req.get('x-forwarded-for'), trusted),
        headers: flatHeaders(req),
        receivedAt,
      };
      const refused = await deps.receiver.admit(arrival);
      if (refused) {
        requests.inc({ provider: source.provider, outcome: refused.outcome });
        res.set('connection', 'close');
        return send(res, refused);
      }
      const body = await readRawBody(req, res, deps.maxPayloadBytes);
      if (body === null) {
        requests.inc({ provider: source.provider, outcome: 'refused' });
        return deps.receiver.tooLarge(arrival);
      }
      const answer = await deps.receiver.receive(arrival, body);
      requests.inc({ provider: source.provider, outcome: answer.outcome });
      if (answer.eventId) span?.setAttribute('hookline.event_id', answer.eventId);
      send(res, answer);
    } catch (err) {
      // Answered here rather than by the app's error handler, which logs the request path: this one holds the token.
      const status = (err as { status?: unknown }).status;
      if (status === 400) {
        if (!res.headersSent) sendProblem(res, 400, 'the request body could not be read');
        return;
      }
      deps.log.error({ err, method: req.method, path: '/in/{token}', source_id: res.locals.sourceId }, 'unhandled error in an inbound request');
      if (!res.headersSent) res.status(500).type('application/problem+json').json({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
    }
  });
  return router;
}
