-- Event types whose schema is Avro or Protobuf (kept in a Confluent-compatible schema registry), besides JSON
-- Schema; the registry subject each is registered under; and whether published events of the type are written to
-- the events topic registry-framed (magic byte 0 + schema id + payload) instead of as the JSON envelope.
ALTER TABLE event_types
  ADD COLUMN schema_format   text CHECK (schema_format IN ('json', 'avro', 'protobuf')),
  ADD COLUMN avro_schema     jsonb,
  ADD COLUMN protobuf_schema text,
  ADD COLUMN schema_subject  text,
  ADD COLUMN record_format   text NOT NULL DEFAULT 'json' CHECK (record_format IN ('json', 'registry'));

UPDATE event_types SET schema_format = 'json' WHERE schema IS NOT NULL;
UPDATE event_types SET schema_subject = 'hookline-' || tenant_id || '-' || name WHERE schema_id IS NOT NULL;

-- Exactly the column of its format holds the schema (none without a format); registry framing needs a schema id.
ALTER TABLE event_types
  ADD CONSTRAINT event_types_schema_columns_check CHECK (
    CASE schema_format
      WHEN 'json' THEN schema IS NOT NULL AND avro_schema IS NULL AND protobuf_schema IS NULL
      WHEN 'avro' THEN avro_schema IS NOT NULL AND schema IS NULL AND protobuf_schema IS NULL
      WHEN 'protobuf' THEN protobuf_schema IS NOT NULL AND schema IS NULL AND avro_schema IS NULL
      ELSE schema IS NULL AND avro_schema IS NULL AND protobuf_schema IS NULL
    END
  ),
  ADD CONSTRAINT event_types_registry_framing_check CHECK (record_format = 'json' OR schema_id IS NOT NULL);
