/** An answer other than 2xx, carrying the problem document's fields when the API sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly errors: Array<{ path: string; message: string }>;

  constructor(status: number, message: string, code?: string, errors: Array<{ path: string; message: string }> = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.errors = errors;
  }
}

/** Calls the Hookline API on this page's origin with a bearer token: JSON in, JSON out. */
export class Api {
  readonly #token: string;
  readonly #onUnauthorized: () => void;

  constructor(token: string, onUnauthorized: () => void = () => {}) {
    this.#token = token;
    this.#onUnauthorized = onUnauthorized;
  }

  get<T>(path: string, query: Record<string, string | number | undefined | null> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
    const qs = params.toString();
    return this.request<T>('GET', qs ? `${path}?${qs}` : path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete(path: string): Promise<void> {
    return this.request<void>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (err) {
      throw new ApiError(0, `The server could not be reached (${(err as Error).message}).`);
    }
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!res.ok) {
      if (res.status === 401) this.#onUnauthorized();
      const detail = json?.detail ?? json?.title ?? `${res.status} ${res.statusText}`;
      throw new ApiError(res.status, String(detail), json?.code, Array.isArray(json?.errors) ? json.errors : []);
    }
    return json as T;
  }
}

/** The path of an application's routes (`{app}` is its id or uid). */
export const appBase = (app: string): string => `/v1/applications/${encodeURIComponent(app)}`;
