/**
 * What content filters cost fan-out per event and endpoint: the compiled matcher of @hookline/contracts (as the
 * dispatcher's endpoint directory holds it) run over a ~1 KiB event, for filters from simple to busy, next to no
 * filter at all; and what compiling one costs (once per endpoint change, never per event).
 *
 *   node_modules/.bin/node bench/filter-cost.ts [events=200000]
 *
 * Prints one JSON line: µs per event and endpoint (median of 5 rounds), and µs per compile.
 */
import { compileFilter, type EventMatcher, type FilterableEvent } from '@hookline/contracts';

const events = Math.max(10_000, Number(process.argv[2] ?? 200_000));
const sample: FilterableEvent[] = Array.from({ length: 64 }, (_, i) => ({
  id: `evt_${i}`,
  type: i % 2 === 0 ? 'invoice.paid' : 'invoice.created',
  createdAt: new Date(Date.UTC(2026, 4, 1, 0, i)).toISOString(),
  data: {
    amount: i * 10,
    currency: i % 3 === 0 ? 'EUR' : 'USD',
    customer: { id: `cus_${i}`, country: ['DE', 'FR', 'US'][i % 3], email: `user${i}@example.com`, plan: i % 5 === 0 ? 'enterprise' : 'pro' },
    tags: ['new', i % 4 === 0 ? 'vip' : 'regular'],
    items: Array.from({ length: 6 }, (_, k) => ({ sku: `${k % 2 ? 'PRO' : 'basic'}-${i}-${k}`, qty: k + 1, price: 12.5 * k })),
    note: 'x'.repeat(400),
  },
}));

const filters: Record<string, unknown> = {
  issueExample: { type: { $in: ['invoice.paid'] }, 'data.amount': { $gt: 100 } },
  threeConditions: { type: 'invoice.paid', 'data.currency': { $in: ['EUR', 'USD'] }, 'data.customer.country': { $nin: ['XX'] } },
  busy: {
    type: { $in: ['invoice.paid', 'invoice.refunded'] },
    'data.amount': { $gte: 50, $lt: 10_000 },
    $or: [{ 'data.tags': 'vip' }, { 'data.items.sku': { $regex: '^pro-', $options: 'i' } }, { 'data.customer.plan': 'enterprise' }],
    $not: { 'data.customer.email': { $regex: '@test\\.' } },
  },
  regexOnLongString: { 'data.note': { $regex: 'y{3}$' } },
  // Exponential for a backtracking engine on 400 x's (RegExp would not return); linear here.
  catastrophicForBacktracking: { 'data.note': { $regex: '^(x+x+)+y$' } },
};

function perEvent(match: EventMatcher): number {
  for (let i = 0; i < 5_000; i++) match(sample[i % sample.length]!);
  const rounds: number[] = [];
  let kept = 0;
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < events; i++) if (match(sample[i % sample.length]!)) kept++;
    rounds.push(Number(process.hrtime.bigint() - start) / events / 1_000);
  }
  if (kept < 0) console.log(kept); // keeps the loop's result alive
  return Number(rounds.sort((a, b) => a - b)[2]!.toFixed(3));
}

function compileUs(filter: unknown): number {
  const n = 2_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) compileFilter(filter);
  return Number((Number(process.hrtime.bigint() - start) / n / 1_000).toFixed(2));
}

const matchers = Object.fromEntries(Object.entries(filters).map(([name, f]) => {
  const compiled = compileFilter(f);
  if (!compiled.ok) throw new Error(`${name}: ${compiled.problem.path} ${compiled.problem.message}`);
  return [name, compiled.match];
}));
const results = {
  events,
  node: process.version,
  eventBytes: JSON.stringify(sample[0]).length,
  matchUs: {
    noFilter: perEvent(() => true),
    ...Object.fromEntries(Object.entries(matchers).map(([name, m]) => [name, perEvent(m)])),
  },
  compileUs: Object.fromEntries(Object.entries(filters).map(([name, f]) => [name, compileUs(f)])),
};
console.log(JSON.stringify(results));
