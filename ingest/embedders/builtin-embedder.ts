// The built-in embedder: latent semantic analysis learned from the corpus at ingest, so that
// semantic search works with no downloaded model.
//
// Features are the tokenizer's words plus CJK character bigrams, weighted by sublinear tf-idf;
// passages x features is factored by a seeded randomized SVD (sparse products only, so 60,000
// passages fit in memory); a text's vector is its tf-idf vector projected onto the top right
// singular vectors, L2-normalized. Passages and queries are embedded the same way, so a query
// needs no special treatment and the same corpus always gives the same vectors.
import { createHash } from 'node:crypto';
import { bigramCode, cjkBigramCodes, cjkBigrams, isCachingTokenizer } from '../chinese-tokenizer.ts';
import type { Embedder, EmbedderInfo, Tokenizer } from '../types.ts';

export interface BuiltinEmbedderOptions {
  /** Upper bound on dimensions; the model uses min(maxDims, passages - 1, features). */
  maxDims: number;
  /** Features in fewer passages than this are dropped (they only describe their own passage). */
  minDf: number;
  /** The most features kept, by document frequency. */
  maxFeatures: number;
  /** tf-idf weight of a bigram feature relative to a word feature. */
  bigramWeight: number;
  /** Vector = S^(p - 1) V^T x: p = 1 is the U·S row for a passage, p = 0 the U row. */
  singularValuePower: number;
  /**
   * The model is learned from at most this many passages, taken evenly across the corpus, so
   * its cost stops growing with the corpus; every passage is still embedded.
   */
  maxTrainingPassages: number;
  /** Randomized SVD: extra sample columns and power iterations. */
  oversample: number;
  powerIterations: number;
  seed: number;
}

// Measured with 49 labelled queries (15 of them paraphrases) on two cuts of the seed corpus
// (237 and 712 passages); nDCG@10 on the 712:
//   dims 256 / 192 / 128: 0.856 / 0.781 / 0.756 (more dimensions kept winning up to the cap);
//   minDf 1 / 2: 0.856 / 0.827 (one-passage terms help; the 50,000-feature cap drops them anyway
//   once the corpus is large); bigram weight 1 / 0.5 / 0: 0.856 / 0.839 / 0.792;
//   p = 0, 0.5, 1 and 1 to 6 power iterations: within seed noise (±0.01) of each other.
// On the laws (63,824 passages; npm run eval, MRR@10 of vector / hybrid, training seconds):
//   20,000 passages, 2 power iterations: 0.164 / 0.469, 63 s; 10,000 and 1: 0.175 / 0.471, 24 s;
//   10,000 and 1 at 128 dimensions: 0.139 / 0.468, 10 s (hybrid below keyword's 0.470: kept 256).
export const DEFAULT_BUILTIN_OPTIONS: BuiltinEmbedderOptions = {
  maxDims: 256,
  minDf: 1,
  maxFeatures: 50_000,
  bigramWeight: 1,
  singularValuePower: 0.5,
  maxTrainingPassages: 10_000,
  oversample: 16,
  powerIterations: 1,
  seed: 20_240_601,
};

const FORMAT = 'builtin-lsa-v1';

export interface BuiltinEmbedderJSON {
  format: typeof FORMAT;
  info: EmbedderInfo;
  options: BuiltinEmbedderOptions;
  /** Features: words first, then bigrams; feature i has idf[i] and projection row i. */
  words: string[];
  bigrams: string[];
  /** Base64 of little-endian Float32 arrays. */
  idf: string;
  singularValues: string;
  /**
   * V S^(p-1), features x dims row-major, quantized per row: value = int8 * rowScale[row].
   * Base64 of an Int8Array; rowScale is base64 Float32.
   */
  projection: string;
  rowScale: string;
}

interface BuiltinFileHead {
  format: typeof FORMAT;
  info: EmbedderInfo;
  options: BuiltinEmbedderOptions;
  words: string[];
  bigrams: string[];
  features: number;
}

const FILE_MAGIC = Buffer.from('PCSBLT01');
const align4 = (n: number) => (n + 3) & ~3;

