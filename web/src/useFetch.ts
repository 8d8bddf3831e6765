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

/**
 * Loads `load` whenever `key` changes (null: load nothing) and aborts the request it replaces,
 * so a slow answer to an old query can never overwrite the answer to a newer one.
 */
export function useFetch<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): FetchState<T> {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<Omit<FetchState<T>, 'retry'>>({
    data: undefined,
    dataKey: null,
    error: undefined,
    loading: key !== null,
  });
  useEffect(() => {
    if (key === null) {
      setState((s) => ({ ...s, loading: false, error: undefined }));
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load(controller.signal).then(
      (data) => setState({ data, dataKey: key, error: undefined, loading: false }),
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
