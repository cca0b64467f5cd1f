import { useState } from 'react';
import { appBase } from '../api.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { ErrorNote } from '../components/feedback.tsx';
import { useAction } from '../hooks.ts';
import { useScope } from '../scope.ts';

/** The endpoint's signing secret: hidden until revealed, copyable, rotatable. */
export function EndpointSecret({ endpointId, initial }: { endpointId: string; initial?: string | undefined }) {
  const { api, app, canWrite } = useScope();
  const [secret, setSecret] = useState<string | undefined>(initial);
  const [rotated, setRotated] = useState(false);
  const path = `${appBase(app)}/endpoints/${encodeURIComponent(endpointId)}/secret`;
  const reveal = useAction(async () => setSecret((await api.get<{ secret: string }>(path)).secret));
  const rotate = useAction(async () => {
    setSecret((await api.post<{ secret: string }>(`${path}/rotate`, {})).secret);
    setRotated(true);
  });
  return (
    <div className="card">
      <h2>Signing secret</h2>
      <p className="muted">Use it to check that a request really comes from us (see “Verifying signatures”).</p>
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
