/**
 * A log destination that keeps every line written to it (pass it as a pino destination, e.g. `createLogger({
 * destination })`), so a suite can scan what the services logged — for secrets with `findSecrets`, for errors —
 * after a run. Bounded: past `maxBytes` further lines are counted, not kept.
 */
export class LogCapture {
  readonly lines: string[] = [];
  #bytes = 0;
  #dropped = 0;
  readonly #maxBytes: number;

  constructor(opts: { maxBytes?: number } = {}) {
    this.#maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
  }

  write(line: string): void {
    if (this.#bytes + line.length > this.#maxBytes) {
      this.#dropped += 1;
      return;
    }
    this.#bytes += line.length;
    this.lines.push(line.endsWith('\n') ? line.slice(0, -1) : line);
  }

  /** Lines not kept because the capture was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Every kept line, newline-separated. */
  get text(): string {
    return this.lines.join('\n');
  }
}
