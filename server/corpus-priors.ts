// What the corpus itself says about its passages, whichever engine holds the index: how often
// its documents and articles are cited (static priors, per passage), and its sections (the
// passages of one document under one heading path), over which a query is scored once more.
// The embedded engine applies them in memory; the PostgreSQL backend stores the priors as a
// column and the sections as postings of their own (ingest/write-postgres.ts).
import type { Clause, PolicyDocument, ScoredId } from '../ingest/types.ts';
import type { Catalog } from './backends/backend.ts';
import { learnedPriors, learnedPriorsVersion } from './learned-priors.ts';

export const KEYWORD_LEG = {
  /** Drop question and function words from the query. */
  dropAsking: true,
  /** Pseudo relevance feedback (RM3): passages read, terms added, their weight against the query's. */
  feedbackDocs: 0,
  feedbackTerms: 20,
  feedbackWeight: 0.3,
  /** Each passage's score plus this share of the best passage score of its document: a law that matches as a whole lifts its articles. */
  documentPrior: 0,
  /** Each passage's score times (1 + this x its document's citation prior, 0..1). */
  citationPrior: 0.5,
  /** ... and times (1 + this x its article's citation prior, 0..1): how often the corpus refers to the article by number. */
  articlePrior: 0.25,
  /** ... and times (1 + this x its article's learned prior, 0..1): how many answered questions cite it (learned-priors.ts). */
  learnedArticles: 0.35,
  /** ... and times (1 + this x its law's learned prior, 0..1): how many answered questions cite one of its articles. */
  learnedDocuments: 0.5,
  /**
   * Hierarchical ranking: the query is scored over sections as well (the passages of one
   * document under one heading path, as one text), and each passage's score is multiplied by
   * 1 + sectionLevel x its section's score, scaled to 0..1 by the best section's and raised to
   * levelExponent.
   */
  sectionLevel: 0.5,
  levelExponent: 1,
  /** k1 and b of the section level (long units). */
  levelK1: 1.2,
  levelB: 0.75,
};

// The documents' citation priors, and the per-passage boost made from them, once per loaded index.
const citationCache = new WeakMap<Catalog, Map<string, number>>();
const boostCache = new WeakMap<Catalog, { key: string; boost: Float32Array }>();

/**
 * Per passage, (1 + citationPrior x its document's prior) x (1 + articlePrior x its article's) x
 * (1 + learnedArticles x its article's learned prior) x (1 + learnedDocuments x its law's);
 * undefined when every prior is off.
 */
export function passageBoost(index: Catalog): Float32Array | undefined {
  const { citationPrior: weight, articlePrior, learnedArticles, learnedDocuments } = KEYWORD_LEG;
  if (![weight, articlePrior, learnedArticles, learnedDocuments].some((w) => w > 0)) return undefined;
  const key = `${weight}/${articlePrior}/${learnedArticles}/${learnedDocuments}/${learnedPriorsVersion()}`;
  const cached = boostCache.get(index);
  if (cached !== undefined && cached.key === key) return cached.boost;
  const priors = citationPriors(index);
  const articles = articlePrior > 0 ? articlePriors(index) : null;
  const labels = passageArticles(index);
  const learned = learnedPriors(index.passages.length, (i) => index.documentsById.get(index.passages[i]!.docId)!.source, (i) => labels[i]!);
  const boost = Float32Array.from(
    index.passages,
    (p, i) =>
      (1 + weight * (priors.get(p.docId) ?? 0)) *
      (1 + articlePrior * (articles?.[i] ?? 0)) *
      (1 + learnedArticles * learned.articles[i]!) *
      (1 + learnedDocuments * learned.documents[i]!),
  );
  boostCache.set(index, { key, boost });
  return boost;
}

/** The article (第X条) a clause is or stands in, if any. */
export function articleOf(index: Catalog, clause: Clause | undefined): Clause | undefined {
  for (let c = clause; c !== undefined; c = c.parentId !== null ? index.clausesById.get(c.parentId) : undefined) {
    if (c.kind === 'article') return c;
  }
  return undefined;
}

