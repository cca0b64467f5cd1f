import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

describe('API history: events, deliveries, attempts, dead letters, health, replay, recover, redrive', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let good: Receiver;
  let bad: Receiver;
  let api: string;
  let key: string;
  let goodEp: string;
  let badEp: string;
  let eventId: string;
  let failing = true;
  const get = (path: string, token = key) => call('GET', `${api}${path}`, token);

  beforeAll(async () => {
    world = createTestWorld('api-history');
    good = await Receiver.start();
    bad = await Receiver.start();
    bad.respondWith(() => (failing ? { status: 500, body: 'down for maintenance' } : { status: 200 }));
    // A high breaker volume threshold keeps the failing endpoint's breaker closed, so its deliveries die quickly.
    pipeline = await startPipeline(world, { env: { RETRY_SCHEDULE: '100ms,100ms', REQUEUE_BATCH_SIZE: '8', CIRCUIT_VOLUME_THRESHOLD: '100000' } });
    api = pipeline.api;
    key = (await createTenant(api, world.env.ADMIN_TOKEN!)).apiKey;
    goodEp = (await call('POST', `${api}/v1/endpoints`, key, { url: good.url() })).json.id;
    // Not 'other.type': that event, published by a later test while this endpoint fails, could die during the redrive
    // test and show up as a second dead letter there.
    badEp = (await call('POST', `${api}/v1/endpoints`, key, { url: bad.url(), eventTypes: ['invoice.paid', 'bulk.item'] })).json.id;
    eventId = (await call('POST', `${api}/v1/events`, key, { type: 'invoice.paid', data: { invoice: 1 } })).json.id;
  });
  afterAll(async () => {
    await pipeline?.stop();
    await good?.close();
    await bad?.close();
    await world?.cleanup();
  });

  it('shows the event with each delivery: succeeded at one endpoint, dead at the other', async () => {
    const event = await waitFor(async () => {
      const res = await get(`/v1/events/${eventId}`);
      const states = (res.json?.deliveries ?? []).map((d: { status: string }) => d.status).sort();
      return res.status === 200 && states.join() === 'dead,succeeded' ? res.json : undefined;
    }, { timeoutMs: 30_000, description: 'one delivery succeeded and one dead' });
    expect(event).toMatchObject({ id: eventId, type: 'invoice.paid', data: { invoice: 1 }, createdAt: expect.any(String) });
    const byEndpoint = Object.fromEntries(event.deliveries.map((d: { endpointId: string }) => [d.endpointId, d]));
    expect(byEndpoint[goodEp]).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200 });
    expect(byEndpoint[badEp]).toMatchObject({ status: 'dead', attempts: 3, lastStatusCode: 500, nextAttemptAt: null });
  });

  it('lists every attempt with what the endpoint answered', async () => {
    const { json } = await get(`/v1/events/${eventId}/attempts`);
    const failed = json.data.filter((a: { endpointId: string }) => a.endpointId === badEp);
    expect(failed.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3]);
    expect(failed[0]).toMatchObject({ outcome: 'http_error', statusCode: 500, responseBody: 'down for maintenance', durationMs: expect.any(Number) });
    expect(failed[0].nextAttemptAt).toEqual(expect.any(String));
    expect(failed[2].nextAttemptAt).toBeNull();
    expect(json.data.find((a: { endpointId: string }) => a.endpointId === goodEp)).toMatchObject({ outcome: 'succeeded', statusCode: 200 });
  });

  it('lists events newest first with filters and cursors', async () => {
    await call('POST', `${api}/v1/events`, key, { type: 'other.type', data: {} });
    await waitFor(async () => ((await get('/v1/events')).json.data.length >= 2 ? true : undefined));
    const byType = await get('/v1/events?type=invoice.paid');
    expect(byType.json.data.map((e: { id: string }) => e.id)).toEqual([eventId]);
    const page = await get('/v1/events?limit=1');
    expect(page.json.data).toHaveLength(1);
    expect(page.json.nextCursor).toEqual(expect.any(String));
    const next = await get(`/v1/events?limit=1&cursor=${page.json.nextCursor}`);
    expect(next.json.data[0].id).not.toBe(page.json.data[0].id);
    expect((await get('/v1/events?before=2000-01-01T00:00:00Z')).json.data).toEqual([]);
    expect((await get('/v1/events?cursor=garbage')).status).toBe(422);
    expect((await get('/v1/events?after=yesterday')).status).toBe(422);
  });

  it('lists dead letters and reports endpoint health', async () => {
    const dead = await get(`/v1/dead-letters?endpointId=${badEp}`);
    expect(dead.json.data).toEqual([expect.objectContaining({ eventId, endpointId: badEp, attempts: 3, lastStatusCode: 500 })]);
    expect((await get('/v1/dead-letters')).json.data.map((d: { eventId: string }) => d.eventId)).toContain(eventId);
    const health = await waitFor(async () => {
      const h = (await get(`/v1/endpoints/${badEp}/health`)).json;
      return h.attempts1h >= 3 ? h : undefined;
    });
    expect(health).toMatchObject({ circuit: 'closed', disabled: false, successRate1h: 0, failingSince: expect.any(String), lastFailureAt: expect.any(String), lastSuccessAt: null });
    expect(health.p50Ms).toEqual(expect.any(Number));
    const ok = await waitFor(async () => {
      const h = (await get(`/v1/endpoints/${goodEp}/health`)).json;
      return h.attempts1h >= 1 ? h : undefined;
    });
    expect(ok).toMatchObject({ successRate1h: 1, failingSince: null, lastSuccessAt: expect.any(String) });
  });

  it('redrives dead letters with the same webhook-id and records the new attempts', async () => {
    failing = false;
    const before = bad.requests.length;
    const res = await call('POST', `${api}/v1/dead-letters/redrive`, key, { endpointId: badEp });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ redriven: 1, job: { kind: 'redrive', total: 1 } });
    const req = await waitFor(() => bad.requests.slice(before).find((r) => r.headers['webhook-id'] === eventId));
    expect(req.headers['webhook-id']).toBe(eventId);
    await waitFor(async () => ((await get(`/v1/jobs/${res.json.job.id}`)).json.status === 'completed' ? true : undefined));
    expect((await get(`/v1/jobs/${res.json.job.id}`)).json).toMatchObject({ requeued: 1, missing: 0 });
    await waitFor(async () => {
      const d = (await get(`/v1/events/${eventId}`)).json.deliveries.find((x: { endpointId: string }) => x.endpointId === badEp);
      return d.status === 'succeeded' && d.attempts === 4 ? true : undefined;
    }, { description: 'the redriven delivery recorded as succeeded' });
    expect((await get(`/v1/dead-letters?endpointId=${badEp}`)).json.data).toEqual([]);
  });

  it('replays an event to one endpoint', async () => {
    const before = good.requests.filter((r) => r.headers['webhook-id'] === eventId).length;
    const res = await call('POST', `${api}/v1/events/${eventId}/replay`, key, { endpointId: goodEp });
    expect(res).toMatchObject({ status: 202, json: { replayed: 1 } });
    await waitFor(() => good.requests.filter((r) => r.headers['webhook-id'] === eventId).length === before + 1);
    expect((await call('POST', `${api}/v1/events/evt_missing/replay`, key, {})).status).toBe(404);
  });

  it('recovers, in bounded batches, what failed at an endpoint in a window', async () => {
    failing = true;
    const since = new Date().toISOString();
    const ids: string[] = [];
    const batch = await call('POST', `${api}/v1/events/batch`, key, { events: Array.from({ length: 24 }, (_, i) => ({ type: 'bulk.item', data: { i } })) });
    ids.push(...batch.json.data.map((e: { id: string }) => e.id));
    let seen = '';
    await waitFor(async () => {
      const states = await Promise.all(ids.map(async (id) => (await get(`/v1/events/${id}`)).json?.deliveries?.find((d: { endpointId: string }) => d.endpointId === badEp)?.status ?? 'unrecorded'));
      const counts: Record<string, number> = {};
      for (const st of states) counts[st] = (counts[st] ?? 0) + 1;
      seen = JSON.stringify(counts);
      return counts.dead === 24 ? true : undefined;
    }, { timeoutMs: 45_000, intervalMs: 250, description: `all 24 deliveries dead (last seen ${seen})` }).catch((err: Error) => {
      throw new Error(`${err.message}; states: ${seen}`);
    });
    failing = false;
    const res = await call('POST', `${api}/v1/endpoints/${badEp}/recover`, key, { since });
    expect(res).toMatchObject({ status: 202, json: { replayed: 24, job: { kind: 'recover', total: 24 } } });
    const job = await waitFor(async () => {
      const j = (await get(`/v1/jobs/${res.json.job.id}`)).json;
      return j.status === 'completed' ? j : undefined;
    });
    expect(job).toMatchObject({ requeued: 24, missing: 0 });
    await waitFor(() => ids.every((id) => bad.requests.some((r) => r.headers['webhook-id'] === id && r.receivedAt > Date.parse(since))), {
      timeoutMs: 30_000,
      description: 'every recovered delivery at the endpoint',
    });
    expect((await call('POST', `${api}/v1/endpoints/${badEp}/recover`, key, { since: '2030-01-02T00:00:00Z', until: '2030-01-01T00:00:00Z' })).status).toBe(422);
  });

  it("keeps another tenant out of this tenant's history", async () => {
    const other = (await createTenant(api, world.env.ADMIN_TOKEN!, 'other')).apiKey;
    for (const path of [`/v1/events/${eventId}`, `/v1/events/${eventId}/attempts`, `/v1/endpoints/${badEp}/health`]) {
      expect((await get(path, other)).status, path).toBe(404);
    }
    expect((await get('/v1/events', other)).json.data).toEqual([]);
    expect((await get('/v1/dead-letters', other)).json.data).toEqual([]);
    expect((await call('POST', `${api}/v1/events/${eventId}/replay`, other, {})).status).toBe(404);
    expect((await call('POST', `${api}/v1/endpoints/${badEp}/recover`, other, { since: '2020-01-01T00:00:00Z' })).status).toBe(404);
  });
});
