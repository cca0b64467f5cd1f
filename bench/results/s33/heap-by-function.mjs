// Allocation by function from a .heapprofile: node heap-by-function.mjs <file> [top=40] [self|inc]
import fs from 'node:fs';
const [file, top = '40', mode = 'self'] = process.argv.slice(2);
const p = JSON.parse(fs.readFileSync(file));
const self = new Map(), inc = new Map(); let total = 0;
const key = (f) => `${f.functionName || '(anon)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`;
function walk(n, stack) {
  const k = key(n.callFrame);
  const st = stack.includes(k) ? stack : [...stack, k];
  if (n.selfSize) { total += n.selfSize; self.set(k, (self.get(k) ?? 0) + n.selfSize); for (const s of st) inc.set(s, (inc.get(s) ?? 0) + n.selfSize); }
  for (const c of n.children ?? []) walk(c, st);
}
walk(p.head, []);
console.log(`sampled total ${(total/2**20).toFixed(0)} MiB`);
const m = mode === 'self' ? self : inc;
for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${(100*v/total).toFixed(1).padStart(5)} % ${(v/2**20).toFixed(0).padStart(6)} MiB  ${k}`);
