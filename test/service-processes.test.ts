import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/service-processes.ts';

/** The nice value of a process's main thread (`/proc/<pid>/stat`, field 19). */
const niceOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
};

const status = (url: string) => request(url).then(async (r) => (await r.body.dump(), r.statusCode), () => 0);

describe('each service runs on its own, configured by the environment, and stops cleanly on SIGTERM', () => {
  let world: TestWorld;
  beforeAll(() => {
    world = createTestWorld('service-processes');
  });
  afterAll(() => world.cleanup());

  it('refuses to start with invalid configuration, naming every problem', async () => {
    const child = spawn(process.execPath, ['services/tracker/src/main.ts'], {
      env: { ...process.env, ...world.env, HTTP_PORT: 'eighty', OTEL_SDK_DISABLED: 'maybe' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toMatch(/HTTP_PORT/);
    expect(stderr).toMatch(/OTEL_SDK_DISABLED/);
  });

  it('the dispatcher refuses a malformed ENCRYPTION_KEY before opening any connection', async () => {
    // Nothing listens on these ports: a service that tried to connect first would retry, not exit at once.
    const [kafkaPort, pgPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['services/dispatcher/src/main.ts'], {
      env: {
        ...process.env,
        ...world.env,
        ENCRYPTION_KEY: 'not-32-bytes',
        KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
        DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/hookline`,
        OTEL_SDK_DISABLED: 'true',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toMatch(/ENCRYPTION_KEY: must be 32 bytes as 64 hex digits or base64/);
    expect(stderr).not.toMatch(/ECONNREFUSED|KafkaJS/);
  });

  it.each(['ingest', 'dispatcher', 'tracker'])('%s: /healthz, /readyz, then SIGTERM exits 0 within 10 s', async (service) => {
    const port = await freePort();
    const child: ChildProcess = spawn(process.execPath, [`services/${service}/src/main.ts`], {
      env: { ...process.env, ...world.env, HTTP_PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    try {
      await waitFor(async () => (await status(`http://127.0.0.1:${port}/readyz`)) === 200, {
        timeoutMs: 60_000,
        description: `${service} ready`,
      });
      expect(await status(`http://127.0.0.1:${port}/healthz`)).toBe(200);
      // TRACKER_NICE (default 10): the tracker's writes yield the cores to the delivery path; the others keep ours.
      if (process.platform === 'linux') expect(niceOf(child.pid!)).toBe(service === 'tracker' ? Math.max(10, getPriority()) : getPriority());
      const started = Date.now();
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code, output).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(output).toMatch(/stopped cleanly/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
