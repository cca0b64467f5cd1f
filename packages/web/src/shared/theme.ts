/** The CSS variables a brand colour sets: the accent, a readable text colour on it and a faint tint. */
export function accentVariables(primaryColor: string | undefined): Record<string, string> {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(primaryColor ?? '');
  if (!m) return {};
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h!, 16)) as [number, number, number];
  // WCAG relative luminance: white text on dark accents, near-black on light ones.
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return {
    '--accent': `rgb(${r} ${g} ${b})`,
    '--accent-text': luminance > 0.45 ? '#111418' : '#ffffff',
    '--accent-soft': `rgb(${r} ${g} ${b} / 0.12)`,
  };
}

export type Mode = 'light' | 'dark';

/** The mode to show: the visitor's own choice, else the sender's (`auto` follows the operating system). */
export function resolveMode(chosen: Mode | null, themeMode: 'auto' | 'light' | 'dark' | undefined, prefersDark: boolean): Mode {
  if (chosen) return chosen;
  if (themeMode === 'light' || themeMode === 'dark') return themeMode;
  return prefersDark ? 'dark' : 'light';
}
