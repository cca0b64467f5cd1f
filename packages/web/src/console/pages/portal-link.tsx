import { useState } from 'react';
import { appBase, type Api } from '../../shared/api.ts';
import { CopyButton } from '../../shared/components/copy-button.tsx';
import { ErrorNote } from '../../shared/components/feedback.tsx';
import { Time } from '../../shared/components/time.tsx';
import { useAction } from '../../shared/hooks.ts';
import type { CreatedPortalSession } from '../../shared/types.ts';

/** Creates a magic link to the application's portal, to open or to hand to the customer. */
export function PortalLink({ api, app }: { api: Api; app: string }) {
  const [readOnly, setReadOnly] = useState(false);
  const [session, setSession] = useState<CreatedPortalSession | undefined>();
  const [revoked, setRevoked] = useState(false);
  const revoke = useAction(async () => {
    if (!session) return;
    await api.delete(`${appBase(app)}/portal-sessions/${encodeURIComponent(session.id)}`);
    setRevoked(true);
  });
  const create = useAction(async () => {
    setRevoked(false);
    const s = await api.post<CreatedPortalSession>(`${appBase(app)}/portal-sessions`, { readOnly });
    setSession(s);
    // Opened from the click itself when the browser allows it; the link below stays for when it does not.
    window.open(s.url, '_blank', 'noopener');
  });
  return (
    <div className="card" data-testid="portal-link-card">
      <div className="card-head">
        <h2>Customer portal</h2>
        <label className="check small">
          <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} data-testid="portal-read-only" /> read-only
        </label>
      </div>
      <p className="muted">A magic link (valid for one hour) to this application's self-service portal: show it in an iframe in your product, or send it to the customer.</p>
      <div className="inline">
        <button type="button" className="btn btn-primary" onClick={() => void create.run()} disabled={create.busy} data-testid="open-portal">
          Open portal ↗
        </button>
        {session && revoked && <span className="muted" data-testid="portal-revoked">Link revoked: it no longer opens the portal.</span>}
        {session && !revoked && (
          <>
            <a href={session.url} target="_blank" rel="noopener noreferrer" data-testid="portal-url">Open the link</a>
            <CopyButton value={session.url} label="Copy link" testId="copy-portal-url" />
            <span className="muted small">
              expires <Time iso={session.expiresAt} />{session.readOnly ? ' · read-only' : ''}
            </span>
            <button type="button" className="btn btn-ghost btn-sm btn-danger-ghost" onClick={() => void revoke.run()} disabled={revoke.busy} data-testid="revoke-portal">
              Revoke
            </button>
          </>
        )}
      </div>
      <ErrorNote error={create.error ?? revoke.error} />
    </div>
  );
}
