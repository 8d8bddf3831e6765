// The inner loops of BM25 scoring, shared by the keyword index (ingest/keyword-index.ts) and the
// thread that scores part of a large index's passages beside it (server/keyword-worker.ts): both
// must add a passage's terms in the same order to give the same score to the last bit. It imports
// types only, so that the worker loads nothing else.
import type { ScoredId } from './types.ts';

/** Passage numbers in posting lists (16 bits each when the index holds at most 65,536 passages). */
export type DocIds = Int32Array | Uint16Array;
export type TermFrequencies = Uint8Array | Uint16Array | Float32Array;

/**
 * A query's terms as scoring reads them: TERM_STRIDE numbers a term, (kind, first posting, end,
 * weight, second weight, column position). TermKind.word or .bigram: that field's postings, w ×
 * BM25's tf part each. TermKind.pair: a bigram and the two-character word of the same characters read as one
 * list, the bigram's postings, each adding w × the bigram's impact and w2 × the word's, which the
 * field's pair column holds from the column position on (0 where the passage lacks the word).
 */
export const TERM_STRIDE = 6;
export const TermKind = { word: 0, bigram: 1, pair: 2 } as const;

/** One field's postings as scoring reads them: impacts (and a bigram field's pair column) only in an index that keeps them. */
export interface ScoringField {
  docs: DocIds;
  tfs: TermFrequencies;
  norms: Float32Array;
  impacts?: Uint16Array;
  pairColumn?: Uint16Array;
}

/** Impacts are kept in 16 bits: steps of (k1 + 1) / IMPACT_STEPS, a relative error under 1e-4. */
export const IMPACT_STEPS = 0xffff;

/** What one step of a kept impact is worth. */
export const impactUnit = (k1: number): number => (k1 + 1) / IMPACT_STEPS;

/** BM25's tf part of each posting, tf (k1 + 1) / (tf + norm): what it adds to a score before its term's weight. */
export function tfParts(docs: DocIds, tfs: TermFrequencies, norms: Float32Array, k1: number): Float32Array {
  const parts = new Float32Array(docs.length);
  const k1p1 = k1 + 1;
  for (let i = 0; i < docs.length; i++) {
    const tf = tfs[i]!;
    parts[i] = (tf * k1p1) / (tf + norms[docs[i]!]!);
  }
  return parts;
}

/**
 * tfParts in whole steps of impactUnit(k1) (it is below k1 + 1): kept by a large index so that a
 * search reads one array per term instead of the term frequencies and, at random, the passages'
 * length norms. Two bytes a posting, where float32 would take four.
 */
export function postingImpacts(docs: DocIds, tfs: TermFrequencies, norms: Float32Array, k1: number, shared: boolean): Uint16Array {
  const impacts = shared ? new Uint16Array(new SharedArrayBuffer(docs.length * 2)) : new Uint16Array(docs.length);
  const k1p1 = k1 + 1;
  const steps = IMPACT_STEPS / k1p1;
  for (let i = 0; i < docs.length; i++) {
    const tf = tfs[i]!;
    impacts[i] = Math.round(((tf * k1p1) / (tf + norms[docs[i]!]!)) * steps);
  }
  return impacts;
}

/**
 * Adds the postings [from, to) of one term of a term list (see TERM_STRIDE) to scores, listing
 * each passage touched for the first time in touched (which holds one more than the passages);
 * returns the number touched now. `fields` are the words' and the bigrams'.
 */
export function scoreTerm(
  fields: readonly ScoringField[],
  kind: number,
  from: number,
  to: number,
  w: number,
  w2: number,
  at: number,
  k1: number,
  scores: Float32Array,
  touched: Int32Array,
  nTouched: number,
): number {
  if (kind === TermKind.pair) {
    const field = fields[TermKind.bigram]!;
    const unit = impactUnit(k1);
    return scorePairs(field.docs, field.impacts!, field.pairColumn!, from, to, w * unit, w2 * unit, at - from, scores, touched, nTouched);
  }
  const field = fields[kind]!;
  if (field.impacts !== undefined) return scoreImpacts(field.docs, field.impacts, from, to, w * impactUnit(k1), scores, touched, nTouched);
  return scorePostings(field.docs, field.tfs, field.norms, from, to, w, k1, scores, touched, nTouched);
}

// The hot loops of a search, kept free of closures. Scores are single precision: half the cache a
// search streams through, at a relative error (1e-7) far below any difference that ranks. Each
// passage touched is listed always and counted when first touched: no branch to mispredict.

