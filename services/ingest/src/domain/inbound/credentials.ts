import { failed, verified, type InboundRequest, type Verdict } from './inbound-request.ts';
import { anySafeEqual } from './safe-equal.ts';

/** `Authorization: Basic base64(<username>:<password>)`; `secrets` are the active passwords. */
export function verifyBasic(req: InboundRequest, username: string, secrets: readonly string[]): Verdict {
  const header = req.headers.authorization;
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) return failed('missing_credentials');
  const given = Buffer.from(match[1]!, 'base64').toString('utf8');
  return anySafeEqual(given, secrets.map((p) => `${username}:${p}`)) ? verified : failed('no_match');
}

/** `bearer`: `<header, default Authorization>: Bearer <token>`; `secrets` are the active tokens. */
export function verifyBearer(req: InboundRequest, header: string | undefined, secrets: readonly string[]): Verdict {
  const value = req.headers[(header ?? 'authorization').toLowerCase()];
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  if (!match) return failed('missing_credentials');
  return anySafeEqual(match[1]!, secrets) ? verified : failed('no_match');
}

/** `api-key`: `<header, default X-API-Key>: <token>`; `secrets` are the active keys. */
export function verifyApiKey(req: InboundRequest, header: string | undefined, secrets: readonly string[]): Verdict {
  const value = req.headers[(header ?? 'x-api-key').toLowerCase()];
  if (!value) return failed('missing_credentials');
  return anySafeEqual(value.trim(), secrets) ? verified : failed('no_match');
}
