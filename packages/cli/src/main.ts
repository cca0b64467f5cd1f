import { createRequire } from 'node:module';
import process from 'node:process';
import { CommanderError } from 'commander';
import type { Runtime } from './context.ts';
import { ApiError, CheckFailed, ExitCode, exitCodeOf, Interrupted, NetworkError, UsageError } from './errors.ts';
import { buildProgram } from './program.ts';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The runtime of the real process: its streams and environment, and Ctrl-C as an abort signal. */
export function processRuntime(): Runtime {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A closed pipe (`hookline events tail | head`) ends the command quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, interrupt: controller.signal, version };
}

/** Prints an error for people (or as JSON with --json) on stderr. */
function report(runtime: Runtime, err: unknown, json: boolean): void {
  const write = (s: string) => void runtime.stderr.write(`${s}\n`);
  if (err instanceof ApiError) {
    if (json) return write(JSON.stringify({ error: { status: err.status, ...err.problem, detail: err.message, ...(err.retryAfter !== undefined ? { retryAfter: err.retryAfter } : {}) } }));
    const code = typeof err.problem?.code === 'string' ? ` [${err.problem.code}]` : '';
    write(`error: ${err.status} ${typeof err.problem?.title === 'string' ? `${err.problem.title}: ` : ''}${err.message}${code}`);
    for (const f of err.fieldErrors) write(`  ${f.path || '(body)'}: ${f.message}`);
    if (err.retryAfter !== undefined) write(`  retry after ${err.retryAfter} s`);
    return;
  }
  if (err instanceof Interrupted) return;
  const kind = err instanceof UsageError ? 'usage' : err instanceof CheckFailed ? 'check' : err instanceof NetworkError ? 'network' : 'internal';
  const message = err instanceof Error ? err.message : String(err);
  if (json) return write(JSON.stringify({ error: { kind, detail: message } }));
  write(`${kind === 'check' ? 'failed' : 'error'}: ${message}`);
  if (kind === 'internal' && err instanceof Error && err.stack) write(err.stack);
}

/** Runs the CLI with these arguments (without node and the script) and resolves with the exit code. */
export async function main(argv: string[], runtime: Runtime = processRuntime()): Promise<number> {
  const program = buildProgram(runtime);
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    report(runtime, err, json);
    return exitCodeOf(err);
  }
}
