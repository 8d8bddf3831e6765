// Two threads for the keyword leg of a large index. Exhaustive BM25 reads every posting of a
// question's 30-odd terms, and on a few hundred thousand passages that is most of a search's time;
// the passages are split in two halves, the worker thread scores the upper one while the search's
// own thread scores the lower, and the two top-k lists are merged. Each passage gets the score one
// thread would have given it (the same terms added in the same order), so the results are the same
// to the last bit. The same worker scores the section level first (KeywordIndex.searchLeveled).
// The postings, the boost and a small mailbox are shared memory; the threads signal each other
// with Atomics, not messages, so a search pays microseconds for the hand-over.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { TERM_STRIDE } from '../ingest/bm25-kernel.ts';
import type { KeywordIndex, RangeScorer } from '../ingest/keyword-index.ts';
import { CONTROL_SLOTS, readHits, Slot, State, type KeywordWorkerData, type LevelMessage } from './keyword-mailbox.ts';

/**
 * From this many passages on, an index's keyword leg uses two threads where the machine has two
 * cores. Below it the leg takes a millisecond or two and a second thread saves too little for the
 * memory it holds (measured: docs/SCALING.md, "Search time as the corpus grows").
 */
export const TWO_THREADS_FROM = 100_000;

/** The most terms (words and bigrams, with their expansions) a request carries; a longer query scores alone. */
const MAX_TERMS = 4096;
/** The most results the worker returns; a search asking more (a filtered one asks for every match) scores alone. */
const MAX_K = 1000;
/** How long a search waits for the worker before it scores the worker's half itself. */
const WAIT_MS = 2000;

/** KEYWORD_THREADS: 1 or 2 threads for the keyword leg of every index; undefined (unset): by its size. */
export function keywordThreadsSetting(env: NodeJS.ProcessEnv = process.env): 1 | 2 | undefined {
  const set = env.KEYWORD_THREADS?.trim();
  if (set === undefined || set === '') return undefined;
  if (set === '1' || set === '2') return Number(set) as 1 | 2;
  throw new Error(`KEYWORD_THREADS must be 1 or 2; got "${set}".`);
}

/** How many threads the keyword leg of an index of `passages` uses by default. */
export function keywordThreads(passages: number): 1 | 2 {
  return passages >= TWO_THREADS_FROM && availableParallelism() >= 2 ? 2 : 1;
}

export interface KeywordHelper extends RangeScorer {
  /**
   * Gives the worker a level to score before its part of the passages (searchLeveled): an index
   * over groups of these passages, its postings in shared memory (KeywordIndex.grouped with `shared`).
   */
  holdLevel(level: KeywordIndex): void;
  /** Ends the worker; searches score alone from then on. */
  close(): Promise<void>;
}

/**
 * A worker that scores the passages from the middle of the index on, set on `keyword` (whose
 * postings must be in shared memory: KeywordIndex.deserialize with `shared`). Until the worker is
 * ready, and after it failed, searches score every passage themselves. Given a level (holdLevel:
 * the sections), it scores the whole level first and then its part of the passages, while the
 * search's thread searches the vector leg and scores its own part (KeywordIndex.searchLeveled).
 */