/** w × BM25's tf part of each posting, from its term frequency and its passage's length norm. */
export function scorePostings(
  docs: DocIds,
  tfs: TermFrequencies,
  norms: Float32Array,
  from: number,
  to: number,
  w: number,
  k1: number,
  scores: Float32Array,
  touched: Int32Array,
  nTouched: number,
): number {
  const k1p1 = k1 + 1;
  for (let i = from; i < to; i++) {
    const doc = docs[i]!;
    const tf = tfs[i]!;
    const score = (w * tf * k1p1) / (tf + norms[doc]!);
    if (!(score > 0)) continue;
    const before = scores[doc]!;
    touched[nTouched] = doc;
    nTouched += Number(before === 0);
    scores[doc] = before + score;
  }
  return nTouched;
}

/** w × each posting's impact (w > 0, in the impacts' steps). */
export function scoreImpacts(
  docs: DocIds,
  impacts: Uint16Array,
  from: number,
  to: number,
  w: number,
  scores: Float32Array,
  touched: Int32Array,
  nTouched: number,
): number {
  for (let i = from; i < to; i++) {
    const doc = docs[i]!;
    const before = scores[doc]!;
    touched[nTouched] = doc;
    nTouched += Number(before === 0);
    scores[doc] = before + w * impacts[i]!;
  }
  return nTouched;
}

/** w × each bigram posting's impact plus w2 × the word's, from the pair column at i + shift (w > 0, in steps). */
export function scorePairs(
  docs: DocIds,
  impacts: Uint16Array,
  column: Uint16Array,
  from: number,
  to: number,
  w: number,
  w2: number,
  shift: number,
  scores: Float32Array,
  touched: Int32Array,
  nTouched: number,
): number {
  for (let i = from; i < to; i++) {
    const doc = docs[i]!;
    const before = scores[doc]!;
    touched[nTouched] = doc;
    nTouched += Number(before === 0);
    scores[doc] = before + (w * impacts[i]! + w2 * column[i + shift]!);
  }
  return nTouched;
}

/**
 * The k best of ids[0..count) by scores[id] × boost[id] (or scores[id]), best first, ties by the
 * lower id; it sets each scores[id] back to 0 as it reads it, so that the boost, the selection and
 * the reset of the scratch scores are one pass over the touched passages instead of three.
 */
export function topK(ids: ArrayLike<number>, count: number, scores: Float32Array, boost: Float32Array | undefined, k: number): ScoredId[] {
  const heapIds = new Int32Array(k);
  const heapScores = new Float64Array(k);
  let size = 0;
  // a worse than b: a lower score, or the same score and a later passage
  const worse = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && ia > ib);
  const swap = (i: number, j: number) => {
    const id = heapIds[i]!;
    const score = heapScores[i]!;
    heapIds[i] = heapIds[j]!;
    heapScores[i] = heapScores[j]!;
    heapIds[j] = id;
    heapScores[j] = score;
  };
  let floor = Infinity;
  for (let n = 0; n < count; n++) {
    const id = ids[n]!;
    const raw = scores[id]!;
    scores[id] = 0;
    const score = boost === undefined ? raw : raw * boost[id]!;
    if (!(score > 0)) continue;
    if (size < k) {
      heapIds[size] = id;
      heapScores[size] = score;
      for (let i = size++; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(heapScores[i]!, heapIds[i]!, heapScores[parent]!, heapIds[parent]!)) break;
        swap(i, parent);
        i = parent;
      }
      if (size === k) floor = heapScores[0]!;
    } else if (score >= floor && worse(heapScores[0]!, heapIds[0]!, score, id)) {
      heapIds[0] = id;
      heapScores[0] = score;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < size && worse(heapScores[l]!, heapIds[l]!, heapScores[m]!, heapIds[m]!)) m = l;
        if (r < size && worse(heapScores[r]!, heapIds[r]!, heapScores[m]!, heapIds[m]!)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
      floor = heapScores[0]!;
    }
  }
  const out: ScoredId[] = [];
  for (let i = 0; i < size; i++) out.push({ id: heapIds[i]!, score: heapScores[i]! });
  return out.sort((a, b) => b.score - a.score || a.id - b.id);
}

/** The k best of two lists, each best first (score desc, id asc), in the same order. */
export function mergeTop(a: readonly ScoredId[], b: readonly ScoredId[], k: number): ScoredId[] {
  const out: ScoredId[] = [];
  let i = 0;
  let j = 0;
  while (out.length < k && (i < a.length || j < b.length)) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && (x.score > y.score || (x.score === y.score && x.id < y.id)))) {
      out.push(x!);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}
