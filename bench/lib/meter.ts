import { delta, infraCpuDelta, infraCpuSeconds, kafkaRequests, pgStatements, total } from './counters.ts';
import { machineBusySeconds } from './proc-stats.ts';
import type { Rig } from './rig.ts';
import { round } from './stats.ts';

/** What a stretch of the run cost: whole-machine and per-process CPU, Kafka requests and SQL statements. */
export interface Meter {
  stop(events: number): Promise<{ metrics: Record<string, number | null>; details: Record<string, unknown> }>;
}

export async function meter(rig: Rig): Promise<Meter> {
  const kafka0 = await kafkaRequests(rig);
  const pg0 = await pgStatements(rig);
  const procs0 = new Map(rig.children.map((c) => [c.name, c.sample()?.cpuSeconds ?? 0]));
  const infra0 = infraCpuSeconds();
  const busy0 = machineBusySeconds();
  const t0 = Date.now();
  return {
    async stop(events) {
      const busy = machineBusySeconds() - busy0;
      const seconds = (Date.now() - t0) / 1000;
      const infra = infraCpuDelta(infra0, infraCpuSeconds());
      const perEvent = (cpuSeconds: number) => round((cpuSeconds / Math.max(1, events)) * 1000, 3);
      const procs = {
        ...Object.fromEntries(rig.children.map((c) => [c.name, perEvent((c.sample()?.cpuSeconds ?? 0) - (procs0.get(c.name) ?? 0))])),
        broker: perEvent(infra.broker),
        postgres: perEvent(infra.postgres),
      };
      const kafka = delta(kafka0, await kafkaRequests(rig));
      const pg1 = await pgStatements(rig);
      const pg = pg0 && pg1 ? delta(pg0, pg1) : null;
      const per = (n: number) => round(n / Math.max(1, events), 2);
      return {
        metrics: {
          seconds: round(seconds, 1),
          machine_cores: round(busy / seconds, 3),
          cpu_ms_per_event: round((busy * 1000) / Math.max(1, events), 3),
          // Admin requests are left out: they are the lag gauges answering this meter's own /metrics reads.
          kafka_requests_per_event: per(total(kafka.filter(([key]) => !key.includes(' admin ')))),
          pg_statements_per_event: pg ? per(total(pg)) : null,
        },
        details: {
          cpuMsPerEventByProcess: procs,
          kafkaRequestsPerEvent: Object.fromEntries(kafka.map(([k, n]) => [k, per(n)])),
          pgStatementsPerEvent: pg ? Object.fromEntries(pg.slice(0, 12).map(([k, n]) => [k, per(n)])) : 'pg_stat_statements not loaded',
        },
      };
    },
  };
}
