// Which of the first few results of one law comes first. Articles of one law that a question
// matches are often alike (第一千一百九十九条 and 第一千二百零一条 on school injuries, 第四百三十二条 and
// 第四百三十四条 on pledges), and the fused score, summing each word's BM25 and the priors, ranks
// them within a few percent of each other. Answered questions show what tells the cited one from
// its neighbour: it holds more of the question's rarer words and bigrams (a "soft AND" where BM25
// sums), it is the shorter, and the answers to similar questions cite it. A logistic model over
// those differences, learned from answered questions (`npm run learn:expansions`, from each
// question's first results searched with the tables learned without it), puts one of the next
// `depth − 1` results of the first result's law first when it is more likely the cited one than
// not. Hybrid mode only (keyword mode is the keyword leg's order); a result that leads because the
// query names it stays first. docs/SEARCH.md has the measurements, cross-validated.
import shipped from './learned-first-place.json' with { type: 'json' };

export const FIRST_PLACE = {
  /** The first result and the next depth − 1 of its law are weighed. */
  depth: 5,
  /** One of them comes first when the model gives it more than this probability of being the cited one. */
  threshold: 0.5,
};

/** The features of a pair (the first result, another), in the model's order. */
export const FIRST_PLACE_FEATURES = ['scoreRatio', 'rank', 'wordCover', 'bigramCover', 'logLength', 'similarQuestions'] as const;

export interface FirstPlaceModel {
  about: string;
  source: { questions: string; count: number; pairs: number; learnedAt: string };
  features: string[];
  /** Each feature is standardized ((x − mean) / scale) before the weights apply. */
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

/** A result as the model reads it. */
export interface Contender {
  score: number;
  /** Its text, normalized as query terms are (normalizeForTokens), whitespace removed. */
  text: string;
  /** The summed similarity to the query of the answered questions that cite it (similarArticles), 0 when none does. */
  similar: number;
}

/** A query's words and bigrams with their idf. */
export interface WeightedTerm {
  term: string;
  weight: number;
  bigram: boolean;
}

/** The share of the query's idf weight (words of two characters or more, or bigrams) that a text holds. */
function cover(terms: readonly WeightedTerm[], text: string, bigram: boolean): number {
  let held = 0;
  let total = 0;
  for (const t of terms) {
    if (t.bigram !== bigram || (!bigram && [...t.term].length < 2)) continue;
    total += t.weight;
    if (text.includes(t.term)) held += t.weight;
  }
  return total > 0 ? held / total : 0;
}

/** The other result against the first, at 1-based rank `rank`: FIRST_PLACE_FEATURES. */
export function pairFeatures(terms: readonly WeightedTerm[], first: Contender, other: Contender, rank: number): number[] {
  return [
    first.score > 0 ? other.score / first.score : 0,
    rank,
    cover(terms, other.text, false) - cover(terms, first.text, false),
    cover(terms, other.text, true) - cover(terms, first.text, true),
    Math.log(Math.max(1, other.text.length) / Math.max(1, first.text.length)),
    other.similar - first.similar,
  ];
}

let model: FirstPlaceModel | null | undefined;

/** A pair as search weighed it: the clause ids of the first result and the other, and the features. */
export interface ObservedPair {
  first: string;
  other: string;
  rank: number;
  features: number[];
}
let observer: ((pair: ObservedPair) => void) | null = null;

/** Tells `fn` every pair search weighs (null: no one), so that answered questions can teach the model. */
export function observeFirstPlace(fn: ((pair: ObservedPair) => void) | null): void {
  observer = fn;
}

/** Who is told the pairs search weighs, if anyone. */
export function firstPlaceObserver(): ((pair: ObservedPair) => void) | null {
  return observer;
}

/** Replaces the model in use (null: none; undefined: the shipped one again), for cross-validation and learning. */
export function useFirstPlaceModel(next: FirstPlaceModel | null | undefined): void {
  model = next;
}

function current(): FirstPlaceModel | null {
  // the shipped model (learned-first-place.json) is part of the server's code, bundled with it
  if (model === undefined) model = shipped as FirstPlaceModel;
  return model !== null && model.weights.length === FIRST_PLACE_FEATURES.length ? model : null;
}

/** Whether a model is in use (a search weighs no pair without one, unless told to observe). */
export function hasFirstPlaceModel(): boolean {
  return current() !== null;
}

/** The probability that the other result is the cited one and not the first. */
function probability(m: FirstPlaceModel, x: readonly number[]): number {
  let z = m.bias;
  for (let j = 0; j < x.length; j++) z += (m.weights[j]! * (x[j]! - m.mean[j]!)) / m.scale[j]!;
  return 1 / (1 + Math.exp(-z));
}

/**
 * Which of `others` (the next results of the first's law, with their 1-based ranks) comes first:
 * its index, or -1 when the first stays. `observe` is told every pair's features (for learning).
 */
export function chooseFirst(
  terms: readonly WeightedTerm[],
  first: Contender,
  others: readonly { contender: Contender; rank: number }[],
  observe?: (features: number[], other: number) => void,
): number {
  const m = current();
  let best = -1;
  let bestP = FIRST_PLACE.threshold;
  others.forEach(({ contender, rank }, i) => {
    const x = pairFeatures(terms, first, contender, rank);
    observe?.(x, i);
    if (m === null) return;
    const p = probability(m, x);
    if (p > bestP) {
      best = i;
      bestP = p;
    }
  });
  return best;
}

/**
 * Fits the model to pairs whose one result is cited and the other not (otherCited: the label):
 * logistic regression on standardized features, L2 (weight `ridge`), by gradient descent.
 */
export function fitFirstPlace(pairs: readonly { features: readonly number[]; otherCited: boolean }[], ridge = 1, steps = 2000): Pick<FirstPlaceModel, 'features' | 'mean' | 'scale' | 'weights' | 'bias'> {
  const d = FIRST_PLACE_FEATURES.length;
  const n = pairs.length;
  // nothing to learn from: no model (the first result stays first)
  if (n === 0 || pairs.every((p) => p.otherCited === pairs[0]!.otherCited)) return { features: [...FIRST_PLACE_FEATURES], mean: [], scale: [], weights: [], bias: 0 };
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const p of pairs) for (let j = 0; j < d; j++) mean[j]! += p.features[j]! / Math.max(1, n);
  for (const p of pairs) for (let j = 0; j < d; j++) scale[j]! += (p.features[j]! - mean[j]!) ** 2 / Math.max(1, n);
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
  const x = pairs.map((p) => p.features.map((v, j) => (v - mean[j]!) / scale[j]!));
  const weights = new Array<number>(d).fill(0);
  let bias = 0;
  {
    const rate = 0.5;
    for (let step = 0; step < steps; step++) {
      const grad = weights.map((w) => (ridge * w) / n);
      let gradBias = 0;
      for (let i = 0; i < n; i++) {
        let z = bias;
        for (let j = 0; j < d; j++) z += weights[j]! * x[i]![j]!;
        const e = 1 / (1 + Math.exp(-z)) - (pairs[i]!.otherCited ? 1 : 0);
        for (let j = 0; j < d; j++) grad[j]! += (e * x[i]![j]!) / n;
        gradBias += e / n;
      }
      for (let j = 0; j < d; j++) weights[j]! -= rate * grad[j]!;
      bias -= rate * gradBias;
    }
  }
  return { features: [...FIRST_PLACE_FEATURES], mean, scale, weights, bias };
}
