// BM25 keyword index over passages, with two fields and exact matching:
//   words   - the tokenizer's terms (jieba search mode with the policy dictionary)
//   bigrams - CJK character bigrams, weighted lower: they find words that jieba segments one way
//             in the passage and another way in the query, and they rank a passage higher when
//             the query's words stand next to each other in it.
//   exact   - 文号 (brackets and spaces normalized) and clause labels such as （三） or 第五条.
// A passage score is bm25(words) + bigramWeight * bm25(bigrams) + the exact-match boosts.
// Postings lists, not a scan: a query touches only the passages that share a term with it.
import { bigramCode, bigramOfCode, cjkBigramCodes, cjkBigrams, isCachingTokenizer } from './chinese-tokenizer.ts';
import { findDocNumbers } from './policy-patterns.ts';
import { impactUnit, mergeTop, postingImpacts, scorePostings, scoreTerm, TERM_STRIDE, TermKind, tfParts, topK, type DocIds, type ScoringField, type TermFrequencies } from './bm25-kernel.ts';
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

const FORMAT = 'keyword-index-v2';

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

/** Term -> id in one field; -1 for a term the index has never seen. */
interface Vocabulary {
  readonly size: number;
  id(term: string): number;
}

/** Words: a map from each term to its id (ids in first-seen order). */
class WordVocabulary implements Vocabulary {
  private readonly ids = new Map<string, number>();
  constructor(readonly terms: string[]) {
    terms.forEach((t, id) => this.ids.set(t, id));
  }
  get size(): number {
    return this.terms.length;
  }
  id(term: string): number {
    return this.ids.get(term) ?? -1;
  }
}

/** Bigrams: their codes (bigramCode) sorted ascending, a bigram's id its place; no string kept. */
class BigramVocabulary implements Vocabulary {
  constructor(readonly codes: Float64Array) {}
  get size(): number {
    return this.codes.length;
  }
  id(term: string): number {
    if ([...term].length !== 2) return -1;
    return this.idOfCode(bigramCode(term));
  }
  idOfCode(code: number): number {
    let lo = 0;
    let hi = this.codes.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.codes[mid]!;
      if (c === code) return mid;
      if (c < code) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/**
 * Passage numbers in posting lists: 16 bits each when the index holds at most 65,536 passages (a
 * national law library's 64,000 articles: 18 MB of a server's memory saved), else 32. In shared
 * memory when another thread scores part of the passages (see RangeScorer).
 */
function docIds(length: number, passages: number, shared = false): DocIds {
  if (passages <= 0x10000) return shared ? new Uint16Array(new SharedArrayBuffer(length * 2)) : new Uint16Array(length);
  return shared ? new Int32Array(new SharedArrayBuffer(length * 4)) : new Int32Array(length);
}

/** One field's inverted index: postings of term t are docs[offsets[t] .. offsets[t+1]), docs ascending. */
interface Field {
  vocabulary: Vocabulary;
  offsets: Int32Array;
  docs: DocIds;
  /** Term frequencies, in the smallest array that holds the largest (they are whole numbers). */
  tfs: TermFrequencies;
  /** k1 * (1 - b + b * length / averageLength), per passage. */
  norms: Float32Array;
  lengths: Int32Array;
  /** What each posting adds before its term's weight (postingImpacts): an index of IMPACTS_FROM passages or more makes them at its first search. */
  impacts?: Uint16Array;
  /**
   * A bigram field's, made with its impacts: for each bigram whose two characters are also a word
   * (and every passage with the word has the bigram), the word's impact per posting of the bigram,
   * 0 where the passage lacks the word, from pairAt[bigram] on (-1: no such word).
   */
  pairColumn?: Uint16Array;
  pairAt?: Int32Array;
  /** Per term, the most one posting adds before its weight (bounds its score), made at the first search that needs one. */
  maxImpact?: Float64Array;
}

/**
 * From this many passages (or sections) on, an index keeps each posting's impact (2 bytes a
 * posting more, and 2 a posting of a bigram that is also a word) and reads a query's two-character
 * words with their bigrams as one list: there the passages' scores and length norms no longer fit
 * the processor's cache, and the lists are long.
 */
export const IMPACTS_FROM = 100_000;

/** The words' and bigrams' impacts, and the bigrams' pair column (see Field), in shared memory when the postings are. */
function keepImpacts(words: Field, bigrams: Field, k1: number): void {
  if (words.impacts !== undefined && bigrams.impacts !== undefined) return;
  const shared = words.docs.buffer instanceof SharedArrayBuffer;
  const wordImpacts = (words.impacts ??= postingImpacts(words.docs, words.tfs, words.norms, k1, shared));
  bigrams.impacts ??= postingImpacts(bigrams.docs, bigrams.tfs, bigrams.norms, k1, shared);
  const pairAt = new Int32Array(bigrams.vocabulary.size).fill(-1);
  const partner: [number, number][] = []; // (bigram, word) whose postings fold
  let size = 0;
  const terms = (words.vocabulary as WordVocabulary).terms;
  for (let w = 0; w < terms.length; w++) {
    const b = bigrams.vocabulary.id(terms[w]!);
    if (b < 0) continue;
    // every passage with the word must have the bigram (it does, unless the two tokenize apart)
    let j = bigrams.offsets[b]!;
    const end = bigrams.offsets[b + 1]!;
    let all = true;
    for (let i = words.offsets[w]!; i < words.offsets[w + 1]! && all; i++) {
      j = seek(bigrams.docs, j, end, words.docs[i]!);
      all = j < end && bigrams.docs[j] === words.docs[i];
    }
    if (!all) continue;
    pairAt[b] = size;
    size += end - bigrams.offsets[b]!;
    partner.push([b, w]);
  }
  const column = shared ? new Uint16Array(new SharedArrayBuffer(size * 2)) : new Uint16Array(size);
  for (const [b, w] of partner) {
    let j = bigrams.offsets[b]!;
    const shift = pairAt[b]! - j;
    for (let i = words.offsets[w]!; i < words.offsets[w + 1]!; i++) {
      j = seek(bigrams.docs, j, bigrams.offsets[b + 1]!, words.docs[i]!);
      column[j + shift] = wordImpacts[i]!;
    }
  }
  bigrams.pairColumn = column;
  bigrams.pairAt = pairAt;
}

/** An array for n term frequencies up to max: a byte each where they fit (almost always), else two, else four. */
function termFrequencies(n: number, max: number, shared = false): TermFrequencies {
  if (max <= 0xff) return shared ? new Uint8Array(new SharedArrayBuffer(n)) : new Uint8Array(n);
  if (max <= 0xffff) return shared ? new Uint16Array(new SharedArrayBuffer(n * 2)) : new Uint16Array(n);
  return shared ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n);
}

/** A growable int32 array. */
class IntBuffer {
  data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

const PAIR_CHUNK_BITS = 20;
const PAIR_CHUNK = 1 << PAIR_CHUNK_BITS;

/**
 * The (term, tf) pairs of a field being built, in chunks of a million: appending never copies and
 * leaves no doubling slack, a tf takes a byte (the rare larger one is kept aside), and finish()
 * lets each chunk go once it has laid it out. The laws and three copies' bigrams (22 million
 * pairs) took 268 MB as two doubling int32 arrays; they take 112 MB so.
 */
class Pairs {
  private readonly terms: Int32Array[] = [];
  private readonly tfs: Uint8Array[] = [];
  /** pair -> tf, for a tf over 255 */
  private readonly largeTfs = new Map<number, number>();
  length = 0;

  push(term: number, tf: number): void {
    const at = this.length & (PAIR_CHUNK - 1);
    if (at === 0) {
      this.terms.push(new Int32Array(PAIR_CHUNK));
      this.tfs.push(new Uint8Array(PAIR_CHUNK));
    }
    const chunk = this.terms.length - 1;
    this.terms[chunk]![at] = term;
    if (tf > 0xff) this.largeTfs.set(this.length, tf);
    this.tfs[chunk]![at] = Math.min(tf, 0xff);
    this.length++;
  }

  term(i: number): number {
    return this.terms[i >>> PAIR_CHUNK_BITS]![i & (PAIR_CHUNK - 1)]!;
  }

