import { histogramQuantile, mergeHistograms } from '@hookline/contracts';
import type pg from 'pg';

/**
 * `GET /v1/endpoints/{id}/health`'s statistics: the last hour of attempts from the tracker's per-minute rollups.
 * The endpoint's state (circuit, failing since, last success and failure) is the dispatcher's: `EndpointHealthRepository`.
 */
export interface EndpointStats {
  /** Attempts that reached (or tried to reach) the endpoint in the last hour; open-circuit skips excluded. */
  attempts1h: number;
  /** Successes / attempts over the last hour; null without attempts. */
  successRate1h: number | null;
  /** Latency quantiles over the last hour (ms), estimated from a histogram; null without attempts. */
  p50Ms: number | null;
  p99Ms: number | null;
}

/** One endpoint in the console's health overview. */
export interface EndpointHealthLine {
  endpointId: string;
  applicationId: string;
  url: string;
  circuit: 'closed' | 'open' | 'half_open';
  disabled: boolean;
  disabledReason: string | null;
  failingSince: Date | null;
  attempts1h: number;
  successRate1h: number | null;
}

/**
 * Endpoint statistics from the tracker's rollups (at most 60 per-minute rows per endpoint, never the attempts table),
 * beside the dispatcher's `endpoint_health` for the circuit and the run of failures. The caller checks that the
 * endpoint belongs to the tenant.
 */
export class EndpointStatsRepository {
  readonly #pool: pg.Pool | pg.PoolClient;

  constructor(pool: pg.Pool | pg.PoolClient) {
    this.#pool = pool;
  }

  async get(endpointId: string, now: Date = new Date()): Promise<EndpointStats> {
    const minutes = await this.#pool.query<{ attempts: number; successes: number; duration_histogram: number[] }>(
      `SELECT attempts, successes, duration_histogram FROM endpoint_health_minutes
       WHERE endpoint_id = $1 AND minute > $2::timestamptz - interval '1 hour' AND minute <= $2`,
      [endpointId, now],
    );
    const attempts = minutes.rows.reduce((n, r) => n + r.attempts, 0);
    const successes = minutes.rows.reduce((n, r) => n + r.successes, 0);
    const histogram = mergeHistograms(minutes.rows.map((r) => r.duration_histogram));
    return {
      attempts1h: attempts,
      successRate1h: attempts === 0 ? null : successes / attempts,
      p50Ms: histogramQuantile(histogram, 0.5),
      p99Ms: histogramQuantile(histogram, 0.99),
    };
  }

  /**
   * The tenant's endpoints (of one application, when given) with their circuit and last hour: open circuits first,
   * then disabled endpoints, then by success rate, lowest first.
   */
  async overview(tenantId: string, opts: { applicationId?: string | undefined; limit: number }, now: Date = new Date()): Promise<EndpointHealthLine[]> {
    const { rows } = await this.#pool.query<{
      id: string; application_id: string; url: string; circuit_state: string | null; disabled: boolean; disabled_reason: string | null;
      failing_since: Date | null; attempts: string | null; successes: string | null;
    }>(
      `SELECT e.id, e.application_id, e.url, h.circuit_state, e.disabled, e.disabled_reason,
              h.failing_since, m.attempts, m.successes
       FROM endpoints e
       LEFT JOIN endpoint_health h ON h.endpoint_id = e.id
       LEFT JOIN LATERAL (
         SELECT sum(attempts) AS attempts, sum(successes) AS successes FROM endpoint_health_minutes
         WHERE endpoint_id = e.id AND minute > $3::timestamptz - interval '1 hour' AND minute <= $3) m ON true
       WHERE e.tenant_id = $1 AND ($2::text IS NULL OR e.application_id = $2)
       ORDER BY (h.circuit_state = 'open') DESC NULLS LAST, (h.circuit_state = 'half_open') DESC NULLS LAST, e.disabled DESC,
                (m.successes::float8 / NULLIF(m.attempts, 0)) ASC NULLS LAST, e.id
       LIMIT $4`,
      [tenantId, opts.applicationId ?? null, now, opts.limit],
    );
    return rows.map((r) => {
      const attempts = Number(r.attempts ?? 0);
      return {
        endpointId: r.id,
        applicationId: r.application_id,
        url: r.url,
        circuit: (r.circuit_state ?? 'closed') as EndpointHealthLine['circuit'],
        disabled: r.disabled,
        disabledReason: r.disabled_reason,
        failingSince: r.failing_since,
        attempts1h: attempts,
        successRate1h: attempts === 0 ? null : Number(r.successes ?? 0) / attempts,
      };
    });
  }
}
