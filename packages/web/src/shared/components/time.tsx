import { useNow } from '../hooks.ts';
import { relativeTime } from '../relative-time.ts';

/** "3 min ago", with the exact ISO time on hover. */
export function Time({ iso, empty = '—' }: { iso: string | null | undefined; empty?: string }) {
  const now = useNow();
  if (!iso) return <span className="muted">{empty}</span>;
  return (
    <time dateTime={iso} title={iso}>
      {relativeTime(iso, now)}
    </time>
  );
}
