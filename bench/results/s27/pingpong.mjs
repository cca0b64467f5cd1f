// Ping-pong over loopback TCP between two processes at a fixed rate: CPU per round (both processes) and round-trip latency.
import net from 'node:net';
import { fork } from 'node:child_process';
import { cpuUsage } from 'node:process';
if (process.argv[2] === 'server') {
  const srv = net.createServer((s) => { s.setNoDelay(true); s.on('data', (b) => s.write(b)); });
  srv.listen(0, '127.0.0.1', () => process.send(srv.address().port));
  process.on('message', (m) => { if (m === 'cpu') { const u = cpuUsage(); process.send({ cpu: u.user + u.system }); } });
} else {
  const rate = Number(process.argv[2] ?? 100), n = Number(process.argv[3] ?? 2000);
  const child = fork(new URL(import.meta.url).pathname, ['server']);
  const port = await new Promise((r) => child.once('message', r));
  const sock = net.connect(port, '127.0.0.1'); sock.setNoDelay(true);
  await new Promise((r) => sock.once('connect', r));
  const askCpu = () => new Promise((r) => { child.once('message', (m) => r(m.cpu)); child.send('cpu'); });
  const payload = Buffer.alloc(200, 1);
  const lat = [];
  // warm-up
  for (let i = 0; i < 200; i++) { await new Promise((r) => { sock.once('data', r); sock.write(payload); }); }
  const c0 = cpuUsage(), s0 = await askCpu();
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await new Promise((r) => { sock.once('data', r); sock.write(payload); });
    lat.push(Number(process.hrtime.bigint() - t) / 1e6);
    const wait = 1000 / rate - lat.at(-1);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const c1 = cpuUsage(c0), s1 = await askCpu();
  lat.sort((a, b) => a - b);
  const cpu = (c1.user + c1.system + (s1 - s0)) / 1000 / n;
  console.log(JSON.stringify({ rate, n, cpu_ms_per_round: +cpu.toFixed(4), p50_ms: +lat[n >> 1].toFixed(3), p99_ms: +lat[Math.floor(n * 0.99)].toFixed(3) }));
  sock.destroy(); child.kill();
}
