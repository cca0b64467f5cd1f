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

  it('goes ahead (false) when the database cannot answer', async () => {
    const check = new SucceededCheck(async () => {
      throw new Error('down');
    }, log);
    expect(await check.succeeded('ok1')).toBe(false);
  });
});
