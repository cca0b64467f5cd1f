/** Hand-made hostile JSON bodies: every one is a (bytes, label) pair, reproducible from a seed. */
export interface HostileBody {
  kind: string;
  bytes: Buffer;
}

/** mulberry32: a tiny seeded PRNG, so a failing body can be found again. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const weird: unknown[] = [
  null, true, false, 0, -1, 1.5, 2 ** 53 + 1, -(2 ** 63), '', ' ', 'x'.repeat(5_000), '\u{1F600}', '\uFEFF', '\u202E', [], [null], {}, { a: {} },
];
/** Number texts JSON.stringify never writes. */
const hugeNumbers = ['1e400', '-1e400', '1e-400', '1' + '0'.repeat(400), '-0', '123456789012345678901234567890', '0.' + '0'.repeat(300) + '1', '1E+308', '9'.repeat(5_000)];

/** Every way to break one valid body (an object): truncations, garbage, wrong types, numbers, keys, bytes. */
export function hostileVariants(valid: Record<string, unknown>, rand: () => number): HostileBody[] {
  const out: HostileBody[] = [];
  const text = JSON.stringify(valid);
  const add = (kind: string, body: string | Buffer) => out.push({ kind, bytes: typeof body === 'string' ? Buffer.from(body, 'utf8') : body });

  // Truncated at every position, and with trailing garbage.
  for (let i = 0; i < text.length; i++) add('truncated', text.slice(0, i));
  for (const tail of ['}', ']', ',', '"', 'x', ' {}', '\u0000', 'null', '//c', '/*', '\\', '\r\n\r\nGET / HTTP/1.1']) add('trailing-garbage', text + tail);
  // Single-byte mutations at random places.
  for (let i = 0; i < 600; i++) {
    const b = Buffer.from(text, 'utf8');
    b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    add('byte-flip', b);
  }
  // Each field replaced by each odd value, and removed.
  for (const key of Object.keys(valid)) {
    for (const v of weird) add('wrong-type', JSON.stringify({ ...valid, [key]: v }));
    for (const n of hugeNumbers) add('huge-number', text.replace(JSON.stringify(valid[key]), n));
    const { [key]: _gone, ...rest } = valid;
    add('missing-field', JSON.stringify(rest));
  }
  // Duplicate keys (the last wins in JSON.parse), prototype keys, odd keys.
  for (const key of Object.keys(valid)) add('duplicate-key', `${text.slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(weird[Math.floor(rand() * weird.length)])}}`);
  for (const key of ['__proto__', 'constructor', 'prototype', '', ' ', '\u0000', 'a'.repeat(10_000), '$ref', 'toString']) {
    add('odd-key', `${text.slice(0, -1)},${JSON.stringify(key)}:{"polluted":true}}`);
  }
  // Not an object at all.
  for (const v of ['null', 'true', '0', '"x"', '[]', '[' + text + ']', '{}', '', ' ', '\uFEFF' + text]) add('not-an-object', v);
  // Deep nesting: just over the limit, far over it, and at the body size limit (as a field and as the body).
  for (const depth of [63, 64, 65, 100, 1_000, 10_000, 100_000]) {
    const key = Object.keys(valid)[Math.floor(rand() * Object.keys(valid).length)]!;
    add('deep-nesting', `${text.slice(0, -1)},${JSON.stringify(key + '_x')}:${'['.repeat(depth)}${']'.repeat(depth)}}`);
    add('deep-nesting', `{"a":`.repeat(depth) + '1' + '}'.repeat(depth));
    add('deep-nesting', '['.repeat(depth)); // never closed
  }
  // Non-UTF-8 and odd Unicode inside strings.
  for (const bytes of [[0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]]) {
    const at = text.indexOf('"', 2) + 1;
    add('non-utf8', Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bytes), Buffer.from(text.slice(at))]));
    add('non-utf8', Buffer.from(bytes));
  }
  for (const esc of ['\\ud800', '\\udfff', '\\ud800\\ud800', '\\u0000', '\\uffff', '\\u00', '\\x41', '\\', '\\u202e']) {
    add('bad-escape', text.replace(/"([^"]*)"/, `"$1${esc}"`));
  }
  // Whole bodies in other encodings.
  add('utf16', Buffer.from('\uFEFF' + text, 'utf16le'));
  add('latin1', Buffer.from(text.replace(/"([^"]*)"/, '"é$1"'), 'latin1'));
  return out;
}
