import { createPool, ENDPOINT_CHANGES_CHANNEL, listenEndpointChanges } from '@hookline/db';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('endpoint change listener (real PostgreSQL)', () => {
  let world: TestWorld;
  beforeAll(() => {
    world = createTestWorld('endpoint-changes');
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('sync goes over the listening connection, so a busy pool does not delay or fail it', async () => {
    // Two connections: one listens, the other is busy for longer than the deadline when sync runs.
    const pool = createPool({ url: world.databaseUrl, schema: world.schema, max: 2, applicationName: 'endpoint-changes-test' });
    const listener = await listenEndpointChanges(pool, world.schema, { onChange: () => {}, onReconnect: () => {} });
    try {
      const busy = pool.query('SELECT pg_sleep(0.6)');
      await expect(listener.sync(200)).resolves.toBeUndefined();
      await busy;
      // And a listener that is gone fails at once, with a clear error.
      await listener.close();
      await expect(listener.sync(200)).rejects.toThrow(/not listening/);
    } finally {
      await listener.close();
      await pool.end();
    }
  }, 30_000);

  it('a change committed before sync was passed on when it resolves; old instances\' sync markers are not changes', async () => {
    const pool = createPool({ url: world.databaseUrl, schema: world.schema, max: 3, applicationName: 'endpoint-changes-order-test' });
    const changed: string[] = [];
    const listener = await listenEndpointChanges(pool, world.schema, { onChange: (id) => changed.push(id), onReconnect: () => {} });
    try {
      for (let i = 0; i < 20; i++) {
        await pool.query('SELECT pg_notify($1, $2)', [ENDPOINT_CHANGES_CHANNEL, `${world.schema}:ep_${i}`]);
        await listener.sync();
        expect(changed.at(-1)).toBe(`ep_${i}`);
      }
      await pool.query('SELECT pg_notify($1, $2)', [ENDPOINT_CHANGES_CHANNEL, `${world.schema}:~sync~0b7e6d3c`]);
      await pool.query('SELECT pg_notify($1, $2)', [ENDPOINT_CHANGES_CHANNEL, 'another_schema:ep_x']);
      await listener.sync();
      expect(changed).toHaveLength(20);
    } finally {
      await listener.close();
      await pool.end();
    }
  }, 30_000);
});
