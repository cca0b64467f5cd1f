import type { Command } from 'commander';
import { profileFilePath, readProfileFile, updateProfile } from '../config/profile-store.ts';
import type { GlobalOptions, Runtime } from '../context.ts';
import { UsageError } from '../errors.ts';
import { createOutput, table } from '../output/output.ts';

const mask = (s: string | undefined) => (s ? `${s.slice(0, 6)}…${s.slice(-4)}` : undefined);

/** `hookline profiles …`: the named settings of the profile file. */
export function profileCommands(program: Command, runtime: Runtime): void {
  const profiles = program.command('profiles').alias('profile').description('named settings (API URL, API key, admin token, application) in the profile file');
  const outOf = (g: GlobalOptions) => createOutput({ json: g.json === true, color: g.color !== false, stdout: runtime.stdout, stderr: runtime.stderr, env: runtime.env });

  profiles
    .command('set')
    .description('save the --api-url, --api-key, --admin-token and --app given into a profile (the file is readable by you only)')
    .argument('[name]', 'the profile name', 'default')
    .addHelpText('after', '\nExample:\n  hookline profiles set staging --api-url https://hooks.staging.example --api-key hk_…\n  hookline --profile staging endpoints list')
    .action(async (name: string, _opts: unknown, command: Command) => {
      const g = command.optsWithGlobals<GlobalOptions>();
      const fields = Object.fromEntries(Object.entries({ url: g.apiUrl, apiKey: g.apiKey, adminToken: g.adminToken, app: g.app }).filter(([, v]) => v !== undefined));
      if (Object.keys(fields).length === 0) throw new UsageError('give --api-url, --api-key, --admin-token or --app');
      const path = profileFilePath(runtime.env);
      await updateProfile(path, name, fields);
      outOf(g).result({ profile: name, path }, () => `saved profile "${name}" in ${path}`);
    });

  profiles
    .command('list')
    .description('list profiles (keys shown masked)')
    .action(async (_opts: unknown, command: Command) => {
      const path = profileFilePath(runtime.env);
      const file = await readProfileFile(path);
      const rows = Object.entries(file?.profiles ?? {}).map(([name, p]) => ({ name, url: p.url, apiKey: mask(p.apiKey), adminToken: mask(p.adminToken), app: p.app }));
      const out = outOf(command.optsWithGlobals<GlobalOptions>());
      out.result({ path, data: rows }, () =>
        table(out, rows, [
          { header: 'NAME', value: (r) => r.name },
          { header: 'URL', value: (r) => r.url },
          { header: 'API KEY', value: (r) => r.apiKey },
          { header: 'ADMIN TOKEN', value: (r) => r.adminToken },
          { header: 'APP', value: (r) => r.app },
        ]),
      );
    });
}