  setTerm(i: number, term: number): void {
    this.terms[i >>> PAIR_CHUNK_BITS]![i & (PAIR_CHUNK - 1)] = term;
  }

  tf(i: number): number {
    const tf = this.tfs[i >>> PAIR_CHUNK_BITS]![i & (PAIR_CHUNK - 1)]!;
    return tf === 0xff ? (this.largeTfs.get(i) ?? tf) : tf;
  }

  maxTf(): number {
    let max = 0;
    for (const chunk of this.tfs) for (let i = 0; i < chunk.length; i++) if (chunk[i]! > max) max = chunk[i]!;
    for (const tf of this.largeTfs.values()) if (tf > max) max = tf;
    return max;
  }

  /** Chunks let go so far: those before it are empty. */
  private released = 0;

  /** Lets the chunks before pair i go (they will not be read again). */
  releaseBefore(i: number): void {
    for (; this.released < i >>> PAIR_CHUNK_BITS; this.released++) {
      this.terms[this.released] = EMPTY_INTS;
      this.tfs[this.released] = EMPTY_BYTES;
    }
  }
}

const EMPTY_INTS = new Int32Array(0);
const EMPTY_BYTES = new Uint8Array(0);

/**
 * Builds one field a passage at a time: each passage's terms are counted and appended as
 * (term id, tf) pairs to typed arrays, and the postings are laid out by term (a counting sort) at
 * the end. Nothing per passage outlives its turn, so memory is the postings themselves.
 *
 * Terms come as keys: small non-negative integers (a tokenizer's term ids, or ids a KeyIds gave),
 * looked up in an array, not hashed. finish() is told what each key stands for.
 */
class FieldBuilder {
  /** Key -> id + 1 (0: not seen yet). */
  private idOfKey = new Int32Array(1024);
  /** The key of each id, in first-seen order. */
  private readonly keys: number[] = [];
  private readonly pairs = new Pairs();
  /** Where each passage's pairs start. */
  private readonly starts = new IntBuffer();
  private readonly lengths = new IntBuffer();

  /** Occurrences of each term id in the passage being added (zero between passages). */
  private counts = new Int32Array(1024);
  /** The ids the passage being added holds, in first-seen order. */
  private readonly seen: number[] = [];

  add(terms: ArrayLike<number>): void {
    this.starts.push(this.pairs.length);
    this.lengths.push(terms.length);
    const seen = this.seen;
    seen.length = 0;
    for (let i = 0; i < terms.length; i++) {
      const key = terms[i]!;
      if (key >= this.idOfKey.length) {
        const grown = new Int32Array(Math.max(key + 1, this.idOfKey.length * 2));
        grown.set(this.idOfKey);
        this.idOfKey = grown;
      }
      let id = this.idOfKey[key]! - 1;
      if (id < 0) {
        id = this.keys.length;
        this.idOfKey[key] = id + 1;
        this.keys.push(key);
        if (id >= this.counts.length) {
          const grown = new Int32Array(this.counts.length * 2);
          grown.set(this.counts);
          this.counts = grown;
        }
      }
      if (this.counts[id] === 0) seen.push(id);
      this.counts[id]!++;
    }
    // pairs in first-seen order, as counted
    for (const id of seen) {
      this.pairs.push(id, this.counts[id]!);
      this.counts[id] = 0;
    }
  }

  /** The field; `vocabulary` is given the keys in first-seen order and may give each term its final id (default: first seen). */
  finish(params: KeywordIndexParams, vocabulary: (keys: number[]) => { vocabulary: Vocabulary; finalId: Int32Array | null }): Field {
    const { vocabulary: vocab, finalId } = vocabulary(this.keys);
    this.idOfKey = new Int32Array(0);
    const terms = this.keys.length;
    const { pairs } = this;
    const count = pairs.length;
    if (finalId !== null) for (let i = 0; i < count; i++) pairs.setTerm(i, finalId[pairs.term(i)]!);
    const offsets = new Int32Array(terms + 1);
    for (let i = 0; i < count; i++) offsets[pairs.term(i) + 1]!++;
    for (let t = 0; t < terms; t++) offsets[t + 1]! += offsets[t]!;
    const fill = offsets.slice(0, terms);
    const docs = docIds(count, this.starts.length);
    const tfs = termFrequencies(count, pairs.maxTf());
    const passages = this.starts.length;
    for (let doc = 0; doc < passages; doc++) {
      const start = this.starts.data[doc]!;
      const end = doc + 1 < passages ? this.starts.data[doc + 1]! : count;
      for (let i = start; i < end; i++) {
        const at = fill[pairs.term(i)]!++;
        docs[at] = doc;
        tfs[at] = pairs.tf(i);
      }
      if ((doc & 1023) === 0) pairs.releaseBefore(start);
    }
    const lengths = this.lengths.data.slice(0, passages);
    return { vocabulary: vocab, offsets, docs, tfs, lengths, norms: lengthNorms(lengths, params) };
  }
}

/**
 * Small integer keys for bigram codes (numbers up to 0x110000², most not small integers), in an
 * open-addressing table: a Map keyed by such numbers hashes a heap number per bigram of the corpus.
 */
class CodeKeys {
  private slots = new Float64Array(1 << 16).fill(-1);
  private keyAt = new Int32Array(1 << 16);
  readonly codes: number[] = [];

  /** Where a code's probe starts: a multiplicative hash of its two code points. */
  private home(code: number): number {
    return (Math.imul((code / 0x110000) | 0, 0x9e3779b1) ^ Math.imul(code % 0x110000, 0x85ebca6b)) & (this.slots.length - 1);
  }

  key(code: number): number {
    const mask = this.slots.length - 1;
    let at = this.home(code);
    while (this.slots[at] !== -1) {
      if (this.slots[at] === code) return this.keyAt[at]!;
      at = (at + 1) & mask;
    }
    const key = this.codes.length;
    this.codes.push(code);
    this.slots[at] = code;
    this.keyAt[at] = key;
    if (this.codes.length * 2 > this.slots.length) {
      // grown at half full, every code placed again
      const old = this.codes;
      this.slots = new Float64Array(this.slots.length * 2).fill(-1);
      this.keyAt = new Int32Array(this.slots.length);
      const grownMask = this.slots.length - 1;
      old.forEach((c, k) => {
        let i = this.home(c);
        while (this.slots[i] !== -1) i = (i + 1) & grownMask;
        this.slots[i] = c;
        this.keyAt[i] = k;
      });
    }
    return key;
  }

