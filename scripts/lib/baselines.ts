// The two reference systems of ../shared/eval/README.md, rebuilt so they run on the same corpus and
// queries as the product: naive 300-character chunks searched by (a) BM25 over jieba search-mode
// tokens and (b) Orama full-text search with its Mandarin tokenizer.
import { createRequire } from 'node:module';
import { create, insert, search } from '@orama/orama';
import { createTokenizer as createMandarinTokenizer } from '@orama/tokenizers/mandarin';

export const CHUNK_CHARS = 300;
const SENTENCE = /[^。！？；]*[。！？；]|[^。！？；]+$/gu;

export interface Chunk {
  docId: string;
  docTitle: string;
  text: string;
  /** The corpus file the chunk comes from (the article rule of laws-train needs it). */
  source?: string;
}

export interface BaselineHit extends Chunk {
  score: number;
}

export interface Baseline {
  name: string;
  search(query: string, k: number): Promise<BaselineHit[]>;
}

/**
 * One document's text, whitespace removed, packed sentence by sentence (a sentence ends at 。！？；)
 * into chunks of at most 300 characters; a longer sentence is cut hard every 300 characters.
 */
export function naiveChunks(text: string, size: number = CHUNK_CHARS): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const sentence of text.replace(/\s+/gu, '').match(SENTENCE) ?? []) {
    const chars = [...sentence];
    if (chars.length > size) {
      if (current !== '') chunks.push(current);
      current = '';
      for (let i = 0; i < chars.length; i += size) {
        const piece = chars.slice(i, i + size).join('');
        if (i + size < chars.length) chunks.push(piece);
        else current = piece;
      }
    } else if ([...current].length + chars.length > size) {
      chunks.push(current);
      current = sentence;
    } else {
      current += sentence;
    }
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

export function chunkDocuments(documents: readonly { id: string; title: string | null; text: string; source?: string }[]): Chunk[] {
  return documents.flatMap((d) =>
    naiveChunks(d.text).map((text) => ({ docId: d.id, docTitle: d.title ?? d.id, text, ...(d.source !== undefined ? { source: d.source } : {}) })),
  );
}

// 第五十四条, 第一千二百条, 第十条之一 at the start of a line: where STARD cuts a law into articles.
const ARTICLE_START = /^[ \t\u3000]*第[零〇一二三四五六七八九十百千\d]+条(?:之[一二三四五六七八九十]+)?/gmu;

/**
 * STARD's unit: a law cut into whole articles, each from its 第X条 line to the next one's (the
 * text before the first article, and lists after the last, go with their neighbour), whitespace
 * removed. Documents without articles are one unit.
 */
export function articleUnits(documents: readonly { id: string; title: string | null; text: string; source?: string }[]): Chunk[] {
  const out: Chunk[] = [];
  for (const d of documents) {
    const starts = [...d.text.matchAll(ARTICLE_START)].map((m) => m.index);
    if (starts.length === 0 || starts[0] !== 0) starts.unshift(0);
    starts.forEach((start, i) => {
      const text = d.text.slice(start, starts[i + 1] ?? d.text.length).replace(/\s+/gu, '');
      if (text !== '') out.push({ docId: d.id, docTitle: d.title ?? d.id, text, ...(d.source !== undefined ? { source: d.source } : {}) });
    });
  }
  return out;
}

type CutForSearch = (text: string, hmm?: boolean | null) => string[];

/**
 * A jieba instance of our own. jieba-wasm keeps one dictionary per instance and the product's
 * tokenizer adds the policy terms to it; a baseline must see jieba's stock dictionary whatever ran
 * before it in this process. The package is CommonJS and instantiates its wasm at load, so loading
 * it past the module cache gives a fresh instance.
 */
function freshJieba(): CutForSearch {
  const require = createRequire(import.meta.url);
  const path = require.resolve('jieba-wasm');
  const cached = require.cache[path];
  delete require.cache[path];
  try {
    return (require(path) as { cut_for_search: CutForSearch }).cut_for_search;
  } finally {
    if (cached) require.cache[path] = cached;
    else delete require.cache[path];
  }
}

const WORD = /[\p{L}\p{N}]/u;

/** jieba search mode, HMM on, stock dictionary; punctuation dropped, Latin lowercased. */
export function createBaselineTokenizer(): (text: string) => string[] {
  const cutForSearch = freshJieba();
  return (text) => cutForSearch(text, true).filter((t) => WORD.test(t)).map((t) => t.toLowerCase());
}

export function createBm25Baseline(chunks: readonly Chunk[], { k1 = 1.2, b = 0.75, name = 'BM25 baseline (jieba)' } = {}): Baseline {
  const tokenize = createBaselineTokenizer();

  const postings = new Map<string, { doc: number; tf: number }[]>();
  const lengths = chunks.map((chunk, doc) => {
    const tokens = tokenize(chunk.text);
    const counts = new Map<string, number>();
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [t, tf] of counts) {
      let list = postings.get(t);
      if (list === undefined) postings.set(t, (list = []));
      list.push({ doc, tf });
    }
    return tokens.length;
  });
  const n = chunks.length;
  const averageLength = lengths.reduce((s, l) => s + l, 0) / Math.max(1, n) || 1;

  return {
    name,
    async search(query, k) {
      const scores = new Map<number, number>();
      for (const term of new Set(tokenize(query))) {
        const list = postings.get(term);
        if (list === undefined) continue;
        const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
        for (const { doc, tf } of list) {
          const norm = k1 * (1 - b + (b * lengths[doc]!) / averageLength);
          scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (k1 + 1)) / (tf + norm));
        }
      }
      return [...scores]
        .sort((x, y) => y[1] - x[1] || x[0] - y[0])
        .slice(0, k)
        .map(([doc, score]) => ({ ...chunks[doc]!, score }));
    },
  };
}

export async function createOramaBaseline(chunks: readonly Chunk[]): Promise<Baseline> {
  const db = create({
    schema: { text: 'string', position: 'number' } as const,
    components: { tokenizer: createMandarinTokenizer() },
  });
  for (const [position, chunk] of chunks.entries()) await insert(db, { text: chunk.text, position });
  return {
    name: 'Orama baseline (Mandarin)',
    async search(query, k) {
      const res = await search(db, { term: query, properties: ['text'], limit: k });
      return res.hits.map((hit) => ({ ...chunks[hit.document.position]!, score: hit.score }));
    },
  };
}
