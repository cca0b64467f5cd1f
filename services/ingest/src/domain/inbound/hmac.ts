import { createHmac } from 'node:crypto';
import { anySafeEqual } from './safe-equal.ts';
import { failed, verified, type InboundRequest, type Verdict } from './inbound-request.ts';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type HmacEncoding = 'hex' | 'base64';

/** The generic form: an HMAC of the raw body in one header, optionally after a prefix (`sha256=`). */
export interface HmacSettings {
  header: string;
  algorithm: HmacAlgorithm;
  encoding: HmacEncoding;
  prefix?: string | undefined;
}

/** HMAC of `message` with `secret` (as UTF-8 bytes), encoded. */
export function hmacOf(algorithm: HmacAlgorithm, secret: string, message: Buffer | string, encoding: HmacEncoding): string {
  return createHmac(algorithm, secret).update(message).digest(encoding);
}

/** Verifies `<prefix><encoded HMAC of the body>` in `settings.header` against every active secret. */
export function verifyHmac(req: InboundRequest, settings: HmacSettings, secrets: readonly string[]): Verdict {
  const value = req.headers[settings.header.toLowerCase()];
  if (!value) return failed('missing_signature');
  const prefix = settings.prefix ?? '';
  if (!value.startsWith(prefix)) return failed('malformed_signature');
  // Hex is case-insensitive; base64 is not.
  const given = settings.encoding === 'hex' ? value.slice(prefix.length).trim().toLowerCase() : value.slice(prefix.length).trim();
  const expected = secrets.map((s) => hmacOf(settings.algorithm, s, req.body, settings.encoding));
  return anySafeEqual(given, expected) ? verified : failed('no_match');
}
