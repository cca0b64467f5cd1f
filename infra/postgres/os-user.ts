import fs from 'node:fs';
import { run, which } from '../common/exec.ts';

/** An OS account, as far as ownership and permission checks care. */
export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

/** Debian's postgresql package creates this account; we reuse or create it. */
const SERVER_USER = 'postgres';

/** initdb and postgres refuse to run as root, so only root needs a stand-in user. */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Looks up the server account; undefined when it does not exist. */
export async function lookupServerUser(): Promise<OsUser | undefined> {
  const [uid, gid] = await Promise.all([run('id', ['-u', SERVER_USER]), run('id', ['-g', SERVER_USER])]);
  if (uid.code !== 0 || gid.code !== 0) return undefined;
  return { name: SERVER_USER, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Returns the server account, creating a locked-down system user when a minimal image lacks it. */
export async function ensureServerUser(log: (msg: string) => void): Promise<OsUser> {
  const existing = await lookupServerUser();
  if (existing) return existing;
  log(`creating system user ${SERVER_USER} (initdb and postgres refuse to run as root)`);
  const useradd = which('useradd') ?? '/usr/sbin/useradd';
  const result = await run(useradd, [
    '--system',
    '--user-group',
    '--no-create-home',
    '--home-dir',
    '/nonexistent',
    '--shell',
    '/usr/sbin/nologin',
    SERVER_USER,
  ]);
  const created = await lookupServerUser();
  if (!created) throw new Error(`could not create user ${SERVER_USER}: ${result.stderr.trim() || `exit ${result.code}`}`);
  return created;
}

/**
 * Wraps a command so it runs as `user` (via util-linux runuser, which needs no
 * PAM session or password), or unchanged when `user` is undefined.
 */
export function asUser(user: OsUser | undefined, command: string, args: readonly string[]): [string, string[]] {
  if (!user) return [command, [...args]];
  return [which('runuser') ?? '/usr/sbin/runuser', ['-u', user.name, '--', command, ...args]];
}

/** Hands existing paths to `user`; postgres insists on owning its data dir. */
export function chownPaths(user: OsUser | undefined, paths: readonly string[]): void {
  if (!user) return;
  for (const p of paths) {
    if (fs.existsSync(p)) fs.chownSync(p, user.uid, user.gid);
  }
}
