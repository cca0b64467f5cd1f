import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver } from './receiver.ts';

describe('Receiver', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await Receiver.start();
  });
  afterAll(() => receiver.close());

  it('records requests and answers as told', async () => {
    receiver.respondWith((_req, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '7' }, body: 'slow down' } : { status: 204 }));
    const first = await request(receiver.url('/a'), { method: 'POST', body: '{"x":1}', headers: { 'content-type': 'application/json' } });
    expect(first.statusCode).toBe(429);
    expect(first.headers['retry-after']).toBe('7');
    expect(await first.body.text()).toBe('slow down');
    const second = await request(receiver.url('/b'), { method: 'POST', body: 'y' });
    expect(second.statusCode).toBe(204);
    await second.body.dump();
    expect(receiver.requests.map((r) => [r.path, r.body])).toEqual([['/a', '{"x":1}'], ['/b', 'y']]);
  });

  it('can reset the connection and hang', async () => {
    receiver.respondWith({ reset: true });
    await expect(request(receiver.url(), { method: 'POST', body: 'z' })).rejects.toThrow();
    receiver.respondWith({ hang: true });
    await expect(request(receiver.url(), { method: 'POST', body: 'z', signal: AbortSignal.timeout(200) })).rejects.toThrow();
    receiver.respondWith({ status: 200, delayMs: 50 });
    const res = await request(receiver.url(), { method: 'POST', body: 'z' });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  });
});
