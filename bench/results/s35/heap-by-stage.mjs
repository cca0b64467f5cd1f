// Allocation by the outermost pipeline stage on its stack, from a .heapprofile: node heap-by-stage.mjs <file>
import fs from 'node:fs';
const [file] = process.argv.slice(2);
const p = JSON.parse(fs.readFileSync(file));
const rules = [
  ['fanout', (f) => /fanout-consumer.ts/.test(f.url)],
  ['deliver-handler', (f) => /delivery-handler.ts/.test(f.url)],
  ['deliverer', (f) => /deliverer.ts/.test(f.url)],
  ['kafkajs-fetch', (f) => /consumer\/|fetch\/|recordBatch|v0\/decoder/.test(f.url)],
  ['kafkajs-produce', (f) => /producer\/|produce-request|produce\//.test(f.url)],
  ['kafkajs', (f) => /kafkajs/.test(f.url)],
  ['undici', (f) => /undici/.test(f.url)],
  ['otel', (f) => /opentelemetry/.test(f.url)],
  ['prom', (f) => /prom-client/.test(f.url)],
];
const agg=new Map(); let total=0;
function walk(n, hits){ const f=n.callFrame; const h=[...hits]; for(const [name,r] of rules) if(r(f)){h.push(name);break;}
  total+=n.selfSize; if(n.selfSize){ const b = h[0] ?? 'other'; agg.set(b,(agg.get(b)??0)+n.selfSize);} for(const c of n.children??[]) walk(c,h);} 
walk(p.head,[]);
console.log('total MiB',(total/2**20).toFixed(0));
for (const [k,v] of [...agg].sort((a,b)=>b[1]-a[1])) console.log((100*v/total).toFixed(1).padStart(5)+'%', (v/2**20).toFixed(0).padStart(5)+' MiB', k);
