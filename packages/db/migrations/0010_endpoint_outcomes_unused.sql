-- Endpoint health has one owner: the dispatcher's `endpoint_health` (circuit, failing since, last success and
-- failure), written when an attempt happens. The tracker keeps only the per-minute statistics
-- (`endpoint_health_minutes`) and no longer writes `endpoint_outcomes`; nothing reads it.
-- The table stays for now: a tracker of the previous release still writes it inside its attempt transaction,
-- and dropping it under that tracker would make its batches fail as bad data during a rolling upgrade.
-- A later migration drops it.
COMMENT ON TABLE endpoint_outcomes IS 'Unused since migration 0010 (endpoint health is endpoint_health, written by the dispatcher); to be dropped.';
