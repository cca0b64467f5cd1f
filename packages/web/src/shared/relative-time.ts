const units: Array<[limitSeconds: number, divisor: number, unit: string]> = [
  [60, 1, 's'],
  [3600, 60, 'min'],
  [86_400, 3600, 'h'],
  [86_400 * 30, 86_400, 'd'],
  [86_400 * 365, 86_400 * 30, 'mo'],
  [Infinity, 86_400 * 365, 'y'],
];

/** "just now", "3 min ago", "in 2 h", "5 d ago": the distance between `iso` and `now`, rounded down. */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const diff = Math.round((at - now) / 1000);
  const abs = Math.abs(diff);
  if (abs < 5) return 'just now';
  for (const [limit, divisor, unit] of units) {
    if (abs < limit) {
      const n = Math.floor(abs / divisor);
      return diff < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
    }
  }
  return iso;
}
