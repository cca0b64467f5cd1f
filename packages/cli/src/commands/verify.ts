import type { Command } from 'commander';
import { readPath, readStdin } from '../args/input.ts';
import { collect, parseInteger } from '../args/values.ts';
import type { Runtime } from '../context.ts';
import { CheckFailed, UsageError } from '../errors.ts';
import { createOutput, record } from '../output/output.ts';
import { parseRawRequest } from '../verify/raw-request.ts';
import { verifyRequest } from '../verify/verify-request.ts';

/** `hookline verify`: checks a saved webhook request's signature, offline (no API call, no settings needed). */
export function verifyCommand(program: Command, runtime: Runtime): void {
  program
    .command('verify')
    .description("check a saved webhook request's signature (exit 0 valid, 1 not, with the reason)")
    .argument('[file]', 'the raw request: headers, a blank line, the body (default: stdin)')
    .option('--secret <whsec>', "the endpoint's signing secret (repeatable: any may match, as during a rotation)", collect)
    .option('--public-key <whpk>', "an ed25519 endpoint's public key, for v1a signatures (repeatable, like --secret)", collect)
    .option('--tolerance <seconds>', 'also refuse a timestamp further than this from now (a receiver uses 300)')
    .addHelpText('after', '\nExample:\n  hookline verify --secret whsec_… < saved-request.http\n  hookline verify --secret "$(hookline endpoints secret ep_…)" request.txt\n  hookline verify --public-key whpk_… request.txt   (an ed25519 endpoint)')
    .action(async (file: string | undefined, opts: { secret?: string[]; publicKey?: string[]; tolerance?: string }, command: Command) => {
      const g = command.optsWithGlobals<{ json?: boolean; color?: boolean }>();
      const out = createOutput({ json: g.json === true, color: g.color !== false, stdout: runtime.stdout, stderr: runtime.stderr, env: runtime.env });
      if (!opts.secret?.length && !opts.publicKey?.length) throw new UsageError('give the signing secret (--secret whsec_…) or, for an ed25519 endpoint, the public key (--public-key whpk_…)');
      const raw = file === undefined ? await readStdin(runtime, 'verify') : await readPath(runtime, file, 'verify');
      if (raw.length === 0) throw new UsageError('verify: the request is empty');
      const req = parseRawRequest(raw);
      const verdict = verifyRequest(req, { secrets: opts.secret ?? [], publicKeys: opts.publicKey ?? [] }, {
        now: new Date(),
        ...(opts.tolerance !== undefined ? { toleranceSeconds: parseInteger(opts.tolerance, '--tolerance', 0) } : {}),
      });
      out.result(verdict, () => record(out, { ...verdict, valid: verdict.valid ? out.colors.green('valid') : out.colors.red('invalid') }));
      if (!verdict.valid) throw new CheckFailed(verdict.reason);
    });
}
