import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const colours = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m'];
const reset = '\x1b[0m';

/** A service process the supervisor keeps running. */
export interface ServiceSpec {
  name: string;
  script: string;
  env: Record<string, string>;
  /** Node flags before the script. */
  nodeArgs?: readonly string[];
}

interface Waiting {
  timer: NodeJS.Timeout;
  restart: () => void;
}

/**
 * Runs each service as its own process with prefixed output and restarts one that exits unexpectedly, with
 * exponential backoff (1 s doubling to 30 s; back to 1 s after a minute of uptime). Every restart is logged.
 */
export class Supervisor {
  readonly #children = new Map<string, ChildProcess>();
  readonly #waiting = new Map<string, Waiting>();
  readonly #cwd: string;
  readonly #width: number;
  readonly #colour: boolean;
  #stopping = false;

  readonly specs: readonly ServiceSpec[];

  /** `colour`: prefix lines with ANSI colours (when the output is a terminal). */
  constructor(specs: readonly ServiceSpec[], cwd: string, opts: { colour: boolean }) {
    this.specs = specs;
    this.#cwd = cwd;
    this.#colour = opts.colour;
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

  /** Sends SIGTERM to every service and waits for all to exit (SIGKILL after `timeoutMs`). */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.#stopping = true;
    for (const waiting of this.#waiting.values()) clearTimeout(waiting.timer);
    this.#waiting.clear();
    await Promise.all(
      [...this.#children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
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
    // Detached: Ctrl-C reaches only the supervisor, which then stops the services in order.
    const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), spec.script], {
      cwd: this.#cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.#children.set(spec.name, child);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => this.log(spec.name, line, colour));
    }
    child.once('exit', (code, signal) => {
      if (this.#stopping) return;
      const nextBackoff = Date.now() - startedAt > 60_000 ? 1_000 : backoffMs;
      this.log(spec.name, `exited (${signal ?? `code ${code}`}); restarting in ${nextBackoff / 1000} s`, colour);
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
