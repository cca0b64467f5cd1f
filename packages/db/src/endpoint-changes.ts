import type pg from 'pg';
import { ENDPOINT_CHANGES_CHANNEL } from './repositories/endpoint-directory-repository.ts';

/** A running LISTEN on endpoint changes. */
export interface EndpointChangesListener {
  close(): Promise<void>;
}

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

  const connect = async (): Promise<void> => {
    const c = await pool.connect();
    c.on('notification', (n) => {
      if (n.channel === ENDPOINT_CHANGES_CHANNEL && n.payload?.startsWith(prefix)) handlers.onChange(n.payload.slice(prefix.length));
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
    }, Math.min(5_000, 100 * 2 ** attempt));
  };

  await connect();
  return {
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
