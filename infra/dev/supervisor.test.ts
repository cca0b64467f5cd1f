import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@hookline/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Supervisor, type RunAs } from './supervisor.ts';

const root = join(import.meta.dirname, '..', '..');
const script = 'infra/dev/fixtures/service.ts';

describe.each<RunAs>(['process', 'thread'])('the supervisor running services as a %s', (runAs) => {
  let lines: string[] = [];
  let supervisor: Supervisor | undefined;
  const dirs: string[] = [];

  afterEach(async () => {
    await supervisor?.stop(5_000);
    vi.restoreAllMocks();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function start(specs: Array<{ name: string; env?: Record<string, string> }>): Supervisor {
    lines = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
    supervisor = new Supervisor(
      specs.map((s) => ({ name: s.name, script, env: { FIXTURE_NAME: s.name, ...s.env } })),
      root,
      { colour: false, runAs },
    );
    supervisor.start();
    return supervisor;
  }
  const seen = (pattern: RegExp) => waitFor(() => lines.some((l) => pattern.test(l)), { timeoutMs: 20_000, intervalMs: 20, description: `${pattern} in:\n${lines.join('\n')}` });

  it('prefixes each service\'s lines with its name, and stops each cleanly', async () => {
    const sup = start([{ name: 'alpha' }, { name: 'beta' }]);
    await seen(/^alpha \| up in pid \d+ as alpha$/);
    await seen(/^beta {2}\| up in pid \d+ as beta$/);
    const pids = lines.filter((l) => l.includes('up in pid')).map((l) => /pid (\d+)/.exec(l)![1]);
    // As threads both run in this process; as processes each in its own.
    if (runAs === 'thread') expect(pids).toEqual([String(process.pid), String(process.pid)]);
    else expect(new Set([...pids, String(process.pid)]).size).toBe(3);
    await sup.stop(5_000);
    expect(lines.filter((l) => l.endsWith('| cleaned up')).length, lines.join('\n')).toBe(2);
    expect(lines.join('\n')).toMatch(/alpha \| .*"msg":"stopped cleanly"/);
    expect(lines.join('\n')).not.toMatch(/restarting in/);
  });

  it('restarts a service that failed, alone, and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-supervisor-'));
    dirs.push(dir);
    start([{ name: 'steady' }, { name: 'flaky', env: { CRASH_ONCE: join(dir, 'crashed') } }]);
    await seen(/^flaky {2}\| exited \(code 1.*\); restarting in 1 s$/);
    await seen(/^flaky {2}\| up in pid/);
    expect(lines.join('\n')).toContain('boom on the first run');
    expect(lines.filter((l) => l.startsWith('steady | up in pid')).length).toBe(1);
  });
});
