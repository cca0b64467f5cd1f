import fs from 'node:fs';
import path from 'node:path';
import { which } from '../common/exec.ts';

/** Debian/Ubuntu keep server binaries off PATH, one dir per major version. */
const DEBIAN_ROOT = '/usr/lib/postgresql';

/** Message for the one failure users can fix themselves. */
export const MISSING_BINARIES =
  'PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL ' +
  '(Debian/Ubuntu: apt-get install postgresql) or set DATABASE_URL to use an existing server';

function hasServerTools(dir: string): boolean {
  return ['initdb', 'pg_ctl', 'postgres'].every((tool) => fs.existsSync(path.join(dir, tool)));
}

/**
 * Directory holding initdb/pg_ctl/postgres: `$HOOKLINE_PG_BIN` if set, else the
 * newest `/usr/lib/postgresql/<major>/bin` (a CI image may ship a different
 * major than a dev box), else wherever pg_ctl sits on PATH (Homebrew, Fedora).
 */
export function findPgBin(): string | undefined {
  const override = process.env.HOOKLINE_PG_BIN;
  if (override) return hasServerTools(override) ? override : undefined;
  let majors: string[] = [];
  try {
    majors = fs.readdirSync(DEBIAN_ROOT).filter((name) => /^\d+(\.\d+)?$/.test(name));
  } catch {
    // Not a Debian-style install.
  }
  majors.sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const dir = path.join(DEBIAN_ROOT, major, 'bin');
    if (hasServerTools(dir)) return dir;
  }
  const pgCtl = which('pg_ctl');
  return pgCtl && hasServerTools(path.dirname(pgCtl)) ? path.dirname(pgCtl) : undefined;
}
