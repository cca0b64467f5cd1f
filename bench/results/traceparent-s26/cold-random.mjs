// What one small call costs when the process slept 5 ms before it (as a service at tens of events a second does),
// 200 calls each, two rounds: node bench/results/traceparent-s26/cold-random.mjs
import { randomBytes, randomFillSync } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const buf = Buffer.alloc(8);
const mathHex = () => {
  let s = '';
  for (let i = 0; i < 2; i++) s += ((Math.random() * 2 ** 32) >>> 0).toString(16).padStart(8, '0');
  return s;
};
const ops = {
  randomBytes8: () => randomBytes(8).toString('hex'),
  randomFill8: () => {
    randomFillSync(buf);
    return buf.toString('hex');
  },
  mathHex,
  jsonSmall: () => JSON.stringify({ a: 1, b: 'x' }),
};
let t = process.hrtime.bigint();
for (let i = 0; i < 100_000; i++) randomBytes(8).toString('hex');
console.log(`randomBytes8 back to back ns/op ${(Number(process.hrtime.bigint() - t) / 1e5).toFixed(0)}`);
for (const round of [1, 2]) {
  for (const [name, op] of Object.entries(ops)) {
    let total = 0n;
    for (let i = 0; i < 200; i++) {
      await sleep(5);
      t = process.hrtime.bigint();
      op();
      total += process.hrtime.bigint() - t;
    }
    console.log(`${round} ${name} after 5 ms asleep ns/op ${(Number(total) / 200).toFixed(0)}`);
  }
}
