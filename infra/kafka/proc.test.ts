import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandLineHolds, isProcessAlive } from './proc.ts';

describe('a launcher recognising its own server by pid and command line', () => {
  it('takes a command line holding the marker as the server, and one without it as another process', () => {
    expect(commandLineHolds('/opt/jaeger\0--config=/h/jaeger.yaml\0', 0x400100, '--config=/h/jaeger.yaml')).toBe(true);
    expect(commandLineHolds('/usr/bin/vim\0/h/jaeger.yaml\0', 0x400100, '--config=/h/jaeger.yaml')).toBe(false);
    // Only whole arguments count.
    expect(commandLineHolds('/opt/jaeger\0--config=/h/jaeger.yaml.bak\0', 0x400100, '--config=/h/jaeger.yaml')).toBe(false);
  });

  it('takes an empty command line for a process inside execve (alive), but not for a kernel thread', () => {
    expect(commandLineHolds('', 0x400040, '--config=/h/jaeger.yaml')).toBe(true);
    expect(commandLineHolds('', 0x208040, '--config=/h/jaeger.yaml')).toBe(false); // PF_KTHREAD set
    expect(commandLineHolds('', Number.NaN, '--config=/h/jaeger.yaml')).toBe(false);
  });

  it.runIf(fs.existsSync('/proc/2/stat'))("reads the machine's own processes: a child by its marker, a kernel thread never", async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', '--', 'proc-test-marker'], { stdio: 'ignore' });
    try {
      expect(isProcessAlive(child.pid!, 'proc-test-marker')).toBe(true);
      expect(isProcessAlive(child.pid!, 'another-marker')).toBe(false);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect(isProcessAlive(child.pid!, 'proc-test-marker')).toBe(false);
    // kthreadd is pid 2 on Linux; its command line is empty and it is alive, yet it is no one's server.
    if (fs.readFileSync('/proc/2/cmdline', 'utf8') === '') expect(isProcessAlive(2, 'proc-test-marker')).toBe(false);
  });
});
