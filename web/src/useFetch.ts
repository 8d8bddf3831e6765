import { useEffect, useState } from 'react';
import { isAbort } from './api.ts';

export interface FetchState<T> {
  /** The last data that arrived; kept while the next request for a new key is in flight. */
  data: T | undefined;
  /** The key `data` belongs to, so a page can tell fresh results from stale ones. */
  dataKey: string | null;
  error: Error | undefined;
  loading: boolean;
  retry: () => void;
}

// What the last few requests answered, so going back to a page shows it at once, as it was, without
// asking the server again (and without the flash of a loading state that loses the scroll position).
const CACHE_SIZE = 30;
const CACHE_MS = 10 * 60_000;
const answers = new Map<string, { data: unknown; at: number }>();

function cached<T>(key: string | null): T | undefined {
  if (key === null) return undefined;
  const hit = answers.get(key);
  if (!hit || Date.now() - hit.at > CACHE_MS) return undefined;
  return hit.data as T;
}

function remember(key: string, data: unknown): void {
  answers.delete(key);
  answers.set(key, { data, at: Date.now() });
  if (answers.size > CACHE_SIZE) answers.delete(answers.keys().next().value!);
}

/**
 * Loads `load` whenever `key` changes (null: load nothing) and aborts the request it replaces,
 * so a slow answer to an old query can never overwrite the answer to a newer one. `key` names the
 * request across the app (prefix it with what it is: "search:…", "doc:…"); a recent answer to the
 * same key is shown at once, without a request; retry() always asks again.
 */
export function useFetch<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): FetchState<T> {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<Omit<FetchState<T>, 'retry'>>(() => {
    const data = cached<T>(key);
    return { data, dataKey: data === undefined ? null : key, error: undefined, loading: key !== null && data === undefined };
  });
  useEffect(() => {
    if (key === null) {
      setState((s) => ({ ...s, loading: false, error: undefined }));
      return;
    }
    const hit = attempt === 0 ? cached<T>(key) : undefined;
    if (hit !== undefined) {
      setState({ data: hit, dataKey: key, error: undefined, loading: false });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load(controller.signal).then(
      (data) => {
        remember(key, data);
        setState({ data, dataKey: key, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (isAbort(error)) return;
        setState((s) => ({ ...s, loading: false, error: error instanceof Error ? error : new Error(String(error)) }));
      },
    );
    return () => controller.abort();
    // `load` is a fresh closure on every render; `key` is what identifies the request
  }, [key, attempt]);
  return { ...state, retry: () => setAttempt((n) => n + 1) };
}
