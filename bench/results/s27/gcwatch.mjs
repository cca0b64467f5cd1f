import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { appendFileSync } from 'node:fs';
const file = `/tmp/stalls/${process.argv[1]?.split('/').slice(-3, -2)[0] ?? 'x'}-${process.pid}.log`;
const w = (s) => { try { appendFileSync(file, `${new Date().toISOString()} ${s}\n`); } catch {} };
new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.duration > 8) w(`gc kind=${e.detail?.kind} ${e.duration.toFixed(1)}ms`); }).observe({ entryTypes: ['gc'] });
let last = performance.now();
setInterval(() => { const now = performance.now(); const lag = now - last - 10; if (lag > 25) w(`loop blocked ~${lag.toFixed(0)}ms`); last = now; }, 10).unref();
