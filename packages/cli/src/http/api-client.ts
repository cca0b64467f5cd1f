import { ApiError, Interrupted, NetworkError, UsageError } from '../errors.ts';

/** Which credential a request needs: a tenant's API key, or the admin token. */
export type Credential = 'tenant' | 'admin' | 'none';

export interface ApiClientOptions {
  url: string;
  apiKey: string | undefined;
  adminToken: string | undefined;
  /** Per-request timeout. */
  timeoutMs?: number;
  userAgent?: string;
  /** Aborts requests in flight (Ctrl-C). */
  interrupt?: AbortSignal;
}

export interface RequestOptions {
  credential?: Credential;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A thin client of Hookline's public HTTP API: JSON in and out, problem+json errors become ApiError. */
export class ApiClient {
  readonly #opts: ApiClientOptions;

  constructor(opts: ApiClientOptions) {
    this.#opts = opts;
  }

  get baseUrl(): string {
    return this.#opts.url;
  }

  /** Sends a request; resolves with the parsed JSON body (undefined for 204). */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const url = new URL(this.#opts.url + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.#opts.userAgent ?? 'hookline-cli', ...opts.headers };
    const token = this.#token(opts.credential ?? 'tenant');
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        signal: AbortSignal.any([AbortSignal.timeout(this.#opts.timeoutMs ?? 30_000), ...(this.#opts.interrupt ? [this.#opts.interrupt] : [])]),
      });
    } catch (err) {
      if (this.#opts.interrupt?.aborted) throw new Interrupted('interrupted');
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = (err as Error).name === 'TimeoutError' ? 'no answer in time' : (cause?.code ?? cause?.message ?? (err as Error).message);
      throw new NetworkError(`cannot reach ${this.#opts.url} (${why})`);
    }
    const text = await res.text();
    let json: unknown;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    if (!res.ok) {
      const problem = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : undefined;
      const retryAfter = /^\d+$/.test(res.headers.get('retry-after') ?? '') ? Number(res.headers.get('retry-after')) : undefined;
      throw new ApiError(res.status, problem, `${method} ${path} answered ${res.status} ${res.statusText}`.trim(), retryAfter);
    }
    return json as T;
  }

  #token(credential: Credential): string | undefined {
    if (credential === 'none') return undefined;
    if (credential === 'admin') {
      const token = this.#opts.adminToken ?? this.#opts.apiKey;
      if (!token) throw new UsageError('this command needs the admin token: set HOOKLINE_ADMIN_TOKEN, --admin-token or "adminToken" in a profile');
      return token;
    }
    if (!this.#opts.apiKey) throw new UsageError('no API key: set HOOKLINE_API_KEY, --api-key or "apiKey" in a profile (hookline profiles set --help)');
    return this.#opts.apiKey;
  }
}

/** A page of a list route. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
