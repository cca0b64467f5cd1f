/**
 * The tracker's batch statements. Every batch arrives as one JSON parameter read with `json_to_recordset`, so a
 * statement has one bind parameter whatever the batch size. Upserts feed rows in key order so concurrent batches
 * lock shared rows (deliveries, endpoint rollups) in the same order.
 */

export const INSERT_EVENTS = `
INSERT INTO events (id, tenant_id, type, payload, endpoint_id, created_at, kafka_partition, kafka_offset, traceparent, headers, metadata, application_id)
SELECT id, "tenantId", type, payload, "endpointId", "createdAt", "kafkaPartition", "kafkaOffset"::bigint, traceparent, headers, metadata,
  -- The application the event went to: its target endpoint's, else the one named (id first, then uid), else the default.
  CASE WHEN r."endpointId" IS NOT NULL
    THEN (SELECT e.application_id FROM endpoints e WHERE e.id = r."endpointId" AND e.tenant_id = r."tenantId")
    ELSE (SELECT a.id FROM applications a
          WHERE a.tenant_id = r."tenantId" AND CASE WHEN r.application IS NULL THEN a.is_default ELSE (a.id = r.application OR a.uid = r.application) END
          ORDER BY (a.id = r.application) DESC NULLS LAST LIMIT 1)
  END
FROM json_to_recordset($1::json) AS r(id text, "tenantId" text, type text, payload jsonb, "endpointId" text,
  "createdAt" timestamptz, "kafkaPartition" integer, "kafkaOffset" text, traceparent text, application text, headers jsonb, metadata jsonb)
ON CONFLICT (id, created_at) DO NOTHING`;

/** Fan-out's deliveries: new rows are pending; known rows only gain what an attempt record could not tell. */
export const UPSERT_DELIVERIES = `
INSERT INTO deliveries AS d (id, event_id, tenant_id, endpoint_id, event_type, event_created_at, created_at, application_id)
SELECT DISTINCT ON (id) id, "eventId", "tenantId", "endpointId", "eventType", "eventCreatedAt", "createdAt", "applicationId"
FROM json_to_recordset($1::json) AS r(id text, "eventId" text, "tenantId" text, "endpointId" text, "eventType" text,
  "eventCreatedAt" timestamptz, "createdAt" timestamptz, "applicationId" text)
ORDER BY id, "createdAt"
ON CONFLICT (id) DO UPDATE SET
  application_id = COALESCE(d.application_id, EXCLUDED.application_id),
  event_type = COALESCE(d.event_type, EXCLUDED.event_type),
  event_created_at = COALESCE(d.event_created_at, EXCLUDED.event_created_at),
  created_at = LEAST(d.created_at, EXCLUDED.created_at),
  updated_at = now()
WHERE d.event_type IS NULL OR d.event_created_at IS NULL OR d.created_at > EXCLUDED.created_at
  OR (d.application_id IS NULL AND EXCLUDED.application_id IS NOT NULL)
RETURNING (xmax = 0) AS inserted`;

// The status machine's merge rule (README, "Delivery status"): `succeeded` is never left; otherwise the status
// follows the newest attempt by (start time, attempt number), and an attempt older than the current status
// (or than a re-enqueue) changes nothing.
const ADOPT_STATUS = `(d.status <> 'succeeded' AND (EXCLUDED.status = 'succeeded' OR d.status_at IS NULL
  OR (EXCLUDED.status_at, EXCLUDED.status_attempt) > (d.status_at, d.status_attempt)))`;
const NEWER_ATTEMPT = `(d.last_attempt_at IS NULL OR (EXCLUDED.last_attempt_at, EXCLUDED.last_attempt) > (d.last_attempt_at, d.last_attempt))`;

/**
 * Inserts attempts (idempotent on attempt id) and folds only the newly inserted ones into their deliveries,
 * in one statement. Returns the ids of the new attempts. $2: the skipped outcomes (`SKIPPED_OUTCOMES`), which are
 * recorded but not counted in a delivery's `attempts` (an open-circuit skip spends no attempt).
 */
