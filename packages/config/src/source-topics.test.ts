import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { loadConfig } from './load-config.ts';
import { sourceTopicsFragment } from './source-topics.ts';

const load = (env: Record<string, string>) => loadConfig(sourceTopicsFragment, env);

describe('SOURCE_TOPICS and SOURCE_TOPIC_MAPPING', () => {
  it('reads topics and a mapping of selectors', () => {
    expect(load({ SOURCE_TOPICS: 'orders.v1, payments.v1,orders.v1', SOURCE_TOPIC_MAPPING: '{"orders.v1":{"type":"$schema.name","tenantId":"$.tenant","application":"$.customer.id","id":"order-feed"}}', SCHEMA_REGISTRY_URL: 'none' })).toEqual({
      SOURCE_TOPICS: ['orders.v1', 'payments.v1'],
      SOURCE_TOPIC_MAPPING: { 'orders.v1': { type: '$schema.name', tenantId: '$.tenant', application: '$.customer.id', id: 'order-feed' } },
    });
    expect(load({})).toEqual({ SOURCE_TOPICS: [], SOURCE_TOPIC_MAPPING: {} });
  });

  it('names every problem at start-up', () => {
    let error: unknown;
    try {
      load({ SOURCE_TOPICS: 'ok,bad topic', SOURCE_TOPIC_MAPPING: '{"ok":{"type":"$.","tenant":"x","tenantId":"a b"}}' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('"bad topic" is not a Kafka topic name');
    expect(message).toContain('ok.type: must be "$schema.name", a field path');
    expect(message).toContain('ok.tenantId: must be');
    expect(message).toMatch(/Unrecognized key.*tenant/);
    expect(() => load({ SOURCE_TOPIC_MAPPING: '{nope' })).toThrow(/SOURCE_TOPIC_MAPPING: is not JSON/);
  });
});
