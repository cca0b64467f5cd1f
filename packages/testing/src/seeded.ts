/** A small deterministic generator of test cases, so that a failing case can be run again from its seed. */
export function seeded(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  /** Text with one-, two-, three- and four-byte UTF-8 characters and a quote. */
  const text = (n: number) => Array.from({ length: n }, () => pick(['a', 'é', '€', '𝄞', 'z', '"', '0'])).join('');
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, text, bytes };
}
