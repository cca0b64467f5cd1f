import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { booleanFlag, duration, parseDuration } from './fields.ts';
import { kafkaFragment } from './fragments.ts';
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
});
