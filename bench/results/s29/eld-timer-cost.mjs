import { monitorEventLoopDelay } from 'node:perf_hooks';
const res = Number(process.argv[2]);
if (res > 0) monitorEventLoopDelay({ resolution: res }).enable();
setInterval(() => {}, 1 << 30);
const secs = Number(process.argv[3] ?? 60);
const c0 = process.cpuUsage();
setTimeout(() => { const c = process.cpuUsage(c0); console.log(JSON.stringify({ res, cpu_ms_per_s: +((c.user + c.system) / 1000 / secs).toFixed(3) })); process.exit(0); }, secs * 1000);
