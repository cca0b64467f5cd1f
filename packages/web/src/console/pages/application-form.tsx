import { useState, type FormEvent } from 'react';
import { appBase, type Api } from '../../shared/api.ts';
import { ErrorNote } from '../../shared/components/feedback.tsx';
import { useAction } from '../../shared/hooks.ts';
import type { Application } from '../../shared/types.ts';

/** Editing an application: its name, the sender's uid for it and its publish rate limit. */
export function ApplicationForm({ api, application, onSaved, onCancel }: { api: Api; application: Application; onSaved: (a: Application) => void; onCancel: () => void }) {
  const [name, setName] = useState(application.name);
  const [uid, setUid] = useState(application.uid ?? '');
  const [rate, setRate] = useState(application.rateLimitPerSecond != null ? String(application.rateLimitPerSecond) : '');
  const save = useAction(async () => {
    const body = {
      name: name.trim(),
      ...(uid.trim() !== (application.uid ?? '') ? { uid: uid.trim() || null } : {}),
      rateLimitPerSecond: rate.trim() === '' ? null : Number(rate),
    };
    onSaved(await api.patch<Application>(appBase(application.id), body));
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };
  return (
    <form className="card form" onSubmit={submit} data-testid="application-form">
      <h2>Edit application</h2>
      <div className="inline">
        <label className="field">
          <span>Name</span>
          <input type="text" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} data-testid="application-name-input" />
        </label>
        <label className="field">
          <span>Your id for it (uid)</span>
          <input type="text" maxLength={128} pattern="[A-Za-z0-9_.:\-]{1,128}" value={uid} onChange={(e) => setUid(e.target.value)} data-testid="application-uid-input" />
        </label>
        <label className="field">
          <span>Publish rate limit (events per second)</span>
          <input type="number" min={1} max={100000} step={1} placeholder="The tenant's" value={rate} onChange={(e) => setRate(e.target.value)} data-testid="application-rate-input" />
        </label>
      </div>
      <ErrorNote error={save.error} title="Not saved" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={save.busy} data-testid="save-application">
          Save changes
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
