import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'undici';
import type { Rig } from './rig.ts';

/** Requests each service's Kafka clients sent so far, by `role api` (from `hookline_kafka_requests_total`). */
export async function kafkaRequests(rig: Rig): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const [service, url] of rig.services.urls) {
    const res = await request(`${url}/metrics`);
    const text = await res.body.text();
    for (const line of text.split('\n')) {
      const m = /^hookline_kafka_requests_total\{([^}]*)\}\s+(\S+)/.exec(line);
      if (!m) continue;
      const role = /role="([^"]*)"/.exec(m[1]!)?.[1] ?? '?';
      const api = /api="([^"]*)"/.exec(m[1]!)?.[1] ?? '?';
      counts.set(`${service} ${role} ${api}`, Number(m[2]));
    }
  }
  return counts;
}

/** Statements PostgreSQL executed so far in the bench's database, by statement text (null: pg_stat_statements not loaded). */
export async function pgStatements(rig: Rig): Promise<Map<string, number> | null> {
  try {
    await rig.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA public');
    const rows = await rig.query<{ query: string; calls: string }>(
      `SELECT query, calls::text FROM public.pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND query NOT ILIKE '%pg_stat_statements%' AND query NOT ILIKE '%count(*)::int AS n FROM attempts%'`,
    );
    const counts = new Map<string, number>();
    for (const r of rows) {
      const key = r.query.replace(/\s+/g, ' ').slice(0, 120);
      counts.set(key, (counts.get(key) ?? 0) + Number(r.calls));
    }
    return counts;
  } catch {
    return null;
  }
}

/** `after - before` per key, largest first; keys with no change left out. */
export function delta(before: Map<string, number>, after: Map<string, number>): Array<[string, number]> {
  return [...after]
    .map(([k, v]): [string, number] => [k, v - (before.get(k) ?? 0)])
    .filter(([, d]) => d > 0)
    .sort((a, b) => b[1] - a[1]);
}

export const total = (d: Array<[string, number]>): number => d.reduce((a, [, n]) => a + n, 0);

/** CPU-seconds used so far by each of the machine's Kafka brokers and PostgreSQL processes, by pid. */
export type InfraCpu = Map<string, { kind: 'broker' | 'postgres'; seconds: number }>;

/**
 * CPU-seconds used so far by the machine's Kafka brokers (JVMs running `kafka.Kafka`) and PostgreSQL processes
 * (every backend, the postmaster and its workers), from /proc, per process: the share of an event's cost the services
 * do not show. On a machine that runs other brokers or clusters than the bench's, theirs are counted too.
 */
export function infraCpuSeconds(): InfraCpu {
  const ticks = 100;
  const out: InfraCpu = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const isBroker = cmdline.includes('kafka.Kafka');
      const argv0 = cmdline.split('\0')[0] ?? '';
      const isPostgres = !isBroker && (argv0.endsWith('/postgres') || argv0.startsWith('postgres:'));
      if (!isBroker && !isPostgres) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, { kind: isBroker ? 'broker' : 'postgres', seconds: (Number(fields[11]) + Number(fields[12])) / ticks });
    } catch {
      // The process ended while it was read.
    }
  }
  return out;
}

/**
 * What the brokers and PostgreSQL spent between two readings: each process still running counts from its first
 * reading (from zero when it started in between). A process that ended in between (a PostgreSQL backend whose client
 * disconnected) is left out rather than counted negative: its last CPU is gone with it.
 */
export function infraCpuDelta(before: InfraCpu, after: InfraCpu): { broker: number; postgres: number } {
  const spent = { broker: 0, postgres: 0 };
  for (const [pid, now] of after) {
    const then = before.get(pid);
    spent[now.kind] += now.seconds - (then?.kind === now.kind ? then.seconds : 0);
  }
  return spent;
}
