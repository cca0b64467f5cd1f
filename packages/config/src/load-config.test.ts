import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { booleanFlag, duration, encryptionKey, parseDuration, positiveInt } from './fields.ts';
import { drainBudgetMs, kafkaFragment } from './fragments.ts';
import { loadConfig } from './load-config.ts';

describe('loadConfig', () => {
  it('applies defaults and treats empty strings as unset', () => {
    const cfg = loadConfig(kafkaFragment, { KAFKA_BROKERS: '' });
    expect(cfg.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(cfg.TOPIC_PREFIX).toBe('hookline');
  });

  it('reports every problem at once', () => {
    const shape = { A: booleanFlag(false), B: duration('5s'), C: z.coerce.number().int() };
    try {
      loadConfig(shape, { A: 'yes', B: 'soon', C: 'x' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.join('\n')).toMatch(/^A: /m);
      expect(problems.join('\n')).toMatch(/^B: .*not a duration/m);
    }
  });

  it('refuses durations and integers above their bounds, naming the bound', () => {
    const shape = { W: duration('250ms', 10_000), N: positiveInt(5, 100) };
    expect(loadConfig(shape, { W: '10s', N: '100' })).toEqual({ W: 10_000, N: 100 });
    try {
      loadConfig(shape, { W: '1m', N: '101' });
      expect.unreachable();
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^W: "1m" is longer than the allowed 10000 ms/m);
      expect(problems).toMatch(/^N: .*100/m);
    }
  });

  it('gives a stopping service its shutdown timeout less 3 s to drain, at least 0.5 s', () => {
    expect(drainBudgetMs(10_000)).toBe(7_000);
    expect(drainBudgetMs(2_000)).toBe(500);
  });

  it('parses booleans strictly', () => {
    expect(loadConfig({ F: booleanFlag(false) }, { F: 'true' }).F).toBe(true);
    expect(loadConfig({ F: booleanFlag(true) }, {}).F).toBe(true);
  });
});

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['5s', 5_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1500', 1_500],
    ['1.5s', 1_500],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('rejects garbage', () => {
    expect(parseDuration('5 weeks')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });

  it('accepts a 32-byte ENCRYPTION_KEY as 64 hex digits or base64, and names a malformed one', () => {
    const shape = { ENCRYPTION_KEY: encryptionKey() };
    const hex = 'ab'.repeat(32);
    expect(loadConfig(shape, { ENCRYPTION_KEY: hex }).ENCRYPTION_KEY).toBe(hex);
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig(shape, { ENCRYPTION_KEY: b64 }).ENCRYPTION_KEY).toBe(b64);
    for (const bad of ['short', 'ab'.repeat(31), Buffer.alloc(16).toString('base64')]) {
      expect(() => loadConfig(shape, { ENCRYPTION_KEY: bad })).toThrow(/ENCRYPTION_KEY: must be 32 bytes/);
    }
    expect(() => loadConfig(shape, {})).toThrow(/ENCRYPTION_KEY/);
  });
});
