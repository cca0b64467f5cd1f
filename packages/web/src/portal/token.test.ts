import { describe, expect, it } from 'vitest';
import { tokenFromHash } from './token.ts';

describe('tokenFromHash', () => {
  it('reads the token of a magic link', () => {
    expect(tokenFromHash('#token=hlp_abc-DEF_123')).toBe('hlp_abc-DEF_123');
    expect(tokenFromHash('#/token=hlp_x')).toBe('hlp_x');
  });
  it('refuses anything that is not a portal token', () => {
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#/endpoints')).toBeNull();
    expect(tokenFromHash('#token=hk_tenantkey')).toBeNull();
    expect(tokenFromHash('#token=hlp_<script>')).toBeNull();
  });
});
