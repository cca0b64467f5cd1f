import { randomUUID } from 'node:crypto';
import { backoffMs } from '@hookline/contracts';
import type pg from 'pg';

/** A running LISTEN (see {@link listenChannel}). */
export interface ChannelListener {
  /**
   * Resolves once every notification committed before the call has been passed to `onPayload`. On PostgreSQL 15 and
   * later, one empty statement on the listening connection: a committing NOTIFY signals the listening sessions before
   * its own client hears of the commit, and a session sends the notifications it was signalled about before it says
   * it is ready for the next statement. Nothing is written — a NOTIFY of our own would take a transaction id and a
   * commit record, and where commits are synchronous wait for a WAL flush. Earlier versions could send those
   * notifications after that answer, so there a marker is NOTIFYed from the listening connection and awaited back
   * (notifications arrive in commit order). Rejects when the connection is down (e.g. being re-established).
   */
  caughtUp(): Promise<void>;
  close(): Promise<void>;
}

/** The payloads (after the prefix) of the marker {@link ChannelListener.caughtUp} NOTIFYs where it must: never passed on. */
const CATCH_UP_MARK = '~sync~';

/**
 * Whether an empty statement catches a listening session up (`server_version_num` 150000 and later: PostgreSQL 15
 * sends a session's signalled notifications just before ReadyForQuery), or a marker NOTIFY is needed.
 */
export function emptyStatementCatchesUp(serverVersionNum: number): boolean {
  return serverVersionNum >= 150_000;
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
  options: { catchUp?: 'auto' | 'marker' } = {},
): Promise<ChannelListener> {
  let closed = false;
  let client: pg.PoolClient | null = null;
  let retryTimer: NodeJS.Timeout | undefined;
  let byEmptyStatement = false;
  const markers = new Map<string, () => void>();

  const connect = async (): Promise<void> => {
    const c = await pool.connect();
    c.on('notification', (n) => {
      if (n.channel !== channel || !n.payload?.startsWith(prefix)) return;
      const rest = n.payload.slice(prefix.length);
      // A marker (ours, or another instance's) is not a payload.
      if (rest.startsWith(CATCH_UP_MARK)) markers.get(rest.slice(CATCH_UP_MARK.length))?.();
      else handlers.onPayload(rest);
    });
    c.on('error', (err) => {
      handlers.onError?.(err);
      c.release(err);
      if (client === c) client = null;
      scheduleReconnect(1);
    });
    const version = await c.query<{ server_version_num: string }>('SHOW server_version_num');
    byEmptyStatement = options.catchUp !== 'marker' && emptyStatementCatchesUp(Number(version.rows[0]?.server_version_num));
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
      if (byEmptyStatement) {
        await c.query('');
        return;
      }
      const nonce = randomUUID();
      const back = new Promise<void>((resolve) => markers.set(nonce, resolve));
      try {
        await c.query(`NOTIFY ${channel}, ${c.escapeLiteral(`${prefix}${CATCH_UP_MARK}${nonce}`)}`);
        await back;
      } finally {
        markers.delete(nonce);
      }
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
