import { createHash } from 'node:crypto';
import type { SourcesRepository, SourceWithSecrets } from '@hookline/db';

/**
 * Finds the source a URL token opens, remembering answers (unknown tokens too) for `ttlMs`, so an inbound request
 * costs no query in the common case. Changes through this process apply at once ({@link forget}); through another
 * instance, within `ttlMs`.
 */
export class SourceResolver {
  readonly #repo: SourcesRepository;
  readonly #ttlMs: number;
  readonly #entries = new Map<string, { source: SourceWithSecrets | null; expires: number }>();

  constructor(repo: SourcesRepository, ttlMs = 1_000) {
    this.#repo = repo;
    this.#ttlMs = ttlMs;
  }

  async forToken(token: string): Promise<SourceWithSecrets | null> {
    const key = createHash('sha256').update(token).digest('base64url');
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return hit.source;
    const source = await this.#repo.forToken(token, now);
    if (this.#entries.size >= 10_000) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { source, expires: now + this.#ttlMs });
    return source;
  }

  /** Forgets a source (changed, rotated or deleted) and every unknown token (one may be its new token). */
  forget(sourceId: string): void {
    for (const [key, entry] of this.#entries) if (entry.source === null || entry.source.id === sourceId) this.#entries.delete(key);
  }
}
