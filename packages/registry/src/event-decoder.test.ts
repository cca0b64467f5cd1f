import { describe, expect, it } from 'vitest';
import { eventDecoderFor } from './event-decoder.ts';

describe('the events decoder of a service', () => {
  it('refuses at start-up a mapping for a topic the service does not consume', () => {
    expect(() => eventDecoderFor({ SOURCE_TOPIC_MAPPING: { 'orders.v2': {} } }, ['hookline.events', 'orders.v1'])).toThrow(
      'SOURCE_TOPIC_MAPPING: orders.v2 is neither in SOURCE_TOPICS nor the events topic (hookline.events, orders.v1)',
    );
  });

  it('reads JSON envelopes without a registry, and sends framed values to the invalid topic when none is configured', async () => {
    const decoder = eventDecoderFor({ SOURCE_TOPIC_MAPPING: {} }, ['hookline.events']);
    const json = Buffer.from(JSON.stringify({ tenantId: 't', type: 'a.b', data: {} }));
    expect(decoder.needsRegistry(json)).toBe(false);
    expect(decoder.decodeJson(json)).toEqual({ ok: true, value: { tenantId: 't', type: 'a.b', data: {} } });
    const framed = Buffer.from([0, 0, 0, 0, 1, 2]);
    expect(decoder.needsRegistry(framed)).toBe(true);
    expect(await decoder.decodeFramed('hookline.events', framed, {})).toEqual({
      ok: false,
      reason: 'HKL_REGISTRY_NOT_CONFIGURED: a registry-framed value (magic byte 0), but no SCHEMA_REGISTRY_URL is configured to decode it',
    });
  });
});
