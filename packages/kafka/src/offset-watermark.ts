/**
 * Commit watermark of one partition: records are started in offset order and may finish in any order; the
 * committable offset is the lowest offset not yet finished (or one past the last started when all are done).
 * So a slow record holds back only the commit, never the work on the records behind it.
 */
export class OffsetWatermark {
  /** Started but unfinished offsets, in insertion (= offset) order. */
  readonly #pending = new Set<bigint>();
  #next: bigint | null = null;
  #committed: bigint | null = null;

  /** Marks `offset` as started (offsets are started in increasing order). */
  start(offset: bigint): void {
    this.#pending.add(offset);
    this.#next = offset + 1n;
  }

  /** Marks `offset` as finished (done, or handed to another topic). */
  finish(offset: bigint): void {
    this.#pending.delete(offset);
  }

  /** True when `offset` was already started (records fetched again after a rebalance that kept the partition). */
  seen(offset: bigint): boolean {
    return this.#next !== null && offset < this.#next;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  /** The offset to commit (next to read after everything finished), or null when nothing new is committable. */
  committable(): bigint | null {
    if (this.#next === null) return null;
    const lowest = this.#pending.values().next();
    const mark = lowest.done ? this.#next : lowest.value;
    return this.#committed !== null && mark <= this.#committed ? null : mark;
  }

  /** Records that `offset` was committed. */
  committed(offset: bigint): void {
    if (this.#committed === null || offset > this.#committed) this.#committed = offset;
  }
}
