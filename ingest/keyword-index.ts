// BM25 keyword index over passages, with two fields and exact matching:
//   words   - the tokenizer's terms (jieba search mode with the policy dictionary)
//   bigrams - CJK character bigrams, weighted lower: they find words that jieba segments one way
//             in the passage and another way in the query, and they rank a passage higher when
//             the query's words stand next to each other in it.
//   exact   - 文号 (brackets and spaces normalized) and clause labels such as （三） or 第五条.
// A passage score is bm25(words) + bigramWeight * bm25(bigrams) + the exact-match boosts.
// Postings lists, not a scan: a query touches only the passages that share a term with it.
import { cjkBigrams } from './chinese-tokenizer.ts';
import { findDocNumbers } from './policy-patterns.ts';
import type { ScoredId, Tokenizer } from './types.ts';

export interface KeywordIndexParams {
  /** Term-frequency saturation. */
  k1: number;
  /** Length normalization. */
  b: number;
  /** Weight of the bigram field against the word field. */
  bigramWeight: number;
  /** Weight of a clause label match, times the label's idf. */
  labelWeight: number;
}

// k1 and b are measured for article-sized units: on the 1,231 real questions over the laws corpus
// (95,000 passages, most of them one article or one item), keyword MRR@10 is 0.387 at BM25's usual
// k1 1.2, b 0.75; 0.402 at k1 0.9, b 0.4; 0.399-0.400 at b 0.2-0.3 and k1 0.7-1.2; 0.379 at k1 1.5,
// b 0.9. Short articles should not win on length alone, and a term said twice in an article says
// little more than once. On the seed corpus's passages k1 and b hardly matter (under 0.01). The bigram field is worth its cost: nDCG@10 0.847
// without it, 0.873 at weight 0.3, 0.877 at 0.5, 0.885 at 1; 0.5 takes most of the gain while the
// word field, the more precise one, still leads.
export const DEFAULT_KEYWORD_PARAMS: KeywordIndexParams = { k1: 0.9, b: 0.4, bigramWeight: 0.5, labelWeight: 1 };

const FORMAT = 'keyword-index-v1';

/** A query as BM25 terms with their weights, per field; `exact` is searched for clause labels and 文号. */
export interface WeightedQuery {
  words: Map<string, number>;
  bigrams: Map<string, number>;
  exact: string;
}

// （三） (三) 第五条 第3条 第二章
const CLAUSE_LABEL = /[（(]\s*([一二三四五六七八九十百零〇]+)\s*[）)]|第\s*([一二三四五六七八九十百零〇\d]+)\s*([条章节])/gu;

/** The clause labels in a text, in one spelling: （三）, 第五条. */
export function findClauseLabels(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(CLAUSE_LABEL)) out.push(m[1] !== undefined ? `（${m[1]}）` : `第${m[2]}${m[3]}`);
  return out;
}

/** One field's inverted index: postings of term t are docs[offsets[t] .. offsets[t+1]). */
interface Field {
  termIds: Map<string, number>;
  offsets: Int32Array;
  docs: Int32Array;
  tfs: Float32Array;
  /** k1 * (1 - b + b * length / averageLength), per passage. */
  norms: Float32Array;
  lengths: Int32Array;
}

interface FieldJSON {
  terms: string[];
  /** Posting list lengths, one per term. */
  df: number[];
  /** Passage ids, delta-encoded within each posting list. */
  docs: number[];
  tfs: number[];
  lengths: number[];
}

export interface KeywordIndexJSON {
  format: typeof FORMAT;
  count: number;
  params: KeywordIndexParams;
  words: FieldJSON;
  bigrams: FieldJSON;
  /** 〔2026〕6号 -> [passage, issuer prefix, passage, issuer prefix, ...] */
  docNumbers: Record<string, (number | string)[]>;
  /** （三） -> passage ids */
  labels: Record<string, number[]>;
}

