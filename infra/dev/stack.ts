import { setTimeout as delay } from 'node:timers/promises';
import { portOpen } from '../common/net.ts';
import { kafkaPid, startKafka, stopKafka } from '../kafka/launcher.ts';
import { isProcessAlive } from '../kafka/proc.ts';
import { postgresPid, startPostgres, stopPostgres } from '../postgres/launcher.ts';
import { schemaRegistryPid, startSchemaRegistry, stopSchemaRegistry } from '../schema-registry/launcher.ts';

/** One backing component `npm start` runs when none is configured: the broker, the database, the registry. */
export interface Part {
  /** How the first screen names it. */
  readonly name: 'broker' | 'database' | 'registry' | 'jaeger' | 'prometheus' | 'pg-exporter';
  /** Where services reach it, once started. */
  address?: string;
  /** False for one the user configured (`KAFKA_BROKERS`, …): never started, stopped or restarted here. */
  readonly local: boolean;
  /** True once this process started it (then it stops it too); false while it only reuses one. */
  owned: boolean;
  /** The start in progress, if any. */
  starting?: Promise<void>;
  /** Starts it, or reuses one already running. */
  start(): Promise<void>;
  /** Stops it if this process owns it, including one still starting. */
  stop(): Promise<void>;
  /** The process of a local one, once started (when its launcher keeps a pid file: not for one merely answering). */
  pid?: number;
  /**
   * Whether it is still there: its process alive when its pid is known (no network), else whether it accepts a
   * connection (which costs PostgreSQL a forked backend, ~3 ms of CPU, and a JVM an accepted socket).
   */
  answers(): Promise<boolean>;
}

type Launch = (hooks: { log: (msg: string) => void; onSpawn: () => void }) => Promise<{ address: string; reused: boolean }>;
/** The pid of the process a launcher started or reuses, from its pid file; undefined when it keeps none. */
export type PidOf = () => number | undefined | Promise<number | undefined>;

/** Host and port of a `host:port` list's first entry or of a URL. */
function endpointOf(address: string): { host: string; port: number } {
  if (address.includes('://')) {
    const url = new URL(address);
    return { host: url.hostname, port: Number(url.port) };
  }
  const [host = '127.0.0.1', port = '0'] = address.split(',')[0]!.trim().split(':');
  return { host, port: Number(port) };
}

export function part(name: Part['name'], launch: Launch, halt: () => Promise<void>, log: (msg: string) => void, pidOf?: PidOf): Part {
  const self: Part = {
    name,
    local: true,
    owned: false,
    start() {
      self.pid = undefined;
      self.starting = launch({ log, onSpawn: () => (self.owned = true) }).then(
        async ({ address, reused }) => {
          self.address = address;
          if (!reused) self.owned = true;
          self.pid = await Promise.resolve(pidOf?.()).catch(() => undefined);
          self.starting = undefined;
        },
        (err: unknown) => {
          self.starting = undefined;
          throw err;
        },
      );
      return self.starting;
    },
    async stop() {
      // A start in flight may spawn its process at any moment: keep stopping what it spawned until it gives up.
      for (let starting = self.starting; starting; starting = self.starting) {
        if (self.owned) await halt().catch(() => undefined);
        await Promise.race([starting.catch(() => undefined), delay(500)]);
      }
      if (self.owned) await halt();
      self.owned = false;
    },
    async answers() {
      if (self.pid !== undefined) return isProcessAlive(self.pid);
      if (!self.address) return false;
      const { host, port } = endpointOf(self.address);
      return portOpen(host, port);
    },
  };
  return self;
}

/**
 * The three parts, wired to their launchers (home, ports and versions from the launchers' own variables);
 * `kafkaMetricsPort` has a broker this starts serve its own figures there (`--observability`).
 */
export function localStack(log: (msg: string) => void, opts: { kafkaMetricsPort?: number } = {}): { broker: Part; database: Part; registry: Part } {
  return {
    broker: part('broker', async (hooks) => {
      const { brokers, reused } = await startKafka({ ...hooks, ...(opts.kafkaMetricsPort === undefined ? {} : { metricsPort: opts.kafkaMetricsPort }) });
      return { address: brokers, reused };
    }, () => stopKafka(), log, () => kafkaPid()),
    database: part('database', async (hooks) => {
      const { databaseUrl, reused } = await startPostgres(hooks);
      return { address: databaseUrl, reused };
    }, () => stopPostgres(), log, () => postgresPid()),
    registry: part('registry', async (hooks) => {
      const { url, reused } = await startSchemaRegistry(hooks);
      return { address: url, reused };
    }, () => stopSchemaRegistry(), log, () => schemaRegistryPid()),
  };
}

/** A part the user configured: only watched. */
export function configuredPart(name: Part['name'], address: string): Part {
  const self: Part = {
    name,
    address,
    local: false,
    owned: false,
    start: async () => undefined,
    stop: async () => undefined,
    answers: () => {
      const { host, port } = endpointOf(address);
      return portOpen(host, port);
    },
  };
  return self;
}

/**
 * How the banner shows why a part did not start: the error's first line, and the last `tail` non-blank lines of the
 * rest (a launcher's error carries the end of the server's log), each cut to `width` characters, so the cause is on
 * screen without opening a file.
 */
export function whyNotStarted(error: unknown, tail = 5, width = 200): { first: string; last: string[] } {
  const [first = '', ...rest] = (error instanceof Error ? error.message : String(error)).split('\n');
  const cut = (line: string) => (line.length > width ? `${line.slice(0, width - 1)}…` : line);
  return { first, last: rest.map((line) => line.trimEnd()).filter((line) => line.trim() !== '').slice(-tail).map(cut) };
}
