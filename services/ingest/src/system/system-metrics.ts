import type { Registry } from 'prom-client';
import { figuresOf, parseMetricsText, type ServiceFigures } from './metrics-text.ts';

/** One service as the console's System page shows it. */
export interface ServiceReport extends ServiceFigures {
  name: string;
  up: boolean;
}

/**
 * Reads the services' own metrics (this process's registry, the others' `/metrics` over HTTP, each within
 * `timeoutMs`) and keeps what the console shows: consumer lag and counter totals. Rates are the console's: it
 * compares two samples.
 */
export class SystemMetrics {
  readonly #own: Registry;
  readonly #others: ReadonlyArray<{ name: string; url: string }>;
  readonly #timeoutMs: number;

  constructor(own: Registry, others: ReadonlyArray<{ name: string; url: string }>, timeoutMs = 2_000) {
    this.#own = own;
    this.#others = others;
    this.#timeoutMs = timeoutMs;
  }

  async sample(): Promise<{ sampledAt: string; services: ServiceReport[] }> {
    const sampledAt = new Date().toISOString();
    const own = figuresOf(parseMetricsText(await this.#own.metrics()));
    const others = await Promise.all(
      this.#others.map(async ({ name, url }): Promise<ServiceReport> => {
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
          if (!res.ok) return { name, up: false, consumerLag: [], counters: {} };
          return { name, up: true, ...figuresOf(parseMetricsText(await res.text())) };
        } catch {
          return { name, up: false, consumerLag: [], counters: {} };
        }
      }),
    );
    return { sampledAt, services: [{ name: 'ingest', up: true, ...own }, ...others] };
  }
}
