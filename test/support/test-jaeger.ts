import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '../../infra/common/exec.ts';
import { startJaeger, stopJaeger, type JaegerUrls } from '../../infra/jaeger/launcher.ts';
import { jaegerPaths, resolveJaegerVersion } from '../../infra/jaeger/paths.ts';
import { resolveHome } from '../../infra/kafka/paths.ts';
import { freePort } from './service-processes.ts';

/** The checkout's cache (`.hookline/cache`), where the Jaeger binary is built once and shared by every home. */
export const sharedCache = () => join(resolveHome(), 'cache');

/** Why a suite needing Jaeger cannot run here, or undefined when the binary is built or can be. */
export function jaegerUnavailable(): string | undefined {
  if (existsSync(jaegerPaths(undefined, resolveJaegerVersion(), sharedCache()).binary) || which('go')) return undefined;
  const reason = 'Jaeger is not built (.hookline/cache) and no Go toolchain is on PATH to build it: install Go 1.24+ or run `node infra/jaeger/cli.ts build`';
  console.warn(`skipping: ${reason}`);
  return reason;
}

/** A Jaeger of the test's own (own home, own ports, the shared binary), stopped and deleted by `stop`. */
export async function startTestJaeger(log: (msg: string) => void = () => undefined): Promise<JaegerUrls & { stop(): Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), 'hookline-jaeger-'));
  const ports = { otlpGrpc: await freePort(), otlpHttp: await freePort(), query: await freePort(), queryGrpc: await freePort() };
  try {
    const urls = await startJaeger({ home, cache: sharedCache(), ports, log });
    return {
      ...urls,
      stop: async () => {
        await stopJaeger({ home });
        rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopJaeger({ home }).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
}