function buildField(termLists: string[][], params: KeywordIndexParams): Field {
  const termIds = new Map<string, number>();
  const postings: number[][] = []; // per term: doc, tf, doc, tf, ...
  const lengths = new Int32Array(termLists.length);
  termLists.forEach((terms, doc) => {
    lengths[doc] = terms.length;
    const counts = new Map<string, number>();
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [t, tf] of counts) {
      let id = termIds.get(t);
      if (id === undefined) {
        id = postings.length;
        termIds.set(t, id);
        postings.push([]);
      }
      postings[id]!.push(doc, tf);
    }
  });
  const offsets = new Int32Array(postings.length + 1);
  postings.forEach((p, id) => (offsets[id + 1] = offsets[id]! + p.length / 2));
  const docs = new Int32Array(offsets[postings.length]!);
  const tfs = new Float32Array(docs.length);
  postings.forEach((p, id) => {
    for (let i = 0, at = offsets[id]!; i < p.length; i += 2, at++) {
      docs[at] = p[i]!;
      tfs[at] = p[i + 1]!;
    }
  });
  return { termIds, offsets, docs, tfs, lengths, norms: lengthNorms(lengths, params) };
}

function lengthNorms(lengths: Int32Array, { k1, b }: KeywordIndexParams): Float32Array {
  let total = 0;
  for (const l of lengths) total += l;
  const average = lengths.length > 0 && total > 0 ? total / lengths.length : 1;
  return Float32Array.from(lengths, (l) => k1 * (1 - b + (b * l) / average));
}

function fieldToJSON(field: Field): FieldJSON {
  const terms = new Array<string>(field.termIds.size);
  for (const [t, id] of field.termIds) terms[id] = t;
  const df: number[] = [];
  const docs: number[] = [];
  for (let id = 0; id < terms.length; id++) {
    const from = field.offsets[id]!;
    const to = field.offsets[id + 1]!;
    df.push(to - from);
    let previous = 0;
    for (let i = from; i < to; i++) {
      docs.push(field.docs[i]! - previous);
      previous = field.docs[i]!;
    }
  }
  return { terms, df, docs, tfs: Array.from(field.tfs), lengths: Array.from(field.lengths) };
}

function fieldFromJSON(json: FieldJSON, params: KeywordIndexParams): Field {
  const termIds = new Map<string, number>();
  json.terms.forEach((t, id) => termIds.set(t, id));
  const offsets = new Int32Array(json.terms.length + 1);
  const docs = new Int32Array(json.docs.length);
  let at = 0;
  json.df.forEach((df, id) => {
    offsets[id + 1] = offsets[id]! + df;
    let previous = 0;
    for (let i = 0; i < df; i++, at++) docs[at] = previous = previous + json.docs[at]!;
  });
  const lengths = Int32Array.from(json.lengths);
  return { termIds, offsets, docs, tfs: Float32Array.from(json.tfs), lengths, norms: lengthNorms(lengths, params) };
}

/** Keeps the k best (score desc, id asc) of a stream; a binary min-heap on the worst kept. */
function topK(ids: ArrayLike<number>, count: number, scores: Float64Array, k: number): ScoredId[] {
  const heap: number[] = [];
  const worse = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let n = 0; n < count; n++) {
    const id = ids[n]!;
    if (!(scores[id]! > 0)) continue;
    if (heap.length < k) {
      heap.push(id);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (worse(heap[0]!, id)) {
      heap[0] = id;
      down(0);
    }
  }
  return heap
    .sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0))
    .map((id) => ({ id, score: scores[id]! }));
}