/** builtin-embedder.bin's parts (BuiltinEmbedder.toFile), as views of its bytes where they are aligned. */
function readBuiltinFile(bytes: Uint8Array): {
  head: BuiltinFileHead;
  idf: Float32Array;
  singularValues: Float32Array;
  rowScale: Float32Array;
  projection: Int8Array;
} {
  const inconsistent = () => new Error('Built-in embedder file is inconsistent (vocabulary, idf and projection sizes differ).');
  if (bytes.length < FILE_MAGIC.length + 4 || !FILE_MAGIC.equals(bytes.subarray(0, FILE_MAGIC.length))) {
    throw new Error('not a built-in embedder file. Run ingest again.');
  }
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(FILE_MAGIC.length, true);
  const headEnd = FILE_MAGIC.length + 4 + headLength;
  if (headEnd > bytes.length) throw inconsistent();
  const head = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + FILE_MAGIC.length + 4, headLength).toString('utf8')) as BuiltinFileHead;
  if (head.format !== FORMAT) {
    throw new Error(`Built-in embedder format is ${String(head.format)}; this build reads ${FORMAT}. Run ingest again.`);
  }
  const features = head.words.length + head.bigrams.length;
  const dims = head.info.dims;
  if (head.features !== features || bytes.length !== align4(headEnd) + 4 * (2 * features + dims) + features * dims) throw inconsistent();
  // a Float32Array over the file's own memory needs its offset aligned: otherwise copied
  const base = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  let at = base.byteOffset + align4(headEnd);
  const floats = (n: number) => {
    const view = new Float32Array(base.buffer, at, n);
    at += 4 * n;
    return view;
  };
  const idf = floats(features);
  const singularValues = floats(dims);
  const rowScale = floats(features);
  const projection = new Int8Array(base.buffer, at, features * dims);
  return { head, idf, singularValues, rowScale, projection };
}

/** builtin-embedder.bin as the JSON form (what the PostgreSQL backend stores in its meta table). */
export function builtinFileToJSON(bytes: Uint8Array): BuiltinEmbedderJSON {
  const { head, idf, singularValues, rowScale, projection } = readBuiltinFile(bytes);
  return {
    format: head.format,
    info: head.info,
    options: head.options,
    words: head.words,
    bigrams: head.bigrams,
    idf: toBase64(idf),
    singularValues: toBase64(singularValues),
    projection: Buffer.from(projection.buffer, projection.byteOffset, projection.byteLength).toString('base64'),
    rowScale: toBase64(rowScale),
  };
}

function toBase64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromBase64(s: string): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/**
 * Per-row int8 quantization of the projection: a quarter of the Float32 size, and the rankings
 * on the labelled queries did not change. Training keeps the quantized model too, so vectors
 * made at ingest and after loading are identical.
 */
function quantizeRows(x: Float64Array, rows: number, cols: number): { values: Int8Array; rowScale: Float32Array } {
  const values = new Int8Array(rows * cols);
  const rowScale = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(x[r * cols + c]!));
    const scale = (rowScale[r] = max / 127);
    if (scale === 0) continue;
    for (let c = 0; c < cols; c++) values[r * cols + c] = Math.round(x[r * cols + c]! / rowScale[r]!);
  }
  return { values, rowScale };
}

