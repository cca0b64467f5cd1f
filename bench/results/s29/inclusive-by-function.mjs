import fs from 'node:fs';
const [file, top = '45'] = process.argv.slice(2);
const p = JSON.parse(fs.readFileSync(file));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map(); p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
let total = 0; for (const [id, t] of self) { if (byId.get(id).callFrame.functionName !== '(idle)') total += t; }
const parent = new Map(); for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const key = (n) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
// inclusive per function key, counting each sample once per distinct key on its stack
const inc = new Map();
for (const [id, t] of self) {
  if (byId.get(id).callFrame.functionName === '(idle)') continue;
  const seen = new Set(); let cur = id;
  while (cur) { const k = key(byId.get(cur)); if (!seen.has(k)) { seen.add(k); inc.set(k, (inc.get(k) ?? 0) + t); } cur = parent.get(cur); }
}
console.log(`busy ${(total/1e6).toFixed(2)} s`);
for (const [k, v] of [...inc].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${(100*v/total).toFixed(1).padStart(5)} %  ${k}`);
