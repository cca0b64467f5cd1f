import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { waitFor, type TestWorld } from '@hookline/testing';

const root = join(import.meta.dirname, '..', '..');

/** Ports for processes started later: the infrastructure launchers' own helpers (see infra/common/net.ts). */
import { freePort } from '../../infra/common/net.ts';

export { canListen, freePort, freePortRun } from '../../infra/common/net.ts';

/** The three services as processes of their own, as `npm start` runs them (each its own OpenTelemetry SDK). */
export interface ServiceProcesses {
  api: string;
  ports: { ingest: number; dispatcher: number; tracker: number };
  /** Everything they printed, for failure messages. */
  output(): string;
  /** SIGTERM, then wait for each to exit (their SDKs flush the last spans on the way out). */
  stop(): Promise<void>;
}

const ready = (port: number) => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);

/** Starts ingest (which migrates the world's schema), then the dispatcher and the tracker; resolves when all are ready. */
export async function startServiceProcesses(world: TestWorld, env: Record<string, string>): Promise<ServiceProcesses> {
  const ports = { ingest: await freePort(), dispatcher: await freePort(), tracker: await freePort() };
  const children: ChildProcess[] = [];
  let output = '';
  const start = (name: keyof typeof ports) => {
    const child = spawn(process.execPath, [`services/${name}/src/main.ts`], {
      cwd: root,
      env: { ...process.env, ...world.env, ...env, HTTP_PORT: String(ports[name]) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => (output += `[${name}] ${c.toString()}`));
    child.stderr!.on('data', (c: Buffer) => (output += `[${name}] ${c.toString()}`));
    children.push(child);
  };
  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  };
  try {
    start('ingest');
    await waitFor(() => ready(ports.ingest), { timeoutMs: 60_000, description: 'ingest ready' });
    start('dispatcher');
    start('tracker');
    await waitFor(async () => (await ready(ports.dispatcher)) && (await ready(ports.tracker)), { timeoutMs: 60_000, description: 'dispatcher and tracker ready' });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output.slice(-4_000)}`, { cause: error });
  }
  return { api: `http://127.0.0.1:${ports.ingest}`, ports, output: () => output, stop };
}
