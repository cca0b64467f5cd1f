import type { Command } from 'commander';
import { profileFilePath, readProfileFile, updateProfile } from '../config/profile-store.ts';
import type { Profile } from '../config/settings.ts';
import type { Runtime } from '../context.ts';
import { UsageError } from '../errors.ts';
import { createOutput, table } from '../output/output.ts';

const mask = (s: string | undefined) => (s ? `${s.slice(0, 6)}…${s.slice(-4)}` : undefined);

/** `hookline profiles …`: the named settings of the profile file. */
export function profileCommands(program: Command, runtime: Runtime): void {
  const profiles = program.command('profiles').alias('profile').description(`named settings (URL, API key, admin token) in the profile file`);
  const outOf = (command: Command) => {
    const g = command.optsWithGlobals<{ json?: boolean; color?: boolean }>();
    return createOutput({ json: g.json === true, color: g.color !== false, stdout: runtime.stdout, stderr: runtime.stderr, env: runtime.env });
  };

  profiles
    .command('set')
    .description('create or change a profile (the file is written readable by you only)')
    .argument('[name]', 'the profile name', 'default')
    .option('--url <url>', 'the API base URL')
    .option('--api-key <key>', "a tenant's API key (hk_…)")
    .option('--admin-token <token>', 'the admin token')
    .action(async (name: string, opts: Profile, command: Command) => {
      const own = command.opts<Profile>();
      const fields = Object.fromEntries(Object.entries({ url: own.url, apiKey: own.apiKey, adminToken: own.adminToken }).filter(([, v]) => v !== undefined));
      void opts;
      if (Object.keys(fields).length === 0) throw new UsageError('give --url, --api-key or --admin-token');
      const path = profileFilePath(runtime.env);
      await updateProfile(path, name, fields);
      const out = outOf(command);
      out.result({ profile: name, path }, () => `saved profile "${name}" in ${path}`);
    });

  profiles
    .command('list')
    .description('list profiles (keys shown masked)')
    .action(async (_opts: unknown, command: Command) => {
      const path = profileFilePath(runtime.env);
      const file = await readProfileFile(path);
      const rows = Object.entries(file?.profiles ?? {}).map(([name, p]) => ({ name, url: p.url, apiKey: mask(p.apiKey), adminToken: mask(p.adminToken) }));
      const out = outOf(command);
      out.result({ path, data: rows }, () =>
        table(out, rows, [
          { header: 'NAME', value: (r) => r.name },
          { header: 'URL', value: (r) => r.url },
          { header: 'API KEY', value: (r) => r.apiKey },
          { header: 'ADMIN TOKEN', value: (r) => r.adminToken },
        ]),
      );
    });
}
