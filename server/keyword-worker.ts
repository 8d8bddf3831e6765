// The thread that scores the upper part of a large index's passages while the search's own thread
// scores the lower part (keyword-threads.ts). It shares the postings, the boost and its mailbox
// with that thread, and waits on the mailbox with Atomics: a search costs no message.
import { workerData } from 'node:worker_threads';
import { scorePostings, topK } from '../ingest/bm25-kernel.ts';
import { Slot, State, type KeywordWorkerData } from './keyword-mailbox.ts';

const { postings, control, terms, ids, scores: out, elapsed, boost, then } = workerData as KeywordWorkerData;
const scores = new Float64Array(postings.count);
const touched = new Int32Array(postings.count + 1);

Atomics.store(control, Slot.ready, 1);
Atomics.notify(control, Slot.ready);

/** How long the worker waits awake for a request it was told of (headsUp), ms: the search's work before it. */
const AWAKE_MS = 2;

for (;;) {
  let state = Atomics.load(control, Slot.state);
  while (state !== State.request && state !== State.stop) {
    if (Atomics.exchange(control, Slot.headsUp, 0) === 1) {
      const until = performance.now() + AWAKE_MS;
      for (let now = state; now !== State.request && now !== State.stop && performance.now() < until; now = Atomics.load(control, Slot.state));
    } else Atomics.wait(control, Slot.state, state);
    state = Atomics.load(control, Slot.state);
  }
  if (state === State.stop) break;
  const started = performance.now();
  try {
    let nTouched = 0;
    const count = Atomics.load(control, Slot.terms);
    for (let t = 0; t < count; t += 4) {
      const field = postings.fields[terms[t]!]!;
      nTouched = scorePostings(field.docs, field.tfs, field.norms, terms[t + 1]!, terms[t + 2]!, terms[t + 3]!, postings.k1, scores, touched, nTouched);
    }
    const top = topK(touched, nTouched, scores, Atomics.load(control, Slot.boost) === 1 ? boost : undefined, Atomics.load(control, Slot.k));
    top.forEach((hit, i) => {
      ids[i] = hit.id;
      out[i] = hit.score;
    });
    elapsed[0] = performance.now() - started;
    Atomics.store(control, Slot.results, top.length);
    Atomics.store(control, Slot.state, State.done);
  } catch {
    scores.fill(0);
    Atomics.store(control, Slot.state, State.failed);
  }
  Atomics.notify(control, Slot.state);
  if (then !== undefined) {
    Atomics.store(then, Slot.headsUp, 1);
    Atomics.notify(then, Slot.state);
  }
}