/** mulberry32 with Box-Muller: a small, seeded Gaussian source. */
function gaussianSource(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Compressed sparse rows: passages x features. */
interface Csr {
  rows: number;
  cols: number;
  rowStart: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/** A · X, X cols x l row-major, result rows x l row-major. */
function multiply(a: Csr, x: Float64Array, l: number): Float64Array {
  const y = new Float64Array(a.rows * l);
  for (let i = 0; i < a.rows; i++) {
    const yo = i * l;
    for (let p = a.rowStart[i]!; p < a.rowStart[i + 1]!; p++) {
      const v = a.val[p]!;
      const xo = a.col[p]! * l;
      for (let c = 0; c < l; c++) y[yo + c]! += v * x[xo + c]!;
    }
  }
  return y;
}

/** Aᵀ · Y, Y rows x l row-major, result cols x l row-major. */
function multiplyTransposed(a: Csr, y: Float64Array, l: number): Float64Array {
  const z = new Float64Array(a.cols * l);
  for (let i = 0; i < a.rows; i++) {
    const yo = i * l;
    for (let p = a.rowStart[i]!; p < a.rowStart[i + 1]!; p++) {
      const v = a.val[p]!;
      const zo = a.col[p]! * l;
      for (let c = 0; c < l; c++) z[zo + c]! += v * y[yo + c]!;
    }
  }
  return z;
}

/**
 * Orthonormal columns spanning those of M (rows x l, row-major), in place: M V Λ^(-1/2) from the
 * eigen-decomposition Mᵀ M = V Λ Vᵀ. Row by row, so the passes run along memory; about a third of
 * the arithmetic of Gram-Schmidt done twice and several times faster here. It squares the
 * condition number, so a direction below ~1e-7 of the largest is dropped (a zero column), as one
 * that carries no new direction: the subspace, not the last digits, is what LSA needs.
 */
function orthonormalize(m: Float64Array, rows: number, l: number): void {
  const gram = new Float64Array(l * l);
  for (let r = 0; r < rows; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      const x = m[o + i]!;
      if (x === 0) continue;
      const g = i * l;
      for (let j = i; j < l; j++) gram[g + j]! += x * m[o + j]!;
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) gram[i * l + j] = gram[j * l + i]!;
  const { values, vectors } = symmetricEigen(gram, l);
  const top = Math.max(values[0]!, 0);
  const w = new Float64Array(l * l);
  for (let c = 0; c < l; c++) {
    const scale = values[c]! > 1e-14 * top && values[c]! > 0 ? 1 / Math.sqrt(values[c]!) : 0;
    for (let i = 0; i < l; i++) w[i * l + c] = vectors[i * l + c]! * scale;
  }
  const row = new Float64Array(l);
  for (let r = 0; r < rows; r++) {
    const o = r * l;
    row.fill(0);
    for (let i = 0; i < l; i++) {
      const x = m[o + i]!;
      if (x === 0) continue;
      const wo = i * l;
      for (let c = 0; c < l; c++) row[c]! += x * w[wo + c]!;
    }
    m.set(row, o);
  }
}

/**
 * Eigen-decomposition of a symmetric n x n matrix, eigenvalues descending; column j of
 * `vectors` (row-major) is eigenvector j. Householder reduction to tridiagonal form, then the
 * implicit QL method (tred2 and tql2 of EISPACK, as in JAMA).
 */
function symmetricEigen(input: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const v = Float64Array.from(input);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) d[j] = v[(n - 1) * n + j]!;

  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = v[(i - 1) * n + j]!;
        v[i * n + j] = 0;
        v[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        v[j * n + i] = f;
        g = e[j]! + v[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k * n + j]! * d[k]!;
          e[k]! += v[k * n + j]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) v[k * n + j]! -= f * e[k]! + g * d[k]!;
        d[j] = v[(i - 1) * n + j]!;
        v[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    v[(n - 1) * n + i] = v[i * n + i]!;
    v[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k * n + i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[k * n + i + 1]! * v[k * n + j]!;
        for (let k = 0; k <= i; k++) v[k * n + j]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) v[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[(n - 1) * n + j]!;
    v[(n - 1) * n + j] = 0;
  }
  v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;

  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      for (let iter = 0; iter < 100 && Math.abs(e[l]!) > eps * tst1; iter++) {
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          for (let k = 0; k < n; k++) {
            h = v[k * n + i + 1]!;
            v[k * n + i + 1] = s * v[k * n + i]! + c * h;
            v[k * n + i] = c * v[k * n + i]! - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      }
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[j]! - d[i]! || i - j);
  const values = Float64Array.from(order, (i) => d[i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    for (let k = 0; k < n; k++) vectors[k * n + to] = v[k * n + from]!;
  });
  return { values, vectors };
}

/** At most `max` items, evenly spaced (the first always in): the same corpus gives the same sample. */
export function evenSample<T>(items: readonly T[], max: number): T[] {
  if (!(max > 0) || items.length <= max) return [...items];
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]!);
}

