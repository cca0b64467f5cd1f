import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createProducer, ensureTopics, whenConsumersGiveUp } from '@hookline/kafka';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('a consumer kafkajs gives up on stops the service (exit 1, so it is restarted)', () => {
  let world: TestWorld;
  beforeAll(() => {
    world = createTestWorld('consumer-failure');
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('whenConsumersGiveUp resolves with the error of a crash kafkajs does not restart from (real broker)', async () => {
    const topic = world.topics.events;
    await ensureTopics(world.kafka, [{ topic, numPartitions: 1 }], { numPartitions: 1, replicationFactor: 1 });
    const producer = createProducer(world.kafka);
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'x' }] });
    await producer.disconnect();
    const consumer = world.kafka.consumer({ groupId: `${world.prefix}.crash`, retry: { retries: 0, restartOnFailure: async () => false } });
    const gaveUp = whenConsumersGiveUp([consumer], silent);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async () => {
        throw new Error('handler bug');
      },
    });
    const err = await gaveUp;
    expect(String(err.message)).toMatch(/handler bug/);
    await consumer.disconnect();
  }, 60_000);

  it('runService stops the app and exits 1 when the app reports it failed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hookline-failed-'));
    try {
      const script = join(dir, 'svc.ts');
      const telemetry = resolve('packages/telemetry/src/index.ts');
      await writeFile(
        script,
        `import { runService } from ${JSON.stringify(telemetry)};
await runService('probe', () => ({ OTEL_SDK_DISABLED: true, OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: 1, LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: 5000 }), async () => ({
  failed: new Promise((r) => setTimeout(() => r(new Error('consumer gone')), 50)),
  async stop() { console.log('STOPPED'); },
}));
setInterval(() => {}, 1000);
`,
      );
      const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(out).toContain('STOPPED');
      expect(out).toContain('a consumer stopped for good');
      expect(code).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
