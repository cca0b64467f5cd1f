import { describe, expect, it } from 'vitest';
import { compileRegex, MAX_PATTERN_LENGTH, RegexSyntaxError } from './linear-regex.ts';

const matches = (pattern: string, subject: string, flags = '') => compileRegex(pattern, flags).test(subject);

describe('compileRegex', () => {
  it('agrees with RegExp on the common syntax', () => {
    const cases: Array<[string, string[]]> = [
      ['abc', ['abc', 'xabcx', 'ab', '']],
      ['^inv', ['invoice', 'xinv']],
      ['paid$', ['invoice.paid', 'paid.x']],
      ['^$', ['', 'a']],
      ['a.c', ['abc', 'a\nc', 'ac']],
      ['^(invoice|order)\\.(paid|failed)$', ['invoice.paid', 'order.failed', 'invoice.sent', 'xinvoice.paid']],
      ['^\\d{3}-\\d{2,4}$', ['123-45', '123-45678', '12-345', '123-4567']],
      ['^[a-f0-9]+$', ['deadbeef', 'DEADBEEF', 'xyz']],
      ['[^a-z]', ['abc', 'abC']],
      ['^\\w+@\\w+\\.com$', ['me@example.com', 'me@@example.com']],
      ['colou?r', ['color', 'colour', 'colouur']],
      ['^a{2}$', ['a', 'aa', 'aaa']],
      ['^a{2,}$', ['a', 'aa', 'aaaaa']],
      ['^(?:ab)*c', ['c', 'ababc', 'abac']],
      ['^a+?b', ['aaab', 'b']],
      ['\\s', ['a b', 'ab']],
      ['\\S\\D\\W', ['a1!', 'ab!', 'aa!']],
      ['^[\\d.-]+$', ['1.2-3', '1a']],
      ['\\x41\\u0042', ['AB', 'ab']],
      ['^\\$\\.\\*$', ['$.*', 'a.*']],
      ['[]a]', [']', 'a', 'b']],
      ['^[^]$', ['x', '']],
      ['[a\\]]', [']', 'b']],
      ['^(a|)$', ['', 'a', 'b']],
      ['^(a*)*$', ['', 'aaaa', 'aab']],
    ];
    for (const [pattern, subjects] of cases) {
      for (const s of subjects) expect(matches(pattern, s), `${pattern} on ${JSON.stringify(s)}`).toBe(new RegExp(pattern).test(s));
    }
  });

  it('matches case-insensitively with the option i, and refuses other options', () => {
    expect(matches('^invoice\\.[a-z]+$', 'INVOICE.Paid', 'i')).toBe(true);
    expect(matches('^invoice', 'INVOICE')).toBe(false);
    expect(() => compileRegex('a', 'g')).toThrow(RegexSyntaxError);
    expect(() => compileRegex('a', 'm')).toThrow(RegexSyntaxError);
  });

  it('takes linear time on patterns that make a backtracking engine explode', () => {
    const evil = 'a'.repeat(5_000) + 'b';
    const started = performance.now();
    for (const p of ['^(a+)+$', '^(a|a)*$', '^(a|aa)+$', '(.*a){20}$', 'a*a*a*a*a*a*c']) expect(matches(p, evil)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('refuses what has no linear-time implementation, and malformed patterns', () => {
    for (const p of ['(a)\\1', '(?=a)', '(?!a)', '(?<n>a)', '(?<=a)b', '\\bword', 'a**', '*a', '(a', 'a)', '[a', 'a{2,1}', 'a{101}', '\\', '[z-a]', 'a{', '\\p{L}']) {
      expect(() => compileRegex(p), p).toThrow(RegexSyntaxError);
    }
  });

  it('bounds the pattern length and the program size', () => {
    expect(() => compileRegex('a'.repeat(MAX_PATTERN_LENGTH))).not.toThrow();
    expect(() => compileRegex('a'.repeat(MAX_PATTERN_LENGTH + 1))).toThrow(/longer than/);
    expect(() => compileRegex('((a{100}){100}){100}')).toThrow(/too complex/);
  });
});
