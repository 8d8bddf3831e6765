// Chinese tokenizer for the keyword index and the built-in embedder: jieba search-mode words,
// plus the helpers both of them share (CJK character bigrams, 文号 recognition, the policy
// dictionary built from the corpus).
//
// jieba-wasm keeps ONE dictionary per process, and add_word cannot be undone. Every tokenizer in
// the process therefore sees every term any tokenizer added, and the same words must be added
// before building an index and before searching it: save `tokenizer.dictionary` beside the index
// and pass it back in when the server starts.
import { findDocNumbers } from './policy-patterns.ts';
import { add_word, cut, cut_for_search, tokenize as jiebaTokenize } from 'jieba-wasm';
import { startJieba } from './jieba-memory.ts';
import type { Tokenizer } from './types.ts';

export interface ChineseTokenizer extends Tokenizer {
  /** Search-mode terms: every word plus the dictionary sub-words inside it (overlapping), less the one a negation (未成年人 → 成年人) would turn around. */
  tokenize(text: string): string[];
  /** Precise-mode words: one per word, in order, not overlapping (for display and highlighting). */
  words(text: string): string[];
  /** The policy terms this tokenizer added to jieba's dictionary, as given. */
  readonly dictionary: readonly string[];
}

// Function words and question words. Content words that look small (补, 买, 新, 申请) stay:
// enterprises' questions carry their meaning in exactly those.
const STOPWORDS = new Set(
  (
    '的 地 得 之 了 着 过 和 与 及 以及 或 或者 等 等等 在 是 对 为 把 被 将 从 向 给 让 其 也 就 都 而 并 且 又 还 ' +
    '吗 呢 吧 啊 呀 哦 嘛 么 什么 怎么 怎样 怎么样 多少 哪些 哪个 哪里 哪 如何 是否 能否 可否 有没有 ' +
    '我 我们 你 你们 您 他 他们 她 它 它们 咱们 这 那 这个 那个 这些 那些 这样 那样 ' +
    '能 会 可以 可 要 想 请问 一下 有 没有'
  ).split(' '),
);

const HAN = /\p{Script=Han}/u;
// A word that negates another by its first character is another concept, not an instance of it:
// 未成年人 is no 成年人, 不动产 no 动产, 非法人组织 no 法人, 无过错 no 过错, 非机动车 no 机动车.
// jieba's search mode still lists the word after the negation among a word's sub-words, so a
// question about adults would match every article about minors; that sub-word is left out.
const NEGATION = new Set(['未', '非', '无', '不']);
const HAN_ONLY = /^[\p{Script=Han}a-z0-9]+$/u;
const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
// PDF extraction leaves line breaks (and spaced-out letters) inside words: 专精特新发展\n\n之路.
const SPACE_BETWEEN_HAN = /(?<=\p{Script=Han})\s+(?=\p{Script=Han})/gu;

/** NFKC (full-width letters and digits to ASCII), lowercase, whitespace inside Chinese removed. */
export function normalizeForTokens(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(SPACE_BETWEEN_HAN, '');
}

function cleanToken(raw: string): string | null {
  if (!HAS_WORD_CHAR.test(raw)) return null;
  const token = raw.replace(EDGE_PUNCTUATION, '');
  if (token === '' || STOPWORDS.has(token)) return null;
  return token;
}

// Process-wide, like jieba's own dictionary: term -> its search-mode words from before the term
// was added (so a query for 特新 still finds a passage where 专精特新 is kept whole).
const addedTerms = new Map<string, string[]>();

/**
 * Loads jieba's own dictionary now (half a second when it is built, on first use otherwise; see
 * jieba-memory.ts): a build asks for it while its files are still being read, when this thread
 * would be waiting on the disk.
 */
export function loadJieba(): void {
  startJieba();
}

// Counts the words added to jieba's dictionary: a text segmented before an addition may be
// segmented otherwise after it.
let dictionaryEdition = 0;

function addTerm(term: string): void {
  const word = normalizeForTokens(term);
  if (addedTerms.has(word) || [...word].length < 2 || !HAN_ONLY.test(word)) return;
  const before = cut_for_search(word, true).filter((w) => w !== word);
  addedTerms.set(word, before);
  add_word(word);
  dictionaryEdition++;
}

/** How many texts a tokenizer remembers the words of: a search segments its query for several readers of it. */
const RECENT_TEXTS = 8;

/**
 * Search-mode jieba (HMM on) with the policy dictionary added. Latin and digits are lowercased,
 * punctuation, whitespace and stopwords are dropped.
 */
