import { Command, Option } from 'commander';
import { applicationCommands } from './commands/applications.ts';
import { completionCommand } from './commands/completion.ts';
import { deadLetterCommands } from './commands/dead-letters.ts';
import { endpointCommands } from './commands/endpoints.ts';
import { eventTypeCommands } from './commands/event-types.ts';
import { eventCommands, replayCommand } from './commands/events.ts';
import { jobCommands } from './commands/jobs.ts';
import { listenCommand } from './commands/listen.ts';
import { portalCommands } from './commands/portal.ts';
import { profileCommands } from './commands/profiles.ts';
import { sourceCommands } from './commands/sources.ts';
import { tenantCommands } from './commands/tenants.ts';
import { verifyCommand } from './commands/verify.ts';
import type { Runtime } from './context.ts';

/**
 * The command groups, in the order `--help` lists them. Each is a function `(program, runtime) => void` in its
 * own file under commands/; a new resource is one more file and one more line here.
 */
const groups: Array<(program: Command, runtime: Runtime) => void> = [
  tenantCommands,
  applicationCommands,
  portalCommands,
  endpointCommands,
  eventTypeCommands,
  eventCommands,
  (program, runtime) => void replayCommand(program, runtime),
  deadLetterCommands,
  sourceCommands,
  jobCommands,
  listenCommand,
  verifyCommand,
  profileCommands,
  completionCommand,
];

const footer = `
Settings (flags win over the environment, which wins over the profile file):
  --api-url, HOOKLINE_URL           API base URL (default http://127.0.0.1:8080)
  --api-key, HOOKLINE_API_KEY       a tenant's API key (hk_…)
  --admin-token, HOOKLINE_ADMIN_TOKEN   the admin token (tenants commands)
  --app, HOOKLINE_APP               an application (id or uid): endpoints, events, replay and dead-letters
                                    act on its endpoints and events only (default: the tenant-level routes,
                                    i.e. the default application; events list across applications)
                                    sources create sends its events to it
  --profile, HOOKLINE_PROFILE       a profile of ~/.config/hookline/config.json (HOOKLINE_CONFIG or
                                    XDG_CONFIG_HOME move it); "default" when none is named

Output: tables for people; --json prints the API's JSON (tail: one object per line). Colours only on a
terminal, never with NO_COLOR or --json. Errors go to stderr (as JSON with --json).

Exit codes:
  0  success
  1  the API refused or failed (4xx except 404, 5xx), could not be reached, or a check failed
     (verify: signature invalid; jobs watch: job failed)
  2  usage: unknown command or option, bad or missing argument, missing settings
  3  not found (404)
  130  interrupted by Ctrl-C during a request (Ctrl-C ends "events tail" and "jobs watch" with 0)

Examples:
  hookline endpoints create --url https://example.com/hooks --event-types invoice.paid
  hookline events publish -t invoice.paid -d '{"amount": 42}'
  hookline --app acme-corp endpoints create --url https://acme.example/hooks
  hookline portal acme-corp --expires-in 2h
  hookline events tail
  hookline listen --forward-to http://localhost:3000/webhooks --events invoice.paid
  hookline dead-letters redrive --endpoint ep_… --wait
  hookline sources create --name 'GitHub org' --provider github --secret … --app acme-corp
  hookline verify --secret whsec_… < request.http`;

/** Builds the `hookline` program. Commander's errors and help are sent through `runtime` and do not exit. */
export function buildProgram(runtime: Runtime): Command {
  const program = new Command('hookline')
    .description("Hookline's command line: applications, endpoints, events, deliveries, dead letters and jobs over the HTTP API")
    .version(runtime.version, '-V, --version')
    .addOption(new Option('--api-url <url>', 'API base URL'))
    .addOption(new Option('--api-key <key>', "a tenant's API key"))
    .addOption(new Option('--admin-token <token>', 'the admin token (tenants commands)'))
    .addOption(new Option('--app <app>', "an application's id or uid: endpoint, event, replay and dead-letter commands act on it"))
    .addOption(new Option('-p, --profile <name>', 'a profile of the profile file'))
    .option('--json', 'machine-readable output: the JSON the API answered')
    .option('--no-color', 'no colours (also: NO_COLOR)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void runtime.stdout.write(s),
      writeErr: (s) => void runtime.stderr.write(s),
    })
    .addHelpText('after', footer);
  for (const register of groups) register(program, runtime);
  return program;
}
