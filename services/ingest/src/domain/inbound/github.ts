import { verifyHmac } from './hmac.ts';
import type { InboundRequest, Verdict } from './inbound-request.ts';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the webhook secret>`
 * (docs.github.com, "Validating webhook deliveries").
 */
export const verifyGithub = (req: InboundRequest, secrets: readonly string[]): Verdict =>
  verifyHmac(req, { header: 'x-hub-signature-256', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' }, secrets);

/** `X-GitHub-Event`, with the payload's `action` when it has one: `pull_request.opened`. */
export function githubEventType(req: InboundRequest, json: unknown): string | undefined {
  const event = req.headers['x-github-event'];
  if (!event) return undefined;
  const action = (json as { action?: unknown } | null)?.action;
  return typeof action === 'string' && action.length > 0 ? `${event}.${action}` : event;
}
