import { useCallback, useEffect, useRef, useState } from 'react';

/** What an asynchronous load is at: loading, failed, or its value (kept while reloading). */
export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` whenever `deps` change (and on `reload()`), ignoring answers that arrive after a newer load began.
 * `pollMs` reloads quietly on an interval while the page is visible.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], opts: { pollMs?: number | null } = {}): Loaded<T> {
  // What was loaded is shown only for the deps it was loaded for: a new filter never shows the previous results.
  const key = JSON.stringify(deps);
  const [state, setState] = useState<{ key: string; data: T | undefined; error: unknown; loading: boolean }>({ key, data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => (s.key === key ? { ...s, loading: true } : { key, data: undefined, error: undefined, loading: true }));
    loadRef.current().then(
      (data) => mine === seq.current && setState({ key, data, error: undefined, loading: false }),
      (error: unknown) => mine === seq.current && setState((s) => ({ key, data: s.key === key ? s.data : undefined, error, loading: false })),
    );
  }, [key, tick]);

  const pollMs = opts.pollMs;
  useEffect(() => {
    if (!pollMs) return;
    const id = window.setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      const mine = ++seq.current;
      loadRef.current().then(
        (data) => mine === seq.current && setState({ key, data, error: undefined, loading: false }),
        () => {},
      );
    }, pollMs);
    return () => window.clearInterval(id);
  }, [pollMs, key]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const current = state.key === key;
  return { data: current ? state.data : undefined, error: current ? state.error : undefined, loading: current ? state.loading : true, reload };
}

/** The current time, refreshed every `everyMs` (relative times stay true while a page stays open). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(id);
  }, [everyMs]);
  return now;
}

/** Runs an action, remembering whether it runs and how it failed (for buttons that change something). */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>): {
  run: (...args: A) => Promise<R | undefined>;
  busy: boolean;
  error: unknown;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = async (...args: A) => {
    setBusy(true);
    setError(undefined);
    try {
      return await action(...args);
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, clear: () => setError(undefined) };
}
