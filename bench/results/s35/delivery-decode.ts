/**
 * What the deliver pipeline no longer spends on a handed-over delivery: decoding its record (UTF-8, JSON.parse, the
 * depth check, zod) — µs of CPU per record, the collections it causes included. Two 1-KiB payloads: the bench's (one
 * padded string) and one shaped like a real webhook's (nested objects, ~60 fields).
 *
 *   node bench/results/s35/delivery-decode.ts [seconds per shape = 5]
 */
import { decodeRecord, deliveryRecord, encodeRecord } from '@hookline/contracts';

const seconds = Number(process.argv[2] ?? 5);
const padded = { seq: 1, at: 1_796_400_000_123, pad: 'x'.repeat(984) };
const user = (i: number) => ({ id: 1_000 + i, login: `user-${i}`, type: 'User', site_admin: false, url: `https://api.example.com/users/${i}` });
const nested = {
  action: 'opened',
  number: 4_711,
  pull_request: { id: 99_887_766, state: 'open', title: 'Faster fan-out', draft: false, merged: false, comments: 3, additions: 120, deletions: 45, user: user(1), labels: [{ id: 1, name: 'perf' }, { id: 2, name: 'dispatcher' }] },
  repository: { id: 55_443, name: 'hookline', full_name: 'hookline/hookline', private: false, owner: user(2), stargazers_count: 1_234, topics: ['webhooks', 'kafka'] },
  sender: user(3),
  installation: { id: 77 },
};
const record = (data: Record<string, unknown>) =>
  encodeRecord(deliveryRecord, {
    deliveryId: 'dlv_01JEXAMPLE00000000000000', eventId: 'evt_01JEXAMPLE00000000000000', tenantId: 'ten_bench', endpointId: 'ep_01JEXAMPLE0000000000000',
    applicationId: 'app_01JEXAMPLE000000000000', type: 'pull_request.opened', data, eventCreatedAt: '2026-12-05T00:00:00.000Z', attempt: 0,
  });

for (const [name, bytes] of [['bench payload (one padded string)', record(padded)], ['nested payload (~60 fields)', record(nested)]] as const) {
  for (let i = 0; i < 20_000; i++) decodeRecord(deliveryRecord, bytes); // warm-up
  const start = process.cpuUsage();
  const until = performance.now() + seconds * 1_000;
  let n = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 1_000; i++) if (!decodeRecord(deliveryRecord, bytes).ok) throw new Error('undecodable');
    n += 1_000;
  }
  const used = process.cpuUsage(start);
  console.log(`${name}, ${bytes.length} bytes: ${((used.user + used.system) / n).toFixed(2)} µs of CPU per record (${n} records)`);
}
