import fs from 'node:fs';
const [file, fname, depth = '4'] = process.argv.slice(2);
const p = JSON.parse(fs.readFileSync(file));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const dt = p.timeDeltas; const counts = new Map();
p.samples.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
const agg = new Map(); let total = 0;
for (const n of p.nodes) {
  if (n.callFrame.functionName !== fname) continue;
  // inclusive time of n
  const inc = (id) => (counts.get(id) ?? 0) + (byId.get(id).children ?? []).reduce((a, c) => a + inc(c), 0);
  const t = inc(n.id); total += t;
  const chain = []; let cur = parent.get(n.id);
  for (let i = 0; i < Number(depth) && cur; i++) { const f = byId.get(cur).callFrame; chain.push(`${f.functionName || '(anon)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`); cur = parent.get(cur); }
  const k = chain.join(' <- '); agg.set(k, (agg.get(k) ?? 0) + t);
}
console.log(`${fname}: ${(total / 1000).toFixed(0)} ms inclusive`);
for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);
