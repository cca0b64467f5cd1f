import { deliveryRecord, encodeRecord, type DeliveryRecord } from '@hookline/contracts';
import type { DeliveriesRepository, RequeueFilter, RequeueJob, RequeueJobsRepository } from '@hookline/db';
import { CoalescingSender, headersFor, producerSpan } from '@hookline/kafka';
import type { Logger } from '@hookline/telemetry';
import type { Producer } from 'kafkajs';

/** What a started requeue answers at once: the job and how many deliveries it will re-enqueue. */
export interface StartedRequeue {
  job: RequeueJob;
}

/** What the runner needs. */
export interface RequeueRunnerDeps {
  jobs: RequeueJobsRepository;
  deliveries: DeliveriesRepository;
  producer: Producer;
  deliveriesTopic: string;
  log: Logger;
  /** Deliveries per batch. */
  batchSize: number;
}

/**
 * Replay, recover and redrive: re-enqueues deliveries through the normal pipeline (same delivery id and event
 * id, so the same `webhook-id`; new attempts are recorded as usual) as a background job in bounded batches, so
 * 100,000 dead letters never block the API. Each batch is noted on the job before its deliveries are marked
 * pending and produced, so a runner that dies mid-batch leaves a job another runner resumes — re-producing that
 * batch (at least once) — after its lease ran out.
 */
export class RequeueRunner {
  readonly #d: RequeueRunnerDeps;
  readonly #sender: CoalescingSender;
  readonly #running = new Set<Promise<void>>();
  #stopped = false;
  #sweep: NodeJS.Timeout | undefined;

  constructor(deps: RequeueRunnerDeps) {
    this.#d = deps;
    this.#sender = new CoalescingSender(deps.producer);
  }

  /** Resumes abandoned jobs now and every `everyMs`. */
  start(everyMs = 15_000): void {
    const sweep = () => {
      this.#d.jobs.claimAbandoned().then(
        (jobs) => jobs.forEach((job) => this.#run(job)),
        (err: unknown) => this.#d.log.warn({ err }, 'claiming abandoned requeue jobs failed'),
      );
    };
    sweep();
    this.#sweep = setInterval(sweep, everyMs);
    this.#sweep.unref();
  }

  /** Counts what the filter matches, creates the job and runs it in the background. */
  async begin(tenantId: string, kind: RequeueJob['kind'], filter: RequeueFilter): Promise<StartedRequeue> {
    const total = await this.#d.deliveries.countForRequeue(tenantId, filter);
    const job = await this.#d.jobs.create(tenantId, kind, filter, total);
    if (total === 0) await this.#d.jobs.finish(job.id);
    else this.#run(job);
    return { job };
  }

  /** Lets running batches finish (their jobs resume elsewhere if they do not). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#sweep);
    await Promise.allSettled([...this.#running]);
  }

  #run(job: RequeueJob): void {
    const p = this.#loop(job).catch(async (err: unknown) => {
      this.#d.log.error({ err, job_id: job.id }, 'requeue job failed');
      await this.#d.jobs.finish(job.id, (err as Error).message).catch(() => {});
    });
    this.#running.add(p);
    void p.finally(() => this.#running.delete(p));
  }

  async #loop(job: RequeueJob): Promise<void> {
    const { jobs, deliveries, batchSize } = this.#d;
    if (job.inflightIds.length > 0) {
      // The previous runner died within this batch: re-enqueue it whatever state its deliveries are in now.
      const batch = await deliveries.selectForRequeue(job.tenantId, { ids: job.inflightIds }, { limit: job.inflightIds.length });
      await this.#produce(job, batch.records);
      await jobs.endBatch(job.id, { requeued: batch.records.length, missing: batch.missingEvents.length, cursor: job.cursor });
    }
    let cursor = job.cursor;
    for (;;) {
      if (this.#stopped) return;
      const batch = await deliveries.selectForRequeue(job.tenantId, job.filter, { limit: batchSize, cursor });
      const ids = batch.records.map((r) => r.deliveryId);
      if (ids.length > 0) {
        await jobs.beginBatch(job.id, ids);
        await deliveries.markRequeued(job.tenantId, ids);
        await this.#produce(job, batch.records);
      }
      cursor = batch.nextCursor ?? cursor;
      await jobs.endBatch(job.id, { requeued: ids.length, missing: batch.missingEvents.length, cursor });
      if (batch.nextCursor === null) break;
    }
    await jobs.finish(job.id);
    this.#d.log.info({ job_id: job.id, kind: job.kind, tenant_id: job.tenantId }, 'requeue job completed');
  }

  async #produce(job: RequeueJob, records: readonly DeliveryRecord[]): Promise<void> {
    if (records.length === 0) return;
    await producerSpan(this.#d.deliveriesTopic, { 'hookline.job_id': job.id, 'hookline.tenant_id': job.tenantId }, async (span) => {
      const headers = headersFor(span, undefined);
      await this.#sender.send(this.#d.deliveriesTopic, records.map((r) => ({ key: r.endpointId, value: encodeRecord(deliveryRecord, r), headers })));
    });
  }
}