  keys(codes: readonly number[]): Int32Array {
    const out = new Int32Array(codes.length);
    for (let i = 0; i < codes.length; i++) out[i] = this.key(codes[i]!);
    return out;
  }
}

const wordVocabulary = (keys: string[]) => ({ vocabulary: new WordVocabulary(keys), finalId: null });
/** Bigram terms ordered by code, so a query's bigram is found by binary search. */
const bigramVocabulary = (keys: number[]) => {
  const order = Int32Array.from(keys.keys()).sort((a, b) => keys[a]! - keys[b]!);
  const codes = new Float64Array(keys.length);
  const finalId = new Int32Array(keys.length);
  order.forEach((old, id) => {
    codes[id] = keys[old]!;
    finalId[old] = id;
  });
  return { vocabulary: new BigramVocabulary(codes), finalId };
};

function lengthNorms(lengths: Int32Array, { k1, b }: KeywordIndexParams, shared = false): Float32Array {
  let total = 0;
  for (const l of lengths) total += l;
  const average = lengths.length > 0 && total > 0 ? total / lengths.length : 1;
  const norms = shared ? new Float32Array(new SharedArrayBuffer(lengths.length * 4)) : new Float32Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) norms[i] = k1 * (1 - b + (b * lengths[i]!) / average);
  return norms;
}

// The postings file: unsigned LEB128 varints, one section after another, each section's byte range
// in the header. Passage ids are delta-encoded within each posting list, bigram codes across the
// sorted vocabulary; words are UTF-8, one per line.
// Written in chunks of 1 MB, never one doubling buffer: a million passages' postings are 300 MB,
// and a doubling buffer holds up to twice that while it copies itself.
const WRITER_CHUNK = 1 << 20;

class VarintWriter {
  private readonly sealed: Uint8Array[] = [];
  private bytes = new Uint8Array(1 << 16);
  /** Bytes written to `bytes`. */
  private used = 0;
  /** Bytes written in all. */
  length = 0;
  /** Room for n more bytes in the chunk being written. */
  private room(n: number): void {
    if (this.used + n <= this.bytes.length) return;
    if (this.used > 0) this.sealed.push(this.bytes.subarray(0, this.used));
    this.bytes = new Uint8Array(Math.max(WRITER_CHUNK, n));
    this.used = 0;
  }
  uint(value: number): void {
    if (this.used + 8 > this.bytes.length) this.room(8);
    const bytes = this.bytes;
    let n = this.used;
    if (value < 0x80000000) {
      // almost every value: shifts instead of division
      while (value > 127) {
        bytes[n++] = (value & 127) | 128;
        value >>>= 7;
      }
    } else {
      // a bigram code's distance from the previous one may pass 2^31
      while (value >= 128) {
        bytes[n++] = (value % 128) | 128;
        value = Math.floor(value / 128);
      }
    }
    bytes[n++] = value;
    this.length += n - this.used;
    this.used = n;
  }
  /**
   * values[from..to) as uint() would write them one by one (each minus the one before when delta),
   * in one loop: the postings are millions of varints. Values below 2^31 only.
   */
  uints(values: ArrayLike<number>, from: number, to: number, delta: boolean): void {
    let previous = 0;
    // room for the worst case (5 bytes a value) a block at a time, so the buffer grows as it fills
    for (let block = from; block < to; block += 1 << 16) {
      const end = Math.min(to, block + (1 << 16));
      this.room((end - block) * 5);
      const bytes = this.bytes;
      let n = this.used;
      for (let i = block; i < end; i++) {
        let value = values[i]!;
        if (delta) {
          const current = value;
          value -= previous;
          previous = current;
        }
        while (value > 127) {
          bytes[n++] = (value & 127) | 128;
          value >>>= 7;
        }
        bytes[n++] = value;
      }
      this.length += n - this.used;
      this.used = n;
    }
  }
  raw(data: Uint8Array): void {
    this.room(data.length);
    this.bytes.set(data, this.used);
    this.used += data.length;
    this.length += data.length;
  }
  /** What was written, in order: the file is their concatenation. */
  chunks(): Uint8Array[] {
    return this.used > 0 ? [...this.sealed, this.bytes.subarray(0, this.used)] : [...this.sealed];
  }
}

/** Decodes `count` varints from bytes[from..]; returns them and where reading stopped. */
function readVarints(bytes: Uint8Array, from: number, count: number, out: Int32Array | Float64Array | DocIds | TermFrequencies): number {
  let at = from;
  for (let n = 0; n < count; n++) {
    let byte = bytes[at++]!;
    let value = byte & 127;
    if (byte >= 128) {
      let scale = 128;
      do {
        byte = bytes[at++]!;
        value += (byte & 127) * scale;
        scale *= 128;
      } while (byte >= 128);
    }
    out[n] = value;
  }
  return at;
}

/** One field's byte ranges in the postings file: [start, end) each. */
interface FieldSections {
  terms: [number, number];
  df: [number, number];
  docs: [number, number];
  tfs: [number, number];
  /** The largest term frequency (absent: read them as float32). */
  maxTf?: number;
  lengths: [number, number];
  termCount: number;
  postings: number;
  passages: number;
}

function writeField(out: VarintWriter, field: Field): FieldSections {
  const termCount = field.vocabulary.size;
  const section = (write: () => void): [number, number] => {
    const start = out.length;
    write();
    return [start, out.length];
  };
  const terms = section(() => {
    const v = field.vocabulary;
    if (v instanceof WordVocabulary) out.raw(new TextEncoder().encode(v.terms.join('\n')));
    else {
      let previous = 0;
      for (const c of (v as BigramVocabulary).codes) {
        out.uint(c - previous);
        previous = c;
      }
    }
  });
  const df = section(() => {
    for (let t = 0; t < termCount; t++) out.uint(field.offsets[t + 1]! - field.offsets[t]!);
  });
  const docs = section(() => {
    for (let t = 0; t < termCount; t++) out.uints(field.docs, field.offsets[t]!, field.offsets[t + 1]!, true);
  });
  const tfs = section(() => out.uints(field.tfs, 0, field.tfs.length, false));
  const lengths = section(() => out.uints(field.lengths, 0, field.lengths.length, false));
  let maxTf = 0;
  for (const tf of field.tfs) if (tf > maxTf) maxTf = tf;
  return { terms, df, docs, tfs, maxTf, lengths, termCount, postings: field.docs.length, passages: field.lengths.length };
}

function readField(bytes: Uint8Array, s: FieldSections, kind: 'words' | 'bigrams', params: KeywordIndexParams, shared: boolean): Field {
  let vocabulary: Vocabulary;
  if (kind === 'words') {
    const text = new TextDecoder().decode(bytes.subarray(s.terms[0], s.terms[1]));
    vocabulary = new WordVocabulary(s.termCount === 0 ? [] : text.split('\n'));
  } else {
    const codes = new Float64Array(s.termCount);
    readVarints(bytes, s.terms[0], s.termCount, codes);
    for (let i = 1; i < codes.length; i++) codes[i]! += codes[i - 1]!;
    vocabulary = new BigramVocabulary(codes);
  }
  if (vocabulary.size !== s.termCount) throw new Error(`the ${kind} vocabulary holds ${vocabulary.size} terms, not ${s.termCount}`);
  const offsets = new Int32Array(s.termCount + 1);
  readVarints(bytes, s.df[0], s.termCount, offsets.subarray(1));
  for (let t = 0; t < s.termCount; t++) offsets[t + 1]! += offsets[t]!;
  if (offsets[s.termCount] !== s.postings) throw new Error(`the ${kind} postings do not add up`);
  const docs = docIds(s.postings, s.passages, shared);
  readVarints(bytes, s.docs[0], s.postings, docs);
  for (let t = 0; t < s.termCount; t++) for (let i = offsets[t]! + 1; i < offsets[t + 1]!; i++) docs[i]! += docs[i - 1]!;
  const tfs = termFrequencies(s.postings, s.maxTf ?? Infinity, shared);
  readVarints(bytes, s.tfs[0], s.postings, tfs);
  const lengths = new Int32Array(s.passages);
  const end = readVarints(bytes, s.lengths[0], s.passages, lengths);
  if (end !== s.lengths[1]) throw new Error(`the ${kind} section ends at byte ${end}, not ${s.lengths[1]}`);
  return { vocabulary, offsets, docs, tfs, lengths, norms: lengthNorms(lengths, params, shared) };
}

/** The most one posting of each term adds before its weight, for all terms in one pass the first time a query needs one. */
function maxImpact(field: Field, term: number, k1: number): number {
  let cache = field.maxImpact;
  if (cache === undefined) {
    cache = field.maxImpact = new Float64Array(field.vocabulary.size);
    const { offsets, docs, tfs, norms, impacts } = field;
    for (let t = 0; t < cache.length; t++) {
      let max = 0;
      for (let i = offsets[t]!; i < offsets[t + 1]!; i++) {
        const tf = tfs[i]!;
        const r = impacts === undefined ? (tf * (k1 + 1)) / (tf + norms[docs[i]!]!) : impacts[i]! * impactUnit(k1);
        if (r > max) max = r;
      }
      cache[t] = max;
    }
  }
  return cache[term]!;
}

/** keyword-index.json: what is small; the postings are in keyword-index.bin (byte ranges here). */
/** The index as written: keyword-index.json and keyword-index.bin, the concatenation of `postings`. */
export interface KeywordIndexFiles {
  header: KeywordIndexHeader;
  postings: Uint8Array[];
}

export interface KeywordIndexHeader {
  format: typeof FORMAT;
  count: number;
  params: KeywordIndexParams;
  words: FieldSections;
  bigrams: FieldSections;
  /** 〔2026〕6号 -> [passage, issuer prefix, passage, issuer prefix, ...] */
  docNumbers: Record<string, (number | string)[]>;
  /** （三） -> passage ids */
  labels: Record<string, number[]>;
}

/** A query term as scoring reads it: its postings docs[from..to), its weight and the most it adds to one score. */
interface QueryTerm {
  /** null for a clause label, whose every passage gets w. */
  field: Field | null;
  docs: DocIds;
  from: number;
  to: number;
  w: number;
  max: number;
}

// Pruning (searchWeighted's `prune`) reads about half the postings of the laws corpus's 1,231
// questions (about 27 terms each, words and bigrams), but in JavaScript its bookkeeping costs what
// it saves: over the laws corpus, k = 10: 0.59 ms pruned against 0.57 ms scoring every posting;
// k = 50: 0.87 against 0.57; k = 200 (the depth hybrid search asks for): 0.69 against 0.63. So it
// is not the default; it stays, exact and tested, for corpora whose queries have a few rare terms.

/** True when a score bound is surely below theta, with room for rounding (sums added in another order). */
const below = (bound: number, theta: number): boolean => bound * 1.000000001 < theta;

/** The first i in [from, to) with docs[i] >= doc (docs ascending), or to: gallops, then bisects. */
function seek(docs: DocIds, from: number, to: number, doc: number): number {
  if (from >= to || docs[from]! >= doc) return from;
  let step = 1;
  let lo = from;
  while (lo + step < to && docs[lo + step]! < doc) {
    lo += step;
    step *= 2;
  }
  let hi = Math.min(lo + step, to);
  // docs[lo] < doc; docs[hi] >= doc or hi === to
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid]! < doc) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The k-th largest value(id) over ids[0..count), or 0 when there are fewer than k. */
function kthBest(ids: ArrayLike<number>, count: number, k: number, value: (id: number) => number): number {
  if (count < k) return 0;
  const heap = new Float64Array(k); // min-heap of the k largest so far
  let size = 0;
  for (let n = 0; n < count; n++) {
    const v = value(ids[n]!);
    if (size < k) {
      let i = size++;
      heap[i] = v;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heap[parent]! <= heap[i]!) break;
        [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
        i = parent;
      }
    } else if (v > heap[0]!) {
      heap[0] = v;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < k && heap[l]! < heap[m]!) m = l;
        if (r < k && heap[r]! < heap[m]!) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
  }
  return heap[0]!;
}