function countFeatures(text: string, tokenizer: Tokenizer): { words: Map<string, number>; bigrams: Map<string, number> } {
  const words = new Map<string, number>();
  for (const w of tokenizer.tokenize(text)) words.set(w, (words.get(w) ?? 0) + 1);
  const bigrams = new Map<string, number>();
  for (const b of cjkBigrams(text)) bigrams.set(b, (bigrams.get(b) ?? 0) + 1);
  return { words, bigrams };
}

/**
 * The training passages' tf-idf matrix (rows L2-normalized) and its features. A function of its
 * own so the per-passage counts are garbage once it returns (on the laws, hundreds of MB).
 */
function termMatrix(
  texts: readonly string[],
  tokenizer: Tokenizer,
  options: BuiltinEmbedderOptions,
): { a: Csr; words: string[]; bigrams: string[]; idf: Float32Array } {
  const n = texts.length;
  const counted = texts.map((t) => countFeatures(t, tokenizer));

  // Vocabulary: by document frequency, ties by kind then text, so the same corpus gives the same order.
  const df = new Map<string, number>(); // key: 'w' + word or 'b' + bigram
  for (const { words, bigrams } of counted) {
    for (const w of words.keys()) df.set('w' + w, (df.get('w' + w) ?? 0) + 1);
    for (const b of bigrams.keys()) df.set('b' + b, (df.get('b' + b) ?? 0) + 1);
  }
  const kept = [...df]
    .filter(([, d]) => d >= options.minDf)
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
    .slice(0, options.maxFeatures)
    .map(([key]) => key)
    .sort();
  const words = kept.filter((k) => k.startsWith('w')).map((k) => k.slice(1));
  const bigrams = kept.filter((k) => k.startsWith('b')).map((k) => k.slice(1));
  const m = words.length + bigrams.length;
  if (m === 0 || n < 2) {
    throw new Error(`The built-in embedder needs at least 2 passages sharing a term; got ${n} passages, ${m} shared terms.`);
  }
  const idf = new Float32Array(m);
  words.forEach((w, i) => (idf[i] = Math.log((1 + n) / (1 + df.get('w' + w)!)) + 1));
  bigrams.forEach((b, i) => (idf[words.length + i] = Math.log((1 + n) / (1 + df.get('b' + b)!)) + 1));

  // tf-idf rows, L2-normalized so long passages do not dominate the factorization.
  const wordIds = new Map(words.map((w, i) => [w, i]));
  const bigramIds = new Map(bigrams.map((b, i) => [b, words.length + i]));
  const rowStart = new Int32Array(n + 1);
  const colList: number[] = [];
  const valList: number[] = [];
  counted.forEach(({ words: wc, bigrams: bc }, row) => {
    const entries: [number, number][] = [];
    for (const [w, tf] of wc) {
      const id = wordIds.get(w);
      if (id !== undefined) entries.push([id, (1 + Math.log(tf)) * idf[id]!]);
    }
    for (const [b, tf] of bc) {
      const id = bigramIds.get(b);
      if (id !== undefined) entries.push([id, (1 + Math.log(tf)) * idf[id]! * options.bigramWeight]);
    }
    let norm = 0;
    for (const [, v] of entries) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    entries.sort((x, y) => x[0] - y[0]);
    for (const [id, v] of entries) {
      colList.push(id);
      valList.push(v / norm);
    }
    rowStart[row + 1] = colList.length;
  });
  const a: Csr = { rows: n, cols: m, rowStart, col: Int32Array.from(colList), val: Float64Array.from(valList) };
  return { a, words, bigrams, idf };
}

/** A · Ω for a seeded Gaussian Ω (features x l), which is garbage once this returns (m x l doubles: 109 MB on the laws). */
function rangeSample(a: Csr, l: number, seed: number): Float64Array {
  const gaussian = gaussianSource(seed);
  const omega = new Float64Array(a.cols * l);
  for (let i = 0; i < omega.length; i++) omega[i] = gaussian();
  return multiply(a, omega, l);
}

