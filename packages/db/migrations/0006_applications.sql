-- Applications: a tenant (the sender) delivers to many customers, each an application with its own endpoints,
-- event log, publish rate limit and self-service portal sessions.
CREATE TABLE applications (
  id                     text PRIMARY KEY,
  tenant_id              text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- The sender's own id for this customer; accepted wherever an application id is.
  uid                    text,
  name                   text NOT NULL,
  metadata               jsonb NOT NULL DEFAULT '{}',
  rate_limit_per_second  integer,
  -- The application tenant-level routes and envelopes without `application` act on (one per tenant at most).
  is_default             boolean NOT NULL DEFAULT false,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT applications_uid_unique UNIQUE (tenant_id, uid)
);
CREATE UNIQUE INDEX applications_default_idx ON applications (tenant_id) WHERE is_default;
CREATE INDEX applications_tenant_idx ON applications (tenant_id, id);

-- Every tenant with endpoints gets its default application, and its endpoints move into it.
INSERT INTO applications (id, tenant_id, name, is_default)
SELECT 'app_' || replace(gen_random_uuid()::text, '-', ''), t.id, 'Default', true
FROM tenants t WHERE EXISTS (SELECT 1 FROM endpoints e WHERE e.tenant_id = t.id);

ALTER TABLE endpoints ADD COLUMN application_id text REFERENCES applications (id) ON DELETE CASCADE;
UPDATE endpoints e SET application_id = a.id FROM applications a WHERE a.tenant_id = e.tenant_id AND a.is_default;
ALTER TABLE endpoints ALTER COLUMN application_id SET NOT NULL;
CREATE INDEX endpoints_application_idx ON endpoints (application_id, id);

-- The record of what happened names the application too (NULL only for rows written before this migration
-- whose tenant had no endpoints).
ALTER TABLE events ADD COLUMN application_id text;
ALTER TABLE deliveries ADD COLUMN application_id text;
ALTER TABLE attempts ADD COLUMN application_id text;
ALTER TABLE requeue_jobs ADD COLUMN application_id text;
UPDATE deliveries d SET application_id = e.application_id FROM endpoints e WHERE e.id = d.endpoint_id;
UPDATE attempts t SET application_id = e.application_id FROM endpoints e WHERE e.id = t.endpoint_id;
UPDATE events v SET application_id = a.id FROM applications a WHERE a.tenant_id = v.tenant_id AND a.is_default;
CREATE INDEX events_application_time_idx ON events (application_id, created_at DESC, id DESC);
CREATE INDEX deliveries_application_status_idx ON deliveries (application_id, status, created_at, id);

-- Changes to applications are announced on the endpoints' channel (payload `<schema>:<application id>`), so a
-- dispatcher's cache of uids and default applications never routes by a stale one.
CREATE TRIGGER applications_notify_change
  AFTER INSERT OR UPDATE OR DELETE ON applications
  FOR EACH ROW EXECUTE FUNCTION hookline_notify_endpoint_change();

-- Portal sessions: magic links into one application's self-service portal. Only the SHA-256 of the token is kept.
CREATE TABLE portal_sessions (
  id              text PRIMARY KEY,
  tenant_id       text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  application_id  text NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  token_hash      bytea NOT NULL UNIQUE,
  read_only       boolean NOT NULL DEFAULT false,
  theme           jsonb NOT NULL DEFAULT '{}',
  expires_at      timestamptz NOT NULL,
  revoked_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX portal_sessions_application_idx ON portal_sessions (application_id);
CREATE INDEX portal_sessions_expires_idx ON portal_sessions (expires_at);
