import { isIP } from 'node:net';
import { z } from 'zod';

/** A `true`/`false` environment flag (anything else is an error, never silently false). */
export const booleanFlag = (defaultValue: boolean) =>
  z
    .enum(['true', 'false'])
    .default(defaultValue ? 'true' : 'false')
    .transform((v) => v === 'true');

/** A positive integer read from a string, at most `max` when given. */
export const positiveInt = (defaultValue: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().positive().max(max).default(defaultValue);

/** A TCP port (0 lets the OS choose, which tests use). */
export const port = (defaultValue: number) => z.coerce.number().int().min(0).max(65_535).default(defaultValue);

const unitMs: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `250ms`, `5s`, `30m`, `2h`, `5d` (or a bare number of milliseconds) into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (unitMs[m[2] ?? 'ms'] ?? 1));
}

/** A duration such as `24h` in milliseconds, at most `maxMs` when given. */
export const duration = (defaultValue: string, maxMs = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .default(defaultValue)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration such as 500ms, 5s, 30m, 2h or 1d` });
        return z.NEVER;
      }
      if (ms > maxMs) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is longer than the allowed ${maxMs} ms` });
        return z.NEVER;
      }
      return ms;
    });

/** A comma-separated list, empty by default; every item failing `valid` is named in its own message. */
const commaList = (valid: (item: string) => boolean, example: string) =>
  z
    .string()
    .default('')
    .transform((text, ctx) => {
      const items = text.split(',').map((s) => s.trim()).filter(Boolean);
      for (const item of items) if (!valid(item)) ctx.addIssue({ code: 'custom', message: `"${item}" is not ${example}` });
      return items;
    });

/** Comma-separated CIDRs or single addresses, e.g. `10.1.0.0/16,fd00::/8`; empty by default. */
export const cidrList = () => commaList((item) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(item), 'a CIDR such as 10.0.0.0/8');

/**
 * Comma-separated DNS servers as IP addresses with an optional port: `127.0.0.1`, `127.0.0.1:5353`, `::1`,
 * `[::1]:5353`; empty (the default) means the system resolver.
 */
export const dnsServerList = () => commaList(isDnsServer, 'a DNS server such as 127.0.0.1, 127.0.0.1:5353 or [::1]:5353');

function isDnsServer(item: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(item);
  const v4 = /^([\d.]+)(?::(\d{1,5}))?$/.exec(item);
  const [host, portText] = bracketed ? [bracketed[1]!, bracketed[2]] : v4 ? [v4[1]!, v4[2]] : [item, undefined];
  const family = isIP(host);
  if (family === 0 || (family === 4 && bracketed)) return false;
  return portText === undefined || (Number(portText) >= 1 && Number(portText) <= 65_535);
}

/** The 32 bytes of an encryption key given as 64 hex digits or base64, or null when `text` is neither. */
export function encryptionKeyBytes(text: string): Buffer | null {
  const bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  return bytes.length === 32 ? bytes : null;
}

/** `ENCRYPTION_KEY`: required, 32 bytes as 64 hex digits or base64 (checked at start-up, before any connection). */
export const encryptionKey = () =>
  z.string().refine((text) => encryptionKeyBytes(text) !== null, 'must be 32 bytes as 64 hex digits or base64 (e.g. openssl rand -hex 32)');
