import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { murmur2 } from './murmur2.ts';

const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;

describe('murmur2', () => {
  it("gives the Java client's values (Kafka's own test vectors)", () => {
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key))).toBe(hash);
  });

  it("equals kafkajs' own murmur2 for keys of every length 0–80 (the partitions of keys already written stay)", () => {
    for (let i = 0; i < 20_000; i++) {
      const key = randomBytes(i % 81);
      expect(murmur2(key)).toBe(kafkajsMurmur2(key));
    }
    expect(murmur2(new Uint8Array(0))).toBe(kafkajsMurmur2(Buffer.alloc(0)));
  });
});
