const DAY_MS = 86_400_000;

/** The tables partitioned by day on `created_at`. */
export const PARTITIONED_TABLES = ['events', 'attempts'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/** One day partition: `<table>_pYYYYMMDD` holding [from, to). */
export interface DayPartition {
  table: PartitionedTable;
  name: string;
  from: Date;
  to: Date;
}

/** The UTC day starting at `dayStartMs`, as a partition of `table`. */
export function dayPartition(table: PartitionedTable, dayStartMs: number): DayPartition {
  const from = new Date(dayStartMs - (dayStartMs % DAY_MS));
  const ymd = from.toISOString().slice(0, 10).replaceAll('-', '');
  return { table, name: `${table}_p${ymd}`, from, to: new Date(from.getTime() + DAY_MS) };
}

/** The day a partition name stands for, or undefined for names that are not day partitions (e.g. the default). */
export function partitionDay(table: PartitionedTable, name: string): number | undefined {
  const m = new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})$`).exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
}

/** Where retention cuts: rows created before this instant are expired. */
export function retentionCutoff(nowMs: number, retentionDays: number): Date {
  return new Date(nowMs - retentionDays * DAY_MS);
}

/**
 * What the maintenance job does to one table: create the missing partitions from yesterday to `daysAhead` days
 * ahead, and drop every day partition wholly older than the retention cutoff.
 */
export function planPartitions(
  table: PartitionedTable,
  existing: readonly string[],
  opts: { nowMs: number; retentionDays: number; daysAhead: number },
): { create: DayPartition[]; drop: DayPartition[] } {
  const have = new Set(existing);
  const today = opts.nowMs - (opts.nowMs % DAY_MS);
  const cutoff = retentionCutoff(opts.nowMs, opts.retentionDays).getTime();
  const create: DayPartition[] = [];
  for (let d = -1; d <= opts.daysAhead; d++) {
    const p = dayPartition(table, today + d * DAY_MS);
    if (!have.has(p.name) && p.to.getTime() > cutoff) create.push(p);
  }
  const drop = existing
    .map((name) => partitionDay(table, name))
    .filter((day): day is number => day !== undefined && day + DAY_MS <= cutoff)
    .sort((a, b) => a - b)
    .map((day) => dayPartition(table, day));
  return { create, drop };
}
