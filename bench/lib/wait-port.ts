import { setTimeout as sleep } from 'node:timers/promises';
import { portOpen } from '../../infra/common/net.ts';

/** Waits (bounded) until something accepts connections on 127.0.0.1:`port`. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen('127.0.0.1', port)) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}
