-- Inbound sources: a provider (GitHub, Stripe, …) posts to /in/<token>; verified requests become events of the
-- source's application. The token is stored only as SHA-256; the verification secrets encrypted (SecretBox), newest
-- first, a rotated-out one with the time it stops verifying.
CREATE TABLE sources (
  id                     text PRIMARY KEY,
  tenant_id              text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- NULL: the tenant's default application.
  application_id         text REFERENCES applications (id) ON DELETE CASCADE,
  name                   text NOT NULL,
  provider               text NOT NULL,
  -- What the provider's verification needs besides the secrets (header, algorithm, encoding, prefix, username).
  settings               jsonb NOT NULL DEFAULT '{}',
  secrets                jsonb NOT NULL DEFAULT '[]',
  event_type             text,
  allowed_ips            text[] NOT NULL DEFAULT '{}',
  rate_limit_per_second  integer,
  response_status        integer NOT NULL DEFAULT 202,
  response_body          text,
  token_hash             bytea NOT NULL UNIQUE,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sources_tenant_idx ON sources (tenant_id, id);
CREATE INDEX sources_application_idx ON sources (application_id);

-- Every request that reached a source's URL, with its verification result and answer. Rows older than the
-- retention are deleted by ingest (SOURCE_REQUEST_RETENTION).
CREATE TABLE source_requests (
  id              text PRIMARY KEY,
  source_id       text NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  tenant_id       text NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  remote_address  text NOT NULL,
  -- verified | failed | skipped (provider none) | refused (IP allowlist, rate limit, size)
  verification    text NOT NULL,
  reason          text,
  status          integer NOT NULL,
  event_id        text,
  event_type      text,
  delivery_id     text,
  duplicate       boolean NOT NULL DEFAULT false,
  headers         jsonb NOT NULL DEFAULT '{}',
  body_bytes      integer NOT NULL DEFAULT 0
);
-- Ids are time-ordered (UUIDv7), so id order is arrival order.
CREATE INDEX source_requests_source_idx ON source_requests (source_id, id DESC);
CREATE INDEX source_requests_received_idx ON source_requests (received_at);
