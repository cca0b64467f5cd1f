import { newId } from '@hookline/contracts';
import type pg from 'pg';
import type { RequeueFilter } from './deliveries-repository.ts';

/** A job that re-enqueues deliveries in bounded batches. */
export interface RequeueJob {
  id: string;
  tenantId: string;
  kind: 'replay' | 'recover' | 'redrive';
  filter: RequeueFilter;
  status: 'running' | 'completed' | 'failed';
  total: number;
  requeued: number;
  missing: number;
  cursor: string | null;
  inflightIds: string[];
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

interface Row {
  id: string;
  tenant_id: string;
  kind: RequeueJob['kind'];
  filter: { applicationId?: string; endpointId?: string; eventId?: string; statuses?: RequeueFilter['statuses']; since?: string; until?: string };
  status: RequeueJob['status'];
  total: number;
  requeued: number;
  missing: number;
  cursor: string | null;
  inflight_ids: string[];
  error: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

const toJob = (r: Row): RequeueJob => ({
  id: r.id,
  tenantId: r.tenant_id,
  kind: r.kind,
  filter: {
    ...(r.filter.applicationId ? { applicationId: r.filter.applicationId } : {}),
    ...(r.filter.endpointId ? { endpointId: r.filter.endpointId } : {}),
    ...(r.filter.eventId ? { eventId: r.filter.eventId } : {}),
    ...(r.filter.statuses ? { statuses: r.filter.statuses } : {}),
    ...(r.filter.since ? { since: new Date(r.filter.since) } : {}),
    ...(r.filter.until ? { until: new Date(r.filter.until) } : {}),
  },
  status: r.status,
  total: r.total,
  requeued: r.requeued,
  missing: r.missing,
  cursor: r.cursor,
  inflightIds: r.inflight_ids,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  finishedAt: r.finished_at,
});

const lease = (ms: number) => `now() + make_interval(secs => ${Math.ceil(ms / 1000)})`;

/** Requeue jobs: created by the API, advanced batch by batch by a runner holding a lease. */
export class RequeueJobsRepository {
  readonly #pool: pg.Pool;
  readonly #leaseMs: number;

  constructor(pool: pg.Pool, leaseMs = 30_000) {
    this.#pool = pool;
    this.#leaseMs = leaseMs;
  }

  /** Creates a running job, leased to the caller. */
  async create(tenantId: string, kind: RequeueJob['kind'], filter: RequeueFilter, total: number): Promise<RequeueJob> {
    const { rows } = await this.#pool.query<Row>(
      `INSERT INTO requeue_jobs (id, tenant_id, kind, filter, status, total, locked_until, application_id)
       VALUES ($1, $2, $3, $4, 'running', $5, ${lease(this.#leaseMs)}, $6) RETURNING *`,
      [newId('job'), tenantId, kind, JSON.stringify(filter), total, filter.applicationId ?? null],
    );
    return toJob(rows[0]!);
  }

  async get(tenantId: string, id: string): Promise<RequeueJob | null> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM requeue_jobs WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  /** Takes over running jobs whose runner's lease ran out (it crashed or stopped); at most `limit`. */
  async claimAbandoned(limit = 10): Promise<RequeueJob[]> {
    const { rows } = await this.#pool.query<Row>(
      `UPDATE requeue_jobs SET locked_until = ${lease(this.#leaseMs)}, updated_at = now()
       WHERE id IN (SELECT id FROM requeue_jobs WHERE status = 'running' AND locked_until < now()
                    ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [limit],
    );
    return rows.map(toJob);
  }

  /** Records the batch about to be re-enqueued (before its deliveries are marked), renewing the lease. */
  async beginBatch(id: string, ids: readonly string[]): Promise<void> {
    await this.#pool.query(`UPDATE requeue_jobs SET inflight_ids = $2, locked_until = ${lease(this.#leaseMs)}, updated_at = now() WHERE id = $1`, [id, ids]);
  }

  /** Records a produced batch: progress, the next cursor, and no batch in flight. */
  async endBatch(id: string, progress: { requeued: number; missing: number; cursor: string | null }): Promise<void> {
    await this.#pool.query(
      `UPDATE requeue_jobs SET requeued = requeued + $2, missing = missing + $3, cursor = $4, inflight_ids = '{}',
         locked_until = ${lease(this.#leaseMs)}, updated_at = now() WHERE id = $1`,
      [id, progress.requeued, progress.missing, progress.cursor],
    );
  }

  async finish(id: string, error?: string): Promise<void> {
    await this.#pool.query(
      `UPDATE requeue_jobs SET status = $2, error = $3, finished_at = now(), updated_at = now() WHERE id = $1`,
      [id, error ? 'failed' : 'completed', error ?? null],
    );
  }
}
