import { gzipSync } from 'node:zlib';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileVariants, prng } from './support/hostile-bodies.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';
import { rawExchange, sleep, write, type RawResult } from './support/raw-http.ts';

/** The request timeout this file runs ingest with (HTTP_REQUEST_TIMEOUT; 30 s by default). */
const REQUEST_TIMEOUT_MS = 2_000;
/** The largest body ingest accepts here (MAX_PAYLOAD_BYTES' default). */
const MAX_PAYLOAD_BYTES = 262_144;

describe('API under hostile requests: malformed bodies, URLs and headers, slow and endless requests, disconnects', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let port: number;
  let pool: Pool;
  let admin: string;
  let key: string;
  let endpointId: string;
  let eventId: string;
  const sent: Record<string, number> = {};
  const statuses: Record<number, number> = {};
  const memory: Array<{ after: string; rssMb: number; heapMb: number }> = [];
  const count = (kind: string, n = 1) => void (sent[kind] = (sent[kind] ?? 0) + n);

  /** One answer as the suite checks it: never a 5xx, every error a problem document carrying its status. */
  const checkAnswer = (what: string, status: number | undefined, contentType: string | undefined, body: string) => {
    expect(status, `${what}: no answer`).toBeDefined();
    statuses[status!] = (statuses[status!] ?? 0) + 1;
    expect(status, `${what} → ${status} ${body.slice(0, 300)}`).toBeLessThan(500);
    if (status! >= 400) {
      expect(contentType, `${what} → ${status} ${body.slice(0, 200)}`).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(body).status, what).toBe(status);
    }
  };

  const send = async (method: string, path: string, body: Buffer | string | undefined, headers: Record<string, string>, what: string) => {
    if (!/^[\x21-\x7e]+$/.test(path)) {
      // A path undici will not send (spaces, non-ASCII, backslashes): written as is on a raw connection.
      const head = `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
      const res = await rawExchange(port, (s) => void s.write(Buffer.from(head, 'utf8')));
      checkAnswer(what, res.status, res.headers['content-type'], res.body);
      return res.status;
    }
    const res = await pool.request({ method: method as 'POST', path, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.body.text();
    checkAnswer(what, res.statusCode, res.headers['content-type'] as string | undefined, text);
    return res.statusCode;
  };

  const raw = async (kind: string, drive: Parameters<typeof rawExchange>[1], timeoutMs?: number): Promise<RawResult> => {
    count(kind);
    return rawExchange(port, drive, timeoutMs);
  };

  /** After each burst: the service still answers, and its memory (in-process: this test process) is noted. */
  const stillServing = async (after: string) => {
    const res = await call('GET', `${pipeline.api}/healthz`);
    expect(res.status, `after ${after}`).toBe(200);
    const m = process.memoryUsage();
    memory.push({ after, rssMb: Math.round(m.rss / 2 ** 20), heapMb: Math.round(m.heapUsed / 2 ** 20) });
  };

  beforeAll(async () => {
    world = createTestWorld('api-hostile-requests');
    pipeline = await startPipeline(world, { services: ['ingest'], env: { HTTP_REQUEST_TIMEOUT: `${REQUEST_TIMEOUT_MS}ms` } });
    port = pipeline.ports.ingest!;
    pool = new Pool(pipeline.api, { connections: 8, headersTimeout: 10_000, bodyTimeout: 10_000 });
    admin = world.env.ADMIN_TOKEN!;
    key = (await createTenant(pipeline.api, admin, 'hostile')).apiKey;
    endpointId = (await call('POST', `${pipeline.api}/v1/endpoints`, key, { url: 'https://example.com/hook' })).json.id;
    eventId = (await call('POST', `${pipeline.api}/v1/events`, key, { type: 'order.paid', data: { id: 1 } })).json.id;
    await stillServing('start');
  });
  afterAll(async () => {
    await pool?.close();
    await pipeline?.stop();
    await world?.cleanup();
    const total = Object.values(sent).reduce((a, b) => a + b, 0);
    console.log(`hostile requests: ${total} sent`, JSON.stringify(sent), '\nanswers by status', JSON.stringify(statuses), '\nmemory', JSON.stringify(memory));
  });

  it('malformed, mistyped, deeply nested and non-UTF-8 JSON bodies on every route that takes one: 2xx or a 4xx problem', async () => {
    const json = { 'content-type': 'application/json' };
    const tenant = { ...json, authorization: `Bearer ${key}` };
    const routes: Array<[string, string, Record<string, unknown>, Record<string, string>]> = [
      ['POST', '/v1/events', { type: 'order.paid', data: { id: 42, items: [{ sku: 'a-1', qty: 2 }], note: 'hello' }, id: 'ext-1' }, tenant],
      ['POST', '/v1/events/batch', { events: [{ type: 'order.paid', data: { id: 1 } }, { type: 'order.sent', data: { id: 2, at: '2026-01-01' } }] }, tenant],
      [
        'POST', '/v1/endpoints',
        { url: 'https://example.com/hooks', eventTypes: ['order.paid'], description: 'orders', headers: { 'x-team': 'a' }, rateLimitPerSecond: 10, timeoutMs: 5_000, maxConcurrency: 5, disabled: true, metadata: { team: 'a' } },
        tenant,
      ],
      ['PATCH', `/v1/endpoints/${endpointId}`, { description: 'changed', disabled: false, timeoutMs: 2_000, eventTypes: [] }, tenant],
      ['PUT', '/v1/event-types/order.paid', { description: 'paid', schema: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } }, tenant],
      ['POST', `/v1/endpoints/${endpointId}/secret/rotate`, { secret: 'whsec_' + Buffer.alloc(32, 7).toString('base64') }, tenant],
      ['POST', `/v1/events/${eventId}/replay`, { endpointId }, tenant],
      ['POST', `/v1/endpoints/${endpointId}/recover`, { since: '2026-01-01T00:00:00Z' }, tenant],
      ['POST', '/v1/dead-letters/redrive', { endpointId }, tenant],
      ['POST', '/v1/tenants', { name: 'a tenant' }, { ...json, authorization: `Bearer ${admin}` }],
    ];
    const rand = prng(15);
    for (const [method, path, valid, headers] of routes) {
      const variants = hostileVariants(valid, rand);
      for (let i = 0; i < variants.length; i += 8) {
        await Promise.all(variants.slice(i, i + 8).map(async (v) => {
          count(`body:${v.kind}`);
          await send(method, path, v.bytes, headers, `${method} ${path} ${v.kind} ${JSON.stringify(v.bytes.toString('latin1').slice(0, 120))}`);
        }));
      }
    }
    await stillServing('malformed bodies');
  });

  it('wrong, missing and odd content types, charsets and encodings: 415, 413 or 400 problems', async () => {
    const body = JSON.stringify({ type: 'order.paid', data: { id: 1 } });
    const auth = { authorization: `Bearer ${key}` };
    const cases: Array<[string, Record<string, string>, Buffer | string]> = [];
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', 'json', '*/*', '', 'application/json; charset=latin1', 'application/json; charset=bogus', 'application/json; charset=utf-16', 'application/json; charset="', 'application/json;;;', 'APPLICATION/JSON', 'application/merge-patch+json']) {
      cases.push(['content-type', type === '' ? { ...auth } : { ...auth, 'content-type': type }, body]);
    }
    for (const encoding of ['gzip', 'deflate', 'br', 'identity', 'compress', 'x-bogus', 'gzip, gzip']) {
      cases.push(['content-encoding', { ...auth, 'content-type': 'application/json', 'content-encoding': encoding }, body]);
      cases.push(['content-encoding', { ...auth, 'content-type': 'application/json', 'content-encoding': encoding }, gzipSync(body)]);
    }
    // A gzip bomb: 64 MiB of zeros in ~64 KiB; the limit applies to what it inflates to.
    const bomb = gzipSync(Buffer.alloc(64 * 2 ** 20, 0x20));
    for (let i = 0; i < 5; i++) cases.push(['gzip-bomb', { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' }, bomb]);
    // Just over MAX_PAYLOAD_BYTES, and much more.
    for (const size of [MAX_PAYLOAD_BYTES + 1, 4 * MAX_PAYLOAD_BYTES]) {
      cases.push(['too-large', { ...auth, 'content-type': 'application/json' }, JSON.stringify({ type: 'a', data: { x: 'y'.repeat(size) } })]);
    }
    for (let round = 0; round < 10; round++) {
      for (const [kind, headers, b] of cases) {
        count(`content:${kind}`);
        await send('POST', '/v1/events', b, headers, `${kind} ${JSON.stringify(headers)}`);
      }
    }
    await stillServing('content types');
  });

  it('hostile URLs and query strings: non-UTF-8 escapes, U+0000, odd ids and parameters', async () => {
    const auth = { authorization: `Bearer ${key}` };
    const ids = ['%FF', '%C0%80', '%ED%A0%80', '%00', '%', '%zz', '..', '%2e%2e%2f%2e%2e', 'a'.repeat(4_000), '%E2%80%AE', '🙂', '%F0%9F%99', "'; DROP TABLE endpoints; --", 'ep_%00', '\\', '%5C', ' ', '%20'];
    const paths = ['/v1/endpoints/{}', '/v1/endpoints/{}/secret', '/v1/endpoints/{}/health', '/v1/events/{}', '/v1/events/{}/attempts', '/v1/event-types/{}', '/v1/jobs/{}', '/{}', '/v1/{}'];
    const queries = ['limit=%FF', 'limit=-1', 'limit=1e400', 'limit=0x10', 'limit[]=1', 'limit[a][b][c][d][e][f]=1', 'limit=1&limit=2', 'cursor=%00', 'cursor=%FF%FE', 'cursor=' + 'A'.repeat(4_000), 'cursor=!!!', 'status=%FF', 'a'.repeat(5_000), '&&&&', '=&=', '%', 'limit=%E2%80%AE5'];
    const list = ['/v1/endpoints', '/v1/events', '/v1/dead-letters', '/v1/event-types'];
    for (let round = 0; round < 6; round++) {
      for (const id of ids) {
        for (const p of paths) {
          count('url:path');
          await send('GET', p.replace('{}', id), undefined, auth, `GET ${p} ${id}`);
        }
        count('url:path');
        await send('DELETE', `/v1/event-types/${id}`, undefined, auth, `DELETE event type ${id}`);
      }
      for (const q of queries) {
        for (const l of list) {
          count('url:query');
          await send('GET', `${l}?${q}`, undefined, auth, `GET ${l}?${q.slice(0, 60)}`);
        }
      }
    }
    // Bytes that are not even ASCII in the request line, over a raw connection.
    for (const bytes of [[0xff], [0xc0, 0x80], [0x80], [0xed, 0xa0, 0x80], [0x00], [0x7f], [0x09], [0x20]]) {
      for (const where of ['path', 'query']) {
        const target = Buffer.concat([Buffer.from(where === 'path' ? '/v1/endpoints/' : '/v1/endpoints?limit='), Buffer.from(bytes), Buffer.from('x')]);
        const res = await raw('url:raw-bytes', (s) => void s.write(Buffer.concat([Buffer.from('GET '), target, Buffer.from(` HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n\r\n`)])));
        checkAnswer(`raw ${where} bytes ${bytes.join(',')}`, res.status, res.headers['content-type'], res.body);
      }
    }
    await stillServing('hostile URLs');
  });

  it('malformed request lines and headers, huge and many headers: Node refuses them with a problem document', async () => {
    const head = (lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
    const malformed: Array<[string, Buffer]> = [
      ['bad method', head(['G@T / HTTP/1.1', 'Host: x'])],
      ['unknown method', head(['BREW /healthz HTTP/1.1', 'Host: x'])],
      ['HTTP/2 preface', Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')],
      ['HTTP/9', head(['GET /healthz HTTP/9.9', 'Host: x'])],
      ['header without colon', head(['GET /healthz HTTP/1.1', 'Host: x', 'no colon here'])],
      ['space before colon', head(['GET /healthz HTTP/1.1', 'Host : x'])],
      ['obs-fold', head(['GET /healthz HTTP/1.1', 'Host: x', 'X-A: a', ' folded'])],
      ['NUL in header', head(['GET /healthz HTTP/1.1', 'Host: x', 'X-A: a\u0000b'])],
      ['CR in header', head(['GET /healthz HTTP/1.1', 'Host: x', 'X-A: a\rb'])],
      ['bare LF', Buffer.from('GET /healthz HTTP/1.1\nHost: x\n\n')],
      ['CL and TE', head(['POST /v1/events HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Content-Length: 2', 'Transfer-Encoding: chunked'])],
      ['two CLs', head(['POST /v1/events HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Content-Length: 2', 'Content-Length: 3'])],
      ['negative CL', head(['POST /v1/events HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Content-Length: -1'])],
      ['CL not a number', head(['POST /v1/events HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Content-Length: abc'])],
      ['CL overflow', head(['POST /v1/events HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Content-Length: 99999999999999999999999'])],
      ['bad chunk size', Buffer.from('POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n')],
      ['TE not chunked last', head(['POST /v1/events HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked, gzip'])],
      ['header over 16 KiB', head(['GET /healthz HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(20_000)}`])],
      ['URL over 16 KiB', head([`GET /v1/endpoints/${'a'.repeat(20_000)} HTTP/1.1`, 'Host: x'])],
      ['many headers over 16 KiB', head(['GET /healthz HTTP/1.1', 'Host: x', ...Array.from({ length: 3_000 }, (_, i) => `X-H${i}: v`)])],
      ['garbage', Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03])], // a TLS ClientHello
      ['binary', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256))],
    ];
    for (let round = 0; round < 8; round++) {
      for (const [what, bytes] of malformed) {
        const res = await raw(`headers:${what}`, (s) => void s.write(bytes));
        if (what === 'unknown method') {
          checkAnswer(what, res.status, res.headers['content-type'], res.body); // passed on to express: 404
          continue;
        }
        expect(res.status, `${what}: ${res.raw.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        checkAnswer(what, res.status, res.headers['content-type'], res.body);
        if (what.includes('16 KiB')) expect(res.status, what).toBe(431);
      }
    }
    // Under the limits, odd but valid: many small headers, a long bearer token, odd header values.
    for (let i = 0; i < 50; i++) {
      const many = Object.fromEntries(Array.from({ length: 500 }, (_, j) => [`x-h${j}`, 'v']));
      count('headers:many-under-limit');
      await send('GET', '/v1/endpoints', undefined, { ...many, authorization: `Bearer ${key}` }, 'many headers');
      count('headers:long-token');
      await send('GET', '/v1/endpoints', undefined, { authorization: `Bearer hk_${'a'.repeat(12_000)}` }, 'long token');
      count('headers:odd-auth');
      await send('GET', '/v1/endpoints', undefined, { authorization: ['Bearer', 'Bearer  ', 'Basic eDp5', `bearer ${key}x`, 'Bearer \u00ff'][i % 5]! }, 'odd auth');
      count('headers:odd-idempotency-key');
      await send('POST', '/v1/events', JSON.stringify({ type: 'a.b', data: {} }), {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'idempotency-key': ['', ' ', 'k'.repeat(300), 'k'.repeat(10_000), '\u00ff\u00fe', `key-${i}`][i % 6]!,
      }, 'idempotency key');
    }
    await stillServing('malformed headers');
  });

  it('slow headers and slow bodies (slowloris) are cut within HTTP_REQUEST_TIMEOUT, with a 408 problem', async () => {
    const bound = REQUEST_TIMEOUT_MS + 1_500; // the timeout, plus Node's one-second check interval, plus slack
    // A few bytes at a time, deliberately slow: the drip is the behaviour under test, not a wait for a condition.
    const drip = async (s: Parameters<Parameters<typeof rawExchange>[1]>[0], stopped: () => boolean, text: string, perWrite: number) => {
      for (let i = 0; i < text.length && !stopped(); i += perWrite) {
        if (!(await write(s, text.slice(i, i + perWrite)))) return;
        await sleep(200);
      }
    };
    const slowHeaders = `GET /healthz HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 200 }, (_, i) => `X-Slow-${i}: ${i}\r\n`).join('')}\r\n`;
    const slowBody = (n: number) => `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: ${n}\r\n\r\n`;
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => raw('slow:headers', (s, stopped) => drip(s, stopped, slowHeaders, 3), 10_000)),
      ...Array.from({ length: 10 }, () =>
        raw('slow:body', async (s, stopped) => {
          await write(s, slowBody(10_000));
          await drip(s, stopped, '{"type":"a","data":{"x":"' + 'y'.repeat(9_000), 2);
        }, 10_000),
      ),
      // Headers complete, then silence.
      ...Array.from({ length: 10 }, () => raw('slow:silent-body', (s) => void s.write(slowBody(100)), 10_000)),
      // Half a request line, then silence.
      ...Array.from({ length: 10 }, () => raw('slow:silent-headers', (s) => void s.write('GET /heal'), 10_000)),
    ]);
    for (const r of results) {
      expect(r.closedAfterMs, `not closed by the server: ${r.raw.slice(0, 120)}`).toBeDefined();
      expect(r.closedAfterMs!).toBeLessThanOrEqual(bound);
      expect(r.status).toBe(408);
      checkAnswer('slow request', r.status, r.headers['content-type'], r.body);
    }
    await stillServing('slow requests');
  });

  it('a body that never ends: 413 at MAX_PAYLOAD_BYTES, and the connection is closed', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        raw('endless:body', async (s, stopped) => {
          const chunked = i % 2 === 0;
          await write(s, `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n${chunked ? 'Transfer-Encoding: chunked' : 'Content-Length: 100000000000'}\r\n\r\n`);
          await write(s, chunked ? '8\r\n{"data":\r\n' : '{"data":');
          const piece = Buffer.alloc(64 * 1024, 0x31);
          const chunk = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
          // At most 64 MiB, stopping as soon as the server has closed the connection.
          for (let n = 0; n < 1_024 && !stopped(); n++) if (!(await write(s, chunk))) return;
        }, 15_000),
      ),
    );
    for (const r of results) {
      expect(r.status, r.raw.slice(0, 200)).toBe(413);
      checkAnswer('endless body', r.status, r.headers['content-type'], r.body);
      expect(r.closedAfterMs, 'the server closed the connection').toBeDefined();
      expect(r.closedAfterMs!).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS + 1_500);
      // One answer only: nothing after the 413 (no second, unsolicited response).
      expect(r.raw.match(/HTTP\/1\.1 \d{3}/g)).toHaveLength(1);
    }
    await stillServing('endless bodies');
  });

  it('abrupt disconnects at every stage, and pipelined requests: the service keeps answering', async () => {
    const request = Buffer.from(`POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"type":"a.b","data":{"k":"0123456789"}}`);
    const rand = prng(7);
    for (let i = 0; i < 200; i++) {
      const cut = Math.floor(rand() * request.length);
      await raw('disconnect:cut', async (s) => {
        await write(s, request.subarray(0, cut));
        if (i % 2 === 0) s.resetAndDestroy();
        else s.destroy();
      }, 2_000);
    }
    // Gone before reading the answer of a full request.
    for (let i = 0; i < 50; i++) await raw('disconnect:before-answer', async (s) => void (await write(s, request), s.destroy()), 2_000);
    // 20 requests in one write, a malformed one in the middle. Node parses the whole write before answering, so
    // the connection is closed once it meets the malformed one: what comes back is some 200s and at most one 400
    // problem, never an answer to what follows it.
    const get = `GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`;
    for (let i = 0; i < 20; i++) {
      const res = await raw('pipelined', (s) => void s.write(get.repeat(10) + 'GARBAGE\r\n\r\n' + get.repeat(10)), 5_000);
      count('pipelined', 20);
      const answers: string[] = res.raw.match(/HTTP\/1\.1 \d{3}/g) ?? [];
      expect(answers.length).toBeLessThanOrEqual(11);
      expect(answers.filter((a) => a !== 'HTTP/1.1 200').every((a) => a === 'HTTP/1.1 400')).toBe(true);
      if (answers.includes('HTTP/1.1 400')) expect(res.raw.slice(res.raw.lastIndexOf('HTTP/1.1 400'))).toContain('application/problem+json');
      expect(res.closedAfterMs).toBeDefined();
      // Pipelining that is well formed is answered in full.
      const ok = await raw('pipelined', (s) => void s.write(get.repeat(19) + get.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n')), 5_000);
      count('pipelined', 19);
      expect(ok.raw.match(/HTTP\/1\.1 200/g)).toHaveLength(20);
    }
    await stillServing('disconnects');
  });

  it('sent at least 10,000 hostile requests; the process stayed within bounded memory', () => {
    const total = Object.values(sent).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(10_000);
    // Ingest runs in this process, so its memory is this process's. The first burst (6,000+ requests) grows the heap
    // to its working size; the bursts after it, slow, endless and cut requests included, must stay within a bound.
    // RSS also holds what V8 has not returned yet (98 MB of growth seen under the full suite's load, 3 MB alone):
    // the bound is on the live heap, and RSS may not double.
    const first = memory[1]!;
    const peak = Math.max(...memory.map((m) => m.rssMb));
    expect(peak - first.rssMb, JSON.stringify(memory)).toBeLessThan(first.rssMb);
    expect(Math.max(...memory.map((m) => m.heapMb)), JSON.stringify(memory)).toBeLessThan(256);
  });
});
