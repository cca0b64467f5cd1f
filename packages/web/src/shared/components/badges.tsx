import type { Circuit } from '../types.ts';

const tone: Record<string, string> = {
  succeeded: 'ok',
  pending: 'info',
  retrying: 'warn',
  failed: 'bad',
  dead: 'bad',
  closed: 'ok',
  half_open: 'warn',
  open: 'bad',
  running: 'info',
  completed: 'ok',
  enabled: 'ok',
  disabled: 'bad',
};

/** A coloured pill for a status word (delivery, job, circuit). */
export function Badge({ value, label, testId }: { value: string; label?: string; testId?: string }) {
  return (
    <span className={`badge badge-${tone[value] ?? 'neutral'}`} data-testid={testId} data-value={value}>
      {label ?? value.replace('_', ' ')}
    </span>
  );
}

/** The circuit breaker's state in words. */
export function CircuitBadge({ circuit }: { circuit: Circuit }) {
  return <Badge value={circuit} label={circuit === 'closed' ? 'circuit closed' : circuit === 'open' ? 'circuit open' : 'half open'} testId="circuit" />;
}
