import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseProfileFile, type Profile, type ProfileFile } from './settings.ts';

/** `$HOOKLINE_CONFIG`, else `$XDG_CONFIG_HOME/hookline/config.json`, else `~/.config/hookline/config.json`. */
export function profileFilePath(env: Record<string, string | undefined>): string {
  if (env.HOOKLINE_CONFIG) return env.HOOKLINE_CONFIG;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'hookline', 'config.json');
}

/** Reads the profile file; undefined when there is none. */
export async function readProfileFile(path: string): Promise<ProfileFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseProfileFile(text, path);
}

/** Sets fields of one profile (creating the file, readable by its owner only, since it holds keys). */
export async function updateProfile(path: string, name: string, fields: Profile): Promise<ProfileFile> {
  const file = (await readProfileFile(path)) ?? { profiles: {} };
  file.profiles[name] = { ...file.profiles[name], ...fields };
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return file;
}
