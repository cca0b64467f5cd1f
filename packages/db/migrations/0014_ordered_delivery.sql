-- Ordered delivery per key (issue 22). An endpoint with `ordering = 'key'` receives the events of one ordering key
-- one at a time, in publish order; NULL keeps the concurrent delivery of before. `ordering_on_dead` says what a dead
-- delivery does to its key: `skip` (the next event goes on) or `block` (the key waits until the dead one is redriven).
ALTER TABLE endpoints
  ADD COLUMN ordering text CONSTRAINT endpoints_ordering_check CHECK (ordering IN ('key')),
  ADD COLUMN ordering_on_dead text NOT NULL DEFAULT 'skip' CONSTRAINT endpoints_ordering_on_dead_check CHECK (ordering_on_dead IN ('skip', 'block'));

-- The deliveries of ordered endpoints that carry an ordering key, kept here so the order survives a dispatcher restart
-- and a key held back for hours costs no memory: `seq` is the delivery record's offset on the deliveries topic (one
-- endpoint's records share one partition, in publish order per key). A key's head is its `waiting` or `blocked` row
-- of lowest `seq`: the only one that may be attempted. The others wait here (their records committed) and are
-- produced again (`record`, with `traceparent`) when the one before them is done. `blocked`: dead with
-- `ordering_on_dead = 'block'`, until a redrive delivers it. `done` rows say "delivered or given up" (a record of
-- such a delivery seen again — a replay, a redrive — is sent outside the order) and are deleted after a day.
CREATE TABLE ordered_deliveries (
  delivery_id  text PRIMARY KEY,
  endpoint_id  text NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
  ordering_key text NOT NULL,
  seq          bigint NOT NULL,
  state        text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'blocked', 'done')),
  record       bytea NOT NULL,
  traceparent  text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ordered_deliveries_pending ON ordered_deliveries (endpoint_id, ordering_key, seq) WHERE state <> 'done';
CREATE INDEX ordered_deliveries_done ON ordered_deliveries (updated_at) WHERE state = 'done';
