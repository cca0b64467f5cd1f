import { describe, expect, it } from 'vitest';
import { accentVariables, resolveMode } from './theme.ts';

describe('accentVariables', () => {
  it('sets the accent and a readable text colour on it', () => {
    expect(accentVariables('#0b5fff')).toEqual({ '--accent': 'rgb(11 95 255)', '--accent-text': '#ffffff', '--accent-soft': 'rgb(11 95 255 / 0.12)' });
    expect(accentVariables('#FFD400')['--accent-text']).toBe('#111418');
  });
  it('ignores what is not #rrggbb', () => {
    expect(accentVariables('red')).toEqual({});
    expect(accentVariables(undefined)).toEqual({});
    expect(accentVariables('#fff;background:url(x)')).toEqual({});
  });
});

describe('resolveMode', () => {
  it("takes the visitor's choice, then the theme, then the operating system", () => {
    expect(resolveMode('light', 'dark', true)).toBe('light');
    expect(resolveMode(null, 'dark', false)).toBe('dark');
    expect(resolveMode(null, 'auto', true)).toBe('dark');
    expect(resolveMode(null, undefined, false)).toBe('light');
  });
});