export function createChineseTokenizer(options: { dictionary?: string[] } = {}): ChineseTokenizer {
  startJieba();
  const dictionary = [...(options.dictionary ?? [])];
  for (const term of dictionary) addTerm(term);

  // the last texts segmented, newest last, with the dictionary's edition then
  const recent = new Map<string, { edition: number; tokens: string[] }>();

  function tokenize(text: string): string[] {
    const known = recent.get(text);
    if (known !== undefined && known.edition === dictionaryEdition) return [...known.tokens];
    const tokens = segment(text);
    recent.delete(text);
    if (recent.size >= RECENT_TEXTS) recent.delete(recent.keys().next().value!);
    recent.set(text, { edition: dictionaryEdition, tokens });
    return [...tokens];
  }

  function segment(text: string): string[] {
    const out: string[] = [];
    const outStart: number[] = [];
    // jieba search mode emits the dictionary sub-words of a word just before the word itself.
    for (const t of jiebaTokenize(normalizeForTokens(text), 'search', true)) {
      const subwords = addedTerms.get(t.word);
      if (subwords !== undefined && subwords.length > 0) {
        const already = new Set<string>();
        for (let i = out.length - 1; i >= 0 && outStart[i]! >= t.start; i--) already.add(out[i]!);
        for (const sub of subwords) {
          const token = cleanToken(sub);
          if (token !== null && !already.has(token)) {
            out.push(token);
            outStart.push(t.start);
          }
        }
      }
      if (t.end - t.start >= 3 && NEGATION.has(t.word[0]!)) {
        // its sub-words that begin just after the negation were emitted just before it
        for (let i = out.length - 1; i >= 0 && outStart[i]! >= t.start; i--) {
          if (outStart[i] === t.start + 1) {
            out.splice(i, 1);
            outStart.splice(i, 1);
          }
        }
      }
      const token = cleanToken(t.word);
      if (token !== null) {
        out.push(token);
        outStart.push(t.start);
      }
    }
    return out;
  }

  function words(text: string): string[] {
    const out: string[] = [];
    for (const w of cut(normalizeForTokens(text), true)) {
      const token = cleanToken(w);
      if (token !== null) out.push(token);
    }
    return out;
  }

  return { tokenize, words, dictionary };
}

/** Overlapping character bigrams of each run of Chinese characters (whitespace inside a run ignored). */
export function cjkBigrams(text: string): string[] {
  const out: string[] = [];
  let previous = '';
  for (const ch of text.normalize('NFKC')) {
    if (HAN.test(ch)) {
      if (previous !== '') out.push(previous + ch);
      previous = ch;
    } else if (!/\s/u.test(ch)) {
      previous = '';
    }
  }
  return out;
}

const CODE_POINTS = 0x110000;

/** A bigram as one number (first code point x 0x110000 + second): exact in a double, sortable, no string made. */
export function bigramCode(bigram: string): number {
  const first = bigram.codePointAt(0)!;
  return first * CODE_POINTS + bigram.codePointAt(first > 0xffff ? 2 : 1)!;
}

/** The bigram a code stands for. */
export function bigramOfCode(code: number): string {
  const second = code % CODE_POINTS;
  return String.fromCodePoint((code - second) / CODE_POINTS, second);
}

// Whether a code point is Han, whitespace or neither, decided once per code point seen.
const charClass = new Map<number, 0 | 1 | 2>();
const classOf = (cp: number): 0 | 1 | 2 => {
  let c = charClass.get(cp);
  if (c === undefined) {
    const ch = String.fromCodePoint(cp);
    c = HAN.test(ch) ? 1 : /\s/u.test(ch) ? 2 : 0;
    charClass.set(cp, c);
  }
  return c;
};

/** cjkBigrams(text) as bigramCode()s, without making a string per bigram (for indexing whole corpora). */
export function cjkBigramCodes(text: string): number[] {
  const out: number[] = [];
  const normalized = text.normalize('NFKC');
  let previous = -1;
  for (let i = 0; i < normalized.length; i++) {
    const cp = normalized.codePointAt(i)!;
    if (cp > 0xffff) i++;
    const c = classOf(cp);
    if (c === 1) {
      if (previous >= 0) out.push(previous * CODE_POINTS + cp);
      previous = cp;
    } else if (c === 0) {
      previous = -1;
    }
  }
  return out;
}

export { findDocNumbers, type DocNumberMatch } from './policy-patterns.ts';

const QUOTED = /[“「]([^“”「」]{1,40})[”」]/gu;
const TITLE = /《([^《》]{1,80})》/gu;
const TERM_CHARS = /^[\p{Script=Han}A-Za-z0-9+×·\-]+$/u;
const MAX_TITLE = 60;

