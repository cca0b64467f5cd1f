import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../kafka/proc.ts';
import { livePid, spawnDaemon, stopDaemon, waitForDaemon, type DaemonFiles } from './daemon.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A daemon's files in a fresh directory; `marker` is what a later run would look for in its command line. */
function daemonFiles(marker: string): DaemonFiles & { dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-daemon-'));
  dirs.push(dir);
  return { dir, name: 'Probe', pidFile: path.join(dir, 'probe.pid'), logFile: path.join(dir, 'probe.log'), marker };
}

describe('a launcher starting a server of its own', () => {
  it("judges its own child by the child's exit, not by what /proc shows of it, and stops it", async () => {
    // The marker is not on the command line, as during the moment of an exec: the launcher still sees the server run.
    const files = daemonFiles('--not-on-the-command-line');
    const ready = path.join(files.dir, 'ready');
    const pid = spawnDaemon(files, process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(ready)}, ''); setInterval(() => {}, 1000)`], files.dir);
    expect(isProcessAlive(pid, files.marker)).toBe(false);
    await waitForDaemon(files, pid, async () => fs.existsSync(ready), 20_000);
    expect(livePid(files)).toBe(pid);
    expect(await stopDaemon(files, 5_000)).toBe(true);
    expect(isProcessAlive(pid)).toBe(false);
    expect(fs.existsSync(files.pidFile)).toBe(false);
  });

  it('reports a server that exits during startup with the last lines of its log', async () => {
    const files = daemonFiles('--probe');
    const script = "for (let i = 1; i <= 50; i++) console.log('probe line ' + i); console.error('fatal: cannot bind'); process.exit(3)";
    const pid = spawnDaemon(files, process.execPath, ['-e', script, '--', '--probe'], files.dir);
    const error = await waitForDaemon(files, pid, async () => false, 20_000).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message.split('\n')[0]).toBe(`Probe (pid ${pid}) exited during startup. Last lines of ${files.logFile}:`);
    expect(error?.message).toMatch(/probe line 50\nfatal: cannot bind$/);
    expect(livePid(files)).toBeUndefined();
  });
});
