import type { IncomingHttpHeaders } from 'node:http';
import { Receiver, type ReceiverBehaviour } from '@hookline/testing';
import { Webhook } from 'standardwebhooks';

/** healthy: 200. flaky: 30 % 500, 5 % hang past the timeout, 5 % connection reset. throttling: 429 with Retry-After on an id's first request. failing: 500 until it recovers. */
export type ReceiverKind = 'healthy' | 'flaky' | 'throttling' | 'failing';

export type Answer = 'ok' | '500' | '429' | 'hang' | 'reset';

/** One request as the receiver saw and answered it. */
export interface Seen {
  webhookId: string;
  at: number;
  answer: Answer;
}

const flat = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));

/**
 * A receiver of the chaos run: a real HTTP server with one behaviour, which keeps its own compact record of every
 * request (webhook-id, time, answer) and verifies every signature with the `standardwebhooks` package. Like a
 * receiver that deduplicates on `webhook-id`, it answers 200 to an id it has already answered 2xx.
 */
export class ChaosReceiver {
  readonly seen: Seen[] = [];
  /** webhook-ids answered 2xx (the receiver's own record of what it processed). */
  readonly processed = new Set<string>();
  readonly #seenIds = new Set<string>();
  badSignatures = 0;
  recovered = false;
  endpointId = '';
  #webhook: Webhook | undefined;

  readonly name: string;
  readonly kind: ReceiverKind;
  readonly tenant: 0 | 1;
  readonly http: Receiver;
  readonly #random: () => number;

  private constructor(name: string, kind: ReceiverKind, tenant: 0 | 1, http: Receiver, random: () => number) {
    this.name = name;
    this.kind = kind;
    this.tenant = tenant;
    this.http = http;
    this.#random = random;
    http.respondWith((req) => {
      // Keep only the compact record: the fixture's full request list would hold every body of a long run.
      http.requests.length = 0;
      const id = String(req.headers['webhook-id'] ?? '');
      try {
        this.#webhook?.verify(req.body, flat(req.headers));
      } catch {
        this.badSignatures++;
      }
      const answer = this.#decide(id);
      this.#seenIds.add(id);
      this.seen.push({ webhookId: id, at: req.receivedAt, answer });
      if (answer === 'ok') this.processed.add(id);
      return behaviourOf(answer);
    });
  }

  static async start(name: string, kind: ReceiverKind, tenant: 0 | 1, random: () => number = Math.random): Promise<ChaosReceiver> {
    return new ChaosReceiver(name, kind, tenant, await Receiver.start(), random);
  }

  /** The endpoint's id and signing secret, once the endpoint exists. */
  attach(endpointId: string, secret: string): void {
    this.endpointId = endpointId;
    this.#webhook = new Webhook(secret);
  }

  url(): string {
    return this.http.url(`/${this.name}`);
  }

  #decide(id: string): Answer {
    if (this.processed.has(id)) return 'ok';
    switch (this.kind) {
      case 'healthy':
        return 'ok';
      case 'failing':
        return this.recovered ? 'ok' : '500';
      case 'throttling':
        return this.#seenIds.has(id) ? 'ok' : '429';
      case 'flaky': {
        const r = this.#random();
        return r < 0.3 ? '500' : r < 0.35 ? 'hang' : r < 0.4 ? 'reset' : 'ok';
      }
    }
  }
}

function behaviourOf(answer: Answer): ReceiverBehaviour {
  switch (answer) {
    case 'ok':
      return { status: 200 };
    case '500':
      return { status: 500, body: 'chaos' };
    case '429':
      return { status: 429, headers: { 'retry-after': '1' } };
    case 'hang':
      return { hang: true };
    case 'reset':
      return { reset: true };
  }
}
