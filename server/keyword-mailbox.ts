// What the search thread and its keyword worker share (keyword-threads.ts, keyword-worker.ts).
import type { SharedPostings } from '../ingest/keyword-index.ts';

/** The slots of the control array. */
export const Slot = {
  /** A State. */
  state: 0,
  /** 1 once the worker is waiting for requests. */
  ready: 1,
  /** How many numbers of `terms` the request holds (4 a term). */
  terms: 2,
  /** How many results are asked for. */
  k: 3,
  /** 1 when the scores are multiplied by the boost. */
  boost: 4,
  /** How many results the worker wrote. */
  results: 5,
  /** 1: a request is on its way (the worker before this one has answered); the worker waits for it awake, a moment. */
  headsUp: 6,
} as const;

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
  /** Per term: field, first posting, end, weight. */
  terms: Float64Array;
  /** The worker's k best, best first. */
  ids: Int32Array;
  scores: Float64Array;
  /** How long the worker took over its last request, ms. */
  elapsed: Float64Array;
  /** Per passage, what its score is multiplied by (the search fills it). */
  boost: Float32Array;
  /** The control of the worker to wake when this one has answered (its request comes next). */
  then?: Int32Array;
}