/** Qᵀ A Aᵀ Q (l x l, symmetric), with A Aᵀ Q a temporary of this function. */
function projectedGram(a: Csr, basis: Float64Array, l: number): Float64Array {
  const n = a.rows;
  const aat = multiply(a, multiplyTransposed(a, basis, l), l); // n x l
  const gram = new Float64Array(l * l);
  for (let r = 0; r < n; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      const x = basis[o + i]!;
      if (x === 0) continue;
      for (let j = 0; j < l; j++) gram[i * l + j]! += x * aat[o + j]!;
    }
  }
  for (let i = 0; i < l; i++) {
    for (let j = 0; j < i; j++) gram[i * l + j] = gram[j * l + i] = (gram[i * l + j]! + gram[j * l + i]!) / 2;
  }
  return gram;
}

export class BuiltinEmbedder implements Embedder {
  readonly info: EmbedderInfo;
  private readonly wordIds: Map<string, number>;
  /** A bigram's code (bigramCode) -> its feature id. */
  private readonly bigramIds: Map<number, number>;
  /** A caching tokenizer's term id -> feature id (-1: none), filled as terms are met. */
  private featureOfTerm = new Int32Array(0);
  private termsMapped = 0;
  private mappedList: readonly string[] | null = null;
  /** Per-feature counts of the text being embedded (zero between texts), and the features it holds, first seen first. */
  private readonly counts: Int32Array;
  private readonly seen: number[] = [];
  /** Each feature's idf × its kind's weight × its projection row's scale: a row's int8 values times this are what embedding adds. */
  private readonly rowWeight: Float32Array;

  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly options: BuiltinEmbedderOptions,
    private readonly words: string[],
    private readonly bigrams: string[],
    private readonly idf: Float32Array,
    private readonly singularValues: Float32Array,
    private readonly projection: Int8Array,
    private readonly rowScale: Float32Array,
  ) {
    const dims = singularValues.length;
    this.info = { id: FORMAT, kind: 'builtin', dims };
    this.wordIds = new Map(words.map((w, i) => [w, i]));
    this.bigramIds = new Map(bigrams.map((b, i) => [bigramCode(b), words.length + i]));
    this.counts = new Int32Array(words.length + bigrams.length);
    // (the rows stay int8: a float copy of them would be 4 times the model, in every server)
    this.rowWeight = new Float32Array(idf.length);
    for (let f = 0; f < idf.length; f++) this.rowWeight[f] = idf[f]! * (f < words.length ? 1 : options.bigramWeight) * rowScale[f]!;
  }

  static train(allTexts: string[], tokenizer: Tokenizer, opts: Partial<BuiltinEmbedderOptions> = {}): BuiltinEmbedder {
    const options = { ...DEFAULT_BUILTIN_OPTIONS, ...opts };
    const texts = evenSample(allTexts, options.maxTrainingPassages);
    const n = texts.length;
    const { a, words, bigrams, idf } = termMatrix(texts, tokenizer, options);
    const m = a.cols;

    // Randomized SVD (Halko, Martinsson & Tropp 2011, algorithms 4.4 and 5.1).
    const dims = Math.max(1, Math.min(options.maxDims, n - 1, m));
    const l = Math.min(dims + options.oversample, n, m);
    let basis = rangeSample(a, l, options.seed);
    orthonormalize(basis, n, l);
    // Power iterations sharpen the subspace; re-orthonormalizing once per round trip (not after
    // Aᵀ as well) loses only directions below ~1e-8 of the largest, and halves the work.
    for (let it = 0; it < options.powerIterations; it++) {
      basis = multiply(a, multiplyTransposed(a, basis, l), l);
      orthonormalize(basis, n, l);
    }
    // The SVD of B = Qᵀ A from the eigen-decomposition of B Bᵀ = Qᵀ A Aᵀ Q (l x l), taken on the
    // passage side: sparse products and passages x l dense work only.
    const { values, vectors } = symmetricEigen(projectedGram(a, basis, l), l);

    const singularValues = new Float32Array(dims);
    const scale = new Float64Array(dims);
    const top = Math.sqrt(Math.max(values[0]!, 0));
    for (let d = 0; d < dims; d++) {
      const sigma = Math.sqrt(Math.max(values[d]!, 0));
      singularValues[d] = sigma;
      // Directions with no energy (a corpus of near-duplicates) are kept as zeros.
      scale[d] = sigma > 1e-9 * top ? sigma ** (options.singularValuePower - 2) : 0;
    }
    // U = Q W; the projection stores V Σ^(p-1) = Aᵀ U Σ^(p-2).
    const u = new Float64Array(n * dims);
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < l; i++) {
        const x = basis[r * l + i]!;
        if (x === 0) continue;
        for (let d = 0; d < dims; d++) u[r * dims + d]! += x * vectors[i * l + d]!;
      }
    }
    const v = multiplyTransposed(a, u, dims);
    for (let d = 0; d < dims; d++) {
      // Each direction's sign: largest component positive (cosmetic; cosine does not care).
      let best = 0;
      for (let f = 0; f < m; f++) if (Math.abs(v[f * dims + d]!) > Math.abs(best)) best = v[f * dims + d]!;
      const k = best < 0 ? -scale[d]! : scale[d]!;
      for (let f = 0; f < m; f++) v[f * dims + d]! *= k;
    }
    const { values: projection, rowScale } = quantizeRows(v, m, dims);
    return new BuiltinEmbedder(tokenizer, options, words, bigrams, idf, singularValues, projection, rowScale);
  }

  /**
   * Unit vector; all zeros when the text has no feature the model knows. Features are counted by
   * id (a build's term ids, bigram codes): no string or map per text, the embedder's largest cost
   * otherwise. Words are added first, then bigrams, each first seen first.
   */
  private embed(text: string): Float32Array {
    const tokenizer = this.tokenizer;
    if (isCachingTokenizer(tokenizer)) return this.embedTokens(text, tokenizer.tokenIds(text), tokenizer.termList());
    const { seen } = this;
    seen.length = 0;
    for (const w of tokenizer.tokenize(text)) this.count(this.wordIds.get(w) ?? -1);
    return this.project(text);
  }

  /**
   * The text's vector from tokens made elsewhere: `ids` index `terms`, as a caching tokenizer's
   * tokenIds() and termList() give them (the build's second thread embeds this way). Keep passing
   * the same `terms` array, grown in place: its words are looked up once.
   */
  embedTokens(text: string, ids: Int32Array, terms: readonly string[]): Float32Array {
    this.seen.length = 0;
    if (terms !== this.mappedList) {
      // another list: the tokenizer was cleared
      this.mappedList = terms;
      this.termsMapped = 0;
    }
    if (terms.length > this.termsMapped) {
      if (terms.length > this.featureOfTerm.length) {
        const grown = new Int32Array(Math.max(terms.length, this.featureOfTerm.length * 2));
        grown.set(this.featureOfTerm.subarray(0, this.termsMapped));
        this.featureOfTerm = grown;
      }
      for (let t = this.termsMapped; t < terms.length; t++) this.featureOfTerm[t] = this.wordIds.get(terms[t]!) ?? -1;
      this.termsMapped = terms.length;
    }
    for (let i = 0; i < ids.length; i++) this.count(this.featureOfTerm[ids[i]!]!);
    return this.project(text);
  }

  private count(feature: number): void {
    if (feature < 0) return;
    if (this.counts[feature] === 0) this.seen.push(feature);
    this.counts[feature]!++;
  }

  /** The words counted, then the text's bigrams: their weighted projection rows summed, unit length. */
  private project(text: string): Float32Array {
    const dims = this.info.dims;
    const { counts, seen } = this;
    for (const code of cjkBigramCodes(text)) this.count(this.bigramIds.get(code) ?? -1);
    const acc = new Float64Array(dims);
    const projection = this.projection;
    for (const feature of seen) {
      const w = (1 + Math.log(counts[feature]!)) * this.rowWeight[feature]!;
      counts[feature] = 0;
      const o = feature * dims;
      for (let d = 0; d < dims; d++) acc[d]! += w * projection[o + d]!;
    }
    let norm = 0;
    for (const x of acc) norm += x * x;
    const out = new Float32Array(dims);
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let d = 0; d < dims; d++) out[d] = acc[d]! * inv;
    }
    return out;
  }

  async embedPassages(texts: string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (const text of texts) {
      out.push(this.embed(text));
      if (onProgress !== undefined && (out.length % 256 === 0 || out.length === texts.length)) {
        onProgress(out.length, texts.length);
      }
    }
    return out;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return this.embed(text);
  }

  async fingerprint(): Promise<string> {
    const hash = createHash('sha1').update(JSON.stringify(this.options));
    for (const part of [this.idf, this.singularValues, this.projection, this.rowScale]) {
      hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    }
    return hash.update(this.words.join('\n')).update(this.bigrams.join('\n')).digest('hex').slice(0, 16);
  }

  toJSON(): BuiltinEmbedderJSON {
    return {
      format: FORMAT,
      info: this.info,
      options: this.options,
      words: this.words,
      bigrams: this.bigrams,
      idf: toBase64(this.idf),
      singularValues: toBase64(this.singularValues),
      projection: Buffer.from(this.projection.buffer, this.projection.byteOffset, this.projection.byteLength).toString('base64'),
      rowScale: toBase64(this.rowScale),
    };
  }

  /**
   * The model as the index stores it (builtin-embedder.bin): its vocabulary and settings as JSON,
   * then its arrays as they are in memory. Loading takes views of the file's bytes: nothing to
   * decompress, decode or copy (as base64 JSON, a third of a second of every start on the laws).
   */
  toFile(): Uint8Array {
    const head = Buffer.from(
      JSON.stringify({
        format: FORMAT,
        info: this.info,
        options: this.options,
        words: this.words,
        bigrams: this.bigrams,
        features: this.words.length + this.bigrams.length,
      } satisfies BuiltinFileHead),
    );
    const parts = [this.idf, this.singularValues, this.rowScale, this.projection];
    const start = align4(FILE_MAGIC.length + 4 + head.length);
    const out = new Uint8Array(start + parts.reduce((n, p) => n + p.byteLength, 0));
    out.set(FILE_MAGIC, 0);
    new DataView(out.buffer).setUint32(FILE_MAGIC.length, head.length, true);
    out.set(head, FILE_MAGIC.length + 4);
    let at = start;
    for (const p of parts) {
      out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
      at += p.byteLength;
    }
    return out;
  }

  static fromFile(bytes: Uint8Array, tokenizer: Tokenizer): BuiltinEmbedder {
    const { head, idf, singularValues, rowScale, projection } = readBuiltinFile(bytes);
    return new BuiltinEmbedder(tokenizer, head.options, head.words, head.bigrams, idf, singularValues, projection, rowScale);
  }

  static fromJSON(json: BuiltinEmbedderJSON, tokenizer: Tokenizer): BuiltinEmbedder {
    if (json.format !== FORMAT) {
      throw new Error(`Built-in embedder format is ${String(json.format)}; this build reads ${FORMAT}. Run ingest again.`);
    }
    const idf = fromBase64(json.idf);
    const singularValues = fromBase64(json.singularValues);
    const projection = Int8Array.from(Buffer.from(json.projection, 'base64'));
    const rowScale = fromBase64(json.rowScale);
    const features = json.words.length + json.bigrams.length;
    if (
      idf.length !== features ||
      rowScale.length !== features ||
      projection.length !== features * singularValues.length ||
      singularValues.length !== json.info.dims
    ) {
      throw new Error('Built-in embedder file is inconsistent (vocabulary, idf and projection sizes differ).');
    }
    return new BuiltinEmbedder(tokenizer, json.options, json.words, json.bigrams, idf, singularValues, projection, rowScale);
  }
}
