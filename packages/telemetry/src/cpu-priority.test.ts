import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

/** Runs `lowerCpuPriority(nice)` in a worker thread (a nice value is per thread on Linux: the test's own is untouched). */
function inWorker(nice: number): Promise<{ returned: number; after: number; logged: string[] }> {
  const source = `
    import { parentPort, workerData } from 'node:worker_threads';
    import { getPriority } from 'node:os';
    const { lowerCpuPriority } = await import(workerData.module);
    const logged = [];
    const log = { info: (_o, m) => logged.push('info ' + m), warn: (_o, m) => logged.push('warn ' + m) };
    const returned = lowerCpuPriority(workerData.nice, log);
    parentPort.postMessage({ returned, after: getPriority(), logged });
  `;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), {
    workerData: { nice, module: new URL('./cpu-priority.ts', import.meta.url).href },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (m) => {
      resolve(m as { returned: number; after: number; logged: string[] });
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe.runIf(process.platform === 'linux')('lowerCpuPriority', () => {
  it("lowers the calling thread's priority and leaves the others' alone", async () => {
    const own = getPriority();
    const target = Math.min(19, Math.max(own + 1, 10));
    const r = await inWorker(target);
    expect(r.returned).toBe(target);
    expect(r.after).toBe(target);
    expect(r.logged).toEqual(['info CPU priority lowered']);
    expect(getPriority()).toBe(own);
  });

  it('never raises it: a value at or below the current one changes nothing', async () => {
    const own = getPriority();
    const r = await inWorker(own);
    expect(r).toEqual({ returned: own, after: own, logged: [] });
  });
});
