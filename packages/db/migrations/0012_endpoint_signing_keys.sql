-- An endpoint signs with HMAC-SHA256 (`v1`, shared `whsec_` secrets) or with ed25519 (`v1a`: Standard Webhooks'
-- asymmetric scheme; the endpoint keeps `whsk_` secret keys, receivers hold only the `whpk_` public key).
-- The keys live where the HMAC secrets do (`secrets`, SecretBox ciphertexts, newest first, the same rotation
-- grace); this column says which kind they are, so the API can answer without decrypting and rotation makes a
-- key of the same kind.
ALTER TABLE endpoints
  ADD COLUMN signature_scheme text NOT NULL DEFAULT 'hmac-sha256'
    CONSTRAINT endpoints_signature_scheme_check CHECK (signature_scheme IN ('hmac-sha256', 'ed25519'));
