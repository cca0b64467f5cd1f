import { useState, type MouseEvent } from 'react';

/** Copies a value to the clipboard and says so for a moment. */
export function CopyButton({ value, label = 'Copy', testId }: { value: string; label?: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async (e: MouseEvent) => {
    // Copy buttons sit in clickable rows: copying is not opening the row.
    e.stopPropagation();
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Without clipboard permission (plain http, an iframe without allow="clipboard-write"): select-and-copy.
      const area = document.createElement('textarea');
      area.value = value;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 1500);
  };
  return (
    <button type="button" className="btn btn-ghost btn-sm" onClick={copy} data-testid={testId} aria-label={`${label}: ${value.slice(0, 40)}`}>
      {copied ? 'Copied ✓' : label}
    </button>
  );
}

/** An id in monospace with a copy button next to it. */
export function CopyId({ value, testId }: { value: string; testId?: string }) {
  return (
    <span className="copy-id">
      <code>{value}</code>
      <CopyButton value={value} testId={testId} />
    </span>
  );
}
