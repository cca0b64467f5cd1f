-- Two indexes on attempts that no query reads: attempts are read by delivery (attempts_delivery_idx) and by event
-- (attempts_event_idx), never listed by endpoint or by tenant (endpoint statistics come from the per-minute rollups).
-- Every attempt the tracker wrote paid for both: about a fifth of the attempts partitions' index space, and 4-6 % of
-- PostgreSQL's CPU per tracker batch (bench/RESULTS.md, thirty-second session). Dropping a partitioned index drops
-- each partition's.
DROP INDEX IF EXISTS attempts_endpoint_idx;
DROP INDEX IF EXISTS attempts_tenant_idx;
