// What the search thread and its keyword worker share (keyword-threads.ts, keyword-worker.ts).
import type { SharedPostings } from '../ingest/keyword-index.ts';
import type { ScoredId } from '../ingest/types.ts';

/** The slots of the control array. */
export const Slot = {
  /** A State. */
  state: 0,
  /** 1 once the worker is waiting for requests. */
  ready: 1,
  /** How many numbers of `terms` the request holds (TERM_STRIDE a term). */
  terms: 2,
  /** How many results are asked for. */
  k: 3,
  /** 1 when the scores are multiplied by the boost. */
  boost: 4,
  /** How many results the worker wrote. */
  results: 5,
  /** How many numbers of `levelTerms` the request holds: the level (sections) is scored first, whole. */
  levelTerms: 6,
  /** How many of the level's best are asked for. */
  levelK: 7,
  /** How many level results the worker wrote. */
  levelResults: 8,
  /** 1 once the level's results are written; 2 when the worker failed before. */
  levelDone: 9,
  /** 1 once the search has applied the level to the boost: the worker takes its k best only then. */
  boostReady: 10,
  /** Which level the worker holds: the number of the last level posted to it (LevelMessage). */
  level: 11,
} as const;

/** Slots in the control array. */
export const CONTROL_SLOTS = 12;

export const State = {
  idle: 0,
  request: 1,
  done: 2,
  failed: 3,
  stop: 4,
} as const;

export interface KeywordWorkerData {
  postings: SharedPostings;
  /** Slots above, in shared memory. */
  control: Int32Array;
  /** Per term, TERM_STRIDE numbers (bm25-kernel.ts). */
  terms: Float64Array;
  /** The worker's k best, best first. */
  ids: Int32Array;
  scores: Float64Array;
  /** How long the worker took over its last request, ms. */
  elapsed: Float64Array;
  /** Per passage, what its score is multiplied by (the search fills it). */
  boost: Float32Array;
  /** The level's terms, as `terms`, and its best, best first. */
  levelTerms: Float64Array;
  levelIds: Int32Array;
  levelScores: Float64Array;
}

/** A level's postings, posted to the worker (it reads them when a request names that level). */
export interface LevelMessage {
  level: number;
  postings: SharedPostings;
}

/** Writes a best-first list into a mailbox's ids and scores; returns how many. */
export function writeHits(hits: readonly ScoredId[], ids: Int32Array, scores: Float64Array): number {
  hits.forEach((hit, i) => {
    ids[i] = hit.id;
    scores[i] = hit.score;
  });
  return hits.length;
}

/** The first n hits of a mailbox's ids and scores. */
export function readHits(ids: Int32Array, scores: Float64Array, n: number): ScoredId[] {
  const out: ScoredId[] = [];
  for (let i = 0; i < n; i++) out.push({ id: ids[i]!, score: scores[i]! });
  return out;
}
