// The thread that brings the previous build's keyword index up to date (keyword-update-worker.ts)
// while build-index.ts writes the documents on this one.
import { Worker } from 'node:worker_threads';
import type { KeywordUpdateReply, KeywordUpdateRequest } from './keyword-update-worker.ts';

/**
 * Started when a build begins over a previous index: its start (the better part of a second under
 * tsx, on the core the reader thread leaves) is over by the time the build has its work.
 */
export class KeywordUpdateThread {
  private waiting: { resolve: (reply: KeywordUpdateReply) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;
  /** close() was called: a reply that did not come is no reason to update on the build's thread. */
  closed = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: KeywordUpdateReply) => {
      const w = this.waiting;
      this.waiting = null;
      w?.resolve(reply);
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      const w = this.waiting;
      this.waiting = null;
      w?.reject(this.failure);
    };
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the keyword thread ended (exit code ${code})`)));
  }

  static start(): KeywordUpdateThread {
    const entry = new URL('./keyword-update-worker.ts', import.meta.url).href;
    const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, { eval: true });
    return new KeywordUpdateThread(worker);
  }

  /** One update at a time. */
  update(request: KeywordUpdateRequest): Promise<KeywordUpdateReply> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.waiting !== null) return Promise.reject(new Error('the keyword thread is busy'));
    const reply = new Promise<KeywordUpdateReply>((resolve, reject) => (this.waiting = { resolve, reject }));
    this.worker.postMessage(request);
    return reply;
  }

  close(): void {
    this.closed = true;
    this.failure ??= new Error('the keyword thread was closed');
    void this.worker.terminate();
  }
}
