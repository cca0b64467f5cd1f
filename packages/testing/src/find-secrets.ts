/** Where a secret turned up in scanned text. */
export interface SecretFinding {
  /** The secret's first characters and length (never the secret itself, so a report does not leak it). */
  secret: string;
  /** How it appeared: `plaintext`, `key material` (the part after a known prefix), `url-encoded`, or `shape`. */
  form: 'plaintext' | 'key material' | 'url-encoded' | 'shape';
  /** 1-based line number in the text. */
  line: number;
  /** The line around the match, with the match masked. */
  context: string;
}

/** Prefixes of Hookline's secrets: API keys, webhook signing secrets, the generated admin token, inbound source URL tokens. */
const PREFIXES = ['hk_', 'whsec_', 'admin_', 'hls_'];

/**
 * Secret-shaped tokens, known or not: an API key (`hk_` + 43 base64url characters), a signing secret (`whsec_` +
 * base64) or an inbound source URL token (`hls_` + 43 base64url characters). A redacted or shortened mention (`hk_…`, `whsec_[redacted]`) does not match.
 */
const SHAPES = [/\bhk_[A-Za-z0-9_-]{40,}/g, /\bwhsec_[A-Za-z0-9+/]{30,}={0,2}/g, /\bhls_[A-Za-z0-9_-]{40,}/g];

export const maskSecret = (s: string): string => `${s.slice(0, Math.min(8, Math.floor(s.length / 4)))}…(${s.length} chars)`;

/**
 * Finds the given secrets in `text` (log lines, a database dump, API responses): each in plaintext, its key
 * material without the prefix (`whsec_<base64>` → `<base64>`, at least 16 characters), and URL-encoded; plus any
 * secret-shaped token (`hk_…`, `whsec_…`) that is not in the list, unless `shapes: false`. Returns every finding,
 * masked; an empty array means clean. Reusable by any suite that scans what the services wrote (e.g. chaos logs).
 */
export function findSecrets(text: string, secrets: readonly string[], opts: { shapes?: boolean } = {}): SecretFinding[] {
  const needles: Array<{ needle: string; secret: string; form: SecretFinding['form'] }> = [];
  for (const secret of new Set(secrets)) {
    if (secret.length < 8) throw new Error('findSecrets: a secret shorter than 8 characters would match by chance');
    needles.push({ needle: secret, secret, form: 'plaintext' });
    const prefix = PREFIXES.find((p) => secret.startsWith(p));
    const material = prefix ? secret.slice(prefix.length) : '';
    if (material.length >= 16) needles.push({ needle: material, secret, form: 'key material' });
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) needles.push({ needle: encoded, secret, form: 'url-encoded' });
  }
  const lines = text.split('\n');
  const findings: SecretFinding[] = [];
  const known = new Set(secrets);
  lines.forEach((line, i) => {
    const seenHere = new Set<string>();
    for (const { needle, secret, form } of needles) {
      const at = line.indexOf(needle);
      // The key material is inside its own plaintext secret: count that once, as plaintext.
      if (at < 0 || seenHere.has(secret)) continue;
      seenHere.add(secret);
      findings.push({ secret: maskSecret(secret), form, line: i + 1, context: excerpt(line, at, needle.length) });
    }
    if (opts.shapes === false) return;
    // Known secrets (in any form) are reported above; mask them so their remains do not count as unknown ones.
    let rest = line;
    for (const { needle } of [...needles].sort((x, y) => y.needle.length - x.needle.length)) rest = rest.replaceAll(needle, '[known]');
    for (const shape of SHAPES) {
      for (const m of rest.matchAll(shape)) {
        if (known.has(m[0])) continue;
        findings.push({ secret: maskSecret(m[0]), form: 'shape', line: i + 1, context: excerpt(rest, m.index, m[0].length) });
      }
    }
  });
  return findings;
}

function excerpt(line: string, at: number, length: number): string {
  const start = Math.max(0, at - 60);
  return `${line.slice(start, at)}[SECRET]${line.slice(at + length, at + length + 60)}`;
}