export const INSERT_ATTEMPTS = `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS r("attemptId" text, "deliveryId" text, "eventId" text, "tenantId" text,
    "endpointId" text, "applicationId" text, attempt integer, outcome text, status text, "statusCode" integer, "durationMs" integer,
    error text, "responseBody" text, "requestHeaders" jsonb, url text, "startedAt" timestamptz, "nextAttemptAt" timestamptz)
),
ins AS (
  INSERT INTO attempts (id, delivery_id, event_id, tenant_id, endpoint_id, application_id, attempt, outcome, status, status_code,
                        duration_ms, error, response_body, request_headers, url, next_attempt_at, created_at)
  SELECT "attemptId", "deliveryId", "eventId", "tenantId", "endpointId", "applicationId", attempt, outcome, status, "statusCode",
         "durationMs", error, "responseBody", COALESCE("requestHeaders", '{}'), url, "nextAttemptAt", "startedAt"
  FROM input
  ON CONFLICT (id, created_at) DO NOTHING
  RETURNING id, delivery_id, event_id, tenant_id, endpoint_id, application_id, attempt, outcome, status, status_code, error,
            next_attempt_at, created_at
),
per_delivery AS (
  SELECT DISTINCT ON (delivery_id) delivery_id, event_id, tenant_id, endpoint_id, application_id, attempt, outcome, status,
         status_code, error, next_attempt_at, created_at,
         count(*) FILTER (WHERE outcome <> ALL ($2::text[])) OVER w AS n,
         min(created_at) OVER w AS first_at,
         min(created_at) FILTER (WHERE status = 'succeeded') OVER w AS succeeded_at
  FROM ins
  WINDOW w AS (PARTITION BY delivery_id)
  ORDER BY delivery_id, created_at DESC, attempt DESC
),
upserted AS (
  INSERT INTO deliveries AS d (id, event_id, tenant_id, endpoint_id, application_id, status, status_at, status_attempt, next_attempt_at,
    attempts, last_attempt_at, last_attempt, last_outcome, last_status_code, last_error, succeeded_at, created_at)
  SELECT delivery_id, event_id, tenant_id, endpoint_id, application_id,
         CASE WHEN succeeded_at IS NOT NULL THEN 'succeeded' ELSE status END,
         created_at, attempt,
         CASE WHEN succeeded_at IS NOT NULL THEN NULL ELSE next_attempt_at END,
         n, created_at, attempt, outcome, status_code, error, succeeded_at, first_at
  FROM per_delivery
  ORDER BY delivery_id
  ON CONFLICT (id) DO UPDATE SET
    application_id = COALESCE(d.application_id, EXCLUDED.application_id),
    attempts = d.attempts + EXCLUDED.attempts,
    status = CASE WHEN ${ADOPT_STATUS} THEN EXCLUDED.status ELSE d.status END,
    status_at = CASE WHEN ${ADOPT_STATUS} THEN EXCLUDED.status_at ELSE d.status_at END,
    status_attempt = CASE WHEN ${ADOPT_STATUS} THEN EXCLUDED.status_attempt ELSE d.status_attempt END,
    next_attempt_at = CASE WHEN ${ADOPT_STATUS} THEN EXCLUDED.next_attempt_at ELSE d.next_attempt_at END,
    last_attempt_at = CASE WHEN ${NEWER_ATTEMPT} THEN EXCLUDED.last_attempt_at ELSE d.last_attempt_at END,
    last_attempt = CASE WHEN ${NEWER_ATTEMPT} THEN EXCLUDED.last_attempt ELSE d.last_attempt END,
    last_outcome = CASE WHEN ${NEWER_ATTEMPT} THEN EXCLUDED.last_outcome ELSE d.last_outcome END,
    last_status_code = CASE WHEN ${NEWER_ATTEMPT} THEN EXCLUDED.last_status_code ELSE d.last_status_code END,
    last_error = CASE WHEN ${NEWER_ATTEMPT} THEN EXCLUDED.last_error ELSE d.last_error END,
    succeeded_at = LEAST(d.succeeded_at, EXCLUDED.succeeded_at),
    created_at = LEAST(d.created_at, EXCLUDED.created_at),
    updated_at = now()
  RETURNING 1
)
SELECT id FROM ins`;

/** Adds per-minute counts and histograms onto the rollups. */
export const UPSERT_MINUTES = `
INSERT INTO endpoint_health_minutes AS m (endpoint_id, minute, attempts, successes, duration_histogram)
SELECT "endpointId", minute, attempts, successes, histogram
FROM json_to_recordset($1::json) AS r("endpointId" text, minute timestamptz, attempts integer, successes integer, histogram integer[])
ORDER BY "endpointId", minute
ON CONFLICT (endpoint_id, minute) DO UPDATE SET
  attempts = m.attempts + EXCLUDED.attempts,
  successes = m.successes + EXCLUDED.successes,
  duration_histogram = ARRAY(
    SELECT COALESCE(a, 0) + COALESCE(b, 0)
    FROM unnest(m.duration_histogram, EXCLUDED.duration_histogram) WITH ORDINALITY AS t(a, b, i) ORDER BY i)`;
