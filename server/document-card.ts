// A query that names a document: by its 文号 (in any bracket style, or none: "湘政发2026 6号"), its
// title or most of it, or a law's short name (民法典, 商标法). The search page shows that document
// first, as a card, then its clauses that match the rest of the query.
import { findDocNumbers, findTypedDocNumber } from '../ingest/policy-patterns.ts';
import type { DocumentStatus, DocumentType, PolicyDocument } from '../ingest/types.ts';
import type { LoadedIndex } from './load-index.ts';
import { alikeClauses, type AlikeClause } from './alike-clauses.ts';
import { judgeResults, resultRelevanceText } from './relevance.ts';
import { namedDocuments, type SearchResponse, type SearchResult } from './search.ts';

export interface DocumentCard {
  id: string;
  title: string | null;
  docNumber: string | null;
  issuer: string | null;
  date: string | null;
  type: DocumentType | null;
  status: DocumentStatus;
  validFrom: string | null;
  validUntil: string | null;
  /** The document's top-level headings, for a glance at what it covers. */
  outline: { id: string; title: string }[];
  clauseCount: number;
  /** Its 解读, what it explains, and the documents of the corpus it cites or that cite it. */
  related: RelatedDocuments;
}

/** A document linked with another, by title, so that the page can name it. */
export interface RelatedDocument {
  id: string;
  title: string | null;
  type: DocumentType | null;
  status: DocumentStatus;
}

export interface RelatedDocuments {
  explains: RelatedDocument[];
  explainedBy: RelatedDocument[];
  cites: RelatedDocument[];
  citedBy: RelatedDocument[];
}

/** The documents a document is linked with (read at ingest): the reader and the card show them. */
export function relatedDocuments(index: LoadedIndex, doc: PolicyDocument): RelatedDocuments {
  const named = (ids: readonly string[] | undefined) =>
    (ids ?? []).flatMap((id) => {
      const d = index.documentsById.get(id);
      return d ? [{ id, title: d.title, type: d.type, status: d.status }] : [];
    });
  return {
    explains: named(doc.explains ? [doc.explains] : []),
    explainedBy: named(doc.explainedBy),
    cites: named(doc.cites),
    citedBy: named(doc.citedBy),
  };
}

export interface NamedDocument {
  document: PolicyDocument;
  /** The query without the words that named the document: what to look for inside it. */
  rest: string;
}

const FILLER = /^[\s，。、；：？！,.;:?!“”"'《》〈〉（）()的和与及中里关于有没有是否吗呢]+|[\s，。、；：？！,.;:?!“”"'《》〈〉（）()的和与及中里关于有没有是否吗呢]+$/g;

/** A law's name as people say it: 中华人民共和国民法典 -> 民法典. */
function shortName(title: string): string {
  return title.replace(/^中华人民共和国/, '').replace(/[（(][^）)]*[）)]$/, '');
}

const shortNames = new WeakMap<LoadedIndex, Map<string, PolicyDocument>>();

function shortNameIndex(index: LoadedIndex): Map<string, PolicyDocument> {
  let names = shortNames.get(index);
  if (!names) {
    names = new Map();
    const ambiguous = new Set<string>();
    for (const d of index.documents) {
      if (!d.title || d.type === '解读') continue;
      const name = shortName(d.title);
      // only names that say what they are (…法, …条例, …规定) and name one document
      if (name.length < 3 || name.length > 24 || !/(?:法|法典|条例|规定|办法|细则|解释)$/.test(name)) continue;
      if (names.has(name)) ambiguous.add(name);
      names.set(name, d);
    }
    for (const name of ambiguous) names.delete(name);
    shortNames.set(index, names);
  }
  return names;
}

export function findNamedDocument(index: LoadedIndex, q: string): NamedDocument | null {
  const query = q.trim();
  if (query === '') return null;
  // 1. a 文号
  const typed = findTypedDocNumber(query);
  if (typed) {
    const { key, prefix } = typed;
    const doc = index.documents.find((d) => {
      const have = d.docNumber ? findDocNumbers(d.docNumber)[0] : undefined;
      return have !== undefined && have.key === key && (have.prefix.endsWith(prefix) || prefix.endsWith(have.prefix));
    });
    if (doc) return { document: doc, rest: (query.slice(0, typed.start) + ' ' + query.slice(typed.end)).replace(FILLER, '').trim() };
  }
  // 2. a law's short name, the longest one the query contains (刑事诉讼法 before 刑法)
  let best: { name: string; doc: PolicyDocument } | null = null;
  for (const [name, doc] of shortNameIndex(index)) {
    if (query.includes(name) && (best === null || name.length > best.name.length)) best = { name, doc };
  }
  if (best) return { document: best.doc, rest: query.replace(`中华人民共和国${best.name}`, ' ').replace(best.name, ' ').replace(/《\s*》/g, ' ').replace(FILLER, '').trim() };
  // 3. the title or most of it
  const named = [...namedDocuments(index, query)].map((id) => index.documentsById.get(id)!).filter((d) => d.type !== '解读');
  if (named.length === 1) {
    const title = named[0]!.title ?? '';
    let rest = query;
    // drop the longest part of the query that is in the title
    for (let len = Math.min(query.length, title.length); len >= 4; len--) {
      const at = [...Array(query.length - len + 1).keys()].find((i) => title.includes(query.slice(i, i + len)));
      if (at !== undefined) {
        rest = query.slice(0, at) + ' ' + query.slice(at + len);
        break;
      }
    }
    return { document: named[0]!, rest: rest.replace(/《\s*》/g, ' ').replace(FILLER, '').trim() };
  }
  return null;
}

