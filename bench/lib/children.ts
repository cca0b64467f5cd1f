import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { sampleProc, type ProcSample } from './proc-stats.ts';

/** A process the harness started: its name, pid, log file, and an IPC request/response channel when forked. */
export interface Child {
  name: string;
  pid: number;
  logFile: string;
  proc: ChildProcess;
  /** Sends `msg` over IPC and resolves with the child's reply (`{ replyTo, ...}`), bounded by `timeoutMs`. */
  call<T = unknown>(msg: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** /proc figures now (the last ones seen once the process has exited). */
  sample(): ProcSample | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code once the process is gone. */
  stop(graceMs?: number): Promise<number | null>;
}

const running = new Set<Child>();
let hooked = false;

/** Kills every child still running (SIGKILL): the last resort on exit, failure or Ctrl-C. */
export function killAllChildren(): void {
  for (const child of running) {
    try {
      child.proc.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  running.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.error(`\n[bench] ${signal}: stopping the processes it started and deleting its topics and schema`);
      process.exitCode = 130;
      abortController.abort(new Error(`interrupted by ${signal}`));
      // Children go first, so every wait on them fails at once and the scenarios' clean-up runs; then a deadline.
      for (const child of running) child.proc.kill('SIGTERM');
      setTimeout(() => {
        killAllChildren();
        process.exit(130);
      }, 20_000).unref();
    });
  }
}

/** Aborted on SIGINT/SIGTERM: long waits in scenarios listen to it and give up early. */
export const abortController = new AbortController();

/** Starts `node [nodeArgs] <script> [args]` with `env` on top of the harness's environment; output goes to `<logDir>/<name>.log`. */
export function startChild(opts: { name: string; script: string; args?: string[]; nodeArgs?: string[]; env?: Record<string, string>; logDir: string; ipc?: boolean }): Child {
  hookExit();
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const fd = openSync(logFile, 'a');
  let proc: ChildProcess;
  try {
    proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.script, ...(opts.args ?? [])], {
      env: { ...process.env, ...opts.env },
      stdio: opts.ipc ? ['ignore', fd, fd, 'ipc'] : ['ignore', fd, fd],
      serialization: 'advanced',
    });
  } finally {
    closeSync(fd);
  }
  if (proc.pid === undefined) throw new Error(`could not start ${opts.name}`);
  const pid = proc.pid;
  let last: ProcSample | undefined;
  let seq = 0;
  const exited = once(proc, 'exit').then(([code]) => code as number | null);

  const child: Child = {
    name: opts.name,
    pid,
    logFile,
    proc,
    call<T>(msg: Record<string, unknown>, timeoutMs = 60_000): Promise<T> {
      const id = ++seq;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${opts.name} did not answer ${String(msg.cmd)} within ${timeoutMs} ms`)), timeoutMs);
        const onMessage = (reply: { replyTo?: number; error?: string }) => {
          if (reply.replyTo !== id) return;
          if (reply.error) done(new Error(`${opts.name}: ${reply.error}`));
          else done(undefined, reply as T);
        };
        const onExit = () => done(new Error(`${opts.name} exited before answering ${String(msg.cmd)} (see ${logFile})`));
        const done = (err?: Error, value?: T) => {
          clearTimeout(timer);
          proc.off('message', onMessage);
          proc.off('exit', onExit);
          if (err) reject(err);
          else resolve(value!);
        };
        proc.on('message', onMessage);
        proc.once('exit', onExit);
        proc.send({ ...msg, id });
      });
    },
    sample() {
      if (proc.exitCode === null && proc.signalCode === null) last = sampleProc(pid) ?? last;
      return last;
    },
    async stop(graceMs = 15_000) {
      child.sample();
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
      return proc.exitCode;
    },
  };
  running.add(child);
  void exited.then(() => running.delete(child));
  return child;
}
