-- An event's metadata (a flat map of strings given on publish, as Hookdeck Outpost's events have): what content
-- filters match besides the payload, kept with the event for its history. NULL: the event had none.
ALTER TABLE events ADD COLUMN metadata jsonb;
