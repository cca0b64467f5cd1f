-- Dispatcher: subscription change notifications and per-endpoint delivery health.

-- Every change to an endpoint is announced on channel `hookline_endpoints` with payload `<schema>:<endpoint id>`,
-- so dispatchers refresh their in-memory subscriptions within a second, without a query per event.
CREATE FUNCTION hookline_notify_endpoint_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('hookline_endpoints', TG_TABLE_SCHEMA || ':' || COALESCE(NEW.id, OLD.id));
  RETURN NULL;
END
$$;

CREATE TRIGGER endpoints_notify_change
  AFTER INSERT OR UPDATE OR DELETE ON endpoints
  FOR EACH ROW EXECUTE FUNCTION hookline_notify_endpoint_change();

-- Written by the dispatcher instance that owns the endpoint's partition; read by the API's health route.
CREATE TABLE endpoint_health (
  endpoint_id           text PRIMARY KEY REFERENCES endpoints (id) ON DELETE CASCADE,
  -- closed: delivering; open: failing fast, deliveries wait in the retry path; half_open: one probe allowed.
  circuit_state         text NOT NULL DEFAULT 'closed' CHECK (circuit_state IN ('closed', 'open', 'half_open')),
  circuit_changed_at    timestamptz NOT NULL DEFAULT now(),
  -- Start of the current run of failures (null when the last attempt succeeded); drives auto-disable.
  failing_since         timestamptz,
  last_success_at       timestamptz,
  last_failure_at       timestamptz,
  consecutive_failures  integer NOT NULL DEFAULT 0,
  updated_at            timestamptz NOT NULL DEFAULT now()
);
