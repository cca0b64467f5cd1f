import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attemptRecord, deliveryRecord, operationalEventRecord, type AttemptRecord, type DeliveryRecord, type OperationalEventRecord } from '@hookline/contracts';
import { EndpointsRepository, SecretBox, TenantsRepository, type NewEndpoint } from '@hookline/db';
import { ACKS_ALL, createProducer } from '@hookline/kafka';
import { generateSecret } from '@hookline/signing';
import { loadConfig } from '@hookline/config';
import { createLogger } from '@hookline/telemetry';
import { createTestWorld, Receiver, type TestWorld } from '@hookline/testing';
import { createApp, type DispatcherApp } from '../services/dispatcher/src/app.ts';
import { dispatcherConfigShape } from '../services/dispatcher/src/config.ts';
import type { Consumer, IHeaders, Producer } from 'kafkajs';
import { request } from 'undici';

/** What a dispatcher test observes on the output topics. */
export interface Observed {
  attempts: AttemptRecord[];
  dead: Array<{ delivery: DeliveryRecord; headers: IHeaders }>;
  operational: OperationalEventRecord[];
}

/** Collects attempts, dead letters and operational events of a world, and publishes events into it. */
export class DispatcherHarness {
  readonly observed: Observed = { attempts: [], dead: [], operational: [] };
  readonly #world: TestWorld;
  #consumer: Consumer | undefined;
  #producer: Producer | undefined;
  tenantId = '';

  constructor(world: TestWorld) {
    this.#world = world;
  }

  /** Call after the dispatcher started (its migrations and topics exist). */
  async start(): Promise<void> {
    const w = this.#world;
    this.#producer = createProducer(w.kafka);
    await this.#producer.connect();
    this.#consumer = w.kafka.consumer({ groupId: `${w.prefix}.test-observer` });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [w.topics.attempts, w.topics.deadLetter, w.topics.operational], fromBeginning: true });
    await this.#consumer.run({
      eachMessage: async ({ topic, message }) => {
        const json = JSON.parse(message.value!.toString());
        if (topic === w.topics.attempts) this.observed.attempts.push(attemptRecord.parse(json));
        else if (topic === w.topics.deadLetter) this.observed.dead.push({ delivery: deliveryRecord.parse(json), headers: message.headers ?? {} });
        else this.observed.operational.push(operationalEventRecord.parse(json));
      },
    });
    this.tenantId = (await new TenantsRepository(w.pool).create('acme')).id;
  }

  async endpoint(input: Partial<NewEndpoint> & { url: string }): Promise<{ id: string; secret: string }> {
    const secret = input.secret ?? generateSecret();
    const repo = new EndpointsRepository(this.#world.pool, new SecretBox(this.#world.env.ENCRYPTION_KEY!));
    const e = await repo.create(this.tenantId, { ...input, secret });
    return { id: e.id, secret };
  }

  async publish(events: Array<{ type: string; data: Record<string, unknown>; id?: string }>): Promise<void> {
    await this.#producer!.send({
      topic: this.#world.topics.events,
      acks: ACKS_ALL,
      messages: events.map((e) => ({ key: this.tenantId, value: JSON.stringify({ tenantId: this.tenantId, ...e }) })),
    });
  }

  attemptsFor(endpointId: string): AttemptRecord[] {
    return this.observed.attempts.filter((a) => a.endpointId === endpointId).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  async stop(): Promise<void> {
    await this.#consumer?.disconnect();
    await this.#producer?.disconnect();
  }
}

/** A world with a receiver, a dispatcher app configured by `env` (on top of the world's) and a harness on it. */
export interface DispatcherWorld {
  world: TestWorld;
  receiver: Receiver;
  app: DispatcherApp;
  h: DispatcherHarness;
  stop(): Promise<void>;
}

const quietLog = createLogger({ service: 'test', level: 'warn' });

/** Starts what every dispatcher end-to-end file needs; `stop()` tears it down in reverse order. */
export async function startDispatcherWorld(name: string, env: (receiver: Receiver) => Record<string, string>): Promise<DispatcherWorld> {
  const world = createTestWorld(name);
  const receiver = await Receiver.start();
  const app = await createApp(loadConfig(dispatcherConfigShape, { ...world.env, ...env(receiver) }), quietLog);
  const h = new DispatcherHarness(world);
  await h.start();
  return {
    world,
    receiver,
    app,
    h,
    async stop() {
      await app.stop();
      await h.stop();
      await receiver.close();
      await world.cleanup();
    },
  };
}

/** A counter's value on a dispatcher's /metrics, for the series carrying `label` (e.g. `step="hand-off"`); 0 if absent. */
export async function metricValue(app: DispatcherApp, name: string, label: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${app.port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/**
 * Dispatcher instances in processes of their own (`services/dispatcher/src/main.ts`), each logging at info (a few
 * lines, from start-up to stop) to a file of its own, kept for failure messages.
 */
export class DispatcherProcesses {
  readonly #world: TestWorld;
  readonly #env: Record<string, string>;
  readonly #logDir = mkdtempSync(join(tmpdir(), 'hookline-dispatchers-'));
  readonly #children: ChildProcess[] = [];

  constructor(world: TestWorld, env: Record<string, string> = {}) {
    this.#world = world;
    this.#env = env;
  }

  start(port: number): ChildProcess {
    const log = openSync(join(this.#logDir, `${port}.log`), 'w');
    const child = spawn(process.execPath, ['services/dispatcher/src/main.ts'], {
      env: { ...process.env, ...this.#world.env, LOG_LEVEL: 'info', HTTP_PORT: String(port), ...this.#env },
      stdio: ['ignore', log, 'inherit'],
    });
    closeSync(log);
    this.#children.push(child);
    return child;
  }

  /** Whether the instance answers its readiness probe. */
  ready(port: number): Promise<boolean> {
    return request(`http://127.0.0.1:${port}/readyz`).then(
      async (r) => (await r.body.dump(), r.statusCode === 200),
      () => false,
    );
  }

  /** The instance's log so far. */
  log(port: number): string {
    return readFileSync(join(this.#logDir, `${port}.log`), 'utf8');
  }

  /** The last `lines` lines of the instance's log. */
  tail(port: number, lines = 40): string {
    return this.log(port).split('\n').slice(-lines).join('\n');
  }

  /** Kills what still runs and removes the logs. */
  cleanup(): void {
    for (const c of this.#children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(this.#logDir, { recursive: true, force: true });
  }
}
