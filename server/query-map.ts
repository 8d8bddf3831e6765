// Questions in people's words, moved toward the articles that answer them, in the built-in
// embedder's space. The built-in embedder (latent semantic analysis of the corpus) places a text by
// the corpus's own words, and people do not ask in those: "老婆出轨离婚能多分财产吗" lands among
// texts about 出轨 and 财产, not near 第一千零八十七条 on dividing common property. Answered
// questions show where their answers lie: from each question's vector x and each of its cited
// articles' vectors y, a linear map M is learned by ridge regression toward the identity,
//   M = argmin Σ |M x − y|² + ridge × |M − I|²,
// and a query's vector is M x, scaled to unit length. The ridge keeps M near the identity where the
// questions say little (a query unlike any answered one keeps nearly its own vector). Learned from
// the table of answered questions (similar-questions.ts) over the index's own embedder, at first
// use; a corpus none of whose articles the table cites gets no map. A query that is one of the
// table's own questions is moved by the map learned without it, as similar-questions.ts does not
// count a question as its own neighbour (its own answer is not repeated to it): with A and B the
// sums below, M without (x, its n articles summing to s) is (A − n x xᵀ)⁻¹ (B − x sᵀ), and
// xᵀ times it is proportional to uᵀB − (uᵀx) sᵀ with u = A⁻¹x (Sherman–Morrison), which is
// xᵀMᵀ − (xᵀA⁻¹x) sᵀ: the map's own product and a number learned with the question. docs/SEARCH.md
// has the measurements (held out: questions the map was not learned from).
import type { Embedder } from '../ingest/types.ts';
import { turnTaker } from './event-loop.ts';

export const QUERY_MAP = {
  /** Whether the built-in embedder's query is mapped (off: the query's own vector, as with no answered questions). */
  use: true,
  /** Weight of |M − I|² against the questions' squared errors (each vector has unit length). */
  ridge: 2,
};

export interface QueryMap {
  dims: number;
  /** Mᵀ = A⁻¹B, dims × dims row-major: the mapped vector is xᵀ Mᵀ (A = ridge I + Σ n x xᵀ, B = ridge I + Σ x sᵀ). Single precision: half the memory a query reads, the same results (docs/SEARCH.md). */
  transposed: Float32Array;
  /** Its own questions by the text embedded for them: s, the vectors of the articles they cite, summed, and xᵀA⁻¹x. */
  own: Map<string, { answers: Float64Array; spread: number }>;
  /** The (question, article) pairs it was learned from. */
  pairs: number;
}

/** An answered question: the text searched for it and the texts of the articles its answer cites. */
export interface AnsweredTexts {
  question: string;
  articles: readonly string[];
}

/**
 * Learns the map from answered questions, embedding each question as a query and each cited
 * article as a passage would be; null when no question has a cited article.
 */
export async function learnQueryMap(embedder: Pick<Embedder, 'info' | 'embedQuery'>, answered: readonly AnsweredTexts[], ridge: number = QUERY_MAP.ridge): Promise<QueryMap | null> {
  const dims = embedder.info.dims;
  // xxᵀ and xyᵀ summed, the ridge on their diagonals
  const xx = new Float64Array(dims * dims);
  const xy = new Float64Array(dims * dims);
  for (let i = 0; i < dims; i++) {
    xx[i * dims + i] = ridge;
    xy[i * dims + i] = ridge;
  }
  let pairs = 0;
  const own = new Map<string, { x: Float32Array; answers: Float64Array }>();
  // the server goes on answering while it learns
  const takeTurn = turnTaker();
  for (const { question, articles } of answered) {
    if (articles.length === 0) continue;
    await takeTurn();
    const x = await embedder.embedQuery(question);
    // Σ over its articles of x xᵀ and x yᵀ: n x xᵀ and x (Σ y)ᵀ
    const answers = new Float64Array(dims);
    for (const article of articles) {
      const y = await embedder.embedQuery(article);
      for (let j = 0; j < dims; j++) answers[j]! += y[j]!;
    }
    const n = articles.length;
    const same = own.get(question);
    if (same === undefined) own.set(question, { x, answers });
    else for (let j = 0; j < dims; j++) same.answers[j]! += answers[j]!;
    for (let i = 0; i < dims; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const row = i * dims;
      const nxi = n * xi;
      for (let j = 0; j < dims; j++) {
        xx[row + j]! += nxi * x[j]!;
        xy[row + j]! += xi * answers[j]!;
      }
    }
    pairs += n;
  }
  if (pairs === 0) return null;
  const l = cholesky(xx, dims);
  return {
    dims,
    transposed: Float32Array.from(solveCholesky(l, xy, dims)),
    own: new Map([...own].map(([question, { x, answers }]) => [question, { answers, spread: inverseSquare(l, x, dims) }])),
    pairs,
  };
}

/**
 * The query vector moved by the map, unit length (the vector itself when there is no map); text is
 * what was embedded for it: one of the map's own questions is moved by the map learned without it.
 */
export function mapQuery(map: QueryMap | null, x: Float32Array, text?: string): Float32Array {
  if (map === null || map.dims !== x.length) return x;
  const { dims } = map;
  const y = timesMatrix(x, map.transposed, dims);
  const self = text === undefined ? undefined : map.own.get(text);
  // one of its own questions: xᵀMᵀ − (xᵀA⁻¹x) sᵀ, the map learned without it (up to scale)
  if (self !== undefined) for (let j = 0; j < dims; j++) y[j]! -= self.spread * self.answers[j]!;
  let norm = 0;
  for (const v of y) norm += v * v;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) return x;
  const out = new Float32Array(dims);
  for (let j = 0; j < dims; j++) out[j] = y[j]! / norm;
  return out;
}

/** xᵀ M for a row-major dims × dims M. */
function timesMatrix(x: ArrayLike<number>, m: Float32Array, dims: number): Float64Array {
  const y = new Float64Array(dims);
  for (let i = 0; i < dims; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const row = i * dims;
    for (let j = 0; j < dims; j++) y[j]! += xi * m[row + j]!;
  }
  return y;
}

/** xᵀA⁻¹x from A's Cholesky factor L: |z|² where L z = x. */
function inverseSquare(l: Float64Array, x: ArrayLike<number>, n: number): number {
  const z = new Float64Array(n);
  let square = 0;
  for (let i = 0; i < n; i++) {
    let s = x[i]!;
    const row = i * n;
    for (let k = 0; k < i; k++) s -= l[row + k]! * z[k]!;
    z[i] = s / l[row + i]!;
    square += z[i]! * z[i]!;
  }
  return square;
}

/** L of A = L Lᵀ for a symmetric positive definite n × n A. */
function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! ** 2;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** A⁻¹ B from A's Cholesky factor L and an n × n B: L Z = B, then Lᵀ X = Z, row by row. */
function solveCholesky(l: Float64Array, b: Float64Array, n: number): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const f = l[i * n + k]!;
      if (f === 0) continue;
      for (let c = 0; c < n; c++) x[i * n + c]! -= f * x[k * n + c]!;
    }
    const d = l[i * n + i]!;
    for (let c = 0; c < n; c++) x[i * n + c]! /= d;
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const f = l[k * n + i]!;
      if (f === 0) continue;
      for (let c = 0; c < n; c++) x[i * n + c]! -= f * x[k * n + c]!;
    }
    const d = l[i * n + i]!;
    for (let c = 0; c < n; c++) x[i * n + c]! /= d;
  }
  return x;
}
