import {
  listenEndpointChanges,
  type DirectoryApplication,
  type DirectoryEndpoint,
  type EndpointChangesListener,
  type EndpointDirectoryRepository,
} from '@hookline/db';
import { compileFilter, type EventMatcher, type FilterableEvent } from '@hookline/contracts';
import type { Logger } from '@hookline/telemetry';
import type pg from 'pg';

/**
 * Every endpoint in memory, kept fresh by LISTEN/NOTIFY (migration 0004): a change is applied within a few
 * tens of milliseconds, and a lost connection triggers a full reload, as does a periodic safety reload. The hot
 * path (fan-out, delivery) never queries PostgreSQL.
 */
export class EndpointDirectory {
  readonly #repo: EndpointDirectoryRepository;
  readonly #pool: pg.Pool;
  readonly #log: Logger;
  readonly #byId = new Map<string, DirectoryEndpoint>();
  readonly #byApplication = new Map<string, Map<string, DirectoryEndpoint>>();
  readonly #byTenant = new Map<string, Map<string, DirectoryEndpoint>>();
  readonly #static = new Map<string, DirectoryEndpoint>();
  /** Ids of the endpoints with ordered delivery (`ordering: "key"`). */
  readonly #ordered = new Set<string>();
  /**
   * Endpoint id → its content filter compiled, with the JSON it was compiled from (absent: no filter). A reload
   * compiles again only the filters that changed.
   */
  readonly #filters = new Map<string, { json: string; match: EventMatcher }>();
  readonly #pendingIds = new Set<string>();
  readonly #apps = new Map<string, DirectoryApplication>();
  /** `tenant NUL uid` → application id; `tenant NUL` → the tenant's default application id. */
  readonly #appRefs = new Map<string, string>();
  /** References looked up and not found (forgotten at every application change). */
  readonly #missingRefs = new Set<string>();
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #reloadTimer: NodeJS.Timeout | undefined;
  /** Every endpoint change committed before this time (ms) is applied. */
  #freshAsOf = 0;
  #syncing: { startedAt: number; done: Promise<void> } | undefined;
  #listener: EndpointChangesListener | undefined;

  constructor(deps: { repo: EndpointDirectoryRepository; pool: pg.Pool; log: Logger }) {
    this.#repo = deps.repo;
    this.#pool = deps.pool;
    this.#log = deps.log;
  }

