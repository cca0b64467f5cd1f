import { randomBytes } from 'node:crypto';
import type { IHeaders } from 'kafkajs';

/** One hostile record: its value, headers, and the kind of damage (for counting). */
export interface MalformedRecord {
  kind: string;
  value: Buffer | null;
  headers?: IHeaders;
}

/** The kinds of damage, applied in turn to a valid record of the topic's shape. */
export const MALFORMED_KINDS = [
  'garbage-bytes',
  'non-utf8',
  'not-json',
  'truncated-json',
  'empty',
  'wrong-shape',
  'missing-field',
  'wrong-type',
  'oversize-string',
  'nul-in-id',
  'bad-timestamp',
  'bad-number',
  'garbage-headers',
  'deep-nesting',
] as const;

/** Garbage header values: binary, NUL bytes, huge, non-numeric and absurd `hookline-not-before`, broken `traceparent`. */
export function garbageHeaders(i: number): IHeaders {
  const variants: IHeaders[] = [
    { traceparent: randomBytes(55), 'hookline-not-before': 'soon' },
    { traceparent: '00-zzzz-yyyy-01\u0000', 'hookline-not-before': '-5' },
    { traceparent: 'x'.repeat(8_000), 'hookline-not-before': '9'.repeat(30) },
    { tracestate: Buffer.from([0xff, 0xfe, 0x00]), 'hookline-not-before': '1e400' },
    { 'hookline-invalid-reason': 'forged', 'hookline-not-before': String(Date.now() + 10 * 365 * 86_400_000) },
    { [`h${randomBytes(4).toString('hex')}`]: randomBytes(32), 'hookline-not-before': ' 12 ' },
  ];
  return variants[i % variants.length]!;
}

const BIG = 70_000;

/** Which fields of a topic's record are ids (names), required, ISO timestamps, integers, and an object. */
export interface RecordShape {
  ids: string[];
  required: string[];
  times: string[];
  numbers: string[];
  object: string;
}

/**
 * The `i`-th malformed variant of `valid` (a record that decodes on its topic): every variant must be refused by
 * the topic's schema.
 */
export function malformed(valid: Record<string, unknown>, shape: RecordShape, i: number): MalformedRecord {
  const kind = MALFORMED_KINDS[i % MALFORMED_KINDS.length]!;
  const round = Math.floor(i / MALFORMED_KINDS.length);
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  const pick = <T>(xs: readonly T[]): T => xs[round % xs.length]!;
  const without = (key: string) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key));
  switch (kind) {
    case 'garbage-bytes':
      // Never a JSON object: a leading 0xff is not the start of any JSON text.
      return { kind, value: Buffer.concat([Buffer.from([0xff]), randomBytes(1 + (round % 300))]) };
    case 'non-utf8': {
      // A record that would be valid but for an invalid UTF-8 sequence inside a string.
      const text = JSON.stringify({ ...valid, [shape.ids[0]!]: 'MARK' });
      const [before, after] = text.split('MARK') as [string, string];
      const bad = pick([[0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]]);
      return { kind, value: Buffer.concat([Buffer.from(`${before}id`), Buffer.from(bad), Buffer.from(after)]) };
    }
    case 'not-json':
      return { kind, value: Buffer.from(pick(['not json', '{tenantId: 1}', "{'a':1}", 'NaN', '{"a":1,}', '\u0000\u0000', '<xml/>'])) };
    case 'truncated-json': {
      const text = JSON.stringify(valid);
      return { kind, value: Buffer.from(text.slice(0, 1 + (round % (text.length - 1)))) };
    }
    case 'empty':
      return { kind, value: round % 2 === 0 ? null : Buffer.alloc(0) };
    case 'wrong-shape':
      return { kind, value: json(pick([[valid], 42, 'text', null, true, {}, { value: valid }, [], { a: { b: { c: [] } } }])) };
    case 'missing-field':
      return { kind, value: json(without(pick(shape.required))) };
    case 'wrong-type': {
      const field = pick([...shape.ids, shape.object, ...shape.numbers]);
      const wrong = shape.numbers.includes(field) ? pick<unknown>(['7', [], null, { n: 1 }, true]) : pick<unknown>([123, [], null, false, [1, 2]]);
      return { kind, value: json({ ...valid, [field]: wrong }) };
    }
    case 'oversize-string':
      return { kind, value: json({ ...valid, [pick(shape.ids)]: 'x'.repeat(round % 2 === 0 ? 129 : BIG) }) };
    case 'nul-in-id':
      return { kind, value: json({ ...valid, [pick(shape.ids)]: `id\u0000${round}` }) };
    case 'bad-timestamp':
      return shape.times.length > 0
        ? { kind, value: json({ ...valid, [pick(shape.times)]: pick(['yesterday', '2024-13-45T99:99:99Z', '', '1700000000']) }) }
        : { kind, value: json({ ...valid, [pick(shape.ids)]: '' }) };
    case 'bad-number':
      return shape.numbers.length > 0
        ? { kind, value: json({ ...valid, [pick(shape.numbers)]: pick<unknown>([-1, 1.5, -0.5, 'NaN', 1e300]) }) }
        : { kind, value: json({ ...valid, [shape.object]: pick(['data', 7, [1]]) }) };
    case 'deep-nesting': {
      // Built as text: JSON.stringify itself gives up (RangeError) past a few thousand levels.
      const depth = pick([65, 1_000, 5_000, 50_000]);
      const text = JSON.stringify({ ...valid, [shape.object]: 'DEEP' }).replace('"DEEP"', `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
      return { kind, value: Buffer.from(text) };
    }
    case 'garbage-headers':
      return { kind, value: pick([randomBytes(20), Buffer.from('[]'), json(without(shape.ids[0]!))]), headers: garbageHeaders(round) };
  }
}
