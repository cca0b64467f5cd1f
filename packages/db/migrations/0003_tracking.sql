-- The tracker's record of what happened: events, deliveries (one per event × endpoint, with its current status),
-- attempts, and the endpoint health rollups the API serves. Written only by the tracker, read by the API.
--
-- events and attempts are partitioned by day (UTC) on created_at, so retention is a partition drop. The tracker
-- creates the partitions ahead of time (and attaches ones for past days on demand); the DEFAULT partition catches
-- rows outside the created range, so a write never fails for want of a partition. Primary keys of partitioned
-- tables must contain the partition key, hence (id, created_at): both are fixed for a given record, so
-- `ON CONFLICT (id, created_at) DO NOTHING` makes re-consumption idempotent.

-- The 0001 attempts table is replaced by a partitioned one; its rows (if any) are carried over.
ALTER TABLE attempts RENAME TO attempts_0001;
ALTER INDEX attempts_pkey RENAME TO attempts_0001_pkey;
ALTER INDEX attempts_event_idx RENAME TO attempts_0001_event_idx;
ALTER INDEX attempts_endpoint_idx RENAME TO attempts_0001_endpoint_idx;
ALTER INDEX attempts_tenant_idx RENAME TO attempts_0001_tenant_idx;

CREATE TABLE events (
  id               text NOT NULL,
  tenant_id        text NOT NULL,
  type             text NOT NULL,
  payload          jsonb NOT NULL,
  -- Set when the event targets a single endpoint (endpoint tests, replays).
  endpoint_id      text,
  created_at       timestamptz NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  -- Where the event sits in the events topic (for time-range replay straight from Kafka).
  kafka_partition  integer,
  kafka_offset     bigint,
  traceparent      text,
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE events_default PARTITION OF events DEFAULT;
-- GET /v1/events?after=…: a tenant's events, newest first, keyset-paginated on (created_at, id).
CREATE INDEX events_tenant_time_idx ON events (tenant_id, created_at DESC, id DESC);
CREATE INDEX events_tenant_type_time_idx ON events (tenant_id, type, created_at DESC);
CREATE INDEX events_default_created_idx ON events_default (created_at);

CREATE TABLE attempts (
  id               text NOT NULL,
  delivery_id      text NOT NULL,
  event_id         text NOT NULL,
  tenant_id        text NOT NULL,
  endpoint_id      text NOT NULL,
  attempt          integer NOT NULL,
  outcome          text NOT NULL,
  -- The delivery's status right after this attempt, as the dispatcher decided it.
  status           text NOT NULL,
  status_code      integer,
  duration_ms      integer NOT NULL,
  error            text,
  response_body    text,
  request_headers  jsonb NOT NULL DEFAULT '{}',
  url              text NOT NULL,
  next_attempt_at  timestamptz,
  -- When the attempt started (the record's startedAt).
  created_at       timestamptz NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE attempts_default PARTITION OF attempts DEFAULT;
CREATE INDEX attempts_event_idx ON attempts (event_id, created_at);
CREATE INDEX attempts_delivery_idx ON attempts (delivery_id, created_at);
CREATE INDEX attempts_endpoint_idx ON attempts (endpoint_id, created_at DESC);
CREATE INDEX attempts_tenant_idx ON attempts (tenant_id, created_at DESC);
CREATE INDEX attempts_default_created_idx ON attempts_default (created_at);

INSERT INTO attempts (id, delivery_id, event_id, tenant_id, endpoint_id, attempt, outcome, status, status_code,
                      duration_ms, error, response_body, request_headers, url, created_at, recorded_at)
SELECT id, delivery_id, event_id, tenant_id, endpoint_id, attempt, outcome, status, status_code,
       duration_ms, error, response_body, request_headers, url, created_at, recorded_at
FROM attempts_0001;
DROP TABLE attempts_0001;

-- One row per (event, endpoint): created at fan-out (pending) or by its first attempt record, whichever the
-- tracker sees first. Small rows without payload; not partitioned (retention deletes them in bounded batches).
CREATE TABLE deliveries (
  id                text PRIMARY KEY,
  event_id          text NOT NULL,
  tenant_id         text NOT NULL,
  endpoint_id       text NOT NULL,
  -- Known once the delivery record (fan-out) was seen.
  event_type        text,
  event_created_at  timestamptz,
  -- pending | retrying | succeeded | failed | dead (see README, "Delivery status").
  status            text NOT NULL DEFAULT 'pending',
  -- Start of the attempt (or the re-enqueue) that set the status; NULL while no attempt was seen since fan-out.
  -- An attempt older than this never changes the status; succeeded is never left.
  status_at         timestamptz,
  status_attempt    integer NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz,
  -- Number of attempt records seen (re-consumption does not count twice).
  attempts          integer NOT NULL DEFAULT 0,
  -- The newest attempt, whatever the status.
  last_attempt_at   timestamptz,
  last_attempt      integer,
  last_outcome      text,
  last_status_code  integer,
  last_error        text,
  succeeded_at      timestamptz,
  requeued_at       timestamptz,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'retrying', 'succeeded', 'failed', 'dead'))
);
CREATE INDEX deliveries_event_idx ON deliveries (event_id);
-- Dead letters / failed deliveries of an endpoint (redrive, recover), keyset on (created_at, id).
CREATE INDEX deliveries_endpoint_status_idx ON deliveries (endpoint_id, status, created_at, id);
CREATE INDEX deliveries_tenant_status_idx ON deliveries (tenant_id, status, created_at, id);
CREATE INDEX deliveries_created_idx ON deliveries (created_at);

-- Per-endpoint, per-minute attempt counts and a latency histogram (bucket bounds: LATENCY_BUCKETS_MS in
-- packages/contracts): GET /v1/endpoints/{id}/health reads at most 60 rows, never the attempts table.
CREATE TABLE endpoint_health_minutes (
  endpoint_id  text NOT NULL,
  minute       timestamptz NOT NULL,
  attempts     integer NOT NULL,
  successes    integer NOT NULL,
  duration_histogram integer[] NOT NULL,
  PRIMARY KEY (endpoint_id, minute)
);
CREATE INDEX endpoint_health_minutes_minute_idx ON endpoint_health_minutes (minute);

-- Per-endpoint last outcomes.
CREATE TABLE endpoint_outcomes (
  endpoint_id      text PRIMARY KEY,
  last_success_at  timestamptz,
  last_failure_at  timestamptz,
  -- First failure after the last success; NULL while the newest outcome is a success.
  failing_since    timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
