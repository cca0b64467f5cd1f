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
