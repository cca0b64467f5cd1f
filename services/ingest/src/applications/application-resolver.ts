import type { Application, ApplicationsRepository } from '@hookline/db';

/**
 * Finds a tenant's application by id or uid (and its default application), remembering answers for `ttlMs` so
 * publishing to an application costs no query per request. Changes through this process apply at once; through
 * another instance, within `ttlMs`.
 */
export class ApplicationResolver {
  readonly #repo: ApplicationsRepository;
  readonly #ttlMs: number;
  readonly #entries = new Map<string, { app: Application; expires: number }>();

  constructor(repo: ApplicationsRepository, ttlMs = 2_000) {
    this.#repo = repo;
    this.#ttlMs = ttlMs;
  }

  /** The tenant's application with this id, or else this uid; null when it has none. */
  async find(tenantId: string, idOrUid: string): Promise<Application | null> {
    return this.#cached(`${tenantId}\u0000${idOrUid}`, () => this.#repo.find(tenantId, idOrUid));
  }

  /** The tenant's default application (created on first use). */
  async defaultFor(tenantId: string): Promise<Application> {
    return (await this.#cached(`${tenantId}\u0000`, () => this.#repo.ensureDefault(tenantId)))!;
  }

  /** Forgets what is remembered of an application (it was changed or deleted). */
  forget(app: Pick<Application, 'id' | 'tenantId'>): void {
    for (const [key, entry] of this.#entries) if (entry.app.id === app.id) this.#entries.delete(key);
  }

  async #cached(key: string, load: () => Promise<Application | null>): Promise<Application | null> {
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return hit.app;
    const app = await load();
    if (!app) {
      this.#entries.delete(key);
      return null;
    }
    if (this.#entries.size >= 10_000) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { app, expires: now + this.#ttlMs });
    return app;
  }
}
