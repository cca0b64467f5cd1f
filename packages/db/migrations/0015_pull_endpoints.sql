-- Pull endpoints (issue 22): an endpoint of type `pull` has no url; the dispatcher "delivers" by storing the signed
-- webhook (body and Standard Webhooks headers, as an HTTP receiver would get them) in `pull_messages`, and the consumer
-- reads them with GET /v1/endpoints/{id}/messages (long poll or Server-Sent Events), committing with a cursor.
ALTER TABLE endpoints DROP CONSTRAINT endpoints_type_check;
ALTER TABLE endpoints
  ADD CONSTRAINT endpoints_type_check CHECK (type IN ('http', 'kafka', 'pull')),
  -- A temporary endpoint (`hookline listen`) expires at `expires_at` unless a read renews it by
  -- `expires_in_seconds`; ingest deletes expired ones. Both null: a permanent endpoint.
  ADD COLUMN expires_at timestamptz,
  ADD COLUMN expires_in_seconds integer CHECK (expires_in_seconds > 0),
  ADD CONSTRAINT endpoints_expiry_check CHECK ((expires_at IS NULL) = (expires_in_seconds IS NULL) AND (expires_at IS NULL OR type = 'pull'));
CREATE INDEX endpoints_expires_at ON endpoints (expires_at) WHERE expires_at IS NOT NULL;

-- One row per pull endpoint: `last_seq` numbers its messages (taken under this row's lock, so messages commit in
-- the order of their numbers and a reader never skips one still being written); `committed_seq` is what the
-- consumer acknowledged.
CREATE TABLE pull_cursors (
  endpoint_id    text PRIMARY KEY REFERENCES endpoints (id) ON DELETE CASCADE,
  last_seq       bigint NOT NULL DEFAULT 0,
  committed_seq  bigint NOT NULL DEFAULT 0
);

-- The stored webhooks. One per delivery attempt that stored it (a redelivery after a crash stores nothing new);
-- kept until retention (the tracker's RETENTION_DAYS on created_at), committed or not.
CREATE TABLE pull_messages (
  endpoint_id       text NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
  seq               bigint NOT NULL,
  message_id        text NOT NULL,
  delivery_id       text NOT NULL,
  attempt           integer NOT NULL,
  tenant_id         text NOT NULL,
  event_id          text NOT NULL,
  event_type        text NOT NULL,
  event_created_at  timestamptz NOT NULL,
  headers           jsonb NOT NULL,
  body              text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (endpoint_id, seq),
  UNIQUE (endpoint_id, delivery_id, attempt)
);
CREATE INDEX pull_messages_created_at ON pull_messages (created_at);

-- Readers waiting in a long poll or a stream wake on channel `hookline_pull` (payload `<schema>:<endpoint id>`).
CREATE FUNCTION hookline_notify_pull_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('hookline_pull', TG_TABLE_SCHEMA || ':' || NEW.endpoint_id);
  RETURN NULL;
END
$$;
CREATE TRIGGER pull_messages_notify
  AFTER INSERT ON pull_messages
  FOR EACH ROW EXECUTE FUNCTION hookline_notify_pull_message();
