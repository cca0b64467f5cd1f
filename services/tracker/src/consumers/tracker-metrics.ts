import { Counter, Histogram, type Registry } from 'prom-client';

/** The tracker's write metrics: rows written per table, batch sizes and batch write durations. */
export class TrackerMetrics {
  readonly #rows: Counter;
  readonly #size: Histogram;
  readonly #duration: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#rows = new Counter({ name: 'hookline_tracker_rows_written_total', help: 'New rows written (re-consumed records count once), by table', labelNames: ['table'], registers });
    this.#size = new Histogram({
      name: 'hookline_tracker_batch_size',
      help: 'Records per written batch, by table',
      labelNames: ['table'],
      buckets: [1, 10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000],
      registers,
    });
    this.#duration = new Histogram({
      name: 'hookline_tracker_batch_duration_seconds',
      help: 'Time to write one batch in its transaction (including retries while PostgreSQL is away), by table',
      labelNames: ['table'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }

  batch(table: string, records: number, newRows: number, seconds: number): void {
    this.#rows.inc({ table }, newRows);
    this.#size.observe({ table }, records);
    this.#duration.observe({ table }, seconds);
  }
}
