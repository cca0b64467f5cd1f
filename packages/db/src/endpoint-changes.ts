import { randomUUID } from 'node:crypto';
import { backoffMs } from '@hookline/contracts';
import type pg from 'pg';
import { ENDPOINT_CHANGES_CHANNEL } from './repositories/endpoint-directory-repository.ts';

/** A running LISTEN on endpoint changes. */
export interface EndpointChangesListener {
  /**
   * Resolves once every change committed before this call has been passed to `onChange`: it sends a marker
   * notification and waits for it to come back (PostgreSQL delivers notifications in commit order). Rejects
   * after `timeoutMs` (e.g. while the listening connection is being re-established).
   */
  sync(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const SYNC_MARK = '~sync~';
/** Backoff between reconnects of the listening connection: up to 0.1 s, doubling, up to 5 s. */
const RECONNECT_BACKOFF = { baseMs: 100, maxMs: 5_000 };

/**
 * LISTENs on endpoint changes of `schema` on a dedicated connection of `pool`, calling `onChange(id)` per
 * change. When the connection is lost it reconnects (bounded backoff) and calls `onReconnect()`, since
 * notifications sent meanwhile were missed.
 */
export async function listenEndpointChanges(
  pool: pg.Pool,
  schema: string,
  handlers: { onChange: (endpointId: string) => void; onReconnect: () => void; onError?: (err: unknown) => void },
): Promise<EndpointChangesListener> {
  let closed = false;
  let client: pg.PoolClient | null = null;
  let retryTimer: NodeJS.Timeout | undefined;
  const prefix = `${schema}:`;
  const waiting = new Map<string, () => void>();

  const connect = async (): Promise<void> => {
    const c = await pool.connect();
    c.on('notification', (n) => {
      if (n.channel !== ENDPOINT_CHANGES_CHANNEL || !n.payload?.startsWith(prefix)) return;
      const rest = n.payload.slice(prefix.length);
      if (rest.startsWith(SYNC_MARK)) waiting.get(rest.slice(SYNC_MARK.length))?.();
      else handlers.onChange(rest);
    });
    c.on('error', (err) => {
      handlers.onError?.(err);
      c.release(err);
      if (client === c) client = null;
      scheduleReconnect(1);
    });
    await c.query(`LISTEN ${ENDPOINT_CHANGES_CHANNEL}`);
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
    async sync(timeoutMs = 5_000) {
      const nonce = randomUUID();
      let timer: NodeJS.Timeout | undefined;
      const back = new Promise<void>((resolve) => waiting.set(nonce, resolve));
      try {
        await pool.query('SELECT pg_notify($1, $2)', [ENDPOINT_CHANGES_CHANNEL, `${prefix}${SYNC_MARK}${nonce}`]);
        // The deadline starts once the notification is sent, and its rejection is always awaited: a timer armed
        // before a slow query (a busy pool) used to reject with nobody listening and crash the process.
        await Promise.race([
          back,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('endpoint change listener did not answer in time')), timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
        waiting.delete(nonce);
      }
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const c = client;
      client = null;
      if (c) {
        await c.query(`UNLISTEN ${ENDPOINT_CHANGES_CHANNEL}`).catch(() => {});
        c.release();
      }
    },
  };
}
