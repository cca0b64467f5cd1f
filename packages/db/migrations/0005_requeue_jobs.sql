-- Background jobs that re-enqueue deliveries (replay, recover, redrive) in bounded batches, with progress.
CREATE TABLE requeue_jobs (
  id              text PRIMARY KEY,
  tenant_id       text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind            text NOT NULL CHECK (kind IN ('replay', 'recover', 'redrive')),
  filter          jsonb NOT NULL,
  status          text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  total           integer NOT NULL,
  requeued        integer NOT NULL DEFAULT 0,
  -- Deliveries whose event payload is past retention: they cannot be re-enqueued from the database.
  missing         integer NOT NULL DEFAULT 0,
  cursor          text,
  -- The batch being re-enqueued: marked pending but perhaps not yet produced when a runner crashed.
  inflight_ids    text[] NOT NULL DEFAULT '{}',
  error           text,
  -- A runner holds the job until this time; a job whose runner died is taken over after it.
  locked_until    timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz
);
CREATE INDEX requeue_jobs_tenant_idx ON requeue_jobs (tenant_id, created_at DESC);
CREATE INDEX requeue_jobs_running_idx ON requeue_jobs (locked_until) WHERE status = 'running';
