import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const moduleUrl = new URL('../packages/telemetry/src/idle-memory.ts', import.meta.url).href;
const loggerUrl = new URL('../packages/telemetry/src/logger.ts', import.meta.url).href;

/**
 * A real Node process grows its young generation the way a service under load does (short-lived objects, a lot of
 * them), then idles with the release checking every 300 ms: its log says what it gave back, and /proc says the
 * same of its resident set.
 */
const child = `
import { releaseMemoryWhenIdle } from ${JSON.stringify(moduleUrl)};
import { createLogger } from ${JSON.stringify(loggerUrl)};
const log = createLogger({ service: 'probe', level: 'debug', format: 'json', colour: false });
const release = releaseMemoryWhenIdle(log, { everyMs: 300, idleUtilization: 0.05, growthBytes: 24 * 1024 * 1024 });
let keep = [];
for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'record ' + i }); if (keep.length > 1e5) keep = []; }
keep = [];
console.log(JSON.stringify({ grown_mib: Math.round(process.memoryUsage.rss() / 1048576) }));
// Idle, but alive: a timer as a service's heartbeats are.
const beat = setInterval(() => {}, 100);
process.on('message', () => { clearInterval(beat); release.stop(); process.disconnect(); });
`;

const RELEASED = 'idle: memory given back to the system';

/** Runs `code` as an ES module in a fresh Node; its stdout is JSON lines. `released` is the first release's line. */
function startProbe(code: string) {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffered = '';
  const released = new Promise<Record<string, unknown>>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = JSON.parse(buffered.slice(0, nl)) as Record<string, unknown>;
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        if (line.msg === RELEASED) resolve(line);
      }
    });
    proc.on('exit', (exitCode) => reject(new Error(`the probe exited (${exitCode}) before giving memory back: ${JSON.stringify(lines)}`)));
  });
  const stop = async () => {
    if (proc.connected) proc.send('stop');
    await new Promise((resolve) => (proc.exitCode === null ? proc.once('exit', resolve) : resolve(undefined)));
  };
  return { lines, released, stop };
}

describe('an idle process gives back the memory a load grew', () => {
  it('runs one low-memory collection once idle, and its resident set falls', { timeout: 60_000 }, async () => {
    const { lines, released, stop } = startProbe(child);
    try {
      const line = await released;
      const grown = lines.find((l) => typeof l.grown_mib === 'number')!.grown_mib as number;
      const before = line.rss_before_mib as number;
      const after = line.rss_after_mib as number;
      expect(after).toBeLessThan(before - 24);
      expect(after).toBeLessThan(grown - 24);
      // Once per growth: nothing else happened to give back.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(lines.filter((l) => l.msg === RELEASED)).toHaveLength(1);
    } finally {
      await stop();
    }
  });

  it('in a worker thread, collects for its own growth only, not for another thread\'s', { timeout: 60_000 }, async () => {
    // The services in one process (SERVICES_RUN_AS=thread): the process's resident set is every thread's.
    const thread = `
      import { parentPort } from 'node:worker_threads';
      import { IDLE_MEMORY_DEFAULTS, releaseMemoryWhenIdle } from ${JSON.stringify(moduleUrl)};
      import { createLogger } from ${JSON.stringify(loggerUrl)};
      const log = createLogger({ service: 'thread', level: 'debug', format: 'json', colour: false });
      // A thread's own defaults (16 MiB of its own memory), checked every 200 ms instead of 10 s.
      console.log(JSON.stringify({ thread_growth_mib: IDLE_MEMORY_DEFAULTS.growthBytes / 1048576 }));
      const release = releaseMemoryWhenIdle(log, { ...IDLE_MEMORY_DEFAULTS, everyMs: 200 });
      const beat = setInterval(() => {}, 100);
      parentPort.on('message', (m) => {
        if (m === 'grow') {
          let keep = [];
          for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'record ' + i }); if (keep.length > 1e5) keep = []; }
          keep = [];
          console.log(JSON.stringify({ thread_grown: true }));
        } else { clearInterval(beat); release.stop(); parentPort.close(); }
      });
      parentPort.postMessage('ready');
    `;
    const main = `
      import { Worker } from 'node:worker_threads';
      const worker = new Worker(new URL('data:text/javascript,' + encodeURIComponent(${JSON.stringify(thread)})));
      await new Promise((resolve) => worker.once('message', resolve));
      // The main thread grows by ~200 MiB and keeps it; the worker's own memory does not move.
      const hold = [];
      for (let i = 0; i < 12; i++) hold.push(Buffer.alloc(16 * 1024 * 1024, i + 1));
      console.log(JSON.stringify({ main_grown_mib: Math.round(process.memoryUsage.rss() / 1048576) }));
      // Seven of the worker's checks with the process grown and the worker idle; then the worker grows itself.
      setTimeout(() => worker.postMessage('grow'), 1_500);
      process.on('message', () => { worker.postMessage('stop'); worker.once('exit', () => process.disconnect()); hold.length = 0; });
    `;
    const { lines, released, stop } = startProbe(main);
    try {
      const line = await released;
      const order = (pred: (l: Record<string, unknown>) => boolean) => lines.findIndex(pred);
      // Not while only the main thread had grown: the first release follows the worker's own growth.
      expect(order((l) => typeof l.main_grown_mib === 'number')).toBeGreaterThanOrEqual(0);
      expect(order((l) => l.thread_grown === true)).toBeGreaterThanOrEqual(0);
      expect(order((l) => l.msg === RELEASED)).toBeGreaterThan(order((l) => l.thread_grown === true));
      expect(lines.find((l) => typeof l.thread_growth_mib === 'number')?.thread_growth_mib).toBe(16);
      // It reports and measures the thread's own memory, which fell.
      expect(line.thread_after_mib as number).toBeLessThan((line.thread_before_mib as number) - 8);
    } finally {
      await stop();
    }
  });
});
