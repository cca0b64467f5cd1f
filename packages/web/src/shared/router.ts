import { useSyncExternalStore } from 'react';

/** Where the hash points: `#/events/evt_1?status=dead` → path `/events/evt_1`, query `status=dead`. */
export interface Route {
  path: string;
  query: URLSearchParams;
  /** The path split on `/`, decoded. */
  parts: string[];
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

/** Parses a hash (`#/a/b?x=1`) into a route. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', qs = ''] = raw.split('?', 2);
  const clean = path.startsWith('/') ? path : `/${path}`;
  const parts = clean.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  return { path: clean, query: new URLSearchParams(qs), parts };
}

/** The current hash route; re-renders on every hash change. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseHash(hash);
}

/** A hash href from path parts and query (empty values dropped): `href(['events', id], {status})`. */
export function href(parts: string[], query: Record<string, string | undefined | null> = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) qs.set(k, v);
  const q = qs.toString();
  return `#/${parts.map(encodeURIComponent).join('/')}${q ? `?${q}` : ''}`;
}

/** Goes to a hash href (adds a history entry, like a link). */
export function navigate(to: string): void {
  window.location.hash = to.replace(/^#/, '');
}
