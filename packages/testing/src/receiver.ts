import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { waitFor } from './wait-for.ts';

/** One request the receiver got, exactly as it arrived. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, for signature verification. */
  body: string;
  receivedAt: number;
}

/** How the receiver answers a request. */
export interface ReceiverBehaviour {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer (until the client gives up or the receiver closes). */
  hang?: boolean;
  /** Destroy the connection without answering. */
  reset?: boolean;
}

/**
 * A real HTTP receiver on 127.0.0.1 that records every request and answers as told: a fixed behaviour, or a
 * function of the request (e.g. fail the first attempt, then succeed).
 */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  #behaviour: ReceiverBehaviour | ((req: ReceivedRequest, index: number) => ReceiverBehaviour) = { status: 200 };
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #pending = new Set<ServerResponse>();
  #port = 0;

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received: ReceivedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
        };
        const index = this.requests.push(received) - 1;
        const b = typeof this.#behaviour === 'function' ? this.#behaviour(received, index) : this.#behaviour;
        this.#answer(res, b);
      });
    });
    this.#server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
  }

  /** Starts a receiver on an ephemeral port of 127.0.0.1. */
  static async start(): Promise<Receiver> {
    const r = new Receiver();
    await new Promise<void>((resolve) => r.#server.listen(0, '127.0.0.1', resolve));
    r.#port = (r.#server.address() as AddressInfo).port;
    return r;
  }

  /** `http://127.0.0.1:<port><path>` */
  url(path = '/webhook'): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  /** Sets how every following request is answered. */
  respondWith(behaviour: ReceiverBehaviour | ((req: ReceivedRequest, index: number) => ReceiverBehaviour)): void {
    this.#behaviour = behaviour;
  }

  /** Waits until at least `count` requests (optionally matching) have arrived and returns them. */
  async waitForRequests(count: number, opts: { timeoutMs?: number; match?: (r: ReceivedRequest) => boolean } = {}): Promise<ReceivedRequest[]> {
    const pick = () => (opts.match ? this.requests.filter(opts.match) : this.requests);
    return waitFor(() => (pick().length >= count ? pick() : undefined), {
      timeoutMs: opts.timeoutMs ?? 30_000,
      description: `${count} request(s) at the receiver`,
    });
  }

  async close(): Promise<void> {
    for (const res of this.#pending) res.destroy();
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #answer(res: ServerResponse, b: ReceiverBehaviour): void {
    if (b.reset) {
      res.socket?.destroy();
      return;
    }
    this.#pending.add(res);
    res.on('close', () => this.#pending.delete(res));
    if (b.hang) return;
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(b.status ?? 200, { 'content-type': 'text/plain', ...b.headers });
      res.end(b.body ?? '');
    };
    if (b.delayMs) setTimeout(send, b.delayMs);
    else send();
  }
}
