-- An endpoint may carry a content filter (issue 22): a JSON document over the event (`type`, `data`, `headers`,
-- `id`, `createdAt`) that fan-out evaluates for every event of the endpoint's subscribed types; an event that does
-- not match creates no delivery. NULL: every event matches, as before. The API validates the document (the syntax
-- is in docs/filters.md) before it is stored; the dispatcher compiles it once per endpoint change.
ALTER TABLE endpoints ADD COLUMN filter jsonb;
