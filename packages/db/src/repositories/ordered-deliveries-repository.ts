import { createHash } from 'node:crypto';
import type pg from 'pg';

/** Where an ordered delivery stands (migration 0014): `waiting` its turn or in progress, `blocked` dead until redriven, `done`. */
export type OrderedState = 'waiting' | 'blocked' | 'done';

/** What the deliver stage learns of a delivery of an ordered endpoint when its record comes. */
export interface OrderedAdmission {
  state: OrderedState;
  /** No earlier delivery of its key is waiting or blocked: this one may be attempted. */
  head: boolean;
}

/** A delivery that was waiting behind another and is now its key's head: its record, to produce again. */
export interface ReleasedDelivery {
  deliveryId: string;
  endpointId: string;
  record: Buffer;
  traceparent: string | null;
}

/** A blocked key: the dead delivery holding it, and how many wait behind it. */
export interface BlockedKey {
  orderingKey: string;
  deliveryId: string;
  waiting: number;
  blockedSince: Date;
}

/**
 * The key's rows are changed under one transaction-scoped advisory lock, so an arrival and a release never interleave:
 * its id is the first 8 bytes of SHA-256 over endpoint id and key, a number written into the statement that opens the
 * transaction (one round trip for BEGIN and the lock).
 */
function lockId(endpointId: string, orderingKey: string): string {
  return createHash('sha256').update(endpointId).update('\u001f').update(orderingKey).digest().readBigInt64BE(0).toString();
}

/**
 * The order of ordered endpoints' deliveries, one row per delivery that carries an ordering key
 * (`ordered_deliveries`). Every change to a key runs in a transaction holding the key's advisory lock.
 */
