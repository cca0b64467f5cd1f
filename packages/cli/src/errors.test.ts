import { describe, expect, it } from 'vitest';
import { ApiError, CheckFailed, exitCodeOf, Interrupted, NetworkError, UsageError } from './errors.ts';

describe('exit codes', () => {
  it('maps each kind of failure to its documented code', () => {
    expect(exitCodeOf(new UsageError('x'))).toBe(2);
    expect(exitCodeOf(new ApiError(404, { title: 'Not Found' }, 'x'))).toBe(3);
    expect(exitCodeOf(new ApiError(422, undefined, 'x'))).toBe(1);
    expect(exitCodeOf(new ApiError(500, undefined, 'x'))).toBe(1);
    expect(exitCodeOf(new NetworkError('x'))).toBe(1);
    expect(exitCodeOf(new CheckFailed('x'))).toBe(1);
    expect(exitCodeOf(new Interrupted('x'))).toBe(130);
    expect(exitCodeOf(new Error('bug'))).toBe(1);
  });

  it('takes the message from the problem detail, else its title, else the fallback; lists field errors', () => {
    const e = new ApiError(422, { title: 'Unprocessable', detail: 'the body is invalid', errors: [{ path: 'url', message: 'bad' }, 'junk'] }, 'fallback');
    expect(e.message).toBe('the body is invalid');
    expect(e.fieldErrors).toEqual([{ path: 'url', message: 'bad' }]);
    expect(new ApiError(401, { title: 'Unauthorized' }, 'f').message).toBe('Unauthorized');
    expect(new ApiError(502, undefined, 'GET /x answered 502').message).toBe('GET /x answered 502');
  });
});