/** Same issuer when one prefix ends with the other: 湘政发 matches 根据湘政发, not 永政发. */
export function sameIssuer(a: string, b: string): boolean {
  return a.length <= b.length ? b.endsWith(a) : a.endsWith(b);
}

/** A passage's 文号 and clause labels, added to the maps exact matches are found in. */
function scanExact(text: string, doc: number, docNumbers: Map<string, { doc: number; prefix: string }[]>, labels: Map<string, number[]>): void {
  // every 文号 ends in 号: most passages need not be searched for one
  for (const d of text.includes('号') ? findDocNumbers(text) : []) {
    const list = docNumbers.get(d.key) ?? [];
    if (!list.some((e) => e.doc === doc && e.prefix === d.prefix)) list.push({ doc, prefix: d.prefix });
    docNumbers.set(d.key, list);
  }
  for (const label of unique(findClauseLabels(text))) {
    const list = labels.get(label) ?? [];
    list.push(doc);
    labels.set(label, list);
  }
}

/** New passages' postings in one field: term (in the merged term space), passage, tf; by term, then passage. */
interface FreshPostings {
  terms: Int32Array;
  docs: Int32Array;
  tfs: Int32Array;
}

/** (term, passage, tf) of new passages, each passage's terms counted; sorted by term, passages ascending within a term. */
function freshPostings(perPassage: { doc: number; terms: ArrayLike<number> }[]): FreshPostings {
  const triples: [number, number, number][] = [];
  for (const { doc, terms } of perPassage) {
    const tf = new Map<number, number>();
    for (let i = 0; i < terms.length; i++) tf.set(terms[i]!, (tf.get(terms[i]!) ?? 0) + 1);
    for (const [term, n] of tf) triples.push([term, doc, n]);
  }
  triples.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { terms: Int32Array.from(triples, (t) => t[0]), docs: Int32Array.from(triples, (t) => t[1]), tfs: Int32Array.from(triples, (t) => t[2]) };
}

/**
 * A field over the new passage list: the old field's postings of kept passages under their new
 * numbers, merged with the new passages' postings. `oldTermAt[e]` is the old term at merged term e
 * (-1: a term only new passages hold); terms left with no posting are dropped, the others keep the
 * merged order. `vocabulary` is told which merged terms remain.
 */
