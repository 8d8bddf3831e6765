// The thread that scores the upper part of a large index's passages while the search's own thread
// scores the lower part (keyword-threads.ts), and, asked with a level, the whole section level
// first. It shares the postings, the boost and its mailbox with that thread, and waits on the
// mailbox with Atomics: a search costs no message (a level's postings come once, by message).
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { scoreTerm, TERM_STRIDE, topK } from '../ingest/bm25-kernel.ts';
import type { SharedPostings } from '../ingest/keyword-index.ts';
import { Slot, State, writeHits, type KeywordWorkerData, type LevelMessage } from './keyword-mailbox.ts';

const { postings, control, terms, ids, scores: out, elapsed, boost, levelTerms, levelIds, levelScores } = workerData as KeywordWorkerData;
const scores = new Float32Array(postings.count);
const touched = new Int32Array(postings.count + 1);

/** How long the worker waits for the search to apply the level to the boost, ms. */
const BOOST_WAIT_MS = 2000;

/** The level (the sections) the search last posted, with its own scratch. */
interface LevelState {
  id: number;
  postings: SharedPostings;
  scores: Float32Array;
  touched: Int32Array;
}
let level = null as LevelState | null;
function levelPostings(id: number): LevelState {
  while (level?.id !== id) {
    const message = receiveMessageOnPort(parentPort!)?.message as LevelMessage | undefined;
    if (message === undefined) throw new Error(`level ${id} was not posted`);
    level = { id: message.level, postings: message.postings, scores: new Float32Array(message.postings.count), touched: new Int32Array(message.postings.count + 1) };
  }
  return level;
}

function score(from: SharedPostings, list: Float64Array, count: number, into: Float32Array, touchedInto: Int32Array): number {
  let nTouched = 0;
  for (let t = 0; t < count; t += TERM_STRIDE) {
    nTouched = scoreTerm(from.fields, list[t]!, list[t + 1]!, list[t + 2]!, list[t + 3]!, list[t + 4]!, list[t + 5]!, from.k1, into, touchedInto, nTouched);
  }
  return nTouched;
}

Atomics.store(control, Slot.ready, 1);
Atomics.notify(control, Slot.ready);

for (;;) {
  let state = Atomics.load(control, Slot.state);
  while (state !== State.request && state !== State.stop) {
    Atomics.wait(control, Slot.state, state);
    state = Atomics.load(control, Slot.state);
  }
  if (state === State.stop) break;
  const started = performance.now();
  try {
    // the level first, all of it, for the search to apply to the boost while this thread goes on
    const levelCount = Atomics.load(control, Slot.levelTerms);
    if (levelCount > 0) {
      const { postings: at, scores: levelScoresScratch, touched: levelTouched } = levelPostings(Atomics.load(control, Slot.level));
      const n = score(at, levelTerms, levelCount, levelScoresScratch, levelTouched);
      const best = topK(levelTouched, n, levelScoresScratch, undefined, Atomics.load(control, Slot.levelK));
      Atomics.store(control, Slot.levelResults, writeHits(best, levelIds, levelScores));
      Atomics.store(control, Slot.levelDone, 1);
      Atomics.notify(control, Slot.levelDone);
    }
    const nTouched = score(postings, terms, Atomics.load(control, Slot.terms), scores, touched);
    if (levelCount > 0 && Atomics.wait(control, Slot.boostReady, 0, BOOST_WAIT_MS) === 'timed-out') {
      throw new Error('the search did not apply the level');
    }
    const top = topK(touched, nTouched, scores, Atomics.load(control, Slot.boost) === 1 ? boost : undefined, Atomics.load(control, Slot.k));
    elapsed[0] = performance.now() - started;
    Atomics.store(control, Slot.results, writeHits(top, ids, out));
    Atomics.store(control, Slot.state, State.done);
  } catch {
    scores.fill(0);
    level?.scores.fill(0);
    if (Atomics.load(control, Slot.levelDone) === 0) {
      Atomics.store(control, Slot.levelDone, 2);
      Atomics.notify(control, Slot.levelDone);
    }
    Atomics.store(control, Slot.state, State.failed);
  }
  Atomics.notify(control, Slot.state);
}
