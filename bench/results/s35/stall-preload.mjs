// Diagnosis preload (thirty-fifth session): event-loop stalls over 8 ms and GC pauses, with epoch times, per service,
// written to /tmp/stall35/<service>-<pid>.tsv (BENCH_NODE_OPTIONS="--import <this file>"; read by slow-clusters-gc.py).
import { PerformanceObserver, performance } from 'node:perf_hooks';
import fs from 'node:fs';
const name = (process.argv[1] ?? 'x').split('/').slice(-3)[0];
const rows = [];
const origin = performance.timeOrigin;
new PerformanceObserver((list) => { for (const e of list.getEntries()) rows.push(`gc\t${(origin + e.startTime).toFixed(1)}\t${e.duration.toFixed(2)}\t${e.detail?.kind ?? ''}`); }).observe({ entryTypes: ['gc'] });
let last = performance.now();
setInterval(() => { const now = performance.now(); const drift = now - last - 5; if (drift > 8) rows.push(`stall\t${(origin + last + 5).toFixed(1)}\t${drift.toFixed(2)}\t`); last = now; }, 5).unref();
const flush = () => { try { fs.mkdirSync('/tmp/stall35', { recursive: true }); fs.writeFileSync(`/tmp/stall35/${name}-${process.pid}.tsv`, rows.join('\n')); } catch {} };
setInterval(flush, 5_000).unref();
process.on('exit', flush);
