// CPU by pipeline stage from a .cpuprofile (each sample to the outermost matching stage): node cpu-by-stage.mjs <file>
import fs from 'node:fs';
const [file] = process.argv.slice(2);
const p = JSON.parse(fs.readFileSync(file));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map(); for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map(); p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const rules = [
  ['startup', (f) => /esm\/|cjs\/loader|run_main|bootstrap/.test(f.url) ],
  ['otel-export', (f) => /otlp|BatchSpanProcessor|exporter/.test(f.url)],
  ['prom', (f) => /prom-client/.test(f.url)],
  ['deliverer.deliver', (f) => f.functionName === 'deliver' && /deliverer.ts/.test(f.url)],
  ['hand-off', (f) => /hand-off.ts/.test(f.url)],
  ['fanout', (f) => /fanout-consumer.ts/.test(f.url)],
  ['deliver-pipeline', (f) => /partition-pipeline.ts|deliver-consumer.ts/.test(f.url)],
  ['retry', (f) => /retry\//.test(f.url)],
  ['coalescing-sender', (f) => /coalescing-sender/.test(f.url)],
  ['kafkajs', (f) => /kafkajs/.test(f.url)],
  ['undici', (f) => /undici/.test(f.url)],
  ['otel', (f) => /opentelemetry/.test(f.url)],
];
const agg = new Map(); let total = 0;
for (const [id, t] of self) {
  let n = byId.get(id); const fn = n.callFrame.functionName;
  if (fn === '(idle)') continue; total += t;
  let b = fn === '(garbage collector)' ? 'gc' : fn === '(program)' ? 'program' : null;
  // outermost matching rule wins: walk to root, remember last match in priority order
  if (!b) { let cur = id; const hits = []; while (cur) { const f = byId.get(cur).callFrame; for (const [name, r] of rules) if (r(f)) { hits.push(name); break; } cur = parent.get(cur); }
    // choose by rule priority among hits
    for (const [name] of rules) if (hits.includes(name)) { b = name; break; } }
  b ??= 'other:' + (n.callFrame.url.split('/').slice(-2).join('/') || fn);
  agg.set(b, (agg.get(b) ?? 0) + t);
}
console.log(`busy ${(total/1e6).toFixed(2)} s`);
for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${(100*v/total).toFixed(1).padStart(5)} %  ${k}`);