function hanCount(text: string): number {
  let n = 0;
  for (const ch of text) if (HAN.test(ch)) n++;
  return n;
}

/**
 * The policy dictionary of a corpus: quoted terms (“专精特新”, “智赋万企”), titles in 《》 and
 * 文号, whitespace removed. Whole sentences, numbers and punctuation-heavy strings are left out.
 */
export function extractPolicyTerms(texts: string[]): string[] {
  const terms = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(QUOTED)) {
      const term = m[1]!.replace(/\s+/gu, '');
      const length = [...term].length;
      if (length >= 2 && length <= 12 && TERM_CHARS.test(term) && hanCount(term) >= 2) terms.add(term);
    }
    for (const m of text.matchAll(TITLE)) {
      const title = m[1]!.replace(/\s+/gu, '');
      const length = [...title].length;
      // Titles may hold quotes and brackets (《…“十五五”规划》) but not sentence punctuation.
      if (length >= 2 && length <= MAX_TITLE && hanCount(title) >= 2 && !/[。，；：！？、]/u.test(title)) {
        terms.add(title);
      }
    }
    for (const d of findDocNumbers(text)) if (d.prefix !== '') terms.add(d.normalized);
  }
  return [...terms].sort();
}

/**
 * A tokenizer that remembers what it returned, as term ids, for the length of one build: ingest
 * tokenizes each passage once for the keyword index, and the built-in embedder's training and
 * embedding read the same tokens back instead of running jieba again (jieba is most of their
 * time). Returns a fresh array on each call, as the wrapped tokenizer does.
 */
export interface CachingTokenizer extends Tokenizer {
  /** Takes tokens made elsewhere (another thread): texts[i]'s are termsThere[ids[offsets[i] .. offsets[i + 1])]. */
  preload(texts: readonly string[], ids: Int32Array, offsets: Int32Array, termsThere: readonly string[]): void;
  /** Whether a text's tokens are remembered. */
  has(text: string): boolean;
  /** A text's tokens as ids into termList() (tokenized now if not remembered): no string made per token. */
  tokenIds(text: string): Int32Array;
  /** The term of every id tokenIds() has given so far. */
  termList(): readonly string[];
  /** The remembered tokens of these texts, flat (null when one is not remembered). */
  table(texts: readonly string[]): { offsets: Int32Array; ids: Int32Array; terms: string[] } | null;
  /** Forgets everything remembered. */
  clear(): void;
}

/** Whether a tokenizer hands out term ids (a build's caching tokenizer). */
export const isCachingTokenizer = (tokenizer: Tokenizer): tokenizer is CachingTokenizer => 'tokenIds' in tokenizer && 'termList' in tokenizer;

export function createCachingTokenizer(tokenizer: Tokenizer): CachingTokenizer {
  let seen = new Map<string, Int32Array>();
  let terms: string[] = [];
  let ids = new Map<string, number>();
  const idOf = (t: string): number => {
    let id = ids.get(t);
    if (id === undefined) ids.set(t, (id = terms.push(t) - 1));
    return id;
  };
  const tokenIds = (text: string): Int32Array => {
    const known = seen.get(text);
    if (known !== undefined) return known;
    const made = Int32Array.from(tokenizer.tokenize(text), idOf);
    seen.set(text, made);
    return made;
  };
  return {
    preload(texts, there, offsets, termsThere) {
      const local = Int32Array.from(termsThere, idOf);
      texts.forEach((text, i) => {
        const own = there.slice(offsets[i]!, offsets[i + 1]!);
        for (let j = 0; j < own.length; j++) own[j] = local[own[j]!]!;
        seen.set(text, own);
      });
    },
    tokenize(text: string): string[] {
      return Array.from(tokenIds(text), (id) => terms[id]!);
    },
    has(text) {
      return seen.has(text);
    },
    tokenIds,
    termList() {
      return terms;
    },
    table(texts) {
      const offsets = new Int32Array(texts.length + 1);
      for (let i = 0; i < texts.length; i++) {
        const known = seen.get(texts[i]!);
        if (known === undefined) return null;
        offsets[i + 1] = offsets[i]! + known.length;
      }
      const flat = new Int32Array(offsets[texts.length]!);
      texts.forEach((text, i) => flat.set(seen.get(text)!, offsets[i]!));
      return { offsets, ids: flat, terms: [...terms] };
    },
    clear() {
      seen = new Map();
      terms = [];
      ids = new Map();
    },
  };
}
