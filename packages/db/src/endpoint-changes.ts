import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { listenChannel } from './channel-listener.ts';
import { ENDPOINT_CHANGES_CHANNEL } from './repositories/endpoint-directory-repository.ts';

/** A running LISTEN on endpoint changes. */
export interface EndpointChangesListener {
  /**
   * Resolves once every change committed before this call has been passed to `onChange`: it sends a marker
   * notification from the listening connection and waits for it to come back (PostgreSQL delivers notifications in
   * commit order). Rejects at once while the listening connection is being re-established, and after `timeoutMs`
   * when the marker does not come back.
   */
  sync(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const SYNC_MARK = '~sync~';

/**
 * LISTENs on endpoint changes of `schema` on a dedicated connection of `pool` ({@link listenChannel}), calling
 * `onChange(id)` per change. When the connection is lost it reconnects (bounded backoff) and calls `onReconnect()`, since
 * notifications sent meanwhile were missed.
 */
export async function listenEndpointChanges(
  pool: pg.Pool,
  schema: string,
  handlers: { onChange: (endpointId: string) => void; onReconnect: () => void; onError?: (err: unknown) => void },
): Promise<EndpointChangesListener> {
  const prefix = `${schema}:`;
  const waiting = new Map<string, () => void>();
  const listener = await listenChannel(pool, ENDPOINT_CHANGES_CHANNEL, prefix, {
    onPayload: (rest) => {
      if (rest.startsWith(SYNC_MARK)) waiting.get(rest.slice(SYNC_MARK.length))?.();
      else handlers.onChange(rest);
    },
    onReconnect: handlers.onReconnect,
    onError: handlers.onError,
  });
  return {
    async sync(timeoutMs = 5_000) {
      const nonce = randomUUID();
      let timer: NodeJS.Timeout | undefined;
      const back = new Promise<void>((resolve) => waiting.set(nonce, resolve));
      try {
        // Sent from the listening connection itself (no pool connection taken, no second backend woken), so the
        // deadline covers the whole round trip; whichever of the two loses the race is still handled.
        const roundTrip = listener.notify(`${SYNC_MARK}${nonce}`).then(() => back);
        roundTrip.catch(() => {});
        await Promise.race([
          roundTrip,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('endpoint change listener did not answer in time')), timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
        waiting.delete(nonce);
      }
    },
    close: () => listener.close(),
  };
}
