import { describe, expect, it } from 'vitest';
import { figuresOf, parseMetricsText } from './metrics-text.ts';

describe('parseMetricsText / figuresOf', () => {
  const text = [
    '# HELP hookline_consumer_lag Records not yet processed',
    '# TYPE hookline_consumer_lag gauge',
    'hookline_consumer_lag{group="g",topic="t",partition="0"} 3',
    'hookline_consumer_lag{group="g",topic="t",partition="1"} 4',
    'hookline_delivery_attempts_total{outcome="succeeded",tenant_id="a"} 10',
    'hookline_delivery_attempts_total{outcome="http_error",tenant_id="b"} 2',
    'hookline_other_total 99',
    'garbage line',
  ].join('\n');

  it('sums lag over partitions and counters over labels', () => {
    const figures = figuresOf(parseMetricsText(text));
    expect(figures.consumerLag).toEqual([{ group: 'g', topic: 't', lag: 7 }]);
    expect(figures.counters.hookline_delivery_attempts_total).toBe(12);
    expect(figures.counters.hookline_delivery_attempts_succeeded).toBe(10);
    expect(figures.counters.hookline_other_total).toBeUndefined();
  });

  it('reads escaped label values', () => {
    const [s] = parseMetricsText('m{a="x\\"y"} 1');
    expect(s!.labels.a).toBe('x"y');
  });
});