  /** Listens first (so no change between load and listen is missed), then loads everything. */
  async start(opts: { reloadEveryMs?: number } = {}): Promise<void> {
    const schema = await this.#repo.currentSchema();
    this.#listener = await listenEndpointChanges(this.#pool, schema, {
      onChange: (id) => this.#changed(id),
      onReconnect: () => void this.reload(),
      onError: (err) => this.#log.warn({ err }, 'endpoint change listener lost its connection; reconnecting'),
    });
    await this.reload();
    const every = opts.reloadEveryMs ?? 60_000;
    this.#reloadTimer = setInterval(() => void this.reload(), every);
    this.#reloadTimer.unref();
  }

  /** Adds an endpoint that lives outside the table (the operational webhook). */
  addStatic(endpoint: DirectoryEndpoint): void {
    this.#static.set(endpoint.id, endpoint);
  }

  async reload(): Promise<void> {
    const startedAt = Date.now();
    try {
      const [all, apps] = await Promise.all([this.#repo.loadAll(), this.#repo.loadAllApplications()]);
      this.#byId.clear();
      this.#ordered.clear();
      this.#byApplication.clear();
      this.#byTenant.clear();
      for (const e of all) this.#put(e);
      for (const id of this.#filters.keys()) if (!this.#byId.has(id)) this.#filters.delete(id);
      this.#apps.clear();
      this.#appRefs.clear();
      this.#missingRefs.clear();
      for (const a of apps) this.#putApp(a);
      this.#freshAsOf = Math.max(this.#freshAsOf, startedAt);
    } catch (err) {
      this.#log.warn({ err }, 'endpoint directory reload failed; keeping the previous view');
    }
  }

  /**
   * Waits until every endpoint change committed before `asOf` (ms) is applied, so an event published after an
   * endpoint was created or changed is fanned out with that change. Costs one round trip on the listening connection
   * (on PostgreSQL 15+ an empty statement, nothing written), shared by concurrent callers, and nothing when the
   * directory is already fresh enough.
   */
  async ensureFresh(asOf: number): Promise<void> {
    if (this.#freshAsOf >= asOf) return;
    if (this.#syncing && this.#syncing.startedAt >= asOf) return this.#syncing.done;
    const startedAt = Date.now();
    const done = this.#sync(startedAt);
    this.#syncing = { startedAt, done };
    try {
      await done;
    } finally {
      if (this.#syncing?.done === done) this.#syncing = undefined;
    }
  }

  async #sync(startedAt: number): Promise<void> {
    try {
      await this.#listener!.sync();
      // Apply what the round trip flushed out now rather than after the coalescing delay.
      if (this.#flushTimer) {
        clearTimeout(this.#flushTimer);
        await this.#flush();
      }
      await this.#flushing;
      this.#freshAsOf = Math.max(this.#freshAsOf, startedAt);
    } catch (err) {
      this.#log.warn({ err }, 'endpoint directory sync failed; reloading everything');
      await this.reload();
    }
  }

  /** How many endpoints have ordered delivery (`ordering: "key"`), disabled ones included. */
  get orderedCount(): number {
    return this.#ordered.size;
  }

  get(id: string): DirectoryEndpoint | undefined {
    return this.#static.get(id) ?? this.#byId.get(id);
  }

  /**
   * The endpoint, loading it when this instance has not seen it yet (a delivery fanned out by another
   * instance can arrive before this instance's notification): a query only on a miss.
   */
  async resolve(id: string): Promise<DirectoryEndpoint | undefined> {
    const known = this.get(id);
    if (known) return known;
    const [found] = await this.#repo.load([id]);
    if (found) this.#put(found);
    return found;
  }

  /**
   * The id of the tenant's application named by `ref` (its id or uid), or of its default application when `ref` is
   * undefined; undefined when there is none. Queries PostgreSQL only for a reference this instance has not seen.
   */
  async application(tenantId: string, ref: string | undefined): Promise<string | undefined> {
    const key = `${tenantId}\u0000${ref ?? ''}`;
    const byId = ref === undefined ? undefined : this.#apps.get(ref);
    if (byId && byId.tenantId === tenantId) return byId.id;
    const known = this.#appRefs.get(key);
    if (known) return known;
    if (this.#missingRefs.has(key)) return undefined;
    const found = await this.#repo.findApplication(tenantId, ref);
    if (found) this.#putApp(found);
    else this.#missingRefs.add(key);
    return found?.id;
  }

  /** The application's enabled endpoints whose `eventTypes` is empty or contains `type`, in id order. */
  subscribed(applicationId: string, type: string): DirectoryEndpoint[] {
    return subscribedAmong(this.#byApplication.get(applicationId), type);
  }

  /** The tenant's enabled endpoints subscribed to `type`, in every application (operations and tests). */
  subscribedInTenant(tenantId: string, type: string): DirectoryEndpoint[] {
    return subscribedAmong(this.#byTenant.get(tenantId), type);
  }

  /**
   * Whether the endpoint's content filter lets the event through (no filter: always). No I/O: the filter was
   * compiled when the endpoint was loaded. A stored filter that no longer compiles lets nothing through (logged).
   */
  accepts(endpoint: DirectoryEndpoint, event: FilterableEvent): boolean {
    const filter = this.#filters.get(endpoint.id);
    return filter === undefined || filter.match(event);
  }

  /** Applies a change made by this process (e.g. a disable) at once, before its notification arrives. */
  markDisabled(id: string, reason: string): void {
    const e = this.#byId.get(id);
    if (e) this.#put({ ...e, disabled: true, disabledReason: reason });
  }

  async close(): Promise<void> {
    clearInterval(this.#reloadTimer);
    clearTimeout(this.#flushTimer);
    await this.#listener?.close();
  }

  #changed(id: string): void {
    if (id.startsWith('app_')) this.#missingRefs.clear();
    this.#pendingIds.add(id);
    // Coalesce a burst of notifications into one query.
    this.#flushTimer ??= setTimeout(() => void this.#flush(), 20);
  }

  #flush(): Promise<void> {
    this.#flushTimer = undefined;
    const run = (this.#flushing ?? Promise.resolve()).then(() => this.#flushNow());
    this.#flushing = run;
    void run.finally(() => {
      if (this.#flushing === run) this.#flushing = undefined;
    });
    return run;
  }

  async #flushNow(): Promise<void> {
    const pending = [...this.#pendingIds];
    if (pending.length === 0) return;
    this.#pendingIds.clear();
    const appIds = pending.filter((id) => id.startsWith('app_'));
    const ids = pending.filter((id) => !id.startsWith('app_'));
    try {
      const [found, apps] = await Promise.all([
        ids.length > 0 ? this.#repo.load(ids) : [],
        appIds.length > 0 ? this.#repo.loadApplications(appIds) : [],
      ]);
      const seen = new Set(found.map((e) => e.id));
      for (const e of found) this.#put(e);
      for (const id of ids) {
        if (seen.has(id)) continue;
        this.#remove(id);
        this.#filters.delete(id);
      }
      for (const id of appIds) this.#removeApp(id);
      for (const a of apps) this.#putApp(a);
    } catch (err) {
      this.#log.warn({ err }, 'endpoint refresh failed; reloading everything');
      await this.reload();
    }
  }

  #put(e: DirectoryEndpoint): void {
    this.#remove(e.id);
    this.#byId.set(e.id, e);
    if (e.ordering === 'key') this.#ordered.add(e.id);
    this.#putFilter(e);
    for (const [index, key] of [[this.#byApplication, e.applicationId], [this.#byTenant, e.tenantId]] as const) {
      let mine = index.get(key);
      if (!mine) index.set(key, (mine = new Map()));
      mine.set(e.id, e);
    }
  }

  #putFilter(e: DirectoryEndpoint): void {
    if (!e.filter) {
      this.#filters.delete(e.id);
      return;
    }
    const json = JSON.stringify(e.filter);
    if (this.#filters.get(e.id)?.json === json) return;
    const compiled = compileFilter(e.filter);
    if (!compiled.ok) this.#log.warn({ endpoint_id: e.id, path: compiled.problem.path, problem: compiled.problem.message }, 'stored endpoint filter does not compile: no event matches it');
    this.#filters.set(e.id, { json, match: compiled.ok ? compiled.match : () => false });
  }

  #putApp(a: DirectoryApplication): void {
    this.#removeApp(a.id);
    this.#apps.set(a.id, a);
    if (a.uid !== null) this.#appRefs.set(`${a.tenantId}\u0000${a.uid}`, a.id);
    if (a.isDefault) this.#appRefs.set(`${a.tenantId}\u0000`, a.id);
  }

  #removeApp(id: string): void {
    const old = this.#apps.get(id);
    if (!old) return;
    this.#apps.delete(id);
    if (old.uid !== null && this.#appRefs.get(`${old.tenantId}\u0000${old.uid}`) === id) this.#appRefs.delete(`${old.tenantId}\u0000${old.uid}`);
    if (old.isDefault && this.#appRefs.get(`${old.tenantId}\u0000`) === id) this.#appRefs.delete(`${old.tenantId}\u0000`);
  }

  #remove(id: string): void {
    const old = this.#byId.get(id);
    if (!old) return;
    this.#byId.delete(id);
    this.#ordered.delete(id);
    this.#byApplication.get(old.applicationId)?.delete(id);
    this.#byTenant.get(old.tenantId)?.delete(id);
  }
}

/** The enabled endpoints of `group` whose `eventTypes` is empty or contains `type`, in id order. */
function subscribedAmong(group: Map<string, DirectoryEndpoint> | undefined, type: string): DirectoryEndpoint[] {
  if (!group) return [];
  return [...group.values()]
    .filter((e) => !e.disabled && (e.eventTypes.length === 0 || e.eventTypes.includes(type)))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The secrets that sign now: the newest always, older ones until their rotation grace ends. */
export function activeSecrets(endpoint: DirectoryEndpoint, nowMs: number): string[] {
  return endpoint.secrets.filter((s, i) => i === 0 || s.expiresAt === null || s.expiresAt > nowMs).map((s) => s.secret);
}
