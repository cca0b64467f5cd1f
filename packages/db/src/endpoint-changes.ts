import type pg from 'pg';
import { listenChannel } from './channel-listener.ts';
import { ENDPOINT_CHANGES_CHANNEL } from './repositories/endpoint-directory-repository.ts';

/** A running LISTEN on endpoint changes. */
export interface EndpointChangesListener {
  /**
   * Resolves once every change committed before this call has been passed to `onChange` (a round trip on the
   * listening connection, `ChannelListener.caughtUp`). Rejects at once while the listening connection is being
   * re-established, and after `timeoutMs` when the round trip does not come back.
   */
  sync(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

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
  const listener = await listenChannel(pool, ENDPOINT_CHANGES_CHANNEL, `${schema}:`, {
    onPayload: handlers.onChange,
    onReconnect: handlers.onReconnect,
    onError: handlers.onError,
  });
  return {
    async sync(timeoutMs = 5_000) {
      let timer: NodeJS.Timeout | undefined;
      const roundTrip = listener.caughtUp();
      roundTrip.catch(() => {});
      try {
        await Promise.race([
          roundTrip,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('endpoint change listener did not answer in time')), timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => listener.close(),
  };
}
