import { UsageError } from '../errors.ts';

/** The API base URL when nothing says otherwise (ingest's default port on this machine). */
export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** One named profile of the profile file. */
export interface Profile {
  url?: string;
  apiKey?: string;
  adminToken?: string;
  /** The application (id or uid) that endpoint, event, replay and dead-letter commands act on. */
  app?: string;
}

/** The profile file: `{"profiles": {"default": {...}, "staging": {...}}}`. */
export interface ProfileFile {
  profiles: Record<string, Profile>;
}

/** What the CLI talks to, and with which credentials. */
export interface Settings {
  url: string;
  apiKey: string | undefined;
  adminToken: string | undefined;
  /** The application (id or uid) the commands act on; undefined: the tenant-level routes (its default application). */
  app: string | undefined;
  /** The profile the values came from (if any value did). */
  profile: string;
}

/** Where each value may come from; flags win over the environment, which wins over the profile file. */
export interface SettingsSources {
  flags: { url?: string | undefined; apiKey?: string | undefined; adminToken?: string | undefined; app?: string | undefined; profile?: string | undefined };
  env: Record<string, string | undefined>;
  file: ProfileFile | undefined;
}

const nonEmpty = (...values: Array<string | undefined>) => values.find((v) => v !== undefined && v !== '');

/**
 * Resolves the settings: `--api-url`/`--api-key`/`--admin-token`/`--app` flags, then HOOKLINE_URL / HOOKLINE_API_KEY /
 * HOOKLINE_ADMIN_TOKEN / HOOKLINE_APP, then the profile (`--profile`, HOOKLINE_PROFILE, else `default`). Naming a profile the
 * file does not have is a usage error; an absent file or `default` profile is not.
 */
export function resolveSettings({ flags, env, file }: SettingsSources): Settings {
  const named = nonEmpty(flags.profile, env.HOOKLINE_PROFILE);
  const profileName = named ?? 'default';
  const profile = file?.profiles[profileName];
  if (named !== undefined && !profile) {
    const known = Object.keys(file?.profiles ?? {});
    throw new UsageError(`no profile "${profileName}" in the profile file${known.length ? ` (it has: ${known.join(', ')})` : ''}`);
  }
  const url = nonEmpty(flags.url, env.HOOKLINE_URL, profile?.url) ?? DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`the API URL "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`the API URL "${url}" must be http(s)`);
  return {
    url: url.replace(/\/+$/, ''),
    apiKey: nonEmpty(flags.apiKey, env.HOOKLINE_API_KEY, profile?.apiKey),
    adminToken: nonEmpty(flags.adminToken, env.HOOKLINE_ADMIN_TOKEN, profile?.adminToken),
    app: nonEmpty(flags.app, env.HOOKLINE_APP, profile?.app),
    profile: profileName,
  };
}

/** Checks the shape of a parsed profile file; `source` names it in the error. */
export function parseProfileFile(text: string, source: string): ProfileFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${source} is not JSON: ${(err as Error).message}`);
  }
  const profiles = (json as { profiles?: unknown } | null)?.profiles;
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) {
    throw new UsageError(`${source} must be {"profiles": {"<name>": {"url", "apiKey", "adminToken", "app"}}}`);
  }
  const out: Record<string, Profile> = {};
  for (const [name, value] of Object.entries(profiles)) {
    if (typeof value !== 'object' || value === null) throw new UsageError(`${source}: profile "${name}" must be an object`);
    const p = value as Record<string, unknown>;
    for (const key of Object.keys(p)) {
      if (!['url', 'apiKey', 'adminToken', 'app'].includes(key)) throw new UsageError(`${source}: profile "${name}" has an unknown field "${key}"`);
      if (typeof p[key] !== 'string') throw new UsageError(`${source}: profile "${name}": "${key}" must be a string`);
    }
    out[name] = p as Profile;
  }
  return { profiles: out };
}
