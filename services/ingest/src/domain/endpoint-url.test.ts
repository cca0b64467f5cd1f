import { describe, expect, it } from 'vitest';
import { endpointUrlProblem } from './endpoint-url.ts';

describe('endpointUrlProblem', () => {
  it('accepts https and refuses http unless allowed', () => {
    expect(endpointUrlProblem('https://example.com/hook', { allowHttp: false })).toBeNull();
    expect(endpointUrlProblem('http://example.com/hook', { allowHttp: false })).toMatch(/https/);
    expect(endpointUrlProblem('http://example.com/hook', { allowHttp: true })).toBeNull();
  });

  it.each(['not a url', 'ftp://example.com', 'https://user:pw@example.com/'])('refuses %s', (u) => {
    expect(endpointUrlProblem(u, { allowHttp: true })).not.toBeNull();
  });
});
