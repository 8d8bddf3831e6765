// An article named with its law leads, as a 文号 leads with its document: 民法典第1165条,
// 《中华人民共和国劳动合同法》第四十七条, 刑法第二百六十四条. Without it the words of the query
// decide, and an article that refers to 第四十七条 ("依照本法第四十七条规定的经济补偿标准…") ranks as
// high as 第四十七条 itself; a number in Arabic digits matched no label at all. The law is read from
// the words just before 第, by the name the corpus's documents cite it by (its title without
// 中华人民共和国, or its file name); a number with no law before it is left to the words, except
// in a search within one document, where it is that document's article.
import { chineseNumber } from '../ingest/policy-patterns.ts';
import type { Clause, PolicyDocument } from '../ingest/types.ts';
import type { Catalog } from './backends/backend.ts';
import { articleLabel, compact, documentsByCitedName } from './corpus-priors.ts';

/** 第1165条, 第一千一百六十五条, 第二百八十七条之二 (spaces and full-width digits allowed). */
export const ARTICLE_NUMBER = /第\s*([0-9０-９一二三四五六七八九十百千零〇两]+)\s*条(之[一二三四五六七八九十]+)?/gu;
/** A law's name is at most this long, and at least 2 characters (刑法). */
const LONGEST_NAME = 30;

/** An article's number as ARTICLE_NUMBER reads it (二百二十四 or 224, and 之二) → "224", "287之二"; null when it is none. */
export function articleKey(number: string, suffix = ''): string | null {
  const n = chineseNumber(number.normalize('NFKC'));
  return n === null ? null : `${n}${suffix}`;
}

const ARTICLE_LABEL = new RegExp(`^${ARTICLE_NUMBER.source}$`, 'u');

/** 第二百二十四条 → "224", 第二百八十七条之二 → "287之二"; null for a label that is no article's. */
function labelKey(label: string): string | null {
  const m = ARTICLE_LABEL.exec(label);
  return m === null ? null : articleKey(m[1]!, m[2]);
}

const byKey = new WeakMap<PolicyDocument, Map<string, Clause>>();

/** A document's articles by number ("224", "287之二"), the index's own clause objects. */
export function articlesByKey(index: Catalog, doc: PolicyDocument): Map<string, Clause> {
  let articles = byKey.get(doc);
  if (articles === undefined) {
    articles = new Map();
    for (const clause of doc.clauses) {
      const article = clause.kind === 'article' ? index.clausesById.get(clause.id) : undefined;
      const key = article === undefined ? null : labelKey(articleLabel(article));
      if (article !== undefined && key !== null && !articles.has(key)) articles.set(key, article);
    }
    byKey.set(doc, articles);
  }
  return articles;
}

/**
 * The articles a query names with their law, in the order it names them; within one document
 * (`within`, a search inside it), a number alone names its article there.
 */
export function namedArticles(index: Catalog, q: string, within?: string): Clause[] {
  if (!q.includes('条')) return [];
  const byName = documentsByCitedName(index);
  const out: Clause[] = [];
  const text = q.normalize('NFKC');
  for (const m of text.matchAll(ARTICLE_NUMBER)) {
    const key = articleKey(m[1]!, m[2]);
    if (key === null) continue;
    // the longest name of a law that the words just before 第 end with (《》 and spaces left out)
    const before = compact(text.slice(Math.max(0, m.index - LONGEST_NAME - 10), m.index)).replace(/的$/u, '');
    let docs: readonly string[] | undefined;
    for (let len = Math.min(LONGEST_NAME, before.length); len >= 2 && docs === undefined; len--) {
      docs = byName.get(before.slice(before.length - len).replace(/^中华人民共和国/u, ''));
    }
    for (const id of docs ?? (within !== undefined ? [within] : [])) {
      const doc = index.documentsById.get(id);
      const article = doc === undefined ? undefined : articlesByKey(index, doc).get(key);
      if (article !== undefined && !out.includes(article)) out.push(article);
    }
  }
  return out;
}
