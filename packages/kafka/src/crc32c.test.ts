import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.ts';

const byteAtATime = createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (bytes: Buffer) => number;

describe('crc32c', () => {
  it('gives the standard check value and those of RFC 3720 (iSCSI)', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it("equals kafkajs' byte-at-a-time CRC for every length 0–300 and for large buffers", () => {
    for (let n = 0; n <= 300; n++) {
      const bytes = randomBytes(n);
      expect(crc32c(bytes)).toBe(byteAtATime(bytes));
    }
    for (const n of [4_096, 65_537, 1_048_576]) {
      const bytes = randomBytes(n);
      expect(crc32c(bytes)).toBe(byteAtATime(bytes));
    }
  });

  it('reads a view at its own offset (a slice of a larger buffer)', () => {
    const whole = randomBytes(1_000);
    const view = whole.subarray(13, 900);
    expect(crc32c(view)).toBe(byteAtATime(Buffer.from(view)));
  });
});
