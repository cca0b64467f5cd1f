import { describe, expect, it } from 'vitest';
import { eventTypeFrom, inboundData, inboundEventId, parseJson } from './inbound-event.ts';

describe('inbound event', () => {
  it('data: a JSON object as it is; arrays, text and bytes wrapped with their content type', () => {
    const json = Buffer.from('{"a":1}');
    expect(inboundData(json, 'application/json', parseJson(json, 'application/json'))).toEqual({ a: 1 });
    const arr = Buffer.from('[1,2]');
    expect(inboundData(arr, 'application/json', parseJson(arr, 'application/json'))).toEqual({ contentType: 'application/json', json: [1, 2] });
    const form = Buffer.from('a=1&b=2');
    expect(inboundData(form, 'application/x-www-form-urlencoded', parseJson(form, 'application/x-www-form-urlencoded')))
      .toEqual({ contentType: 'application/x-www-form-urlencoded', text: 'a=1&b=2' });
    const bytes = Buffer.from([0xff, 0x00, 0x01]);
    expect(inboundData(bytes, 'application/octet-stream', undefined)).toEqual({ contentType: 'application/octet-stream', base64: '/wAB' });
    expect(parseJson(Buffer.from('{nope'), 'application/json')).toBeUndefined();
  });

  it('type names: Shopify topics and other characters become dots', () => {
    expect(eventTypeFrom('orders/create')).toBe('orders.create');
    expect(eventTypeFrom('pull_request.opened')).toBe('pull_request.opened');
    expect(eventTypeFrom('///')).toBeUndefined();
    expect(eventTypeFrom('x'.repeat(300))).toHaveLength(128);
  });

  it('the event id of a delivery is stable per source and differs across sources', () => {
    expect(inboundEventId('src_1', 'd')).toBe(inboundEventId('src_1', 'd'));
    expect(inboundEventId('src_1', 'd')).not.toBe(inboundEventId('src_2', 'd'));
    expect(inboundEventId('src_1', 'd')).toMatch(/^[A-Za-z0-9_.:-]{1,128}$/);
  });
});

describe('unstorable JSON', () => {
  it('is kept as base64 (U+0000, nesting deeper than 64)', () => {
    const nul = Buffer.from('{"a":"\\u0000"}');
    expect(inboundData(nul, 'application/json', parseJson(nul, 'application/json'))).toEqual({ contentType: 'application/json', base64: nul.toString('base64') });
    const deep = Buffer.from(`${'['.repeat(70)}${']'.repeat(70)}`);
    expect(inboundData(deep, 'application/json', parseJson(deep, 'application/json'))).toHaveProperty('base64');
  });
});
