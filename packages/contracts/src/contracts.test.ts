import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, jsonDeeperThan } from './codec.ts';
import { eventRecord } from './envelopes.ts';
import { deliveryIdFor, eventIdForRecord, newId, randomHex, uuidv7Hex } from './ids.ts';
import { topicNames } from './topics.ts';

describe('ids', () => {
  it('uuidv7 is version 7, variant 10 and time-ordered', () => {
    const a = uuidv7Hex(1_000);
    const b = uuidv7Hex(2_000);
    expect(a).toMatch(/^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    expect(a < b).toBe(true);
    expect(newId('evt')).toMatch(/^evt_[0-9a-f]{32}$/);
  });

  it('delivery and derived event ids are deterministic', () => {
    expect(deliveryIdFor('evt_1', 'ep_1')).toBe(deliveryIdFor('evt_1', 'ep_1'));
    expect(deliveryIdFor('evt_1', 'ep_1')).not.toBe(deliveryIdFor('evt_1', 'ep_2'));
    expect(eventIdForRecord('t', 0, '5')).toBe(eventIdForRecord('t', 0, '5'));
    expect(eventIdForRecord('t', 0, '5')).not.toBe(eventIdForRecord('t', 1, '5'));
    // The same ids as every earlier version derived (SHA-256 of the UTF-8 text, first 32 hex digits): stored ids stay valid.
    expect(deliveryIdFor('evt_1', 'ep_1')).toBe('dlv_99c08df5343fb58f6277c93457d28e27');
    expect(eventIdForRecord('t', 0, '5')).toBe('evt_f978ea1a80235e8450fc44b182cfa9a0');
  });

  it('randomHex gives that many random bytes as hex, across refills of the pool, and refuses other sizes', () => {
    // 600 draws of 8, 16 and 64 bytes pass the 4 KiB pool's end several times.
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      for (const n of [8, 16, 64]) {
        const hex = randomHex(n);
        expect(hex).toMatch(new RegExp(`^[0-9a-f]{${n * 2}}$`));
        seen.add(hex);
      }
    }
    expect(seen.size).toBe(600);
    for (const n of [0, 65, 1.5, Number.NaN]) expect(() => randomHex(n)).toThrow(RangeError);
  });
});

describe('codec', () => {
  it('takes data nested as deep as an HTTP body may be (64 levels from the value)', () => {
    const value = Buffer.from(`{"tenantId":"t","type":"a","data":${'{"a":'.repeat(63)}1${'}'.repeat(63)}}`);
    expect(decodeRecord(eventRecord, value).ok).toBe(true);
  });

  it('round-trips a valid event', () => {
    const value = { tenantId: 'ten_1', type: 'user.created', data: { a: 1 } };
    const decoded = decodeRecord(eventRecord, encodeRecord(eventRecord, value));
    expect(decoded).toEqual({ ok: true, value });
  });

  it.each([
    [null, /empty/],
    [Buffer.from('{nope'), /not JSON/],
    [Buffer.from('{"tenantId":"t","type":"bad type!","data":{}}'), /type/],
    [Buffer.from('{"tenantId":"t","type":"a","data":[1]}'), /data/],
    [Buffer.concat([Buffer.from('{"tenantId":"t'), Buffer.from([0xc3, 0x28]), Buffer.from('","type":"a","data":{}}')]), /not UTF-8/],
    [Buffer.from('{"tenantId":"t\\u0000","type":"a","data":{}}'), /tenantId/],
    [Buffer.from(JSON.stringify({ tenantId: 't'.repeat(129), type: 'a', data: {} })), /tenantId/],
    [Buffer.from(JSON.stringify({ tenantId: 't', type: 'a', data: {}, endpointId: 'ep 1' })), /endpointId/],
    [Buffer.from(`{"tenantId":"t","type":"a","data":${'{"a":'.repeat(64)}1${'}'.repeat(64)}}`), /deeper than 64 levels/],
    [Buffer.from(`{"tenantId":"t","type":"a","data":${'['.repeat(50_000)}${']'.repeat(50_000)}}`), /deeper than 64 levels/],
  ])('reports why %s is invalid', (value, reason) => {
    const decoded = decodeRecord(eventRecord, value);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(reason);
  });
});

describe('topics', () => {
  it('derives every name from the prefix', () => {
    const t = topicNames('x');
    expect([t.events, t.invalid, t.deliveries, t.attempts, t.deadLetter, t.retry('5s')]).toEqual([
      'x.events',
      'x.events.invalid',
      'x.deliveries',
      'x.attempts',
      'x.dlq',
      'x.retry.5s',
    ]);
  });
});

describe('jsonDeeperThan', () => {
  it('counts objects and arrays, not brackets inside strings', () => {
    expect(jsonDeeperThan(`${'['.repeat(64)}${']'.repeat(64)}`, 64)).toBe(false);
    expect(jsonDeeperThan(`${'['.repeat(65)}${']'.repeat(65)}`, 64)).toBe(true);
    expect(jsonDeeperThan(JSON.stringify({ a: '{'.repeat(200), b: '\\"[[[' }), 2)).toBe(false);
    expect(jsonDeeperThan('{"a":{"b":[1]}}', 2)).toBe(true);
  });
});