/** Same issuer when one prefix ends with the other: 湘政发 matches 根据湘政发, not 永政发. */
function sameIssuer(a: string, b: string): boolean {
  return a.length <= b.length ? b.endsWith(a) : a.endsWith(b);
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

export class KeywordIndex {
  // Scratch space reused by every search: scores per passage and the passages touched.
  private readonly scores: Float64Array;
  private readonly touched: Int32Array;

  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly params: KeywordIndexParams,
    readonly count: number,
    private readonly words: Field,
    private readonly bigrams: Field,
    private readonly docNumbers: Map<string, { doc: number; prefix: string }[]>,
    private readonly labels: Map<string, Int32Array>,
  ) {
    this.scores = new Float64Array(count);
    this.touched = new Int32Array(count);
  }

  static build(
    passages: readonly { text: string }[],
    tokenizer: Tokenizer,
    params: Partial<KeywordIndexParams> = {},
  ): KeywordIndex {
    const p = { ...DEFAULT_KEYWORD_PARAMS, ...params };
    const docNumbers = new Map<string, { doc: number; prefix: string }[]>();
    const labels = new Map<string, number[]>();
    passages.forEach(({ text }, doc) => {
      for (const d of findDocNumbers(text)) {
        const list = docNumbers.get(d.key) ?? [];
        if (!list.some((e) => e.doc === doc && e.prefix === d.prefix)) list.push({ doc, prefix: d.prefix });
        docNumbers.set(d.key, list);
      }
      for (const label of unique(findClauseLabels(text))) {
        const list = labels.get(label) ?? [];
        list.push(doc);
        labels.set(label, list);
      }
    });
    return new KeywordIndex(
      tokenizer,
      p,
      passages.length,
      buildField(
        passages.map(({ text }) => tokenizer.tokenize(text)),
        p,
      ),
      buildField(
        passages.map(({ text }) => cjkBigrams(text)),
        p,
      ),
      docNumbers,
      new Map([...labels].map(([label, docs]) => [label, Int32Array.from(docs)])),
    );
  }

  /** The passages best matching the query, best first; [] for a blank or all-stopword query. */
  search(query: string, k: number): ScoredId[] {
    return this.searchWeighted(this.queryTerms(query), k);
  }

  /** The same postings scored with other BM25 parameters (k1, b, field weights): for measuring them. */
  withParams(params: Partial<KeywordIndexParams>): KeywordIndex {
    const p = { ...this.params, ...params };
    const renorm = (f: Field): Field => ({ ...f, norms: lengthNorms(f.lengths, p) });
    return new KeywordIndex(this.tokenizer, p, this.count, renorm(this.words), renorm(this.bigrams), this.docNumbers, this.labels);
  }

  /** The query's terms, each once at weight 1, as search() weighs them. */
  queryTerms(query: string): WeightedQuery {
    const ones = (terms: string[]) => new Map(unique(terms).map((t) => [t, 1]));
    return { words: ones(this.tokenizer.tokenize(query)), bigrams: ones(cjkBigrams(query)), exact: query };
  }

  /**
   * BM25 with a weight per query term (a term's contribution is multiplied by it), for callers
   * that weigh some terms of a query more than others: a question's focus, expansions, feedback
   * terms. Clause labels and 文号 are read from `exact`. `boost`, when given, multiplies each
   * passage's text score (a static prior per passage, 1 = none) before 文号 matches are added.
   */
  searchWeighted(query: WeightedQuery, k: number, boost?: Float32Array): ScoredId[] {
    const { scores, touched } = this;
    if (k <= 0 || this.count === 0) return [];
    let nTouched = 0;
    const add = (doc: number, score: number) => {
      if (!(score > 0)) return;
      if (scores[doc] === 0) touched[nTouched++] = doc;
      scores[doc]! += score;
    };
    const { k1 } = this.params;
    const scoreField = (field: Field, terms: Map<string, number>, weight: number) => {
      for (const [term, termWeight] of terms) {
        const id = field.termIds.get(term);
        if (id === undefined || !(termWeight > 0)) continue;
        const from = field.offsets[id]!;
        const to = field.offsets[id + 1]!;
        const df = to - from;
        const w = weight * termWeight * Math.log(1 + (this.count - df + 0.5) / (df + 0.5));
        for (let i = from; i < to; i++) {
          const doc = field.docs[i]!;
          const tf = field.tfs[i]!;
          add(doc, (w * tf * (k1 + 1)) / (tf + field.norms[doc]!));
        }
      }
    };

    try {
      scoreField(this.words, query.words, 1);
      scoreField(this.bigrams, query.bigrams, this.params.bigramWeight);

      for (const label of unique(findClauseLabels(query.exact))) {
        const docs = this.labels.get(label);
        if (docs === undefined) continue;
        const idf = Math.log(1 + (this.count - docs.length + 0.5) / (docs.length + 0.5));
        for (const doc of docs) add(doc, this.params.labelWeight * idf);
      }

      if (boost !== undefined) for (let i = 0; i < nTouched; i++) scores[touched[i]!]! *= boost[touched[i]!]!;

      // A passage holding a 文号 from the query ranks above every passage that does not.
      const wanted = findDocNumbers(query.exact);
      if (wanted.length > 0) {
        let best = 0;
        for (let i = 0; i < nTouched; i++) best = Math.max(best, scores[touched[i]!]!);
        for (const want of wanted) {
          const seen = new Set<number>();
          for (const { doc, prefix } of this.docNumbers.get(want.key) ?? []) {
            if (seen.has(doc) || !sameIssuer(prefix, want.prefix)) continue;
            seen.add(doc);
            add(doc, best + 1);
          }
        }
      }

      return topK(touched, nTouched, scores, k);
    } finally {
      for (let i = 0; i < nTouched; i++) scores[touched[i]!] = 0;
    }
  }

  /** BM25 idf of a word (field 'words') or a character bigram (field 'bigrams'); 0 for an unknown term. */
  idf(term: string, field: 'words' | 'bigrams' = 'words'): number {
    const f = field === 'words' ? this.words : this.bigrams;
    const id = f.termIds.get(term);
    if (id === undefined) return 0;
    const df = f.offsets[id + 1]! - f.offsets[id]!;
    return Math.log(1 + (this.count - df + 0.5) / (df + 0.5));
  }

  /** The query's terms that occur in the index, longest first: what to highlight in results. */
  matchedTerms(query: string): string[] {
    const terms = unique(this.tokenizer.tokenize(query)).filter((t) => this.words.termIds.has(t));
    for (const d of findDocNumbers(query)) {
      if ((this.docNumbers.get(d.key) ?? []).some((e) => sameIssuer(e.prefix, d.prefix))) terms.push(d.normalized);
    }
    for (const label of unique(findClauseLabels(query))) if (this.labels.has(label)) terms.push(label);
    return unique(terms).sort((a, b) => b.length - a.length);
  }

  toJSON(): KeywordIndexJSON {
    const docNumbers: Record<string, (number | string)[]> = {};
    for (const [key, list] of this.docNumbers) docNumbers[key] = list.flatMap((e) => [e.doc, e.prefix]);
    const labels: Record<string, number[]> = {};
    for (const [label, docs] of this.labels) labels[label] = Array.from(docs);
    return {
      format: FORMAT,
      count: this.count,
      params: this.params,
      words: fieldToJSON(this.words),
      bigrams: fieldToJSON(this.bigrams),
      docNumbers,
      labels,
    };
  }

  static fromJSON(json: KeywordIndexJSON, tokenizer: Tokenizer): KeywordIndex {
    if (json.format !== FORMAT) {
      throw new Error(`Keyword index format is ${String(json.format)}; this build reads ${FORMAT}. Run ingest again.`);
    }
    const docNumbers = new Map<string, { doc: number; prefix: string }[]>();
    for (const [key, flat] of Object.entries(json.docNumbers)) {
      const list: { doc: number; prefix: string }[] = [];
      for (let i = 0; i < flat.length; i += 2) list.push({ doc: flat[i] as number, prefix: flat[i + 1] as string });
      docNumbers.set(key, list);
    }
    return new KeywordIndex(
      tokenizer,
      json.params,
      json.count,
      fieldFromJSON(json.words, json.params),
      fieldFromJSON(json.bigrams, json.params),
      docNumbers,
      new Map(Object.entries(json.labels).map(([label, docs]) => [label, Int32Array.from(docs)])),
    );
  }

  /**
   * The same terms over groups of passages (a document, a chapter): each group's term frequency
   * and length are the sums of its passages', so a group is scored as if its passages were one
   * text. Built from the postings, nothing is tokenized again; no 文号 or label matching. Used by
   * search to rank documents first (hierarchical retrieval).
   */
  grouped(groupOf: Int32Array, groupCount: number, params: Partial<KeywordIndexParams> = {}): KeywordIndex {
    const p = { ...this.params, ...params };
    const group = (f: Field): Field => {
      const lengths = new Int32Array(groupCount);
      for (let d = 0; d < f.lengths.length; d++) lengths[groupOf[d]!]! += f.lengths[d]!;
      const offsets = new Int32Array(f.offsets.length);
      const docs = new Int32Array(f.docs.length);
      const tfs = new Float32Array(f.docs.length);
      const sums = new Float64Array(groupCount);
      const seen: number[] = [];
      let at = 0;
      for (let t = 0; t + 1 < f.offsets.length; t++) {
        for (let i = f.offsets[t]!; i < f.offsets[t + 1]!; i++) {
          const g = groupOf[f.docs[i]!]!;
          if (sums[g] === 0) seen.push(g);
          sums[g]! += f.tfs[i]!;
        }
        seen.sort((a, b) => a - b);
        for (const g of seen) {
          docs[at] = g;
          tfs[at++] = sums[g]!;
          sums[g] = 0;
        }
        seen.length = 0;
        offsets[t + 1] = at;
      }
      return { termIds: f.termIds, offsets, docs: docs.slice(0, at), tfs: tfs.slice(0, at), lengths, norms: lengthNorms(lengths, p) };
    };
    return new KeywordIndex(this.tokenizer, p, groupCount, group(this.words), group(this.bigrams), new Map(), new Map());
  }
}
