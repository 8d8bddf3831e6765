// The query side of the bge embedder, answered by a worker thread (see embed-worker.ts).
import { Worker } from 'node:worker_threads';
import type { BgeEmbedderOptions } from '../ingest/embedders/bge-embedder.ts';
import { ModelLoadError, type ModelErrorCode } from '../ingest/embedders/model-error.ts';
import type { Embedder, EmbedderInfo } from '../ingest/types.ts';
import type { WorkerReply, WorkerRequest } from './embed-worker.ts';

export interface WorkerEmbedder extends Embedder {
  /** Ends the worker thread. */
  close(): Promise<void>;
}

/**
 * How to start the worker: the built server (`npm run build:server`, build/main.mjs) has the worker
 * built beside it as build/embed-worker.mjs; run from its TypeScript, the worker registers tsx and
 * then loads its own (a worker does not inherit the loader of the thread that starts it under
 * every runner).
 */
function workerEntry(): [string | URL, { eval?: boolean }] {
  if (!import.meta.url.endsWith('.ts')) return [new URL('./embed-worker.mjs', import.meta.url), {}];
  const entry = new URL('./embed-worker.ts', import.meta.url).href;
  return [`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, { eval: true }];
}

export function createWorkerEmbedder(info: EmbedderInfo, options: BgeEmbedderOptions): WorkerEmbedder {
  const [entry, how] = workerEntry();
  const worker = new Worker(entry, {
    ...how,
    workerData: { modelDir: options.modelDir, cacheDir: options.cacheDir, allowRemote: options.allowRemote, endpoint: options.endpoint, modelId: info.id, dims: info.dims },
  });
  let next = 0;
  const pending = new Map<number, { resolve: (reply: WorkerReply & { ok: true }) => void; reject: (error: Error) => void }>();
  // The worker keeps the process alive only while a request waits for it: a script that loaded an
  // index ends when its work does. (Listening for messages refs the worker again: settled after.)
  const settle = () => {
    if (pending.size === 0) worker.unref();
  };
  worker.on('message', (reply: WorkerReply) => {
    const waiting = pending.get(reply.id);
    if (waiting === undefined) return; // a reply after its caller gave up
    pending.delete(reply.id);
    settle();
    if (reply.ok) waiting.resolve(reply);
    else if (reply.error.name === 'ModelLoadError') {
      const error = new ModelLoadError(reply.error.code as ModelErrorCode, []);
      error.message = reply.error.message;
      waiting.reject(error);
    } else waiting.reject(new Error(reply.error.message));
  });
  worker.on('error', (error: Error) => {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
    settle();
  });
  settle();
  const ask = (request: { op: 'query'; text: string } | { op: 'fingerprint' }) =>
    new Promise<WorkerReply & { ok: true }>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...request, id } satisfies WorkerRequest);
    });

  return {
    info,
    async embedPassages() {
      throw new Error('The worker embedder embeds queries only; ingest embeds passages in-process.');
    },
    async embedQuery(text) {
      return (await ask({ op: 'query', text })).vector!;
    },
    async fingerprint() {
      return (await ask({ op: 'fingerprint' })).fingerprint!;
    },
    async close() {
      await worker.terminate();
    },
  };
}
