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

/**
 * CPU-seconds used so far by the machine's Kafka brokers (JVMs running `kafka.Kafka`) and PostgreSQL processes
 * (every backend, the postmaster and its workers), from /proc: the share of an event's cost the services do not
 * show. On a machine that runs other brokers or clusters than the bench's, theirs are counted too.
 */
export function infraCpuSeconds(): { broker: number; postgres: number } {
  const ticks = 100;
  let broker = 0;
  let postgres = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const isBroker = cmdline.includes('kafka.Kafka');
      const argv0 = cmdline.split('\0')[0] ?? '';
      const isPostgres = !isBroker && (argv0.endsWith('/postgres') || argv0.startsWith('postgres:'));
      if (!isBroker && !isPostgres) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / ticks;
      if (isBroker) broker += seconds;
      else postgres += seconds;
    } catch {
      // The process ended while it was read.
    }
  }
  return { broker, postgres };
}