export function documentCard(index: LoadedIndex, doc: PolicyDocument): DocumentCard {
  const top = doc.clauses.filter((c) => c.parentId === null && (c.label || c.heading));
  return {
    id: doc.id,
    title: doc.title,
    docNumber: doc.docNumber,
    issuer: doc.issuer,
    date: doc.date,
    type: doc.type,
    status: doc.status,
    validFrom: doc.validFrom,
    validUntil: doc.validUntil,
    outline: top.slice(0, 12).map((c) => ({ id: c.id, title: `${c.label ?? ''}${c.label && /[编章节条]$/.test(c.label) && c.heading ? ' ' : ''}${c.heading ?? ''}`.trim() || c.text.slice(0, 20) })),
    clauseCount: doc.clauses.length,
    related: relatedDocuments(index, doc),
  };
}

/** A clause and its 解读, or a 解读 and the clause it explains, as a result shows them. */
export interface LinkedClause {
  clauseId: string;
  docId: string;
  docTitle: string | null;
  label: string | null;
  text: string;
  url: string;
}

export interface ApiSearchResult extends SearchResult {
  /** Share of what the query asks for that the result contains (server/relevance.ts), 0 to 1. */
  relevance: number;
  /** Below the relevance line: shown apart, as 相关度较低. */
  weak: boolean;
  /** The document's validity, shown on the card beside its status. */
  validFrom: string | null;
  validUntil: string | null;
  /** The 解读 of this clause (本条解读). */
  interpretation?: LinkedClause;
  /** For a clause of a 解读: the clause it explains. */
  explains?: LinkedClause;
  /** The other results of its document written alike (a run of 20 characters or more in common): check before quoting. */
  alike?: AlikeClause[];
}

function linked(index: LoadedIndex, clauseId: string): LinkedClause | undefined {
  const clause = index.clausesById.get(clauseId);
  const doc = clause && index.documentsById.get(clause.docId);
  if (!clause || !doc) return undefined;
  const text = clause.text.length > 240 ? `${clause.text.slice(0, 240)}…` : clause.text;
  return { clauseId, docId: doc.id, docTitle: doc.title, label: clause.label, text, url: `/doc/${encodeURIComponent(doc.id)}#${clauseId}` };
}

/**
 * Links each result to its 解读 (本条解读) or to the clause it explains, and puts the operative text
 * first: a 解读's clause that ranks above the clause it explains gives that clause its place. Each
 * result also names the results of its document written alike (alike-clauses.ts).
 * `asked` is what relevance is judged against; null when the query asked for a whole document by
 * its name alone, whose every clause is then what was asked.
 */
export function withInterpretations<T extends SearchResponse>(
  index: LoadedIndex,
  response: T,
  asked: string | null = response.query,
): T & { results: ApiSearchResult[]; strong: number } {
  const texts = response.results.map(resultRelevanceText);
  const judged = asked !== null ? judgeResults(asked, texts) : { relevance: texts.map(() => 1), weak: texts.map(() => false) };
  const results: ApiSearchResult[] = response.results.map((r, i) => {
    const clause = index.clausesById.get(r.clauseId);
    const interpretation = clause?.interpretations?.[0] ? linked(index, clause.interpretations[0]) : undefined;
    const explains = clause?.explains ? linked(index, clause.explains) : undefined;
    const relevance = Math.round(judged.relevance[i]! * 100) / 100;
    const doc = index.documentsById.get(r.docId);
    return { ...r, relevance, weak: judged.weak[i]!, validFrom: doc?.validFrom ?? null, validUntil: doc?.validUntil ?? null, ...(interpretation ? { interpretation } : {}), ...(explains ? { explains } : {}) };
  });
  for (let i = 0; i < results.length; i++) {
    const explained = results[i]!.explains?.clauseId;
    if (!explained) continue;
    const j = results.findIndex((r, k) => k > i && r.clauseId === explained);
    if (j < 0) continue;
    const [operative] = results.splice(j, 1);
    results.splice(i, 0, operative!);
    i++;
  }
  // the well-matching results first, the others set apart below them, each group in rank order
  const ordered = [...results.filter((r) => !r.weak), ...results.filter((r) => r.weak)];
  alikeClauses(ordered).forEach((alike, i) => {
    if (alike !== undefined) ordered[i]!.alike = alike;
  });
  return { ...response, results: ordered, strong: ordered.filter((r) => !r.weak).length };
}

/** What /api/search answers: a search response, with the document the query names, if any. */
export interface ApiSearchResponse extends SearchResponse {
  results: ApiSearchResult[];
  /** Results above the relevance line: "找到 N 条相关条款" counts these; 0 gives the empty state. */
  strong: number;
  document?: DocumentCard;
  /** Where the rest of the query was looked for: found=false when it is in no clause of the document. */
  within?: { docId: string; rest: string; found: boolean };
}
