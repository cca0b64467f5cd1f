/** One sample of a Prometheus text exposition: metric name, labels, value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the samples of a Prometheus text exposition (comments and malformed lines are skipped). */
export function parseMetricsText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const value = Number(m[3]);
    if (!Number.isFinite(value)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** What the console shows of one service: consumer lag per group and topic, and counter totals. */
export interface ServiceFigures {
  consumerLag: Array<{ group: string; topic: string; lag: number }>;
  counters: Record<string, number>;
}

/** The counters whose totals the console turns into rates. */
export const CONSOLE_COUNTERS = [
  'hookline_events_accepted_total',
  'hookline_delivery_attempts_total',
  'hookline_dead_letters_total',
  'hookline_tracker_rows_written_total',
] as const;

/** Sums the samples the console needs: lag by (group, topic) over partitions, counters over all labels. */
export function figuresOf(samples: readonly Sample[]): ServiceFigures {
  const lag = new Map<string, { group: string; topic: string; lag: number }>();
  const counters: Record<string, number> = {};
  for (const s of samples) {
    if (s.name === 'hookline_consumer_lag') {
      const key = `${s.labels.group}\u0000${s.labels.topic}`;
      const entry = lag.get(key) ?? { group: s.labels.group ?? '', topic: s.labels.topic ?? '', lag: 0 };
      entry.lag += s.value;
      lag.set(key, entry);
    } else if ((CONSOLE_COUNTERS as readonly string[]).includes(s.name)) {
      counters[s.name] = (counters[s.name] ?? 0) + s.value;
    }
  }
  if (samples.some((s) => s.name === 'hookline_delivery_attempts_total' && s.labels.outcome === 'succeeded')) {
    counters.hookline_delivery_attempts_succeeded = samples
      .filter((s) => s.name === 'hookline_delivery_attempts_total' && s.labels.outcome === 'succeeded')
      .reduce((n, s) => n + s.value, 0);
  }
  return { consumerLag: [...lag.values()].sort((a, b) => (a.group + a.topic < b.group + b.topic ? -1 : 1)), counters };
}
