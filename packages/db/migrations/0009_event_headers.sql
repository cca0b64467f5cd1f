-- Headers an event forwards with its webhooks (an inbound source's provider headers), kept with the event so a
-- replay sends them again.
ALTER TABLE events ADD COLUMN headers jsonb;
