import { createRequire } from 'node:module';
import { createKafka } from '@hookline/kafka';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as {
  prototype: { checkPendingRequests(this: unknown): void };
};

describe('kafkajs request queue fix (tulios/kafkajs#1704)', () => {
  let world: TestWorld;
  beforeAll(() => {
    world = createTestWorld('kafkajs-fixes');
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('an idle connection does not re-check its queue every millisecond (real broker)', async () => {
    const kafka = createKafka({ brokers: world.kafkaBrokers, clientId: 'kafkajs-fixes' });
    const admin = kafka.admin();
    await admin.connect();
    const original = RequestQueue.prototype.checkPendingRequests;
    let checks = 0;
    RequestQueue.prototype.checkPendingRequests = function (this: unknown) {
      checks++;
      original.call(this);
    };
    try {
      await admin.listTopics();
      const afterRequest = checks;
      await new Promise((r) => setTimeout(r, 500));
      // Unpatched kafkajs re-arms a 1 ms timer for ever after a response: hundreds of checks in 500 ms.
      expect(checks - afterRequest).toBeLessThan(5);
      // Requests still complete (a waiting request is checked when an in-flight one completes).
      await Promise.all(Array.from({ length: 20 }, () => admin.listTopics()));
    } finally {
      RequestQueue.prototype.checkPendingRequests = original;
      await admin.disconnect();
    }
  }, 30_000);
});
