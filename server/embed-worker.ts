// Runs the bge query embedder in a worker thread. onnxruntime-node computes on the thread that
// calls it, so in the main thread one embedding would stall every other request and no deadline
// could fire; here the server stays responsive and a slow embedding can be given up on.
import { parentPort, workerData } from 'node:worker_threads';
import { createBgeEmbedder, type BgeEmbedderOptions } from '../ingest/embedders/bge-embedder.ts';

export type WorkerRequest = { id: number; op: 'query'; text: string } | { id: number; op: 'fingerprint' };
export type WorkerReply =
  | { id: number; ok: true; vector?: Float32Array; fingerprint?: string }
  | { id: number; ok: false; error: { name: string; code?: string; message: string } };

const embedder = createBgeEmbedder(workerData as BgeEmbedderOptions);

parentPort!.on('message', async (request: WorkerRequest) => {
  try {
    if (request.op === 'fingerprint') {
      parentPort!.postMessage({ id: request.id, ok: true, fingerprint: await embedder.fingerprint() } satisfies WorkerReply);
    } else {
      const vector = await embedder.embedQuery(request.text);
      parentPort!.postMessage({ id: request.id, ok: true, vector } satisfies WorkerReply, [vector.buffer as ArrayBuffer]);
    }
  } catch (error) {
    const e = error as Error & { code?: string };
    parentPort!.postMessage({ id: request.id, ok: false, error: { name: e.name, code: e.code, message: e.message } } satisfies WorkerReply);
  }
});
