import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { STOP_MESSAGE } from '@hookline/telemetry/lifecycle';
import { SERVICE_THREAD_EXEC_ARGV, SERVICE_THREAD_YOUNG_GENERATION_MB } from '../node/service-node-args.js';

const colours = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m'];
const reset = '\x1b[0m';

/** A service process the supervisor keeps running. */
export interface ServiceSpec {
  name: string;
  script: string;
  env: Record<string, string>;
  /** Node flags before the script (as a process; a thread runs with the services' own, infra/node/service-node-args.js). */
  nodeArgs?: readonly string[];
}

/**
 * How the supervisor runs a service: `process` (its own Node process) or `thread` (a worker thread of the supervisor's
 * process — one process for all the services, which then share Node's own memory; each still has its own heap, event
 * loop and globals, and one that fails is restarted alone).
 */
export type RunAs = 'process' | 'thread';

/** A running service: a child process or a worker thread. */
interface Running {
  readonly output: readonly Readable[];
  /** `lastWords`: the error that ended a thread (a process prints its own). */
  onExit(listener: (why: string, lastWords?: string) => void): void;
  /** Asks it to stop (SIGTERM, or the stop message); `kill` ends it at once. */
  stop(): void;
  kill(): void;
  readonly exited: boolean;
}

function runProcess(spec: ServiceSpec, cwd: string): Running {
  // Detached: Ctrl-C reaches only the supervisor, which then stops the services in order.
  const child: ChildProcess = spawn(process.execPath, [...(spec.nodeArgs ?? []), spec.script], {
    cwd,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return {
    output: [child.stdout!, child.stderr!],
    onExit: (listener) => child.once('exit', (code, signal) => listener(signal ?? `code ${code}`)),
    stop: () => child.kill('SIGTERM'),
    kill: () => child.kill('SIGKILL'),
    get exited() {
      return child.exitCode !== null || child.signalCode !== null;
    },
  };
}

function runThread(spec: ServiceSpec, cwd: string): Running {
  const worker = new Worker(pathToFileURL(join(cwd, spec.script)), {
    env: { ...process.env, ...spec.env },
    stdout: true,
    stderr: true,
    resourceLimits: { maxYoungGenerationSizeMb: SERVICE_THREAD_YOUNG_GENERATION_MB },
    execArgv: [...SERVICE_THREAD_EXEC_ARGV],
  });
  let exited = false;
  // An uncaught exception ends the thread and reaches the host here ('exit' follows); Node prints a process's.
  let died: Error | undefined;
  worker.on('error', (err) => (died = err));
  worker.once('exit', () => (exited = true));
  return {
    output: [worker.stdout, worker.stderr],
    onExit: (listener) => worker.once('exit', (code) => listener(`code ${code}`, died && (died.stack ?? String(died)))),
    stop: () => worker.postMessage(STOP_MESSAGE),
    kill: () => void worker.terminate(),
    get exited() {
      return exited;
    },
  };
}

interface Waiting {
  timer: NodeJS.Timeout;
  restart: () => void;
}

/**
 * Runs each service as its own process (or worker thread, `runAs: 'thread'`) with prefixed output and restarts one
 * that exits unexpectedly, with exponential backoff (1 s doubling to 30 s; back to 1 s after a minute of uptime).
 * Every restart is logged.
 */
export class Supervisor {
  readonly #children = new Map<string, Running>();
  readonly #waiting = new Map<string, Waiting>();
  readonly #cwd: string;
  readonly #width: number;
  readonly #colour: boolean;
  readonly #runAs: RunAs;
  #stopping = false;

  readonly specs: readonly ServiceSpec[];

  /** `colour`: prefix lines with ANSI colours (when the output is a terminal). `runAs`: `process` by default. */
  constructor(specs: readonly ServiceSpec[], cwd: string, opts: { colour: boolean; runAs?: RunAs }) {
    this.specs = specs;
    this.#cwd = cwd;
    this.#colour = opts.colour;
    this.#runAs = opts.runAs ?? 'process';
    this.#width = Math.max(...specs.map((s) => s.name.length));
  }

  start(): void {
    this.specs.forEach((spec, i) => this.#run(spec, colours[i % colours.length]!, 1_000));
  }

  /** Restarts now every service waiting out its backoff (once what it needed is back). */
  restartWaiting(): void {
    for (const [name, waiting] of this.#waiting) {
      clearTimeout(waiting.timer);
      this.#waiting.delete(name);
      waiting.restart();
    }
  }

  /** Asks every service to stop (SIGTERM, or a thread's stop message) and waits for all to exit (killed after `timeoutMs`). */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.#stopping = true;
    for (const waiting of this.#waiting.values()) clearTimeout(waiting.timer);
    this.#waiting.clear();
    await Promise.all(
      [...this.#children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exited) return resolve();
            const timer = setTimeout(() => child.kill(), timeoutMs);
            child.onExit(() => {
              clearTimeout(timer);
              resolve();
            });
            child.stop();
          }),
      ),
    );
  }

  log(name: string, line: string, colour = ''): void {
    const prefix = `${name.padEnd(this.#width)} |`;
    process.stdout.write(`${this.#colour && colour ? `${colour}${prefix}${reset}` : prefix} ${line}\n`);
  }

  #run(spec: ServiceSpec, colour: string, backoffMs: number): void {
    if (this.#stopping) return;
    const startedAt = Date.now();
    const child = this.#runAs === 'thread' ? runThread(spec, this.#cwd) : runProcess(spec, this.#cwd);
    this.#children.set(spec.name, child);
    for (const stream of child.output) {
      createInterface({ input: stream }).on('line', (line) => this.log(spec.name, line, colour));
    }
    child.onExit((why, lastWords) => {
      for (const line of lastWords?.split('\n') ?? []) this.log(spec.name, line, colour);
      if (this.#stopping) return;
      const nextBackoff = Date.now() - startedAt > 60_000 ? 1_000 : backoffMs;
      this.log(spec.name, `exited (${why}); restarting in ${nextBackoff / 1000} s`, colour);
      const restart = () => this.#run(spec, colour, Math.min(nextBackoff * 2, 30_000));
      const timer = setTimeout(() => {
        this.#waiting.delete(spec.name);
        restart();
      }, nextBackoff);
      timer.unref();
      this.#waiting.set(spec.name, { timer, restart });
    });
  }
}