export class OrderedDeliveriesRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /**
   * A delivery record arrived: when `arrival` is given (a fresh record that carries its ordering key), the delivery
   * takes its place in its key's order at `seq` unless it has one already. Answers its state and whether it is its
   * key's head, or null when the delivery has no place in any order.
   */
  async admit(
    deliveryId: string,
    arrival?: { endpointId: string; orderingKey: string; seq: bigint; record: Buffer; traceparent: string | undefined },
  ): Promise<OrderedAdmission | null> {
    const select = `SELECT d.state, NOT EXISTS (
        SELECT 1 FROM ordered_deliveries w
        WHERE w.endpoint_id = d.endpoint_id AND w.ordering_key = d.ordering_key AND w.state <> 'done' AND w.seq < d.seq
      ) AS head
      FROM ordered_deliveries d WHERE d.delivery_id = $1`;
    if (!arrival) {
      const { rows } = await this.#pool.query<OrderedAdmission>(select, [deliveryId]);
      return rows[0] ?? null;
    }
    return this.#locked(lockId(arrival.endpointId, arrival.orderingKey), async (client) => {
      // One statement after the lock (its snapshot sees every change made under the lock before): the row as inserted,
      // or as it was when the delivery already had one.
      const { rows } = await client.query<OrderedAdmission>(
        `WITH ins AS (
           INSERT INTO ordered_deliveries (delivery_id, endpoint_id, ordering_key, seq, record, traceparent)
           SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM endpoints WHERE id = $2)
           ON CONFLICT (delivery_id) DO NOTHING
           RETURNING state, endpoint_id, ordering_key, seq),
         me AS (
           SELECT state, endpoint_id, ordering_key, seq FROM ins
           UNION ALL SELECT state, endpoint_id, ordering_key, seq FROM ordered_deliveries WHERE delivery_id = $1)
         SELECT me.state, NOT EXISTS (
             SELECT 1 FROM ordered_deliveries w
             WHERE w.endpoint_id = me.endpoint_id AND w.ordering_key = me.ordering_key AND w.state <> 'done' AND w.seq < me.seq
           ) AS head
         FROM me LIMIT 1`,
        [deliveryId, arrival.endpointId, arrival.orderingKey, arrival.seq.toString(), arrival.record, arrival.traceparent ?? null],
      );
      return rows[0] ?? null;
    });
  }

  /**
   * The key's head ended: `done` (delivered, or given up with `skip`) lets the next delivery of its key go —
   * `release` produces it again, inside the transaction, so a failed produce leaves the head unfinished and the
   * caller tries again —; `blocked` (dead with `block`) keeps the key stopped. False when the delivery was done already
   * (or has no place in an order). `key`: the delivery's endpoint and ordering key when the caller knows them.
   */
  async finish(
    deliveryId: string,
    key: { endpointId: string; orderingKey: string } | undefined,
    state: 'done' | 'blocked',
    release: (next: ReleasedDelivery) => Promise<void>,
  ): Promise<boolean> {
    let known = key;
    if (!known) {
      const { rows } = await this.#pool.query<{ endpoint_id: string; ordering_key: string }>(
        `SELECT endpoint_id, ordering_key FROM ordered_deliveries WHERE delivery_id = $1 AND state <> 'done'`,
        [deliveryId],
      );
      if (!rows[0]) return false;
      known = { endpointId: rows[0].endpoint_id, orderingKey: rows[0].ordering_key };
    }
    return this.#locked(lockId(known.endpointId, known.orderingKey), async (client) => {
      // One statement after the lock: the head's new state and (for `done`) the key's next delivery, the head left out
      // (the statement does not see its own update).
      const { rows } = await client.query<{ endpoint_id: string; delivery_id: string | null; record: Buffer | null; traceparent: string | null; state: OrderedState | null }>(
        `WITH head AS (
           UPDATE ordered_deliveries SET state = $2, updated_at = now() WHERE delivery_id = $1 AND state <> 'done'
           RETURNING endpoint_id, ordering_key)
         SELECT head.endpoint_id, n.delivery_id, n.record, n.traceparent, n.state
         FROM head LEFT JOIN LATERAL (
           SELECT delivery_id, record, traceparent, state FROM ordered_deliveries
           WHERE $2 = 'done' AND endpoint_id = head.endpoint_id AND ordering_key = head.ordering_key AND state <> 'done' AND delivery_id <> $1
           ORDER BY seq LIMIT 1) n ON true`,
        [deliveryId, state],
      );
      const row = rows[0];
      if (!row) return false;
      if (row.delivery_id !== null && row.record !== null && row.state === 'waiting') {
        await release({ deliveryId: row.delivery_id, endpointId: row.endpoint_id, record: row.record, traceparent: row.traceparent });
      }
      return true;
    });
  }

  /** The endpoint's blocked keys (dead deliveries of an endpoint with `orderingOnDead: "block"`), oldest first. */
  async blocked(endpointId: string, limit: number): Promise<BlockedKey[]> {
    const { rows } = await this.#pool.query<{ ordering_key: string; delivery_id: string; waiting: string; updated_at: Date }>(
      `SELECT b.ordering_key, b.delivery_id, b.updated_at,
         (SELECT count(*) FROM ordered_deliveries w WHERE w.endpoint_id = b.endpoint_id AND w.ordering_key = b.ordering_key AND w.state = 'waiting') AS waiting
       FROM ordered_deliveries b WHERE b.endpoint_id = $1 AND b.state = 'blocked' ORDER BY b.updated_at LIMIT $2`,
      [endpointId, limit],
    );
    return rows.map((r) => ({ orderingKey: r.ordering_key, deliveryId: r.delivery_id, waiting: Number(r.waiting), blockedSince: r.updated_at }));
  }

  /** The endpoints that have deliveries waiting or blocked. */
  async endpointsWithOpenRows(): Promise<string[]> {
    const { rows } = await this.#pool.query<{ endpoint_id: string }>(`SELECT DISTINCT endpoint_id FROM ordered_deliveries WHERE state <> 'done'`);
    return rows.map((r) => r.endpoint_id);
  }

  /**
   * An endpoint no longer ordered: up to `limit` of its open rows become `done`; the waiting ones are handed to
   * `release` (in their order, inside the transaction), the blocked ones (dead) stay dead letters. Answers how many
   * rows it closed (0: none left). Concurrent callers close disjoint rows.
   */
  async drain(endpointId: string, limit: number, release: (waiting: ReleasedDelivery[]) => Promise<void>): Promise<number> {
    return this.#transaction(async (client) => {
      const { rows } = await client.query<{ delivery_id: string; record: Buffer; traceparent: string | null; state: OrderedState; seq: string }>(
        `WITH open AS (
           SELECT delivery_id, state FROM ordered_deliveries WHERE endpoint_id = $1 AND state <> 'done'
           ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE ordered_deliveries d SET state = 'done', updated_at = now() FROM open
         WHERE d.delivery_id = open.delivery_id
         RETURNING d.delivery_id, d.record, d.traceparent, open.state, d.seq`,
        [endpointId, limit],
      );
      const waiting = rows
        .filter((r) => r.state === 'waiting')
        .sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1))
        .map((r) => ({ deliveryId: r.delivery_id, endpointId, record: r.record, traceparent: r.traceparent }));
      if (waiting.length > 0) await release(waiting);
      return rows.length;
    });
  }

  /** Deletes `done` rows last changed before `before` (at most `limit`); answers how many went. */
  async deleteDone(before: Date, limit: number): Promise<number> {
    const { rowCount } = await this.#pool.query(
      `DELETE FROM ordered_deliveries WHERE delivery_id IN (
         SELECT delivery_id FROM ordered_deliveries WHERE state = 'done' AND updated_at < $1 LIMIT $2)`,
      [before, limit],
    );
    return rowCount ?? 0;
  }

  /** A transaction holding the advisory lock `id` (BEGIN and the lock in one round trip). */
  async #locked<T>(id: string, run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.#transaction(run, `BEGIN; SELECT pg_advisory_xact_lock(${id})`);
  }

  async #transaction<T>(run: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query(begin);
      const result = await run(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}
