import { useState, type ReactNode } from 'react';

/** A button that asks once more before doing something that cannot be undone. */
export function ConfirmButton({
  children, question, confirmLabel, onConfirm, busy, testId, danger = true,
}: {
  children: ReactNode;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  busy?: boolean;
  testId?: string;
  danger?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={`btn ${danger ? 'btn-danger-ghost' : ''}`} onClick={() => setAsking(true)} data-testid={testId}>
        {children}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button type="button" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy} onClick={onConfirm} data-testid={testId ? `${testId}-confirm` : undefined}>
        {confirmLabel}
      </button>
      <button type="button" className="btn btn-ghost" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
