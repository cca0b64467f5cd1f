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

describe('an idle process gives back the memory a load grew', () => {
  it('runs one low-memory collection once idle, and its resident set falls', { timeout: 60_000 }, async () => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', child], {
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
          if (line.msg === 'idle: memory given back to the system') resolve(line);
        }
      });
      proc.on('exit', (code) => reject(new Error(`the probe exited (${code}) before giving memory back: ${JSON.stringify(lines)}`)));
    });
    try {
      const line = await released;
      const grown = lines.find((l) => typeof l.grown_mib === 'number')!.grown_mib as number;
      const before = line.rss_before_mib as number;
      const after = line.rss_after_mib as number;
      expect(after).toBeLessThan(before - 24);
      expect(after).toBeLessThan(grown - 24);
      // Once per growth: nothing else happened to give back.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(lines.filter((l) => l.msg === 'idle: memory given back to the system')).toHaveLength(1);
    } finally {
      if (proc.connected) proc.send('stop');
      await new Promise((resolve) => (proc.exitCode === null ? proc.once('exit', resolve) : resolve(undefined)));
    }
  });
});
