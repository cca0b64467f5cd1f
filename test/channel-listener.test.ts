import { createPool, listenChannel } from '@hookline/db';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The one reconnecting LISTEN behind the endpoint directory's changes and the pull endpoints' wake-ups, against real
 * PostgreSQL: payloads of its prefix only, and after the listening backend is killed it reconnects, says so, and
 * hears the next notification.
 */
describe('channel listener (real PostgreSQL)', () => {
  let world: TestWorld;
  beforeAll(() => {
    world = createTestWorld('channel-listener');
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('passes its prefix’s payloads, and reconnects after its connection is killed', async () => {
    const pool = createPool({ url: world.databaseUrl, schema: world.schema, max: 3, applicationName: 'channel-listener-test' });
    const heard: string[] = [];
    let reconnects = 0;
    const channel = `hookline_test_${world.schema.replace(/\W/g, '_')}`.slice(0, 60);
    const listener = await listenChannel(pool, channel, 'mine:', { onPayload: (p) => heard.push(p), onReconnect: () => reconnects++, onError: () => {} });
    try {
      await pool.query('SELECT pg_notify($1, $2), pg_notify($1, $3)', [channel, 'other:x', 'mine:a']);
      await waitFor(() => heard.includes('a'), { timeoutMs: 5_000, description: 'the first payload' });
      expect(heard).toEqual(['a']);

      const killed = await pool.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'channel-listener-test' AND query LIKE 'LISTEN%'",
      );
      expect(killed.rowCount).toBe(1);
      await waitFor(() => reconnects === 1, { timeoutMs: 10_000, description: 'the listener reconnected' });
      await waitFor(async () => {
        await pool.query('SELECT pg_notify($1, $2)', [channel, 'mine:b']);
        return heard.includes('b');
      }, { timeoutMs: 10_000, description: 'a payload after the reconnect' });
    } finally {
      await listener.close();
      await pool.end();
    }
  }, 30_000);

  it('notify: its own payload comes back after every notification committed before it, and fails fast once closed', async () => {
    const pool = createPool({ url: world.databaseUrl, schema: world.schema, max: 3, applicationName: 'channel-listener-notify-test' });
    const heard: string[] = [];
    const channel = `hookline_test_n_${world.schema.replace(/\W/g, '_')}`.slice(0, 60);
    const listener = await listenChannel(pool, channel, 'mine:', { onPayload: (p) => heard.push(p), onReconnect: () => {}, onError: () => {} });
    try {
      for (let round = 0; round < 50; round++) {
        // Another connection commits a notification; the marker sent after that commit must come back after it.
        await pool.query('SELECT pg_notify($1, $2)', [channel, `mine:change-${round}`]);
        await listener.notify(`marker-${round}`);
        await waitFor(() => heard.includes(`marker-${round}`), { timeoutMs: 5_000, description: `marker ${round}` });
        expect(heard.indexOf(`change-${round}`)).toBeGreaterThanOrEqual(0);
        expect(heard.indexOf(`change-${round}`)).toBeLessThan(heard.indexOf(`marker-${round}`));
      }
      // A payload that needs quoting goes through as it is.
      await listener.notify("it's");
      await waitFor(() => heard.includes("it's"), { timeoutMs: 5_000, description: 'the quoted payload' });
      await listener.close();
      await expect(listener.notify('late')).rejects.toThrow(/not listening/);
    } finally {
      await listener.close();
      await pool.end();
    }
  }, 30_000);
});
