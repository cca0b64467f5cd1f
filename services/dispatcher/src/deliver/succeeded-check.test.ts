import { describe, expect, it } from 'vitest';
import { createLogger } from '@hookline/telemetry';
import { SucceededCheck } from './succeeded-check.ts';

const log = createLogger({ service: 'test', level: 'silent' });

describe('SucceededCheck', () => {
  it('answers the questions of one turn with one look-up', async () => {
    const calls: string[][] = [];
    const check = new SucceededCheck(async (ids) => (calls.push(ids), new Set(ids.filter((id) => id.startsWith('ok')))), log);
    const answers = await Promise.all(['ok1', 'no1', 'ok2', 'ok1'].map((id) => check.succeeded(id)));
    expect(answers).toEqual([true, false, true, true]);
    expect(calls).toEqual([['ok1', 'no1', 'ok2']]);
  });

  it('asks again while the database is away, and goes ahead (false) once its patience is spent', async () => {
    let calls = 0;
    const flaky = new SucceededCheck(async (ids) => {
      if (++calls < 3) throw new Error('restarting');
      return new Set(ids);
    }, log);
    expect(await flaky.succeeded('ok1')).toBe(true);
    expect(calls).toBe(3);
    const down = new SucceededCheck(async () => {
      throw new Error('down');
    }, log, { patienceMs: 300 });
    expect(await down.succeeded('ok1')).toBe(false);
  });
});
