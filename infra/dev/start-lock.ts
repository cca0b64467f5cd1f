import fs from 'node:fs';
import { isProcessAlive, waitUntil } from '../kafka/proc.ts';

/** What one `npm start` is doing, for the next one to see. */
export type StartState = 'starting' | 'ready' | 'stopping';

/** Matched against /proc/<pid>/cmdline so a recycled pid is never taken for an `npm start`. */
const MARKER = 'infra/dev/start.ts';

interface LockContent {
  pid: number;
  state: StartState;
}

function read(file: string): LockContent | undefined {
  try {
    const content = JSON.parse(fs.readFileSync(file, 'utf8')) as LockContent;
    return Number.isInteger(content.pid) ? content : undefined;
  } catch {
    return undefined;
  }
}

const alive = (pid: number) => pid !== process.pid && isProcessAlive(pid) && isStart(pid);

function isStart(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.endsWith(MARKER));
  } catch {
    return true; // No procfs: a live pid is the best signal there is.
  }
}

/**
 * The one `npm start` of a checkout. Taking it waits for a previous one that is still stopping (so the broker and
 * database it is stopping are never reused on their way out) and refuses while another one runs.
 */
export class StartLock {
  readonly #file: string;
  #held = false;

  constructor(file: string) {
    this.#file = file;
  }

  /** Resolves once this process holds the lock; throws, in one line, when another `npm start` runs. */
  async take(log: (msg: string) => void): Promise<void> {
    let other = read(this.#file);
    if (other && alive(other.pid) && other.state !== 'stopping') {
      // One whose npm was just killed notices within a second and starts stopping: give it that second or two.
      await waitUntil(() => !alive(other!.pid) || read(this.#file)?.state === 'stopping', 3_000, 100);
      other = read(this.#file);
    }
    if (other && alive(other.pid)) {
      if (other.state !== 'stopping') {
        throw new Error(`another npm start (pid ${other.pid}) is running this checkout; stop it first (Ctrl-C in its terminal, or kill ${other.pid})`);
      }
      log(`the previous npm start (pid ${other.pid}) is still stopping; waiting for it…`);
      if (!(await waitUntil(() => !alive(other.pid), 90_000, 200))) {
        throw new Error(`the previous npm start (pid ${other.pid}) has not stopped after 90 s; kill ${other.pid} and try again`);
      }
    }
    this.#held = true;
    this.set('starting');
  }

  /** Says what this `npm start` is doing (nothing unless it holds the lock). */
  set(state: StartState): void {
    if (!this.#held) return;
    fs.writeFileSync(this.#file, `${JSON.stringify({ pid: process.pid, state } satisfies LockContent)}\n`);
  }

  /** Gives the lock up (only if it is still this process's). */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    if (read(this.#file)?.pid === process.pid) fs.rmSync(this.#file, { force: true });
  }
}
