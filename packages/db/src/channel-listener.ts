import { backoffMs } from '@hookline/contracts';
import type pg from 'pg';

/** A running LISTEN (see {@link listenChannel}). */
export interface ChannelListener {
  /**
   * Resolves once every notification committed before the call has been passed to `onPayload`: one empty statement
   * on the listening connection. A committing NOTIFY signals the listening sessions before its own client hears of
   * the commit, and a session sends the notifications it was signalled about before it tells it is ready for the next
   * statement. Nothing is written — a NOTIFY of our own as the marker would take a transaction id and a commit
   * record, and where commits are synchronous wait for a WAL flush. Rejects when the connection is down (e.g. being
   * re-established).
   */
  caughtUp(): Promise<void>;
  close(): Promise<void>;
}

/** Backoff between reconnects of the listening connection: up to 0.1 s, doubling, up to 5 s. */
const RECONNECT_BACKOFF = { baseMs: 100, maxMs: 5_000 };

/**
 * LISTENs on `channel` on a dedicated connection of `pool`, passing `onPayload` the payloads that start with `prefix`
 * (the schema, `<schema>:`, so instances of several schemas can share a database), without the prefix. When the
 * connection is lost it reconnects with bounded backoff and calls `onReconnect()`: notifications sent meanwhile were
 * missed. The one mechanism behind the endpoint directory's changes and the pull endpoints' wake-ups.
 */
export async function listenChannel(
  pool: pg.Pool,
  channel: string,
  prefix: string,
  handlers: { onPayload: (payload: string) => void; onReconnect: () => void; onError?: ((err: unknown) => void) | undefined },
): Promise<ChannelListener> {
  let closed = false;
  let client: pg.PoolClient | null = null;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const c = await pool.connect();
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload?.startsWith(prefix)) handlers.onPayload(n.payload.slice(prefix.length));
    });
    c.on('error', (err) => {
      handlers.onError?.(err);
      c.release(err);
      if (client === c) client = null;
      scheduleReconnect(1);
    });
    await c.query(`LISTEN ${channel}`);
    client = c;
  };
  const scheduleReconnect = (attempt: number) => {
    if (closed) return;
    retryTimer = setTimeout(() => {
      connect().then(handlers.onReconnect, (err: unknown) => {
        handlers.onError?.(err);
        scheduleReconnect(attempt + 1);
      });
    }, backoffMs(attempt, RECONNECT_BACKOFF));
  };

  await connect();
  return {
    async caughtUp() {
      const c = client;
      if (!c) throw new Error(`not listening on ${channel}: the connection is being re-established`);
      await c.query('');
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const c = client;
      client = null;
      if (c) {
        await c.query(`UNLISTEN ${channel}`).catch(() => {});
        c.release();
      }
    },
  };
}
