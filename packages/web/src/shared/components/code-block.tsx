import { CopyButton } from './copy-button.tsx';

/** Preformatted text (code, JSON, a response body) with a copy button. */
export function CodeBlock({ code, label, testId, maxHeight }: { code: string; label?: string; testId?: string; maxHeight?: number }) {
  return (
    <div className="code-block" data-testid={testId}>
      <div className="code-head">
        <span>{label}</span>
        <CopyButton value={code} />
      </div>
      <pre style={maxHeight ? { maxHeight } : undefined}>
        <code>{code}</code>
      </pre>
    </div>
  );
}

/** A value as indented JSON. */
export const pretty = (value: unknown): string => JSON.stringify(value, null, 2) ?? 'null';
