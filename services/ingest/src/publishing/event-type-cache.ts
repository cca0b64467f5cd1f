import type { EventType, EventTypesRepository } from '@hookline/db';

/**
 * The event types with schemas, per tenant, kept briefly in memory so publishing does not query PostgreSQL for
 * every event. Writes through this process invalidate at once; other instances see a change within `ttlMs`.
 */
export class EventTypeCache {
  readonly #repo: EventTypesRepository;
  readonly #ttlMs: number;
  readonly #entries = new Map<string, { at: number; types: Map<string, EventType | null> }>();

  constructor(repo: EventTypesRepository, ttlMs = 2_000) {
    this.#repo = repo;
    this.#ttlMs = ttlMs;
  }

  /** The schema-bearing event types among `names` (absent: no schema, no validation). */
  async schemasFor(tenantId: string, names: readonly string[]): Promise<Map<string, EventType>> {
    const now = Date.now();
    let entry = this.#entries.get(tenantId);
    if (!entry || now - entry.at > this.#ttlMs) {
      entry = { at: now, types: new Map() };
      this.#entries.set(tenantId, entry);
      if (this.#entries.size > 10_000) this.#entries.delete(this.#entries.keys().next().value!);
    }
    const missing = [...new Set(names)].filter((n) => !entry.types.has(n));
    if (missing.length > 0) {
      const found = await this.#repo.withSchemas(tenantId, missing);
      for (const name of missing) entry.types.set(name, found.get(name) ?? null);
    }
    const result = new Map<string, EventType>();
    for (const name of names) {
      const type = entry.types.get(name);
      if (type) result.set(name, type);
    }
    return result;
  }

  invalidate(tenantId: string): void {
    this.#entries.delete(tenantId);
  }
}
