import { useState } from 'react';
import { appBase } from '../api.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { ErrorNote } from '../components/feedback.tsx';
import { useAction, useLoad } from '../hooks.ts';
import { useScope } from '../scope.ts';
import type { SignatureScheme } from '../types.ts';

/** What the secret routes answer: an HMAC secret, or an ed25519 endpoint's public key (never its secret key). */
type SigningKey = { secret?: string; scheme?: 'ed25519'; publicKey?: string };

/** The endpoint's signing key: the scheme, and the HMAC secret (hidden until revealed) or the ed25519 public key; copyable, rotatable. */
export function EndpointSecret({ endpointId, initial, scheme = 'hmac-sha256' }: { endpointId: string; initial?: string | undefined; scheme?: SignatureScheme }) {
  const path = `${appBase(useScope().app)}/endpoints/${encodeURIComponent(endpointId)}/secret`;
  return scheme === 'ed25519' ? <PublicKey path={path} /> : <HmacSecret path={path} initial={initial} />;
}

function HmacSecret({ path, initial }: { path: string; initial?: string | undefined }) {
  const { api, canWrite } = useScope();
  const [secret, setSecret] = useState<string | undefined>(initial);
  const [rotated, setRotated] = useState(false);
  const reveal = useAction(async () => setSecret((await api.get<SigningKey>(path)).secret));
  const rotate = useAction(async () => {
    setSecret((await api.post<SigningKey>(`${path}/rotate`, {})).secret);
    setRotated(true);
  });
  return (
    <div className="card">
      <h2>Signing secret</h2>
      <p className="muted">
        <span data-testid="signature-scheme-value">HMAC-SHA256</span> (<code>v1</code>). Use it to check that a request really comes from us (see “Verifying signatures”).
      </p>
      <div className="secret-row">
        <code className="secret" data-testid="secret-value" data-revealed={secret ? 'true' : 'false'}>
          {secret ?? 'whsec_••••••••••••••••••••••••'}
        </code>
        {secret ? (
          <>
            <CopyButton value={secret} testId="copy-secret" />
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setSecret(undefined)}>
              Hide
            </button>
          </>
        ) : (
          <button type="button" className="btn btn-sm" onClick={() => void reveal.run()} disabled={reveal.busy} data-testid="reveal-secret">
            Reveal
          </button>
        )}
        {canWrite && (
          <ConfirmButton question="Rotate the secret? The old one keeps signing for a grace period." confirmLabel="Rotate" onConfirm={() => void rotate.run()} busy={rotate.busy} testId="rotate-secret" danger={false}>
            Rotate
          </ConfirmButton>
        )}
      </div>
      {rotated && <p className="note note-ok" data-testid="secret-rotated">New secret in use. Requests are signed with both the old and the new secret for a short grace period, so you can switch without missing any.</p>}
      <ErrorNote error={reveal.error ?? rotate.error} />
    </div>
  );
}

/** An ed25519 endpoint: its public key is no secret, so it is shown at once. */
function PublicKey({ path }: { path: string }) {
  const { api, canWrite } = useScope();
  const loaded = useLoad(() => api.get<SigningKey>(path), [path]);
  const [rotatedTo, setRotatedTo] = useState<string | undefined>();
  const rotate = useAction(async () => setRotatedTo((await api.post<SigningKey>(`${path}/rotate`, {})).publicKey));
  const publicKey = rotatedTo ?? loaded.data?.publicKey;
  return (
    <div className="card">
      <h2>Signing public key</h2>
      <p className="muted">
        <span data-testid="signature-scheme-value">Ed25519</span> (<code>v1a</code>). Check requests with this public key (see “Verifying signatures”); it verifies but cannot sign, so it need not be kept secret.
      </p>
      <div className="secret-row">
        <code className="secret" data-testid="public-key-value" data-loaded={publicKey ? 'true' : 'false'}>
          {publicKey ?? (loaded.error ? 'Could not load the key' : 'Loading…')}
        </code>
        {publicKey && <CopyButton value={publicKey} testId="copy-public-key" />}
        {canWrite && (
          <ConfirmButton question="Rotate the key? The old key keeps signing for a grace period." confirmLabel="Rotate" onConfirm={() => void rotate.run()} busy={rotate.busy} testId="rotate-secret" danger={false}>
            Rotate
          </ConfirmButton>
        )}
      </div>
      {rotatedTo && <p className="note note-ok" data-testid="secret-rotated">New key in use. Requests carry signatures by both the old and the new key for a short grace period, so you can switch without missing any.</p>}
      <ErrorNote error={loaded.error ?? rotate.error} />
    </div>
  );
}
