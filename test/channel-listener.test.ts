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

  for (const catchUp of ['auto', 'marker'] as const) {
    it(`caughtUp (${catchUp === 'auto' ? 'an empty statement on this PostgreSQL' : 'a NOTIFYed marker, as before PostgreSQL 15'}): every notification committed before the call was passed on when it resolves, and it fails fast once closed`, async () => {
      const pool = createPool({ url: world.databaseUrl, schema: world.schema, max: 3, applicationName: `channel-listener-caught-up-${catchUp}` });
      const heard: string[] = [];
      const channel = `hookline_test_${catchUp}_${world.schema.replace(/\W/g, '_')}`.slice(0, 60);
      const listener = await listenChannel(pool, channel, 'mine:', { onPayload: (p) => heard.push(p), onReconnect: () => {}, onError: () => {} }, { catchUp });
      const writer = await pool.connect();
      try {
        for (let round = 0; round < 100; round++) {
          // Another connection commits a change with its notification (alone, or in a transaction as the endpoint
          // routes do); once that commit is acknowledged, the listener's catching up must find it already passed on.
          if (round % 2 === 0) await writer.query('SELECT pg_notify($1, $2)', [channel, `mine:change-${round}`]);
          else {
            await writer.query('BEGIN');
            await writer.query('SELECT pg_notify($1, $2)', [channel, `mine:change-${round}`]);
            await writer.query('COMMIT');
          }
          await listener.caughtUp();
          expect(heard.at(-1)).toBe(`change-${round}`);
        }
        // Markers (its own or another instance's) are never passed on.
        await writer.query('SELECT pg_notify($1, $2)', [channel, 'mine:~sync~0b7e6d3c']);
        await listener.caughtUp();
        expect(heard).toHaveLength(100);
        await listener.close();
        await expect(listener.caughtUp()).rejects.toThrow(/not listening/);
      } finally {
        writer.release();
        await listener.close();
        await pool.end();
      }
    }, 30_000);
  }
});
