// 罪名: people name a crime (合同诈骗罪, 帮助信息网络犯罪活动罪, 盗窃罪); the 刑法 does not. Its
// articles say what is punished ("以非法占有为目的，在签订、履行合同过程中，骗取对方当事人财物…"),
// and the crime's name is given by other documents: the courts' and procuratorates' 罪名 rules
// (关于执行《刑法》确定罪名的规定 and its supplements, 关于适用刑法分则规定的犯罪的罪名的意见), each
// name beside the article it stands for. When the corpus holds them and the 刑法, a query that
// names a crime is pointed at that article, as a 文号 points at its document. Read from the
// corpus at first use, nothing learned from questions; a corpus without them has no crime names.
import type { Clause, PolicyDocument } from '../ingest/types.ts';
import type { Catalog } from './backends/backend.ts';
import { ARTICLE_NUMBER, articleKey, articlesByKey } from './named-articles.ts';

/** The documents that name crimes: 确定罪名的规定 (and 补充规定), 罪名的意见. */
const NAMING_TITLE = /罪名/u;
const CRIMINAL_LAW = '中华人民共和国刑法';
/** 140．合同诈骗罪（第224条）, the numbered list of the 1997 意见. */
const LISTED = /\d+\s*[．.]\s*([^\s．.（）()|]{2,60}?罪)\s*[（(]((?:第[^（）()]*?条[^（）()]*?)+)[）)]/gu;
/** 第二百八十七条之二（《刑法修正案（九）》第二十九条） | 帮助信息网络犯罪活动罪: a row of the rules' tables (outer | optional). */
const TABLE_ROW = /^\|?[ \t]*(第[^|\n]+?)[ \t]*\|[ \t]*([^|\n]+?)[ \t]*\|?[ \t]*$/gmu;
/** A crime's name: what is said before 罪, without the 、 that joins its acts or any spacing. */
const nameKey = (name: string) => name.replace(/[、，,\s]/gu, '');

/** The article keys a reference names, its amending acts' own articles (（《刑法修正案（十一）》第五条）) left out. */
function articleKeys(ref: string): string[] {
  const plain = ref.replace(/[（(]《[^》]*》[^）)]*[）)]/gu, '').replace(/《[^》]*》第[^，、）)|]*/gu, '');
  const keys: string[] = [];
  // (a 款 or 项 after the article narrows nothing here: the article is what is cited)
  for (const m of plain.matchAll(ARTICLE_NUMBER)) {
    const key = articleKey(m[1]!, m[2]);
    if (key !== null && !keys.includes(key)) keys.push(key);
  }
  return keys;
}

export interface CrimeName {
  /** As the document writes it: 出售、购买、运输假币罪. */
  name: string;
  /** The articles it stands for: "171", "287之二". */
  articles: string[];
}

/**
 * Crime names and the articles they stand for, from the corpus's 罪名 documents, by the name with
 * its 、 removed (how a query is matched). Every name a document gives counts, a name a later rule
 * replaced too (投毒罪 is still what people say).
 */
export function crimeNameTable(documents: readonly Pick<PolicyDocument, 'title' | 'text'>[]): Map<string, CrimeName> {
  const table = new Map<string, CrimeName>();
  const add = (name: string, keys: string[]) => {
    const key = nameKey(name);
    if (key.length < 3 || keys.length === 0) return;
    const crime = table.get(key) ?? { name, articles: [] };
    for (const k of keys) if (!crime.articles.includes(k)) crime.articles.push(k);
    table.set(key, crime);
  };
  for (const doc of documents) {
    if (doc.title === null || !NAMING_TITLE.test(doc.title)) continue;
    for (const m of doc.text.matchAll(LISTED)) add(m[1]!, articleKeys(m[2]!));
    for (const m of doc.text.matchAll(TABLE_ROW)) {
      const keys = articleKeys(m[1]!);
      // a cell may hold two names, and a note on the names it replaces: （取消投毒罪罪名）
      const cell = m[2]!.replace(/[（(]取消[^）)]*[）)]/gu, ' ');
      for (const name of cell.split(/\s+/u)) if (name.endsWith('罪') && !name.startsWith('第')) add(name, keys);
    }
  }
  return table;
}

interface CrimeIndex {
  /** Names, longest first (a query holding 合同诈骗罪 names that, not 诈骗罪). */
  names: string[];
  table: Map<string, CrimeName>;
  /** The 刑法's articles by number (articlesByKey). */
  articles: Map<string, Clause>;
}
const crimeIndexes = new WeakMap<Catalog, CrimeIndex | null>();

function crimeIndex(index: Catalog): CrimeIndex | null {
  let found = crimeIndexes.get(index);
  if (found !== undefined) return found;
  found = null;
  const law = index.documents
    .filter((d) => d.title !== null && d.title.replace(/[《》\s]/gu, '') === CRIMINAL_LAW)
    .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''))[0];
  const table = law === undefined ? new Map<string, CrimeName>() : crimeNameTable(index.documents);
  if (law !== undefined && table.size > 0) {
    const articles = articlesByKey(index, law);
    const names = [...table.keys()].filter((n) => table.get(n)!.articles.some((k) => articles.has(k))).sort((a, b) => b.length - a.length);
    found = { names, table, articles };
  }
  crimeIndexes.set(index, found);
  return found;
}

/**
 * The 刑法 articles of the crimes a query names, each with the crime's name, in the order the
 * names stand in it; each name is the longest at its place (合同诈骗罪, not 诈骗罪 inside it).
 */
export function namedCrimeArticles(index: Catalog, q: string): { crime: string; article: Clause }[] {
  const crimes = crimeIndex(index);
  if (crimes === null || !q.includes('罪')) return [];
  const query = nameKey(q);
  const taken: [number, number][] = [];
  const found: { at: number; crime: CrimeName }[] = [];
  for (const name of crimes.names) {
    for (let at = query.indexOf(name); at >= 0; at = query.indexOf(name, at + 1)) {
      const end = at + name.length;
      if (taken.some(([s, e]) => at < e && end > s)) continue;
      taken.push([at, end]);
      found.push({ at, crime: crimes.table.get(name)! });
    }
  }
  const out: { crime: string; article: Clause }[] = [];
  for (const { crime } of found.sort((a, b) => a.at - b.at)) {
    for (const key of crime.articles) {
      const article = crimes.articles.get(key);
      if (article !== undefined && !out.some((o) => o.article === article)) out.push({ crime: crime.name, article });
    }
  }
  return out;
}