/** An article's label as answered questions and the priors key it: whitespace removed. */
export const articleLabel = (article: Clause): string => article.label?.replace(/\s+/gu, '') ?? '';

/**
 * Each passage's article label (第X条, whitespace removed), or null for a passage in no article.
 * Not kept: its two callers keep what they make from it.
 */
function passageArticles(index: Catalog): (string | null)[] {
  return index.passages.map((p) => {
    const article = articleOf(index, index.clausesById.get(p.clauseId));
    return (article && articleLabel(article)) || null;
  });
}

const articleCache = new WeakMap<Catalog, Float32Array>();
const ARTICLE_REF = /第([一二三四五六七八九十百千零〇]+)条(之[一二三四五六七八九十]+)?/gu;

/**
 * How often the corpus refers to each passage's article by number, as a prior from 0 to 1 (log
 * scale, the most referred-to article 1): "民法典第一千一百六十五条", "《民事诉讼法》第三十四条",
 * "依照本法第四十七条". A reference names its law just before the number (a cited name, as for the
 * citation prior, in 《》 or not); one with no name, or with 本法/本条例/本规定/本解释, is to its own
 * document. The articles that the rest of the corpus keeps pointing to are the general rules that
 * people's particular questions are answered by. Computed from the corpus alone.
 */
