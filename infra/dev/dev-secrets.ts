import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Secrets `npm start` generates once and keeps, so endpoint secrets stay decryptable across restarts. */
export interface DevSecrets {
  ADMIN_TOKEN: string;
  ENCRYPTION_KEY: string;
}

/** Reads the dev secrets file, creating it (mode 600) on first use. */
export function loadDevSecrets(file: string): DevSecrets {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  } catch {
    const secrets: DevSecrets = {
      ADMIN_TOKEN: `admin_${randomBytes(24).toString('base64url')}`,
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return secrets;
  }
}
