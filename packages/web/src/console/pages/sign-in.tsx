import { useState, type FormEvent } from 'react';
import { Api } from '../../shared/api.ts';
import { ErrorNote } from '../../shared/components/feedback.tsx';
import { useAction } from '../../shared/hooks.ts';

/** Signing in with a tenant API key: checked against the API, then kept in this tab's session only. */
export function SignIn({ onSignedIn }: { onSignedIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const check = useAction(async () => {
    const trimmed = key.trim();
    await new Api(trimmed).get('/v1/applications', { limit: 1 });
    onSignedIn(trimmed);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void check.run();
  };
  return (
    <div className="standalone">
      <form className="card standalone-card form" onSubmit={submit} data-testid="sign-in">
        <div>
          <span className="logo logo-letter" style={{ display: 'inline-grid', marginBottom: 10 }}>H</span>
          <h1>Hookline console</h1>
          <p className="muted">Sign in with one of your tenant's API keys. It stays in this browser tab only and is forgotten when you sign out or close the tab.</p>
        </div>
        <label className="field">
          <span>API key</span>
          <input type="password" autoComplete="off" placeholder="hk_…" value={key} onChange={(e) => setKey(e.target.value)} required data-testid="api-key-input" autoFocus />
        </label>
        <ErrorNote error={check.error} title="Not signed in" />
        <button type="submit" className="btn btn-primary" disabled={check.busy || !key.trim()} data-testid="sign-in-submit">
          {check.busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
