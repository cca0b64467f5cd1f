import type { ReactNode } from 'react';
import { ApiError } from '../api.ts';

/** A quiet placeholder while something loads. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** What went wrong, in the API's own words (problem+json `detail` and per-field errors). */
export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : undefined;
  const message = api ? api.message : error instanceof Error ? error.message : String(error);
  return (
    <div className="note note-error" role="alert" data-testid="error">
      <strong>{title ?? (api?.status === 404 ? 'Not found' : 'Something went wrong')}</strong>
      <span>{message}</span>
      {api && api.errors.length > 0 && (
        <ul>
          {api.errors.map((e, i) => (
            <li key={i}>
              <code>{e.path || '(body)'}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A missing page or object: says so, shows nothing else. */
export function NotFound({ what, back }: { what: string; back?: { href: string; label: string } }) {
  return (
    <div className="empty" data-testid="not-found">
      <h2>Not found</h2>
      <p>This {what} does not exist, or you cannot see it.</p>
      {back && (
        <a className="btn" href={back.href}>
          {back.label}
        </a>
      )}
    </div>
  );
}

/** True for a 404 answer. */
export const isNotFound = (error: unknown): boolean => error instanceof ApiError && error.status === 404;

/** An empty list that says what to do next. */
export function Empty({ title, children, action, testId }: { title: string; children?: ReactNode; action?: ReactNode; testId?: string }) {
  return (
    <div className="empty" data-testid={testId ?? 'empty'}>
      <h3>{title}</h3>
      {children && <p>{children}</p>}
      {action}
    </div>
  );
}
