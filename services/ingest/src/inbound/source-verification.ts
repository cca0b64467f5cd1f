import { isValidSecret } from '@hookline/signing';
import { validationFailed } from '../domain/errors.ts';
import type { Provider, VerificationSettings } from '../domain/inbound/providers.ts';

/** The `verification` object of a request: every provider's fields, each optional (which ones apply depends on the provider). */
export interface VerificationInput {
  secret?: string | undefined;
  header?: string | undefined;
  algorithm?: 'sha1' | 'sha256' | 'sha512' | undefined;
  encoding?: 'hex' | 'base64' | undefined;
  prefix?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
}

/** The fields each provider takes in `verification`, required ones first. */
const FIELDS: Record<Provider, { required: Array<keyof VerificationInput>; optional: Array<keyof VerificationInput> }> = {
  github: { required: ['secret'], optional: [] },
  stripe: { required: ['secret'], optional: [] },
  shopify: { required: ['secret'], optional: [] },
  slack: { required: ['secret'], optional: [] },
  'standard-webhooks': { required: ['secret'], optional: [] },
  hmac: { required: ['secret', 'header', 'algorithm', 'encoding'], optional: ['prefix'] },
  basic: { required: ['username', 'password'], optional: [] },
  bearer: { required: ['token'], optional: ['header'] },
  'api-key': { required: ['token'], optional: ['header'] },
  none: { required: [], optional: [] },
};

/**
 * Splits a source's `verification` into its non-secret settings and its secret (HMAC secret, password or token),
 * or throws a 422 naming every missing or foreign field for the provider.
 */
export function verificationFor(provider: Provider, v: VerificationInput): { settings: VerificationSettings; secret: string | null } {
  const { required, optional } = FIELDS[provider];
  const errors: Array<{ path: string; message: string }> = [];
  for (const f of required) if (v[f] === undefined) errors.push({ path: `verification.${f}`, message: `is required for provider ${provider}` });
  for (const f of Object.keys(v) as Array<keyof VerificationInput>) {
    if (v[f] !== undefined && !required.includes(f) && !optional.includes(f)) errors.push({ path: `verification.${f}`, message: `is not a field of provider ${provider}` });
  }
  if (provider === 'standard-webhooks' && v.secret !== undefined && !isValidSecret(v.secret)) {
    errors.push({ path: 'verification.secret', message: 'must be whsec_ followed by base64 of 24–64 bytes' });
  }
  if (errors.length > 0) throw validationFailed(errors);
  switch (provider) {
    case 'hmac':
      return { settings: { provider, header: v.header!.toLowerCase(), algorithm: v.algorithm!, encoding: v.encoding!, ...(v.prefix !== undefined ? { prefix: v.prefix } : {}) }, secret: v.secret! };
    case 'basic': return { settings: { provider, username: v.username! }, secret: v.password! };
    case 'bearer': case 'api-key': return { settings: { provider, ...(v.header !== undefined ? { header: v.header.toLowerCase() } : {}) }, secret: v.token! };
    case 'none': return { settings: { provider }, secret: null };
    default: return { settings: { provider }, secret: v.secret! };
  }
}

/** A secret given in a rotation checked like the provider's own (Standard Webhooks needs the whsec_ form). */
export function checkRotatedSecret(provider: Provider, secret: string): void {
  if (provider === 'standard-webhooks' && !isValidSecret(secret)) {
    throw validationFailed([{ path: 'secret', message: 'must be whsec_ followed by base64 of 24–64 bytes' }]);
  }
}
