-- Event types of a tenant, with an optional JSON Schema for `data` (also registered in the Schema Registry
-- when one is configured; schema_id/schema_version are its identifiers there).
CREATE TABLE event_types (
  tenant_id       text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name            text NOT NULL,
  description     text NOT NULL DEFAULT '',
  schema          jsonb,
  schema_id       integer,
  schema_version  integer,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name)
);

-- Publish idempotency: an `Idempotency-Key` (scope 'key') or a caller-supplied event id (scope 'event').
-- The event ids are fixed when the key is reserved, so a retry after a crash re-publishes the same events.
CREATE TABLE idempotency_keys (
  tenant_id        text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  scope            text NOT NULL CHECK (scope IN ('key', 'event')),
  key              text NOT NULL,
  request_hash     bytea NOT NULL,
  state            text NOT NULL CHECK (state IN ('pending', 'done')),
  response_status  integer,
  response         jsonb,
  -- A pending reservation whose holder crashed can be taken over once this has passed.
  locked_until     timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