function mergeField(
  old: Field,
  oldToNew: Int32Array,
  oldTermAt: Int32Array,
  fresh: FreshPostings,
  lengths: Int32Array,
  params: KeywordIndexParams,
  vocabulary: (kept: Int32Array) => Vocabulary,
): Field {
  const merged = oldTermAt.length;
  const counts = new Int32Array(merged);
  let maxTf = 0;
  for (let e = 0; e < merged; e++) {
    const t = oldTermAt[e]!;
    if (t < 0) continue;
    for (let i = old.offsets[t]!; i < old.offsets[t + 1]!; i++) {
      if (oldToNew[old.docs[i]!]! >= 0) {
        counts[e]!++;
        if (old.tfs[i]! > maxTf) maxTf = old.tfs[i]!;
      }
    }
  }
  for (let i = 0; i < fresh.terms.length; i++) {
    counts[fresh.terms[i]!]!++;
    if (fresh.tfs[i]! > maxTf) maxTf = fresh.tfs[i]!;
  }
  const kept: number[] = [];
  for (let e = 0; e < merged; e++) if (counts[e]! > 0) kept.push(e);
  const offsets = new Int32Array(kept.length + 1);
  kept.forEach((e, t) => (offsets[t + 1] = offsets[t]! + counts[e]!));
  const docs = docIds(offsets[kept.length]!, lengths.length);
  const tfs = termFrequencies(docs.length, maxTf);
  let f = 0; // next fresh posting
  let at = 0;
  for (const e of kept) {
    while (f < fresh.terms.length && fresh.terms[f]! < e) f++;
    const t = oldTermAt[e]!;
    let i = t < 0 ? 0 : old.offsets[t]!;
    const end = t < 0 ? 0 : old.offsets[t + 1]!;
    // both lists ascend by passage: merged as they come
    for (;;) {
      while (i < end && oldToNew[old.docs[i]!]! < 0) i++;
      const freshHere = f < fresh.terms.length && fresh.terms[f] === e;
      if (i < end && (!freshHere || oldToNew[old.docs[i]!]! < fresh.docs[f]!)) {
        docs[at] = oldToNew[old.docs[i]!]!;
        tfs[at++] = old.tfs[i++]!;
      } else if (freshHere) {
        docs[at] = fresh.docs[f]!;
        tfs[at++] = fresh.tfs[f++]!;
      } else break;
    }
  }
  return { vocabulary: vocabulary(Int32Array.from(kept)), offsets, docs, tfs, lengths, norms: lengthNorms(lengths, params) };
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/**
 * Scores the passages from `from` on in another thread while a search scores those before it
 * (server/keyword-threads.ts). Set on an index whose postings are in shared memory.
 */
export interface RangeScorer {
  /** The first passage it scores. */
  readonly from: number;
  /** The one boost array it reads: a search with another boost scores alone. */
  readonly boost: Float32Array;
  /** The most results it returns. */
  readonly maxK: number;
  /**
   * Starts scoring its part: per term, its field (0 words, 1 bigrams), its first and end posting
   * from `from` on, and its weight. False when it cannot now: the search then scores alone.
   */
  start(terms: readonly number[], boost: boolean, k: number): boolean;
  /** Its k best, best first; null when it did not answer in time (the search scores its part then). */
  finish(): ScoredId[] | null;
  /** The level (an index over groups of these passages) its thread can score before its part, if any. */
  readonly level?: KeywordIndex | null;
  /**
   * start() with the level first: the level's terms (over all of it, as start's) and how many of
   * its best; the thread then scores its part, and takes its k best once boostReady() is called.
   */
  startWithLevel?(terms: readonly number[], levelTerms: readonly number[], levelK: number, k: number): boolean;
  /** The level's best, best first, once the thread has them; null when it did not answer in time. */
  levelBest?(): ScoredId[] | null;
  /** The boost holds the level now. */
  boostReady?(): void;
}

/** A level scored before the passages (searchLeveled): its index, how many of its best, and what changes the boost by them. */
export interface Level {
  index: KeywordIndex;
  k: number;
  apply(best: ScoredId[]): void;
}

/** The arrays a RangeScorer's thread reads, in shared memory. */
export interface SharedPostings {
  count: number;
  fields: ScoringField[];
  k1: number;
}

export class KeywordIndex {
  // Scratch space reused by every search: scores per passage and the passages touched.
  private readonly scores: Float32Array;
  private readonly touched: Int32Array;
  private helper: RangeScorer | null = null;

  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly params: KeywordIndexParams,
    readonly count: number,
    private readonly words: Field,
    private readonly bigrams: Field,
    private readonly docNumbers: Map<string, { doc: number; prefix: string }[]>,
    private readonly labels: Map<string, Int32Array>,
    /** Whether postings' impacts are kept (see IMPACTS_FROM). */
    readonly keepsImpacts = count >= IMPACTS_FROM,
  ) {
    this.scores = new Float32Array(count);
    this.touched = new Int32Array(count + 1);
  }

  static build(
    passages: readonly { text: string }[],
    tokenizer: Tokenizer,
    params: Partial<KeywordIndexParams> = {},
  ): KeywordIndex {
    const p = { ...DEFAULT_KEYWORD_PARAMS, ...params };
    const docNumbers = new Map<string, { doc: number; prefix: string }[]>();
    const labels = new Map<string, number[]>();
    passages.forEach(({ text }, doc) => scanExact(text, doc, docNumbers, labels));
    const bigramKeys = new CodeKeys();
    const bigramBuilder = new FieldBuilder();
    for (const { text } of passages) bigramBuilder.add(bigramKeys.keys(cjkBigramCodes(text)));
    const bigrams = bigramBuilder.finish(p, (keys) => bigramVocabulary(keys.map((k) => bigramKeys.codes[k]!)));
    const builder = new FieldBuilder();
    let terms: readonly string[];
    if (isCachingTokenizer(tokenizer)) {
      // a build's tokenizer hands out term ids: counted without a string per token
      for (const { text } of passages) builder.add(tokenizer.tokenIds(text));
      terms = tokenizer.termList();
    } else {
      const ids = new Map<string, number>();
      const list: string[] = [];
      for (const { text } of passages) {
        builder.add(
          tokenizer.tokenize(text).map((t) => {
            let id = ids.get(t);
            if (id === undefined) ids.set(t, (id = list.push(t) - 1));
            return id;
          }),
        );
      }
      terms = list;
    }
    const words = builder.finish(p, (keys) => wordVocabulary(keys.map((k) => terms[k]!)));
    return new KeywordIndex(
      tokenizer,
      p,
      passages.length,
      words,
      bigrams,
      docNumbers,
      new Map([...labels].map(([label, docs]) => [label, Int32Array.from(docs)])),
    );
  }

  /**
   * The index of a new list of passages, made from this one: `from[i]` is the passage of this index
   * whose text passage i has, or -1 for a text this index does not hold (only those are read from
   * `texts` and tokenized). Kept passages keep their postings under their new numbers, so a
   * rebuild after a few changed files costs about those files, and the index answers exactly as
   * one built from nothing (the same postings and statistics; terms may be numbered otherwise).
   * Null when kept passages do not keep their order, or one is taken twice: build() then.
   * The tokenizer must be the one this index was built with (same dictionary).
   */
  update(from: Int32Array, texts: readonly string[], tokenizer: Tokenizer = this.tokenizer): KeywordIndex | null {
    const count = from.length;
    const oldToNew = new Int32Array(this.count).fill(-1);
    const fresh: number[] = [];
    let last = -1;
    for (let i = 0; i < count; i++) {
      const old = from[i]!;
      if (old < 0) {
        fresh.push(i);
        continue;
      }
      if (old <= last || old >= this.count) return null;
      oldToNew[old] = i;
      last = old;
    }
    const wordLengths = new Int32Array(count);
    const bigramLengths = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      if (from[i]! < 0) continue;
      wordLengths[i] = this.words.lengths[from[i]!]!;
      bigramLengths[i] = this.bigrams.lengths[from[i]!]!;
    }

    // words: the old terms first, in their order, then terms only new passages hold
    const oldWords = this.words.vocabulary as WordVocabulary;
    const newWords = new Map<string, number>();
    const wordRows = fresh.map((doc) => {
      const tokens = tokenizer.tokenize(texts[doc]!);
      wordLengths[doc] = tokens.length;
      return {
        doc,
        terms: tokens.map((t) => {
          const id = oldWords.id(t);
          if (id >= 0) return id;
          let added = newWords.get(t);
          if (added === undefined) newWords.set(t, (added = oldWords.size + newWords.size));
          return added;
        }),
      };
    });
    const wordTerms = [...oldWords.terms, ...newWords.keys()];
    const words = mergeField(
      this.words,
      oldToNew,
      Int32Array.from(wordTerms, (_, e) => (e < oldWords.size ? e : -1)),
      freshPostings(wordRows),
      wordLengths,
      this.params,
      (kept) => new WordVocabulary(Array.from(kept, (e) => wordTerms[e]!)),
    );

    // bigrams: the merged codes in ascending order, as a bigram vocabulary keeps them
    const oldCodes = (this.bigrams.vocabulary as BigramVocabulary).codes;
    const freshCodes = fresh.map((doc) => {
      const codes = cjkBigramCodes(texts[doc]!);
      bigramLengths[doc] = codes.length;
      return codes;
    });
    const oldVocabulary = this.bigrams.vocabulary as BigramVocabulary;
    const added = [...new Set(freshCodes.flat())].filter((c) => oldVocabulary.idOfCode(c) < 0).sort((a, b) => a - b);
    const codes = new Float64Array(oldCodes.length + added.length);
    const oldTermAt = new Int32Array(codes.length);
    for (let e = 0, i = 0, j = 0; e < codes.length; e++) {
      if (j >= added.length || (i < oldCodes.length && oldCodes[i]! < added[j]!)) {
        codes[e] = oldCodes[i]!;
        oldTermAt[e] = i++;
      } else {
        codes[e] = added[j++]!;
        oldTermAt[e] = -1;
      }
    }
    const codeAt = new Map<number, number>();
    const termOf = (code: number): number => {
      let e = codeAt.get(code);
      if (e === undefined) {
        let lo = 0;
        let hi = codes.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (codes[mid]! < code) lo = mid + 1;
          else hi = mid;
        }
        codeAt.set(code, (e = lo));
      }
      return e;
    };
    const bigrams = mergeField(
      this.bigrams,
      oldToNew,
      oldTermAt,
      freshPostings(fresh.map((doc, n) => ({ doc, terms: freshCodes[n]!.map(termOf) }))),
      bigramLengths,
      this.params,
      (kept) => new BigramVocabulary(Float64Array.from(kept, (e) => codes[e]!)),
    );

    // 文号 and clause labels: kept passages renumbered, new ones scanned
    const docNumbers = new Map<string, { doc: number; prefix: string }[]>();
    for (const [key, list] of this.docNumbers) {
      const moved = list.flatMap((e) => (oldToNew[e.doc]! >= 0 ? [{ doc: oldToNew[e.doc]!, prefix: e.prefix }] : []));
      if (moved.length > 0) docNumbers.set(key, moved);
    }
    const labels = new Map<string, number[]>();
    for (const [label, docs] of this.labels) {
      const moved = Array.from(docs, (d) => oldToNew[d]!).filter((d) => d >= 0);
      if (moved.length > 0) labels.set(label, moved);
    }
    for (const doc of fresh) scanExact(texts[doc]!, doc, docNumbers, labels);
    for (const list of docNumbers.values()) list.sort((a, b) => a.doc - b.doc);
    return new KeywordIndex(
      this.tokenizer,
      this.params,
      count,
      words,
      bigrams,
      docNumbers,
      new Map([...labels].map(([label, docs]) => [label, Int32Array.from(docs).sort()])),
    );
  }

  /** The passages best matching the query, best first; [] for a blank or all-stopword query. */
  search(query: string, k: number): ScoredId[] {
    return this.searchWeighted(this.queryTerms(query), k);
  }

  /** The same postings scored with other BM25 parameters (k1, b, field weights): for measuring them. */
  withParams(params: Partial<KeywordIndexParams>): KeywordIndex {
    const p = { ...this.params, ...params };
    const renorm = (f: Field): Field => ({ ...f, norms: lengthNorms(f.lengths, p), impacts: undefined, pairColumn: undefined, pairAt: undefined, maxImpact: undefined });
    return new KeywordIndex(this.tokenizer, p, this.count, renorm(this.words), renorm(this.bigrams), this.docNumbers, this.labels, this.keepsImpacts);
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
   *
   * With `prune`, not every posting is scored: terms are read from the one that can add most to a score to the
   * one that can add least, and once the terms left cannot lift a passage none of the terms read
   * so far matched into the k best, only the passages still in the running are looked up in them
   * (MaxScore-style pruning). The k best are then scored again term by term in the query's order,
   * so scores and ranking are exactly those of scoring every posting (the default; a query
   * holding a 文号 is always scored that way).
   *
   * `alongside` is other work of the caller's (the vector leg's search), run once, while the
   * helper's thread scores its share (see RangeScorer), or first when there is none.
   */
  searchWeighted(query: WeightedQuery, k: number, boost?: Float32Array, options: { prune?: boolean; alongside?: () => void } = {}): ScoredId[] {
    if (k <= 0 || this.count === 0) {
      options.alongside?.();
      return [];
    }
    if (!options.prune || findDocNumbers(query.exact).length > 0) return this.searchExhaustive(query, k, boost, options.alongside);
    options.alongside?.();
    return this.searchPruned(this.queryTermList(query), k, boost);
  }

  /** The query's terms that occur in the index, in the order scoring adds them up, each with its weight and bound. */
  private queryTermList(query: WeightedQuery): QueryTerm[] {
    this.prepare(); // the bounds from the impacts the scoring reads
    const list: QueryTerm[] = [];
    const { k1 } = this.params;
    const fromField = (field: Field, terms: Map<string, number>, weight: number) => {
      if (!(weight > 0)) return;
      for (const [term, termWeight] of terms) {
        const id = field.vocabulary.id(term);
        if (id < 0 || !(termWeight > 0)) continue;
        const from = field.offsets[id]!;
        const to = field.offsets[id + 1]!;
        const df = to - from;
        const w = weight * termWeight * Math.log(1 + (this.count - df + 0.5) / (df + 0.5));
        list.push({ field, docs: field.docs, from, to, w, max: w * maxImpact(field, id, k1) });
      }
    };
    fromField(this.words, query.words, 1);
    fromField(this.bigrams, query.bigrams, this.params.bigramWeight);
    for (const label of unique(findClauseLabels(query.exact))) {
      const docs = this.labels.get(label);
      if (docs === undefined) continue;
      const idf = Math.log(1 + (this.count - docs.length + 0.5) / (docs.length + 0.5));
      const w = this.params.labelWeight * idf;
      if (w > 0) list.push({ field: null, docs, from: 0, to: docs.length, w, max: w });
    }
    return list;
  }

  private searchPruned(terms: QueryTerm[], k: number, boost?: Float32Array): ScoredId[] {
    const { scores: acc, touched } = this;
    const { k1 } = this.params;
    const n = terms.length;
    if (n === 0) return [];
    // what the posting i of term q adds to a passage's score: the same expression as searchExhaustive's
    const contribution = (q: QueryTerm, i: number): number => {
      if (q.field === null) return q.w;
      const { impacts, tfs, norms } = q.field;
      if (impacts !== undefined) return q.w * impactUnit(k1) * impacts[i]!; // as the kernel: (w × unit) × steps
      const tf = tfs[i]!;
      return (q.w * tf * (k1 + 1)) / (tf + norms[q.docs[i]!]!);
    };
    const order = Array.from(terms.keys()).sort((a, b) => terms[b]!.max - terms[a]!.max || a - b);
    // rest[j]: the most the terms from order[j] on can add to one passage
    const rest = new Float64Array(n + 1);
    for (let j = n - 1; j >= 0; j--) rest[j] = rest[j + 1]! + terms[order[j]!]!.max;
    let maxBoost = 1;
    if (boost !== undefined) {
      maxBoost = 0;
      for (let i = 0; i < this.count; i++) if (boost[i]! > maxBoost) maxBoost = boost[i]!;
    }
    const boosted = (doc: number) => (boost === undefined ? acc[doc]! : acc[doc]! * boost[doc]!);

    let nTouched = 0;
    let kept: number[];
    try {
      // 1. Term at a time, while a passage no term has matched yet could still reach the k best.
      let theta = 0; // at most the k-th best score
      let sinceTheta = 0;
      let best = 0;
      let j = 0;
      for (; j < n; j++) {
        const q = terms[order[j]!]!;
        // theta is at most the terms read so far could give one passage (best), times the largest boost
        if (nTouched >= k && rest[j]! < best) {
          if (below(rest[j]! * maxBoost, theta)) break;
          if (sinceTheta >= nTouched || q.to - q.from >= nTouched) {
            theta = kthBest(touched, nTouched, k, boosted);
            sinceTheta = 0;
            if (below(rest[j]! * maxBoost, theta)) break;
          }
        }
        if (q.field !== null) nTouched = scoreTerm([q.field], 0, q.from, q.to, q.w, 0, 0, k1, this.scores, touched, nTouched);
        else {
          for (let i = q.from; i < q.to; i++) {
            const doc = q.docs[i]!;
            if (acc[doc] === 0) touched[nTouched++] = doc;
            acc[doc]! += q.w;
          }
        }
        best += q.max;
        sinceTheta += q.to - q.from;
      }

      // 2. The rest of the terms, looked up for the passages that may still reach the k best.
      let candidates: number[] = [];
      if (j < n) {
        theta = kthBest(touched, nTouched, k, boosted);
        for (let i = 0; i < nTouched; i++) {
          const d = touched[i]!;
          if (!below((acc[d]! + rest[j]!) * (boost === undefined ? 1 : boost[d]!), theta)) candidates.push(d);
        }
        candidates.sort((a, b) => a - b);
        for (let jj = j; jj < n; jj++) {
          const q = terms[order[jj]!]!;
          let at = q.from;
          for (const d of candidates) {
            at = seek(q.docs, at, q.to, d);
            if (at === q.to) break;
            if (q.docs[at] === d) acc[d]! += contribution(q, at);
          }
          // passages that the terms still left cannot lift to theta drop out
          if (candidates.length > k) {
            theta = Math.max(theta, kthBest(candidates, candidates.length, k, boosted));
            candidates = candidates.filter((d) => !below((acc[d]! + rest[jj + 1]!) * (boost === undefined ? 1 : boost[d]!), theta));
          }
        }
      } else {
        candidates = Array.from(touched.subarray(0, nTouched));
      }
      // 3. Only the passages that may be among the k best (ties included) go on.
      theta = kthBest(candidates, candidates.length, k, boosted);
      kept = candidates.filter((d) => !below(boosted(d), theta));
    } finally {
      for (let i = 0; i < nTouched; i++) acc[touched[i]!] = 0;
    }

    // 4. Their exact scores: each term's share added in the query's order, as searchExhaustive adds them.
    try {
      kept.sort((a, b) => a - b);
      for (const q of terms) {
        let at = q.from;
        for (const d of kept) {
          at = seek(q.docs, at, q.to, d);
          if (at === q.to) break;
          if (q.docs[at] === d) acc[d]! += contribution(q, at);
        }
      }
      return topK(kept, kept.length, acc, boost, k);
    } finally {
      for (const d of kept) acc[d] = 0;
    }
  }

  /**
   * Each of the query's terms as scoring reads them (TERM_STRIDE numbers a term: kind, first
   * posting, end, weight, second weight, column position), words first, in the query's order. In
   * an index that keeps impacts, a two-character word the query also asks for as a bigram is read
   * with the bigram, in its place (TermKind.pair): the same sum, one list instead of two.
   */
  private termList(query: WeightedQuery): number[] {
    this.prepare();
    const { words, bigrams } = this;
    const weightOf = (field: Field, term: string, termWeight: number, weight: number): { id: number; w: number } | null => {
      const id = field.vocabulary.id(term);
      if (id < 0 || !(termWeight > 0)) return null;
      const df = field.offsets[id + 1]! - field.offsets[id]!;
      const w = weight * termWeight * Math.log(1 + (this.count - df + 0.5) / (df + 0.5));
      return w > 0 ? { id, w } : null; // a term adds nothing: the kernels count on a positive weight
    };
    const paired = new Map<string, { id: number; w: number }>(); // word -> its id and weight, read with its bigram
    if (bigrams.pairAt !== undefined) {
      for (const term of query.bigrams.keys()) {
        const word = query.words.get(term);
        if (word === undefined) continue;
        const b = bigrams.vocabulary.id(term);
        if (b < 0 || bigrams.pairAt[b]! < 0) continue;
        const w = weightOf(words, term, word, 1);
        if (w !== null) paired.set(term, w);
      }
    }
    const terms: number[] = [];
    for (const [term, termWeight] of query.words) {
      if (paired.has(term)) continue;
      const t = weightOf(words, term, termWeight, 1);
      if (t !== null) terms.push(TermKind.word, words.offsets[t.id]!, words.offsets[t.id + 1]!, t.w, 0, 0);
    }
    for (const [term, termWeight] of query.bigrams) {
      const t = weightOf(bigrams, term, termWeight, this.params.bigramWeight);
      const word = paired.get(term);
      const from = t === null ? 0 : bigrams.offsets[t.id]!;
      const to = t === null ? 0 : bigrams.offsets[t.id + 1]!;
      if (word === undefined) {
        if (t !== null) terms.push(TermKind.bigram, from, to, t.w, 0, 0);
      } else if (t !== null) terms.push(TermKind.pair, from, to, t.w, word.w, bigrams.pairAt![t.id]!);
      // the bigram weighs nothing here: the word alone
      else terms.push(TermKind.word, words.offsets[word.id]!, words.offsets[word.id + 1]!, word.w, 0, 0);
    }
    return terms;
  }

  /** Where a term list's postings are, by TermKind: a pair is read from the bigrams. */
  private termFields(): readonly [Field, Field, Field] {
    return [this.words, this.bigrams, this.bigrams];
  }

  /** Makes what an index of IMPACTS_FROM passages or more keeps for scoring, once. */
  private prepare(): void {
    if (this.keepsImpacts) keepImpacts(this.words, this.bigrams, this.params.k1);
  }

  /** termList's terms from the passage `from` on, for a RangeScorer's part. */
  private termsFrom(terms: readonly number[], from: number): number[] {
    const fields = this.termFields();
    const theirs: number[] = [];
    for (let t = 0; t < terms.length; t += TERM_STRIDE) {
      const field = fields[terms[t]!]!;
      const start = seek(field.docs, terms[t + 1]!, terms[t + 2]!, from);
      theirs.push(terms[t]!, start, terms[t + 2]!, terms[t + 3]!, terms[t + 4]!, terms[t + 5]! + start - terms[t + 1]!);
    }
    return theirs;
  }

  /** Adds the terms' postings (up to the passage `below`) into the scratch scores; returns how many passages are touched. */
  private accumulate(terms: readonly number[], nTouched: number, below = Infinity): number {
    const fields = this.termFields();
    const k1 = this.params.k1;
    for (let t = 0; t < terms.length; t += TERM_STRIDE) {
      const kind = terms[t]!;
      const from = terms[t + 1]!;
      const to = below === Infinity ? terms[t + 2]! : seek(fields[kind]!.docs, from, terms[t + 2]!, below);
      nTouched = scoreTerm(fields, kind, from, to, terms[t + 3]!, terms[t + 4]!, terms[t + 5]!, k1, this.scores, this.touched, nTouched);
    }
    return nTouched;
  }

  /** Whether the query holds a clause label this index knows or a 文号: such a query is scored on one thread. */
  private matchesExactly(query: WeightedQuery): boolean {
    return findDocNumbers(query.exact).length > 0 || unique(findClauseLabels(query.exact)).some((label) => this.labels.has(label));
  }

  /**
   * searchWeighted (exhaustive) after a level: `level.index` (the same terms over groups of these
   * passages) is searched for its `level.k` best, which `level.apply` turns into changes of
   * `boost`, and then the passages' k best are taken with that boost. With a helper that holds the
   * level, its thread scores the level and then its part of the passages, while this thread runs
   * `alongside` and scores its own part: neither waits for the level before scoring passages, since
   * the boost only counts when the k best are taken. The results are those of the two steps one
   * after the other.
   */
  searchLeveled(query: WeightedQuery, k: number, boost: Float32Array, level: Level, alongside?: () => void): ScoredId[] {
    const oneAfterTheOther = () => {
      level.apply(level.index.searchWeighted(query, level.k, undefined, { alongside }));
      return this.searchWeighted(query, k, boost);
    };
    const helper = this.helper;
    if (
      helper === null ||
      helper.startWithLevel === undefined ||
      helper.level !== level.index ||
      boost !== helper.boost ||
      k > helper.maxK ||
      k <= 0 ||
      this.count === 0 ||
      this.matchesExactly(query)
    ) {
      return oneAfterTheOther();
    }
    const terms = this.termList(query);
    const split = helper.from;
    const theirs = this.termsFrom(terms, split);
    if (!helper.startWithLevel(theirs, level.index.termList(query), level.k, k)) return oneAfterTheOther();
    let nTouched = 0;
    try {
      try {
        alongside?.();
        nTouched = this.accumulate(terms, 0, split);
        // no answer in time: the level is scored here (its index has no thread of its own)
        level.apply(helper.levelBest!() ?? level.index.searchWeighted(query, level.k));
      } finally {
        helper.boostReady!();
      }
      const mine = topK(this.touched, nTouched, this.scores, boost, k);
      nTouched = 0;
      let other = helper.finish();
      if (other === null) {
        nTouched = this.accumulate(theirs, 0);
        other = topK(this.touched, nTouched, this.scores, boost, k);
        nTouched = 0;
      }
      return mergeTop(mine, other, k);
    } finally {
      for (let i = 0; i < nTouched; i++) this.scores[this.touched[i]!] = 0;
    }
  }

  private searchExhaustive(query: WeightedQuery, k: number, boost?: Float32Array, alongside?: () => void): ScoredId[] {
    const { scores, touched } = this;
    let nTouched = 0;
    const add = (doc: number, score: number) => {
      if (!(score > 0)) return;
      if (scores[doc] === 0) touched[nTouched++] = doc;
      scores[doc]! += score;
    };

    try {
      const terms = this.termList(query);
      const labelDocs = unique(findClauseLabels(query.exact)).flatMap((label) => {
        const docs = this.labels.get(label);
        return docs === undefined ? [] : [docs];
      });
      const wanted = findDocNumbers(query.exact);

      // The passages from helper.from on scored by the helper's thread meanwhile: the same terms in
      // the same order, so every score is the one this thread would have given.
      const helper = this.helper;
      if (helper !== null && labelDocs.length === 0 && wanted.length === 0 && k <= helper.maxK && (boost === undefined || boost === helper.boost)) {
        const split = helper.from;
        const theirs = this.termsFrom(terms, split);
        if (helper.start(theirs, boost !== undefined, k)) {
          alongside?.();
          nTouched = this.accumulate(terms, nTouched, split);
          const mine = topK(touched, nTouched, scores, boost, k);
          nTouched = 0;
          let other = helper.finish();
          if (other === null) {
            // no answer in time: this thread scores their part too
            nTouched = this.accumulate(theirs, nTouched);
            other = topK(touched, nTouched, scores, boost, k);
            nTouched = 0;
          }
          return mergeTop(mine, other, k);
        }
      }

      alongside?.();
      nTouched = this.accumulate(terms, nTouched);
      for (const docs of labelDocs) {
        const idf = Math.log(1 + (this.count - docs.length + 0.5) / (docs.length + 0.5));
        for (const doc of docs) add(doc, this.params.labelWeight * idf);
      }

      // A passage holding a 文号 from the query ranks above every passage that does not.
      if (wanted.length === 0) {
        const top = topK(touched, nTouched, scores, boost, k);
        nTouched = 0; // topK has set every touched score back to 0
        return top;
      }
      if (boost !== undefined) for (let i = 0; i < nTouched; i++) scores[touched[i]!]! *= boost[touched[i]!]!;
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

      const top = topK(touched, nTouched, scores, undefined, k);
      nTouched = 0;
      return top;
    } finally {
      for (let i = 0; i < nTouched; i++) scores[touched[i]!] = 0;
    }
  }

  /** The postings in shared memory, for a RangeScorer's thread; null when they were not read so. */
  sharedPostings(): SharedPostings | null {
    const fields = [this.words, this.bigrams];
    if (!fields.every((f) => f.docs.buffer instanceof SharedArrayBuffer)) return null;
    this.prepare();
    return { count: this.count, k1: this.params.k1, fields: fields.map(({ docs, tfs, norms, impacts, pairColumn }) => ({ docs, tfs, norms, impacts, pairColumn })) };
  }

  /** Lets searches share their scoring with `helper` (null: they score alone again). */
  useHelper(helper: RangeScorer | null): void {
    this.helper = helper;
  }

  /** BM25 idf of a word (field 'words') or a character bigram (field 'bigrams'); 0 for an unknown term. */
  idf(term: string, field: 'words' | 'bigrams' = 'words'): number {
    const f = field === 'words' ? this.words : this.bigrams;
    const id = f.vocabulary.id(term);
    if (id < 0) return 0;
    const df = f.offsets[id + 1]! - f.offsets[id]!;
    return Math.log(1 + (this.count - df + 0.5) / (df + 0.5));
  }

  /** The query's terms that occur in the index, longest first: what to highlight in results. */
  matchedTerms(query: string): string[] {
    const terms = unique(this.tokenizer.tokenize(query)).filter((t) => this.words.vocabulary.id(t) >= 0);
    for (const d of findDocNumbers(query)) {
      if ((this.docNumbers.get(d.key) ?? []).some((e) => sameIssuer(e.prefix, d.prefix))) terms.push(d.normalized);
    }
    for (const label of unique(findClauseLabels(query))) if (this.labels.has(label)) terms.push(label);
    return unique(terms).sort((a, b) => b.length - a.length);
  }

  /**
   * Every term's postings with what each posting adds to a score before the term's weight and idf
   * (tf (k1 + 1) / (tf + norm)): the index as another engine stores it (ingest/write-postgres.ts).
   */
  *postingLists(): Generator<{ field: 'words' | 'bigrams'; term: string; docs: Int32Array; parts: Float32Array }> {
    const { k1 } = this.params;
    for (const [name, field] of [['words', this.words], ['bigrams', this.bigrams]] as const) {
      const v = field.vocabulary;
      for (let id = 0; id < v.size; id++) {
        const from = field.offsets[id]!;
        const to = field.offsets[id + 1]!;
        if (to === from) continue;
        const docs = Int32Array.from(field.docs.subarray(from, to));
        const parts = tfParts(field.docs.subarray(from, to), field.tfs.subarray(from, to), field.norms, k1);
        const term = v instanceof WordVocabulary ? v.terms[id]! : bigramOfCode((v as BigramVocabulary).codes[id]!);
        yield { field: name, term, docs, parts };
      }
    }
  }

  /** The clause labels and 文号 found in the passages: label -> passages, 文号 key -> (passage, issuer prefix). */
  exactTerms(): { labels: ReadonlyMap<string, Int32Array>; docNumbers: ReadonlyMap<string, readonly { doc: number; prefix: string }[]> } {
    return { labels: this.labels, docNumbers: this.docNumbers };
  }

  /** The index as keyword-index.json's header and keyword-index.bin's postings. */
  /** The index as its two files: the header (JSON) and the postings, in one array. */
  serialize(): { header: KeywordIndexHeader; postings: Uint8Array } {
    const { header, postings } = this.serializeInChunks();
    return { header, postings: Buffer.concat(postings) };
  }

  /** As serialize(), the postings as the chunks they were written in (the file is their concatenation). */
  serializeInChunks(): KeywordIndexFiles {
    const docNumbers: Record<string, (number | string)[]> = {};
    for (const [key, list] of this.docNumbers) docNumbers[key] = list.flatMap((e) => [e.doc, e.prefix]);
    const labels: Record<string, number[]> = {};
    for (const [label, docs] of this.labels) labels[label] = Array.from(docs);
    const out = new VarintWriter();
    const words = writeField(out, this.words);
    const bigrams = writeField(out, this.bigrams);
    return { header: { format: FORMAT, count: this.count, params: this.params, words, bigrams, docNumbers, labels }, postings: out.chunks() };
  }

  /**
   * The index from its files. With `shared`, its postings are read into shared memory, so that a
   * RangeScorer's thread can score a part of them (sharedPostings, useHelper).
   */
  static deserialize(header: KeywordIndexHeader, postings: Uint8Array, tokenizer: Tokenizer, options: { shared?: boolean; impacts?: boolean } = {}): KeywordIndex {
    if (header.format !== FORMAT) {
      throw new Error(`Keyword index format is ${String(header.format)}; this build reads ${FORMAT}. Run ingest again.`);
    }
    const docNumbers = new Map<string, { doc: number; prefix: string }[]>();
    for (const [key, flat] of Object.entries(header.docNumbers)) {
      const list: { doc: number; prefix: string }[] = [];
      for (let i = 0; i < flat.length; i += 2) list.push({ doc: flat[i] as number, prefix: flat[i + 1] as string });
      docNumbers.set(key, list);
    }
    return new KeywordIndex(
      tokenizer,
      header.params,
      header.count,
      readField(postings, header.words, 'words', header.params, options.shared === true),
      readField(postings, header.bigrams, 'bigrams', header.params, options.shared === true),
      docNumbers,
      new Map(Object.entries(header.labels).map(([label, docs]) => [label, Int32Array.from(docs)])),
      options.impacts ?? header.count >= IMPACTS_FROM,
    );
  }

  /**
   * The same terms over groups of passages (a document, a chapter): each group's term frequency
   * and length are the sums of its passages', so a group is scored as if its passages were one
   * text. Built from the postings, nothing is tokenized again; no 文号 or label matching. Used by
   * search to rank documents first (hierarchical retrieval). With `shared`, in shared memory, as
   * deserialize's.
   */
  grouped(groupOf: Int32Array, groupCount: number, params: Partial<KeywordIndexParams> = {}, options: { shared?: boolean } = {}): KeywordIndex {
    const shared = options.shared === true;
    const p = { ...this.params, ...params };
    const group = (f: Field): Field => {
      const lengths = new Int32Array(groupCount);
      for (let d = 0; d < f.lengths.length; d++) lengths[groupOf[d]!]! += f.lengths[d]!;
      const offsets = new Int32Array(f.offsets.length);
      const docs = docIds(f.docs.length, groupCount);
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
      let maxTf = 0;
      for (let i = 0; i < at; i++) if (tfs[i]! > maxTf) maxTf = tfs[i]!;
      const compact = termFrequencies(at, maxTf, shared);
      compact.set(tfs.subarray(0, at));
      const kept = docIds(at, groupCount, shared);
      kept.set(docs.subarray(0, at));
      return { vocabulary: f.vocabulary, offsets, docs: kept, tfs: compact, lengths, norms: lengthNorms(lengths, p, shared) };
    };
    return new KeywordIndex(this.tokenizer, p, groupCount, group(this.words), group(this.bigrams), new Map(), new Map(), this.keepsImpacts);
  }
}
