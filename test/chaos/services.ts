import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

const root = join(import.meta.dirname, '..', '..');

/** One restart the supervisor made, and why the process had ended. */
export interface Restart {
  at: number;
  cause: 'killed by the chaos run' | 'exited by itself';
  exit: string;
}

/**
 * One service (`node services/<service>/src/main.ts`) as a separate process, restarted by this supervisor
 * whenever it ends, as an orchestrator would: the run SIGKILLs it and never starts it by hand.
 */
export class ServiceProcess {
  readonly restarts: Restart[] = [];
  #child: ChildProcess | undefined;
  #killing = false;
  #stopping = false;

  readonly name: string;
  readonly service: 'ingest' | 'dispatcher' | 'tracker';
  readonly port: number;
  readonly #env: Record<string, string>;
  readonly #logDir: string;

  constructor(name: string, service: 'ingest' | 'dispatcher' | 'tracker', port: number, env: Record<string, string>, logDir: string) {
    this.name = name;
    this.service = service;
    this.port = port;
    this.#env = env;
    this.#logDir = logDir;
  }

  get logFile(): string {
    return join(this.#logDir, `${this.name}.log`);
  }

  start(): void {
    const log = openSync(this.logFile, 'a');
    const child = spawn(process.execPath, [`services/${this.service}/src/main.ts`], {
      cwd: root,
      env: { ...process.env, ...this.#env, HTTP_PORT: String(this.port) },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.#child = child;
    child.once('exit', (code, signal) => {
      if (this.#stopping) return;
      this.restarts.push({ at: Date.now(), cause: this.#killing ? 'killed by the chaos run' : 'exited by itself', exit: signal ?? `code ${code}` });
      this.#killing = false;
      // A short pause, as a supervisor's backoff, so a process failing at once does not spin.
      setTimeout(() => this.#stopping || this.start(), 250);
    });
  }

  /** SIGKILL; the supervisor restarts it. Resolves once the process has ended. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.#killing = true;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** Last answer of /readyz that was not a 200 (for the message when a service never gets ready). */
  lastNotReady = '';

  async ready(): Promise<boolean> {
    try {
      const res = await request(`http://127.0.0.1:${this.port}/readyz`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
      const body = await res.body.text();
      if (res.statusCode !== 200) this.lastNotReady = `${res.statusCode} ${body.slice(0, 200)}`;
      return res.statusCode === 200;
    } catch (error) {
      this.lastNotReady = String(error);
      return false;
    }
  }

  /** SIGTERM and wait (bounded) for the exit; no restart afterwards. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
    if (!done) {
      child.kill('SIGKILL');
      await exited;
    }
  }

  logTail(lines = 20): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
