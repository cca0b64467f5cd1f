import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string | Buffer) => createHash('sha256').update(value).digest();

/**
 * Compares two secrets-derived values in constant time, whatever their lengths: both sides are hashed first, so
 * neither the content nor the length of the expected value leaks through timing.
 */
export function safeEqual(given: string | Buffer, expected: string | Buffer): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** True when any of `candidates` equals `given` (each compared in constant time; all are compared). */
export function anySafeEqual(given: string | Buffer, candidates: ReadonlyArray<string | Buffer>): boolean {
  let found = false;
  for (const c of candidates) found = safeEqual(given, c) || found;
  return found;
}
