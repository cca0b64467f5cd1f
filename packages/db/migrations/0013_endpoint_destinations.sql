-- An endpoint delivers to a destination of its type (issue 22): `http` (default, as before: a signed POST to `url`)
-- or `kafka` (the same signed body produced to a topic of the endpoint's own Kafka cluster). A later migration adds
-- `pull`. `kafka` holds the settings ({bootstrapServers, topic, key, sasl?, tls?}); the SASL password and any TLS
-- private key are SecretBox ciphertexts (`passwordCiphertext`, `keyCiphertext`) like the signing secrets, never
-- plain text. A kafka endpoint's `url` is a description (`kafka://<first broker>/<topic>`) that nothing connects to.
ALTER TABLE endpoints
  ADD COLUMN type text NOT NULL DEFAULT 'http'
    CONSTRAINT endpoints_type_check CHECK (type IN ('http', 'kafka')),
  ADD COLUMN kafka jsonb,
  ADD CONSTRAINT endpoints_kafka_settings_check CHECK ((type = 'kafka') = (kafka IS NOT NULL));
