import type { Command } from 'commander';
import type { InputSource } from './args/input.ts';
import { profileFilePath, readProfileFile } from './config/profile-store.ts';
import { resolveSettings, type Settings } from './config/settings.ts';
import { ApiClient } from './http/api-client.ts';
import { createOutput, type Output } from './output/output.ts';

/** What the process gives the CLI: streams, environment, and a signal that fires on Ctrl-C. */
export interface Runtime extends InputSource {
  stdout: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown };
  env: Record<string, string | undefined>;
  /** Aborted on SIGINT/SIGTERM: long-running commands (tail, watch) end cleanly. */
  interrupt: AbortSignal;
  version: string;
  /** The clock (epoch milliseconds); Date.now when absent. Tests move it instead of waiting. */
  now?: () => number;
}

/** The global options every command accepts. */
export interface GlobalOptions {
  apiUrl?: string;
  apiKey?: string;
  adminToken?: string;
  app?: string;
  profile?: string;
  json?: boolean;
  color?: boolean;
}

/** What a command's action works with. */
export interface CommandContext {
  out: Output;
  api: ApiClient;
  settings: Settings;
  runtime: Runtime;
  profilePath: string;
}

/** Builds the context of the command being run from its global options, the environment and the profile file. */
export async function contextOf(command: Command, runtime: Runtime): Promise<CommandContext> {
  const g = command.optsWithGlobals<GlobalOptions>();
  const out = createOutput({ json: g.json === true, color: g.color !== false, stdout: runtime.stdout, stderr: runtime.stderr, env: runtime.env });
  const profilePath = profileFilePath(runtime.env);
  const settings = resolveSettings({
    flags: { url: g.apiUrl, apiKey: g.apiKey, adminToken: g.adminToken, app: g.app, profile: g.profile },
    env: runtime.env,
    file: await readProfileFile(profilePath),
  });
  const api = new ApiClient({ url: settings.url, apiKey: settings.apiKey, adminToken: settings.adminToken, interrupt: runtime.interrupt, userAgent: `hookline-cli/${runtime.version}` });
  return { out, api, settings, runtime, profilePath };
}

/** Wraps a command action: builds the context, passes the positional arguments and the command's own options. */
export function act<A extends unknown[], O>(runtime: Runtime, fn: (ctx: CommandContext, opts: O, ...args: A) => Promise<void>) {
  return async (...params: unknown[]): Promise<void> => {
    const command = params[params.length - 1] as Command;
    const opts = params[params.length - 2] as O;
    const args = params.slice(0, -2) as A;
    await fn(await contextOf(command, runtime), opts, ...args);
  };
}

/** Sleeps, but wakes at once when the signal aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
