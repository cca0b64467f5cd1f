import type pg from 'pg';
import { listenChannel } from './channel-listener.ts';
import { PULL_MESSAGES_CHANNEL } from './repositories/pull-messages-repository.ts';

/** A running LISTEN on stored pull messages. */
export interface PullMessageWakeups {
  /**
   * Resolves true when a message is stored for the endpoint after this call, false after `timeoutMs` or when
   * `signal` aborts. Register before reading, await after an empty read: nothing stored in between is missed.
   */
  next(endpointId: string, timeoutMs: number, signal?: AbortSignal): { arrived: Promise<boolean>; cancel(): void };
  close(): Promise<void>;
}

/**
 * One LISTEN connection of `pool` ({@link listenChannel}, notifications of the pool's current schema) that wakes the
 * readers waiting on an endpoint's messages (long polls and streams), whatever their number. When the connection is
 * lost and comes back it wakes every waiter (a notification may have been missed; they read again).
 */
export async function listenPullMessages(pool: pg.Pool, onError?: (err: unknown) => void): Promise<PullMessageWakeups> {
  const { rows } = await pool.query<{ s: string }>('SELECT current_schema() AS s');
  const prefix = `${rows[0]!.s}:`;
  const waiters = new Map<string, Set<() => void>>();
  let closed = false;

  const wake = (endpointId: string) => {
    const set = waiters.get(endpointId);
    if (!set) return;
    waiters.delete(endpointId);
    for (const w of set) w();
  };
  const wakeAll = () => [...waiters.keys()].forEach(wake);

  const listener = await listenChannel(pool, PULL_MESSAGES_CHANNEL, prefix, { onPayload: wake, onReconnect: wakeAll, onError });
  return {
    next(endpointId, timeoutMs, signal) {
      if (closed || signal?.aborted) return { arrived: Promise.resolve(false), cancel: () => {} };
      let settle: (v: boolean) => void = () => {};
      const arrived = new Promise<boolean>((resolve) => {
        settle = resolve;
      });
      const done = (v: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const set = waiters.get(endpointId);
        set?.delete(onWake);
        if (set?.size === 0) waiters.delete(endpointId);
        settle(v);
      };
      const onWake = () => done(true);
      const onAbort = () => done(false);
      let set = waiters.get(endpointId);
      if (!set) waiters.set(endpointId, (set = new Set()));
      set.add(onWake);
      const timer = setTimeout(() => done(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      return { arrived, cancel: () => done(false) };
    },
    async close() {
      closed = true;
      wakeAll();
      await listener.close();
    },
  };
}