export function articlePriors(index: Catalog): Float32Array {
  const cached = articleCache.get(index);
  if (cached !== undefined) return cached;
  const byName = documentsByCitedName(index);
  const counts = new Map<string, number>(); // docId \0 label -> references
  for (const d of index.documents) {
    for (const m of d.text.matchAll(ARTICLE_REF)) {
      const label = m[0];
      const raw = d.text.slice(Math.max(0, m.index - 40), m.index);
      // an article's own heading at the start of its line is no reference
      if (/(^|\n)[\s\u3000#*]*$/u.test(raw) && (m.index < 40 || raw.includes('\n'))) continue;
      const before = raw.normalize('NFKC');
      let targets: readonly string[] | undefined;
      const quoted = /《([^《》]{2,38})》$/u.exec(before);
      if (quoted) targets = byName.get(compact(quoted[1]!).replace(/^中华人民共和国/u, '')) ?? [];
      else {
        const tail = compact(before);
        for (let len = Math.min(30, tail.length); len >= 2 && targets === undefined; len--) {
          targets = byName.get(tail.slice(tail.length - len).replace(/^中华人民共和国/u, ''));
        }
        // 同法第十条 / 该法第十条 name another law without saying which: not counted.
        if (targets === undefined) targets = /[同该][法条例规定]{1,2}$/u.test(tail) ? [] : [d.id];
      }
      for (const id of targets) {
        const key = `${id}\u0000${label}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  const raw = passageArticles(index).map((label, i) => (label ? (counts.get(`${index.passages[i]!.docId}\u0000${label}`) ?? 0) : 0));
  // a loop, not Math.max(...raw): hundreds of thousands of arguments overflow the stack
  let max = 1;
  for (const n of raw) if (n > max) max = n;
  const priors = Float32Array.from(raw, (n) => Math.log1p(n) / Math.log1p(max));
  articleCache.set(index, priors);
  return priors;
}

const citedNameCache = new WeakMap<Catalog, Map<string, string[]>>();

/** Document ids by the name other documents cite them by (citedName), once per index. */
export function documentsByCitedName(index: Catalog): ReadonlyMap<string, readonly string[]> {
  let byName = citedNameCache.get(index);
  if (byName !== undefined) return byName;
  byName = new Map<string, string[]>();
  for (const d of index.documents) {
    const name = citedName(d);
    if (name.length >= 2) byName.set(name, [...(byName.get(name) ?? []), d.id]);
  }
  citedNameCache.set(index, byName);
  return byName;
}

/** A document's name as other documents cite it: its title, or its file name without date and extension. */
function citedName(d: PolicyDocument): string {
  const name = d.title ?? d.source.replace(/\.[a-z]+$/iu, '').replace(/[（(]\d{4}-\d{2}-\d{2}[)）]$/u, '');
  return compact(name).replace(/^中华人民共和国/u, '');
}

/**
 * How often the other documents of the corpus cite a document by its name in 《》, as a prior
 * from 0 to 1 (log scale, the most cited document 1): the laws a corpus keeps referring to are the
 * ones its readers' questions are most often answered by. Computed from the corpus alone.
 */
export function citationPriors(index: Catalog): Map<string, number> {
  let priors = citationCache.get(index);
  if (priors !== undefined) return priors;
  const byName = documentsByCitedName(index);
  const counts = new Map<string, number>();
  for (const d of index.documents) {
    for (const m of d.text.matchAll(/《([^《》]{2,80})》/gu)) {
      for (const id of byName.get(compact(m[1]!).replace(/^中华人民共和国/u, '')) ?? []) {
        if (id !== d.id) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    }
  }
  let max = 1;
  for (const n of counts.values()) if (n > max) max = n;
  priors = new Map([...counts].map(([id, n]) => [id, Math.log1p(n) / Math.log1p(max)]));
  citationCache.set(index, priors);
  return priors;
}


const TITLE_NOISE = /[\s《》〈〉“”"‘’'「」『』（）()【】\[\]，,。.、：:；;？?！!]/gu;
export const compact = (text: string) => text.normalize('NFKC').replace(TITLE_NOISE, '');

/** The sections of a catalogue: passage -> section, and each section's passages (members[offsets[g] .. offsets[g + 1])). */
export interface SectionGroups {
  count: number;
  groupOf: Int32Array;
  offsets: Int32Array;
  members: Int32Array;
}
const sectionCache = new WeakMap<Catalog, SectionGroups>();

export function sectionGroups(index: Catalog): SectionGroups {
  const cached = sectionCache.get(index);
  if (cached !== undefined) return cached;
  const ids = new Map<string, number>();
  const groupOf = Int32Array.from(index.passages, (p) => {
    const name = `${p.docId}\u0000${(index.clausesById.get(p.clauseId)?.path ?? []).join('\u0000')}`;
    let id = ids.get(name);
    if (id === undefined) ids.set(name, (id = ids.size));
    return id;
  });
  const offsets = new Int32Array(ids.size + 1);
  for (const g of groupOf) offsets[g + 1]!++;
  for (let g = 0; g < ids.size; g++) offsets[g + 1]! += offsets[g]!;
  const members = new Int32Array(groupOf.length);
  const fill = offsets.slice(0, ids.size);
  groupOf.forEach((g, passage) => (members[fill[g]!++] = passage));
  const made = { count: ids.size, groupOf, offsets, members };
  sectionCache.set(index, made);
  return made;
}

// Sections ranked per query; past these the boost is small, and ranking them all would cost more.
export const SECTION_DEPTH = 100;

/**
 * The factor each passage of the query's best sections is multiplied by: 1 + sectionLevel x its
 * section's score (scaled by the best section's), over 1 + that of the last of the SECTION_DEPTH
 * best (a constant factor on every other passage changes no order). Empty when the level is off
 * or nothing matched.
 */
export function sectionFactors(hits: readonly ScoredId[]): ScoredId[] {
  const { sectionLevel, levelExponent } = KEYWORD_LEG;
  const top = hits[0]?.score ?? 0;
  if (!(sectionLevel > 0) || !(top > 0)) return [];
  const scaled = (score: number) => sectionLevel * (score / top) ** levelExponent;
  const floor = hits.length < SECTION_DEPTH ? 0 : scaled(hits[hits.length - 1]!.score);
  return hits.map((h) => ({ id: h.id, score: (1 + scaled(h.score)) / (1 + floor) }));
}
