-- Control plane: tenants, their API keys and their endpoints.
CREATE TABLE tenants (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id          text PRIMARY KEY,
  tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- SHA-256 of the whole key: the key itself is shown once and never stored.
  key_hash    bytea NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id);

CREATE TABLE endpoints (
  id                      text PRIMARY KEY,
  tenant_id               text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  url                     text NOT NULL,
  description             text NOT NULL DEFAULT '',
  -- Empty means every event type.
  event_types             text[] NOT NULL DEFAULT '{}',
  -- AES-256-GCM ciphertexts of the signing secrets, newest first; a dump alone reveals no secret.
  secrets                 jsonb NOT NULL,
  headers                 jsonb NOT NULL DEFAULT '{}',
  rate_limit_per_second   integer,
  timeout_ms              integer,
  max_concurrency         integer,
  disabled                boolean NOT NULL DEFAULT false,
  disabled_reason         text,
  metadata                jsonb NOT NULL DEFAULT '{}',
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX endpoints_tenant_idx ON endpoints (tenant_id, id);

-- The record of what happened: one row per delivery attempt, written by the tracker.
CREATE TABLE attempts (
  id               text PRIMARY KEY,
  delivery_id      text NOT NULL,
  event_id         text NOT NULL,
  tenant_id        text NOT NULL,
  endpoint_id      text NOT NULL,
  attempt          integer NOT NULL,
  outcome          text NOT NULL,
  status           text NOT NULL,
  status_code      integer,
  duration_ms      integer NOT NULL,
  error            text,
  response_body    text,
  request_headers  jsonb NOT NULL DEFAULT '{}',
  url              text NOT NULL,
  created_at       timestamptz NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attempts_event_idx ON attempts (event_id, created_at);
CREATE INDEX attempts_endpoint_idx ON attempts (endpoint_id, created_at);
CREATE INDEX attempts_tenant_idx ON attempts (tenant_id, created_at);
