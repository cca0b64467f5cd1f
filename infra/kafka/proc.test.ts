import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from './proc.ts';

describe('a launcher recognising a server an earlier run left, by pid and command line', () => {
  it.runIf(fs.existsSync('/proc/2/stat'))("reads the machine's own processes: a process by its marker, a kernel thread never", async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', '--', 'proc-test-marker'], { stdio: 'ignore' });
    try {
      expect(isProcessAlive(child.pid!, 'proc-test-marker')).toBe(true);
      expect(isProcessAlive(child.pid!, 'proc-test')).toBe(false); // only whole arguments count
      expect(isProcessAlive(child.pid!, 'another-marker')).toBe(false);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect(isProcessAlive(child.pid!, 'proc-test-marker')).toBe(false);
    // kthreadd is pid 2 on Linux: alive, with an empty command line, and no one's server.
    expect(isProcessAlive(2)).toBe(true);
    expect(isProcessAlive(2, 'proc-test-marker')).toBe(false);
  });
});
