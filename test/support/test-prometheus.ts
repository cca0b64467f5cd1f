import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '../../infra/common/exec.ts';
import type { ScrapeTarget } from '../../infra/prometheus/config.ts';
import { startPrometheus, stopPrometheus } from '../../infra/prometheus/launcher.ts';
import { waitFor } from '@hookline/testing';
import { freePort } from './service-processes.ts';

/** Why a suite needing the Prometheus server cannot run here, or undefined. */
export function prometheusUnavailable(): string | undefined {
  if (which('prometheus')) return undefined;
  const reason = 'the prometheus server is not on PATH (Debian: apt-get install prometheus; .ci/run installs it)';
  console.warn(`skipping: ${reason}`);
  return reason;
}

/** One series of an instant query's answer. */
export interface Sample {
  metric: Record<string, string>;
  value: number;
}

/** Prometheus' HTTP API: what Grafana's Prometheus data source calls. */
export class PromApi {
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }

  /** An instant query's vector (a scalar answer as one sample); throws with Prometheus' error for a bad query. */
  async query(expr: string, time = Date.now() / 1000): Promise<Sample[]> {
    const res = await fetch(`${this.url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr, time: String(time) }) });
    const body = (await res.json()) as { status: string; error?: string; data: { resultType: string; result: unknown } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    if (body.data.resultType === 'scalar') return [{ metric: {}, value: Number((body.data.result as [number, string])[1]) }];
    return (body.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /** A range query's series, each with its [seconds, value] points. */
  async queryRange(expr: string, start: number, end: number, stepSeconds = 1): Promise<Array<{ metric: Record<string, string>; points: Array<[number, number]> }>> {
    const res = await fetch(`${this.url}/api/v1/query_range`, { method: 'POST', body: new URLSearchParams({ query: expr, start: String(start), end: String(end), step: String(stepSeconds) }) });
    const body = (await res.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data.result.map((r) => ({ metric: r.metric, points: r.values.map(([t, v]) => [t, Number(v)] as [number, number]) }));
  }

  /** The sum of an instant query's samples (0 when empty). */
  async total(expr: string): Promise<number> {
    return (await this.query(expr)).reduce((sum, s) => sum + s.value, 0);
  }

  /** Health of each scrape target by job. */
  async targets(): Promise<Array<{ job: string; health: string }>> {
    const body = (await (await fetch(`${this.url}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ labels: { job: string }; health: string }> } };
    return body.data.activeTargets.map((t) => ({ job: t.labels.job, health: t.health }));
  }
}

/**
 * A Prometheus of the test's own (own home and port) scraping `targets` every second; resolves once every target
 * has been scraped (Prometheus hands new targets to its scrapers up to 5 s after it starts).
 */
export async function startTestPrometheus(targets: readonly ScrapeTarget[]): Promise<{ api: PromApi; stop(): Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), 'hookline-prometheus-'));
  const stop = async () => {
    await stopPrometheus({ home });
    rmSync(home, { recursive: true, force: true });
  };
  try {
    const { url } = await startPrometheus({ home, port: await freePort(), targets, intervalSeconds: 1 });
    const api = new PromApi(url);
    await waitFor(async () => {
      const scraped = await api.targets();
      return scraped.length === targets.length && scraped.every((t) => t.health === 'up');
    }, { timeoutMs: 30_000, intervalMs: 250, description: 'Prometheus scraping every target' });
    return { api, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
