import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';
import { waitFor } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/** PATH as a newcomer has it: the machine's own Node and npm, without the workspace's node_modules/.bin. */
const bareEnvPath = (process.env.PATH ?? '').split(delimiter).filter((dir) => !dir.includes(`${sep}node_modules${sep}`)).join(delimiter);

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** A base port with `count` free ports from it. */
async function freePorts(count: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const all = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (all.every(Boolean)) return base;
  }
}

/** Pids of live processes (other than this one) whose command line or environment names `marker`. */
function processesMentioning(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (/\) [ZX] /.test(stat)) continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      let environ = '';
      try {
        environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      } catch {
        // Another user's process without access: its command line is enough.
      }
      if (cmdline.includes(marker) || environ.includes(marker)) found.push(`${pid} ${cmdline.replaceAll('\0', ' ').slice(0, 160)}`);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

interface Run {
  child: ChildProcess;
  output: () => string;
}

describe('npm start on a machine whose PATH has only its own Node', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let apiPort: number;
  const runs: Run[] = [];

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'hookline-npm-start-'));
    chmodSync(home, 0o755); // The database runs as its own OS user, which must reach its data directory here.
    // Kafka's jars and Apicurio come from the checkout's cache when there is one (Maven would fetch them otherwise).
    if (existsSync(join(root, '.hookline', 'cache'))) symlinkSync(join(root, '.hookline', 'cache'), join(home, 'cache'));
    // One run of free ports, so that no two parts are ever given the same one (drawn apart, the database and the
    // registry once were: the registry could not listen and npm start said so). From the API's port: the
    // dispatcher's, the tracker's and the demo receiver's (+1, +2, +3); then Kafka and its controller, PostgreSQL,
    // the registry.
    const base = await freePorts(8);
    apiPort = base;
    env = {
      ...process.env,
      PATH: bareEnvPath,
      HOOKLINE_HOME: home,
      HOOKLINE_KAFKA_PORT: String(base + 4),
      HOOKLINE_PG_PORT: String(base + 6),
      HOOKLINE_SCHEMA_REGISTRY_PORT: String(base + 7),
      HTTP_PORT: String(apiPort),
      OTEL_SDK_DISABLED: 'true',
    };
    for (const key of ['KAFKA_BROKERS', 'DATABASE_URL', 'SCHEMA_REGISTRY_URL', 'ADMIN_TOKEN', 'ENCRYPTION_KEY', 'LOG_FORMAT', 'npm_config_prefix']) delete env[key];
  });

  afterAll(async () => {
    // A failed assertion may leave an npm start running: let it stop what it started, then kill what is left.
    const running = runs.filter((run) => run.child.exitCode === null && run.child.signalCode === null);
    for (const run of running) process.kill(-run.child.pid!, 'SIGINT');
    await Promise.race([Promise.all(running.map((run) => once(run.child, 'exit'))), new Promise((r) => setTimeout(r, 30_000))]);
    for (const run of running) if (run.child.exitCode === null && run.child.signalCode === null) process.kill(-run.child.pid!, 'SIGKILL');
    for (const line of processesMentioning(home)) {
      try {
        process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    // Whatever a failed assertion left behind (the launchers' detached broker, database, registry).
    execFileSync(process.execPath, ['infra/kafka/cli.ts', 'stop'], { cwd: root, env, stdio: 'ignore' });
    execFileSync(process.execPath, ['infra/postgres/cli.ts', 'stop'], { cwd: root, env, stdio: 'ignore' });
    execFileSync(process.execPath, ['infra/schema-registry/cli.ts', 'stop'], { cwd: root, env, stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  });

  /** `npm start` in its own process group, as a terminal runs it (Ctrl-C signals the whole group). */
  function npmStart(extraEnv: NodeJS.ProcessEnv = {}): Run {
    const child = spawn('npm', ['start'], { cwd: root, env: { ...env, ...extraEnv }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const run = { child, output: () => output };
    runs.push(run);
    return run;
  }
  const ctrlC = (run: Run) => process.kill(-run.child.pid!, 'SIGINT');
  const exited = async (run: Run) => {
    if (run.child.exitCode === null && run.child.signalCode === null) await once(run.child, 'exit');
  };
  const ready = (run: Run) =>
    waitFor(() => run.output().includes('Hookline is ready'), { timeoutMs: 150_000, intervalMs: 200, description: `the banner; output so far:\n${run.output()}` });

  it('runs the npm scripts on the workspace Node 24, whatever Node npm itself runs on', () => {
    const major = execFileSync('npm', ['exec', '-c', 'node -p process.versions.node'], { cwd: root, env, encoding: 'utf8' }).trim().split('.')[0];
    expect(Number(major)).toBeGreaterThanOrEqual(24);
  });

  it('stops everything on Ctrl-C during start-up and after the banner, and starts again at once', async () => {
    // 1. Ctrl-C while the broker is booting: nothing is left running.
    const first = npmStart();
    await waitFor(() => /started Kafka|reusing Kafka/.test(first.output()), { timeoutMs: 120_000, intervalMs: 50, description: `Kafka starting:\n${first.output()}` });
    ctrlC(first);
    await exited(first);
    expect(first.output()).toContain('stopped.');
    expect(processesMentioning(home), first.output()).toEqual([]);

    // 2. Ready, then Ctrl-C, and at once a new npm start: it waits for the first to stop and never reuses what is stopping.
    // The second runs the services as by default, a process each; the third in npm start's process, a worker thread each.
    const second = npmStart();
    await ready(second);
    expect(second.output()).toMatch(/✓ broker .*\(started\)/);
    expect(second.output()).toMatch(/✓ database .*\(started\)/);
    expect(second.output()).not.toMatch(/"level":|TimeoutNegativeWarning|level-50|ERROR/);
    expect(second.output()).toMatch(/tracker :\d+…/);
    ctrlC(second);
    const third = npmStart({ SERVICES_RUN_AS: 'thread' });
    await exited(second);
    expect(second.output()).toContain('stopped.');
    await ready(third);
    expect(third.output(), third.output()).not.toMatch(/✗|restarting in/);
    expect(third.output()).toMatch(/tracker :\d+ in one process, a thread each…/);
    // Each service's lines still carry its name.
    expect(third.output()).toMatch(/^dispatcher \| .*INFO/m);

    // The stack answers: the admin token printed in the banner creates a tenant.
    const token = /admin token\s+(\S+)/.exec(third.output())?.[1];
    const created = await fetch(`http://127.0.0.1:${apiPort}/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'acme' }),
    });
    expect(created.status).toBe(201);

    // The portal link of the demo application opens the portal, and its token reads that application.
    const portal = /portal\s+(http:\S+#token=(hlp_\S+))/.exec(third.output());
    expect(portal, third.output()).not.toBeNull();
    const page = await fetch(portal![1]!.split('#')[0]!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const session = await fetch(`http://127.0.0.1:${apiPort}/v1/portal-sessions/current`, { headers: { authorization: `Bearer ${portal![2]}` } });
    expect(((await session.json()) as { application: { uid: string } }).application.uid).toBe('demo-customer');

    // 3. The last Ctrl-C leaves no process behind either.
    ctrlC(third);
    await exited(third);
    expect(third.output()).toContain('stopped.');
    expect(third.output()).toMatch(/^tracker +\| .*stopped cleanly/m);
    expect(processesMentioning(home), third.output()).toEqual([]);
  }, 400_000);

  it('refuses a SERVICES_RUN_AS it does not know, before starting anything', async () => {
    const run = npmStart({ SERVICES_RUN_AS: 'fibers' });
    await exited(run);
    expect(run.child.exitCode).toBe(1);
    expect(run.output()).toContain('SERVICES_RUN_AS must be process or thread (got "fibers")');
    expect(processesMentioning(home)).toEqual([]);
  }, 60_000);
});
