import { createHash, hash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
const key = 'hk_' + 'a'.repeat(43);
const ops = { createHashChain: () => createHash('sha256').update(key).digest('base64'), oneShotHash: () => hash('sha256', key, 'base64') };
if (ops.createHashChain() !== ops.oneShotHash()) throw new Error('digests differ');
for (const round of [1, 2, 3]) for (const [name, op] of Object.entries(ops)) {
  let total = 0n; for (let i = 0; i < 300; i++) { await sleep(5); const t = process.hrtime.bigint(); op(); total += process.hrtime.bigint() - t; }
  let t = process.hrtime.bigint(); for (let i = 0; i < 50000; i++) op(); const hot = Number(process.hrtime.bigint() - t) / 50000;
  console.log(`${round} ${name.padEnd(16)} after 5 ms asleep ${(Number(total) / 300 / 1000).toFixed(1)} µs, back to back ${(hot / 1000).toFixed(2)} µs`);
}