export function startKeywordHelper(keyword: KeywordIndex): KeywordHelper {
  const postings = keyword.sharedPostings();
  if (postings === null) throw new Error('the keyword index was not read into shared memory');
  const shared = <T>(Type: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, n: number): T =>
    new Type(new SharedArrayBuffer(n * Type.BYTES_PER_ELEMENT));
  const data: KeywordWorkerData = {
    postings,
    control: shared(Int32Array, CONTROL_SLOTS),
    terms: shared(Float64Array, TERM_STRIDE * MAX_TERMS),
    ids: shared(Int32Array, MAX_K),
    scores: shared(Float64Array, MAX_K),
    elapsed: shared(Float64Array, 1),
    boost: shared(Float32Array, postings.count).fill(1),
    levelTerms: shared(Float64Array, TERM_STRIDE * MAX_TERMS),
    levelIds: shared(Int32Array, MAX_K),
    levelScores: shared(Float64Array, MAX_K),
  };
  const { control } = data;
  const [entry, how] = workerEntry();
  const worker = new Worker(entry, { ...how, workerData: data });
  worker.unref();
  let broken = false;
  worker.on('error', () => (broken = true));
  worker.on('exit', () => (broken = true));

  // The share of the passages this thread scores. It starts at half and follows the last searches'
  // timings so that both threads finish together: the search's own thread may have other work
  // beside its share (the vector leg, see KeywordIndex.searchWeighted's `alongside`; the worker
  // the level), and the two cores are not always equally free. Where it stands changes no result:
  // each passage is scored by one thread either way.
  let share = 0.5;
  let started = 0;
  let level: KeywordIndex | null = null;
  const request = (terms: readonly number[], boost: boolean, k: number, levelTerms: readonly number[], levelK: number): boolean => {
    if (broken || Atomics.load(control, Slot.ready) !== 1 || terms.length > data.terms.length || levelTerms.length > data.levelTerms.length || k > MAX_K || levelK > MAX_K) {
      return false;
    }
    // a request the worker has not finished (one a search stopped waiting for) is still its own
    if (Atomics.load(control, Slot.state) === State.request) return false;
    data.terms.set(terms);
    data.levelTerms.set(levelTerms);
    Atomics.store(control, Slot.terms, terms.length);
    Atomics.store(control, Slot.k, k);
    Atomics.store(control, Slot.boost, boost ? 1 : 0);
    Atomics.store(control, Slot.levelTerms, levelTerms.length);
    Atomics.store(control, Slot.levelK, levelK);
    Atomics.store(control, Slot.levelDone, 0);
    Atomics.store(control, Slot.boostReady, 0);
    Atomics.store(control, Slot.state, State.request);
    Atomics.notify(control, Slot.state);
    started = performance.now();
    return true;
  };
  const helper: KeywordHelper = {
    get from() {
      return Math.round(share * postings.count);
    },
    boost: data.boost,
    maxK: MAX_K,
    get level() {
      return level;
    },
    holdLevel(index) {
      const levelPostings = index.sharedPostings();
      if (levelPostings === null) throw new Error('the level was not built in shared memory');
      const id = Atomics.load(control, Slot.level) + 1;
      worker.postMessage({ level: id, postings: levelPostings } satisfies LevelMessage);
      Atomics.store(control, Slot.level, id);
      level = index;
    },
    start(terms, boost, k) {
      return request(terms, boost, k, [], 0);
    },
    startWithLevel(terms, levelTerms, levelK, k) {
      return level !== null && request(terms, true, k, levelTerms, levelK);
    },
    levelBest() {
      Atomics.wait(control, Slot.levelDone, 0, WAIT_MS);
      if (Atomics.load(control, Slot.levelDone) !== 1) return null;
      return readHits(data.levelIds, data.levelScores, Atomics.load(control, Slot.levelResults));
    },
    boostReady() {
      Atomics.store(control, Slot.boostReady, 1);
      Atomics.notify(control, Slot.boostReady);
    },
    finish() {
      const mine = performance.now() - started;
      const waited = Atomics.wait(control, Slot.state, State.request, WAIT_MS);
      const state = Atomics.load(control, Slot.state);
      if (state !== State.done) {
        if (waited === 'timed-out') console.warn(`The keyword worker did not answer within ${WAIT_MS} ms; this search scored every passage itself.`);
        return null;
      }
      // when this thread had to wait, the worker's part took as long as its answer was in coming
      // (waking it is part of its cost); when it had not, what the worker counted itself
      const theirs = waited === 'ok' ? performance.now() - started : data.elapsed[0]!;
      share = balancedShare(share, mine, theirs);
      const out = readHits(data.ids, data.scores, Atomics.load(control, Slot.results));
      Atomics.store(control, Slot.state, State.idle);
      return out;
    },
    async close() {
      keyword.useHelper(null);
      broken = true;
      Atomics.store(control, Slot.state, State.stop);
      Atomics.notify(control, Slot.state);
      await worker.terminate();
    },
  };
  keyword.useHelper(helper);
  return helper;
}

/**
 * The share of the passages the search's thread should score next, from its share this time and
 * how long each thread took (ms): where both would have taken as long, had each passage cost what
 * it cost this time (the search's thread's other work counted as part of its share's cost, which
 * the next searches' timings correct), moved a fifth of the way there so that one odd search
 * does not swing it, and kept between 2% and 98% (each thread keeps a part to be timed by).
 */
export function balancedShare(share: number, mineMs: number, theirsMs: number): number {
  if (!(mineMs > 0) || !(theirsMs > 0)) return share;
  const mineRate = mineMs / share;
  const theirRate = theirsMs / (1 - share);
  const balanced = theirRate / (mineRate + theirRate);
  return Math.min(0.98, Math.max(0.02, 0.8 * share + 0.2 * balanced));
}

/**
 * How to start the worker: the built server has it built beside it as build/keyword-worker.mjs;
 * run from its TypeScript, the worker registers tsx and then loads its own (see worker-embedder.ts).
 */
function workerEntry(): [string | URL, { eval?: boolean }] {
  if (!import.meta.url.endsWith('.ts')) return [new URL('./keyword-worker.mjs', import.meta.url), {}];
  const entry = new URL('./keyword-worker.ts', import.meta.url).href;
  return [`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, { eval: true }];
}
