import type { KafkaDestination } from '@hookline/db';
import { CoalescingSender, defaultPartitioner } from '@hookline/kafka';
import { createHostResolver, type AddressPolicy, type HostResolver } from '@hookline/netguard';
import type { Logger } from '@hookline/telemetry';
import { Kafka, logLevel, type ISocketFactory, type Producer, type SASLOptions } from 'kafkajs';
import { connect as netConnect, isIP, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { LookupAddress } from 'node:dns';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
import { SsrfBlockedError } from './guarded-agent.ts';
import type { SendOutcome } from './webhook-client.ts';

/** One record for a Kafka destination: the webhook body, its key and the webhook's headers. */
export interface KafkaWebhookRecord {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

interface Cluster {
  id: string;
  kafka: Kafka;
  producer: Producer;
  sender: CoalescingSender;
  connected: Promise<void>;
  lastUsedAt: number;
  /** Why the SSRF policy refused a connection of this cluster, if it did. */
  refused: string | null;
  /** The last error of one of its sockets (a TLS handshake's reason and code, which kafkajs's error leaves out). */
  socketError: SocketError | null;
}

type SocketError = Error & { code?: string; reason?: string };

/**
 * Delivers webhooks to Kafka-topic destinations (issue 22), beside the HTTP {@link WebhookClient}: one idempotent
 * kafkajs producer (acks=all) per destination cluster — its brokers, SASL and TLS settings — shared by the endpoints
 * that name the same cluster, cached (at most `maxClusters`, least recently used closed first), closed when idle for
 * `idleMs` or when an endpoint's settings change (its old cluster then idles out), and dropped after a failed send so
 * the next attempt connects afresh. Every connection — bootstrap brokers and the brokers their metadata names — is
 * checked against the SSRF policy at connect time on the resolved address, as the guarded agent checks HTTP.
 * A send ends in an outcome, never an exception: `produced`, `ssrf_blocked`, `timeout` or `network_error`.
 */
export class KafkaDestinationClient {
  readonly #policy: AddressPolicy;
  readonly #resolve: HostResolver;
  readonly #log: Logger;
  readonly #clientId: string;
  readonly #maxClusters: number;
  readonly #idleMs: number;
  readonly #clusters = new Map<string, Cluster>();
  readonly #clusterOfEndpoint = new Map<string, string>();
  readonly #sweep: NodeJS.Timeout;

  constructor(opts: { policy: AddressPolicy; log: Logger; clientId: string; resolve?: HostResolver; dnsServers?: readonly string[]; maxClusters?: number; idleMs?: number }) {
    this.#policy = opts.policy;
    this.#resolve = opts.resolve ?? createHostResolver({ servers: opts.dnsServers ?? [] });
    this.#log = opts.log;
    this.#clientId = opts.clientId;
    this.#maxClusters = opts.maxClusters ?? 64;
    this.#idleMs = opts.idleMs ?? 5 * 60_000;
    this.#sweep = setInterval(() => this.#closeIdle(), Math.min(this.#idleMs, 60_000));
    this.#sweep.unref();
  }

  /** Producers open now (one per destination cluster). */
  get openClusters(): number {
    return this.#clusters.size;
  }

  async send(endpointId: string, destination: KafkaDestination, record: KafkaWebhookRecord, timeoutMs: number, abort?: AbortSignal): Promise<SendOutcome> {
    const started = performance.now();
    const cluster = this.#cluster(endpointId, destination);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      timer.unref();
    });
    // The signal is the dispatcher's stop signal, shared by every delivery: the listener goes when the send ends.
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<'timeout'>((resolve) => {
      onAbort = () => resolve('timeout');
      abort?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const sent = cluster.connected.then(() =>
        cluster.sender.send(destination.topic, [{ key: record.key, value: record.value, headers: record.headers }]),
      );
      sent.catch(() => {});
      const first = await Promise.race([sent.then(() => 'produced' as const), deadline, aborted]);
      if (first === 'produced') return { result: { kind: 'produced' }, durationMs: elapsed(started), responseBody: null };
      this.#drop(cluster);
      return { result: cluster.refused ? { kind: 'ssrf_blocked', message: cluster.refused } : { kind: 'timeout' }, durationMs: elapsed(started), responseBody: null };
    } catch (err) {
      this.#drop(cluster);
      const result = cluster.refused ? { kind: 'ssrf_blocked' as const, message: cluster.refused } : { kind: 'network_error' as const, message: describe(err, cluster.socketError) };
      return { result, durationMs: elapsed(started), responseBody: null };
    } finally {
      clearTimeout(timer);
      if (onAbort) abort?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    const all = [...this.#clusters.values()];
    this.#clusters.clear();
    await Promise.allSettled(all.map((c) => c.producer.disconnect()));
  }

  #cluster(endpointId: string, d: KafkaDestination): Cluster {
    const id = JSON.stringify([d.bootstrapServers, d.sasl, d.tls]);
    const previous = this.#clusterOfEndpoint.get(endpointId);
    if (previous !== undefined && previous !== id) {
      // The endpoint's settings changed: close its old cluster's producer unless another endpoint still uses it.
      this.#clusterOfEndpoint.delete(endpointId);
      if (![...this.#clusterOfEndpoint.values()].includes(previous)) {
        const old = this.#clusters.get(previous);
        if (old) this.#drop(old);
      }
    }
    this.#clusterOfEndpoint.set(endpointId, id);
    let cluster = this.#clusters.get(id);
    if (cluster) {
      // Least recently used last.
      this.#clusters.delete(id);
      this.#clusters.set(id, cluster);
    } else {
      cluster = this.#open(id, d);
      this.#clusters.set(id, cluster);
      while (this.#clusters.size > this.#maxClusters) this.#drop(this.#clusters.values().next().value!);
    }
    cluster.lastUsedAt = Date.now();
    return cluster;
  }

  #open(id: string, d: KafkaDestination): Cluster {
    const cluster = { id, refused: null, socketError: null } as Cluster;
    const kafka = new Kafka({
      clientId: this.#clientId,
      brokers: d.bootstrapServers,
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      // Bounded: the attempt's deadline bounds the wait, and the retry tiers take over after it.
      retry: { initialRetryTime: 100, retries: 3, maxRetryTime: 1_000 },
      ...(d.tls ? { ssl: { ...d.tls } } : {}),
      ...(d.sasl ? { sasl: { mechanism: d.sasl.mechanism, username: d.sasl.username, password: d.sasl.password } as SASLOptions } : {}),
      socketFactory: this.#guardedSockets(
        (message) => {
          cluster.refused = message;
        },
        (err) => {
          cluster.socketError = err;
        },
      ),
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      retry: { initialRetryTime: 100, retries: 3, maxRetryTime: 1_000 },
      allowAutoTopicCreation: false,
      createPartitioner: defaultPartitioner,
    });
    cluster.kafka = kafka;
    cluster.producer = producer;
    cluster.sender = new CoalescingSender(producer);
    cluster.connected = producer.connect();
    cluster.connected.catch(() => {});
    cluster.lastUsedAt = Date.now();
    return cluster;
  }

  /** Sockets whose address is checked against the SSRF policy when they connect (IP literals at once, names once resolved). */
  #guardedSockets(onRefused: (message: string) => void, onError: (err: SocketError) => void): ISocketFactory {
    return ({ host, port, ssl, onConnect }) => {
      const literal = host.replace(/^\[|\]$/g, '');
      if (isIP(literal) !== 0) {
        const verdict = this.#policy.check(literal);
        if (verdict !== null) return refusedSocket(`${host}:${port} is ${verdict}`, onRefused);
      }
      // net.connect asks for every address (`all`, to try them in turn) or for one of a family.
      const lookup = (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback) => {
        this.#resolve(hostname).then(
          (addresses) => {
            for (const a of addresses) {
              const verdict = this.#policy.check(a.address);
              if (verdict !== null) {
                onRefused(`${hostname} resolves to ${verdict}`);
                return callback(new SsrfBlockedError(`${hostname} resolves to ${verdict}`), '', 0);
              }
            }
            const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
            const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
            if (usable.length === 0) return callback(Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' }), '', 0);
            if (options.all) return callback(null, usable as LookupAddress[]);
            callback(null, usable[0]!.address, usable[0]!.family);
          },
          (err: NodeJS.ErrnoException) => callback(err, '', 0),
        );
      };
      const socket: Socket = ssl
        ? tlsConnect({ host, port, lookup, ...(isIP(literal) === 0 ? { servername: host } : {}), ...(typeof ssl === 'object' ? ssl : {}) }, onConnect)
        : netConnect({ host, port, lookup }, onConnect);
      socket.setKeepAlive(true, 60_000);
      socket.on('error', onError);
      return socket;
    };
  }

  #drop(cluster: Cluster): void {
    if (this.#clusters.get(cluster.id) !== cluster) return;
    this.#clusters.delete(cluster.id);
    cluster.producer.disconnect().catch((err: unknown) => this.#log.debug({ err }, 'kafka destination producer did not disconnect cleanly'));
  }

  #closeIdle(): void {
    const now = Date.now();
    for (const cluster of [...this.#clusters.values()]) if (now - cluster.lastUsedAt > this.#idleMs) this.#drop(cluster);
  }
}

/** A socket that fails at once with the refusal (kafkajs sees a connection error; the client maps it to ssrf_blocked). */
function refusedSocket(message: string, onRefused: (message: string) => void): Socket {
  onRefused(message);
  const socket = new Socket();
  process.nextTick(() => socket.destroy(new SsrfBlockedError(message)));
  return socket;
}

const elapsed = (started: number) => Math.round(performance.now() - started);

type KafkaJsError = { name?: string; message?: string; code?: string | number; type?: string; broker?: string; cause?: unknown };

// Node's advice to whoever runs the process, not to the endpoint's owner who reads the attempt's error.
const NODE_CA_HINT = /; if the root CA is installed locally, try running Node\.js with --use-system-ca/;

/**
 * The attempt's error: the innermost of kafkajs's wrapped errors (NumberOfRetriesExceeded → ConnectionError → …), and
 * for a connection error the socket's own code and reason — e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify
 * the first certificate (broker 127.0.0.1:9093)` rather than kafkajs's copy of OpenSSL's whole error string.
 */
function describe(err: unknown, socketError: SocketError | null): string {
  let e = err as KafkaJsError;
  for (let i = 0; i < 5 && e.cause && typeof e.cause === 'object'; i++) e = e.cause as KafkaJsError;
  const broker = e.broker ? ` (broker ${e.broker})` : '';
  if (e.name === 'KafkaJSConnectionError' && socketError && e.code !== undefined && socketError.code === e.code) {
    return `${e.code}: ${(socketError.reason ?? socketError.message).replace(NODE_CA_HINT, '').trim()}${broker}`.slice(0, 500);
  }
  // A socket's code (ECONNRESET), a Kafka protocol error's type (ILLEGAL_SASL_STATE, not its number), else the error's name.
  const label = typeof e.code === 'string' ? e.code : (e.type ?? e.name);
  return [label, `${(e.message ?? '').replace(NODE_CA_HINT, '').trim()}${broker}`].filter(Boolean).join(': ').slice(0, 500);
}
