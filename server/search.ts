// Clause-level search: the keyword leg (BM25 with citation priors and a section level) and the
// vector leg (HNSW) each rank passages; each leg keeps a clause's best passage; the two clause
// rankings are fused by scaled scores, the vector leg weighed by its agreement; a query
// that names a document (its 文号 or its title) leads with that document. Each result carries the
// passage, the sentence of its clause that best answers the query, and where the query's terms are.
import { cjkBigrams, normalizeForTokens } from '../ingest/chinese-tokenizer.ts';
import { findDocNumbers, findTypedDocNumber, type DocNumberMatch } from '../ingest/policy-patterns.ts';
import type { Clause, DocumentStatus, DocumentType, Passage, PolicyDocument, ScoredId } from '../ingest/types.ts';
import { ApiError } from './errors.ts';
import { articleLabel, articleOf, compact, documentsByCitedName, KEYWORD_LEG } from './corpus-priors.ts';
import { namedCrimeArticles } from './crime-names.ts';
import { namedArticles } from './named-articles.ts';
import { citeClause, clauseTree, type ClauseTree } from '../web/src/citation.ts';
import { answeredRows, similarArticles, type SimilarArticle } from './similar-questions.ts';
import { learnQueryMap, mapQuery, QUERY_MAP, type QueryMap } from './query-map.ts';
import { turnTaker } from './event-loop.ts';
import { chooseFirst, FIRST_PLACE, firstPlaceObserver, hasFirstPlaceModel, type Contender, type WeightedTerm } from './first-place.ts';
import { learnedExpansions } from './learned-expansions.ts';
import { numeralVariants } from './numerals.ts';
import { expandQuery } from './policy-thesaurus.ts';
import type { LoadedIndex } from './load-index.ts';
import type { WeightedQuery } from '../ingest/keyword-index.ts';
import { matchesFilters, yearOf, type SearchFilters } from './search-filters.ts';

export { matchesFilters, type SearchFilters } from './search-filters.ts';
export { articlePriors, citationPriors, KEYWORD_LEG } from './corpus-priors.ts';

export const SEARCH_MODES = ['hybrid', 'keyword', 'vector'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** Longer queries are searched shortened (shortenQuery), never refused. */
export const MAX_QUERY_LENGTH = 1000;
export const MAX_K = 50;
export const DEFAULT_K = 10;

export const DOCUMENT_TYPES: readonly DocumentType[] = [
  '法律',
  '行政法规',
  '司法解释',
  '部门规章',
  '地方性法规',
  '通知',
  '措施',
  '规划',
  '意见',
  '办法',
  '规定',
  '决定',
  '批复',
  '公告',
  '方案',
  '解读',
  '新闻',
  '任免',
  '其他',
];
export const DOCUMENT_STATUSES: readonly DocumentStatus[] = ['现行有效', '已失效', '未知'];

export const FILTER_NAMES = ['doc', 'type', 'issuer', 'region', 'year', 'status'] as const satisfies readonly (keyof SearchFilters)[];

export interface SearchRequest {
  q: string;
  k?: number;
  mode?: SearchMode;
  filters?: SearchFilters;
  /** How long the query embedding may take before keyword results stand in; default 2000 ms. */
  embedTimeoutMs?: number;
}

export interface SearchResult {
  clauseId: string;
  docId: string;
  docTitle: string | null;
  docNumber: string | null;
  issuer: string | null;
  date: string | null;
  status: DocumentStatus;
  type: DocumentType | null;
  path: string[];
  label: string | null;
  heading: string | null;
  /** The passage that matched, as it stands in the clause. */
  text: string;
  /** The sentence of the clause that best answers the query. */
  answer: string;
  /** [start, end) offsets into text of the query's terms. */
  highlights: [number, number][];
  score: number;
  url: string;
  /**
   * How the clause is cited, as the reader's 复制引用 gives it (web/src/citation.ts):
   * 《中华人民共和国刑法》第三百四十七条第六款, 《…若干措施》（永政发〔2025〕2号）三、（三）.
   */
  citation: string;
  /**
   * Set on a clause that stands where it does because answered questions like this one cite it
   * (similar-questions.ts): those questions, most similar first.
   */
  similarQuestions?: string[];
  /** Set on a 刑法 article that leads because the query names its crime (crime-names.ts): the name. */
  crimeName?: string;
}

export type Facets = Record<'type' | 'issuer' | 'region' | 'year' | 'status', Record<string, number>>;

export interface SearchResponse {
  query: string;
  mode: SearchMode;
  tookMs: number;
  /** Clauses that matched (after filters): every keyword match plus the nearest by meaning. */
  total: number;
  degraded?: string;
  /** Set when the query was over MAX_QUERY_LENGTH characters and was searched shortened; in Chinese, for the user. */
  notice?: string;
  results: SearchResult[];
  /** Counts per filter value over the clauses found; each group counted under the other groups' filters, so a value's count is what choosing it finds. */
  facets: Facets;
}

// Each leg contributes its best CANDIDATES passages; fusion and facets work on their clauses.
const CANDIDATES = 200;
// Reciprocal rank fusion: score = sum over legs of weight / (rrfK + rank). See docs/SEARCH.md for
// the measurements behind these.
export const FUSION = {
  method: 'score' as 'score' | 'rrf',
  adaptive: true,
  /** Trust is the share of the vector leg's first agreementDepth clauses among the keyword leg's first agreementPool. */
  agreementDepth: 10,
  agreementPool: 10,
  rrfK: 60,
  keywordWeight: 1,
  /** The vector leg's weight when it agrees fully: a language model's (bge-small-zh)… */
  vectorWeight: 0.2,
  /**
   * …and the built-in embedder's, which knows only the corpus's own words: on the laws its leg adds
   * nothing at 0.1 or 0.2, on the seeds' queries it reorders clauses both legs found for the worse
   * at 0.2 (docs/SEARCH.md, eleventh session).
   */
  builtinVectorWeight: 0.1,
  /** The agreement trust is raised to this power (above 1: a leg that agrees on little gets less than a proportional say). */
  trustExponent: 2,
  focusWeight: 1,
  expansionWeight: 0.5,
  /** The query's numbers written the other way (10年 → 十年, 五十万元 → 50万元; numerals.ts). */
  numeralWeight: 1,
  /** Article words learned from answered questions (server/learned-expansions.ts). */
  learnedWeight: 0.25,
  /**
   * Hybrid mode: the words of the first feedbackArticles articles that similar answered questions
   * cite, at most feedbackWords of them (the rarest most shared first), join the query at this weight.
   */
  feedbackWeight: 0.1,
  feedbackArticles: 4,
  feedbackWords: 4,
  /**
   * A clause among the first sentenceDepth whose one sentence holds a share s of the query's weight
   * has its score multiplied by 1 + sentenceWeight × s (liftBySentence).
   */
  sentenceWeight: 0.3,
  sentenceDepth: 20,
  /**
   * A clause of a document whose region (永州市, 湖南省) the query names has its score multiplied by
   * 1 + regionWeight (namedRegions).
   */
  regionWeight: 0.3,
  /**
   * Hybrid mode: where the articles that similar answered questions cite are placed (the third
   * place, the last of the first page and the last ten of the first fifty), each taking the best
   * of them not already above it. The first two places stay the two legs'.
   */
  suggestedPlaces: [
    { at: 3, count: 1 },
    { at: 10, count: 1 },
    { at: 50, count: 10 },
  ] as { at: number; count: number }[],
};
const DEFAULT_EMBED_TIMEOUT_MS = 2000;
const MAX_ANSWER = 200;
const MAX_TEXT = 600;

// ---------------------------------------------------------------------------------------------
// Validation

const CONTROL = /[\p{Cc}\p{Cf}]/gu;

/** The query as searched: control and format characters out, whitespace collapsed. */
export function normalizeQuery(q: string): string {
  return q.replace(CONTROL, ' ').replace(/\s+/gu, ' ').trim();
}

/**
 * A pasted question over MAX_QUERY_LENGTH characters, cut to that length at sentence ends: its
 * last sentence (where people put the question; at most a quarter of the limit) after as many
 * leading sentences as fit. A text without sentence ends keeps its beginning and its end.
 */
export function shortenQuery(q: string, max: number = MAX_QUERY_LENGTH): string {
  const chars = [...q];
  if (chars.length <= max) return q;
  const sentences = (q.match(/[^。！？!?；;\n]+[。！？!?；;\n]*/gu) ?? [q]).map((s) => [...s]);
  const lastChars = sentences[sentences.length - 1]!;
  const last = lastChars.slice(-Math.floor(max / 4));
  let head: string[] = [];
  for (const s of sentences.slice(0, -1)) {
    if (head.length + s.length + last.length > max) break;
    head = head.concat(s);
  }
  if (head.length === 0) head = chars.slice(0, max - last.length);
  return (head.join('') + last.join('')).trim();
}

/** Throws ApiError for anything search cannot answer; returns the request with defaults filled in. */
export function validateSearch(index: LoadedIndex, request: SearchRequest): Required<Omit<SearchRequest, 'embedTimeoutMs'>> {
  const q = normalizeQuery(request.q ?? '');
  if (q === '') throw new ApiError('QUERY_MISSING');
  const k = request.k ?? DEFAULT_K;
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw new ApiError('INVALID_K', MAX_K, String(request.k));
  const mode = request.mode ?? 'hybrid';
  if (!SEARCH_MODES.includes(mode)) throw new ApiError('INVALID_MODE', SEARCH_MODES.join(', '), String(mode));
  const filters = request.filters ?? {};
  validateFilters(index, filters);
  return { q, k, mode, filters };
}

/** Throws INVALID_FILTER for a filter value no document has (or, for type and status, none can have). */
export function validateFilters(index: LoadedIndex, filters: SearchFilters): void {
  const known = knownValues(index);
  const check = (name: keyof SearchFilters, values: readonly string[]) => {
    const value = filters[name];
    if (value !== undefined && !values.includes(value)) {
      const shown = values.length > 12 ? `${values.slice(0, 12).join(', ')}, …` : values.join(', ');
      throw new ApiError('INVALID_FILTER', name, value, shown || '(none)');
    }
  };
  check('doc', known.doc);
  check('type', DOCUMENT_TYPES);
  check('status', DOCUMENT_STATUSES);
  check('issuer', known.issuer);
  check('region', known.region);
  if (filters.year !== undefined && !/^\d{4}$/.test(filters.year)) check('year', known.year);
}

// The values each filter can take, once per loaded index rather than on every request.
const knownValuesCache = new WeakMap<LoadedIndex, { doc: string[]; issuer: string[]; region: string[]; year: string[] }>();

function knownValues(index: LoadedIndex): { doc: string[]; issuer: string[]; region: string[]; year: string[] } {
  let known = knownValuesCache.get(index);
  if (known === undefined) {
    const sorted = (get: (d: PolicyDocument) => string | null) =>
      [...new Set(index.documents.map(get).filter((v): v is string => v !== null))].sort();
    known = { doc: [...index.documentsById.keys()], issuer: sorted((d) => d.issuer), region: sorted((d) => d.region), year: sorted(yearOf) };
    knownValuesCache.set(index, known);
  }
  return known;
}


// ---------------------------------------------------------------------------------------------
// Search

interface Candidate {
  clause: Clause;
  doc: PolicyDocument;
  /** Best passage per leg, and the clause's rank in that leg (0-based). */
  keyword: LegHit | undefined;
  vector: LegHit | undefined;
  score: number;
  /** 2 for an article the query names, 1 when it names the clause's document (they lead), else 0. */
  lead: number;
  /** The document's place in the order of document ids (ties in score go by document, then by clause). */
  docRank: number;
  /** Placed by similar answered questions (placeSuggested): the questions. */
  suggested?: string[];
  /** Leads because the query names this crime (leadArticles). */
  crime?: string;
  /** Leads because the query names this article with its law, or by number in a search inside it (its label is marked). */
  named?: boolean;
}

interface LegHit {
  passage: number;
  rank: number;
  score: number;
}

/** Candidates best first: a named document's first, then by score, then by document and place in it. */
const byRank = (a: Candidate, b: Candidate): number =>
  b.lead - a.lead || b.score - a.score || a.docRank - b.docRank || a.clause.start - b.clause.start;

/** Runs a validated search. Throws ApiError on bad input (see validateSearch). */
export async function search(index: LoadedIndex, request: SearchRequest): Promise<SearchResponse> {
  const started = performance.now();
  const validated = validateSearch(index, request);
  const { k, mode, filters } = validated;
  const q = shortenQuery(validated.q);
  const shortened = q !== validated.q ? [...validated.q].length : null;
  const { passages } = index;
  const docOf = (p: Passage) => index.documentsById.get(p.docId)!;

  const filtered = FILTER_NAMES.some((name) => filters[name] !== undefined);

  // The vector leg first: embedding the query is the slow part, and it may fail.
  let degraded: string | undefined;
  let queryVector: Float32Array | null = null;
  if (mode !== 'keyword') {
    try {
      if (index.embedderProblem !== null) throw new Error(index.embedderProblem);
      // The built-in embedder knows only the corpus's own words, so it is given the official ones
      // too; a language model knows that 大学 and 高校 are near already.
      const builtin = index.embedder.info.kind === 'builtin';
      const text = builtin ? builtinQueryText(q) : q;
      const embedded = await withTimeout(index.embedder.embedQuery(text), request.embedTimeoutMs ?? DEFAULT_EMBED_TIMEOUT_MS);
      // and moved toward where answered questions' articles lie (query-map.ts)
      queryVector = builtin && QUERY_MAP.use ? mapQuery(await queryMapOf(index), embedded, text) : embedded;
    } catch (error) {
      degraded = `semantic search is unavailable (${(error as Error).message}); these results come from keyword search alone`;
    }
  }
  const useKeyword = mode !== 'vector' || degraded !== undefined;
  // what answered questions like this one cite (hybrid): their articles are placed among the
  // results (placeSuggested) and their words join the query (citedWords)
  const similar = mode === 'hybrid' ? similarArticles(q) : [];
  // (their words are a help, not a need: a search goes on without them if they cannot be read)
  const cited = similar.length > 0 ? await citedWordsOf(index).catch(() => null) : null;
  // the question part of a query that sets another case beside it counts once more (comparedFocus)
  const focus = comparedFocus(index, q);
  const query = keywordQuery(index, q, focus, cited === null ? [] : similar.slice(0, FUSION.feedbackArticles).map((a) => cited.get(a.article) ?? []));
  const legs = (accepted: SearchFilters | null): Promise<[ScoredId[], ScoredId[]]> =>
    useKeyword && queryVector !== null && index.backend.bothTopK !== undefined && plainKeywordLeg()
      ? index.backend.bothTopK(query, queryVector, CANDIDATES, accepted)
      : Promise.all([
          useKeyword ? keywordLeg(index, query, CANDIDATES, accepted) : Promise.resolve([]),
          queryVector !== null ? index.backend.vectorTopK(queryVector, CANDIDATES, accepted) : Promise.resolve([]),
        ]);
  // One pool of candidates for the facets and the results alike, so that the count a facet shows is
  // the count its filter then finds (a filtered search that looked deeper would find more than the
  // facet promised). Only a search within one document (doc) looks inside that document's passages.
  const scope: SearchFilters | null = filters.doc !== undefined ? { doc: filters.doc } : null;
  const [[keywordHits, vectorHits], terms] = await Promise.all([legs(scope), highlightTerms(index, q)]);
  const named = namedDocuments(index, q);
  // a query that is only a document's name (its 文号, its title) asks for the document: it opens at its head
  const opens = onlyNames(index, q, named);
  const pool = collectClauses(index, keywordHits, vectorHits, named, opens).filter((c) => scope === null || c.doc.id === scope.doc);
  leadArticles(index, pool, scope, [...namedArticles(index, q, scope?.doc).map((article) => ({ article })), ...namedCrimeArticles(index, q)]);
  // the fused ranking also hears what answered questions like this one cite (added to the pool, so facets count them)
  const suggested = similar.length > 0 ? suggestedCandidates(index, similar, pool, scope) : [];
  liftNamedRegions(index, pool, q);
  const facets = countFacets(index, pool, filters);
  const candidates = filtered ? pool.filter((c) => matchesFilters(c.doc, filters)) : pool;

  const ranked = candidates.sort(byRank);

  if (mode !== 'vector') liftBySentence(ranked, focus, terms);
  if (suggested.length > 0) placeSuggested(ranked, suggested);
  if (mode === 'hybrid') placeFirst(index, ranked, terms, suggested);
  if (opens) headsFirst(index, ranked, named, queriedDocNumbers(q));
  const results = ranked.slice(0, k).map((c) => toResult(index, c, terms));
  return {
    query: q,
    mode,
    tookMs: Math.round((performance.now() - started) * 100) / 100,
    total: ranked.length,
    ...(degraded !== undefined ? { degraded } : {}),
    ...(shortened !== null
      ? { notice: `查询共 ${shortened} 字，超过 ${MAX_QUERY_LENGTH} 字上限；已保留开头各句和最后一句（通常是所问的问题）进行检索。` }
      : {}),
    results,
    facets,
  };
}

/** Per index: each document region with the names a query may call it by (湖南省: 湖南省, 湖南). */
const regionNames = new WeakMap<LoadedIndex, [region: string, names: string[]][]>();

/** The document regions a text names, by their name or their name without 省/市/县/区 (two characters at least). */
function regionsIn(index: LoadedIndex, text: string): Set<string> {
  let names = regionNames.get(index);
  if (names === undefined) {
    names = knownValues(index).region.map((region) => {
      const short = region.replace(/(?:特别行政区|自治区|自治州|自治县|省|市|县|区|州|盟)$/u, '');
      return [region, short.length >= 2 && short !== region ? [region, short] : [region]];
    });
    regionNames.set(index, names);
  }
  return new Set(names.filter(([, said]) => said.some((n) => text.includes(n))).map(([region]) => region));
}

/**
 * The document regions a query names; of a query that puts a premise first, those its question
 * part names ("湖州奖100万，永州奖多少？" asks about 永州; "永州属于湘南，省里让湘南承接什么？" about none).
 */
export function namedRegions(index: LoadedIndex, q: string): Set<string> {
  return regionsIn(index, questionFocus(q) ?? q);
}

/** The clauses of documents of the regions the query names weigh 1 + regionWeight times as much (none when it names every region). */
function liftNamedRegions(index: LoadedIndex, pool: Candidate[], q: string): void {
  if (!(FUSION.regionWeight > 0)) return;
  const regions = namedRegions(index, q);
  if (regions.size === 0 || regions.size === knownValues(index).region.length) return;
  for (const c of pool) if (c.doc.region !== null && regions.has(c.doc.region)) c.score *= 1 + FUSION.regionWeight;
}

/**
 * Words of the query that stand together in one sentence of a clause say more than the same words
 * spread over its sentences: a clause of the first `sentenceDepth` has its score multiplied by
 * 1 + sentenceWeight × the share of the query's weight (idf of its words and bigrams) that its
 * best sentence holds, and those clauses are ordered again. The sentence is the one the answer is
 * taken from. A named document still leads.
 */
function liftBySentence(ranked: Candidate[], focus: string | null, queryTerms: Pick<QueryTerms, 'weighted'>): void {
  // the question part of a query that sets another case beside it counts once more, as in the keyword leg
  const terms = focus === null ? queryTerms : { weighted: queryTerms.weighted.map((t) => ({ ...t, weight: focus.includes(t.term) ? t.weight * (1 + FUSION.focusWeight) : t.weight })) };
  const total = terms.weighted.reduce((sum, t) => sum + t.weight, 0);
  if (total <= 0 || FUSION.sentenceWeight <= 0) return;
  const top = ranked.slice(0, FUSION.sentenceDepth);
  const lookup = termLookup(terms);
  try {
    for (const c of top) c.score *= 1 + (FUSION.sentenceWeight * bestSentenceWeight(c.clause.text, lookup)) / total;
  } finally {
    releaseLookup(lookup);
  }
  // (a stable sort: equal scores keep the order they had)
  top.sort((a, b) => b.lead - a.lead || b.score - a.score);
  ranked.splice(0, top.length, ...top);
}

/** What the built-in embedder is given for a query: its words and the official ones for them. */
function builtinQueryText(q: string): string {
  return [q, ...numeralVariants(q), ...expandQuery(q)].join(' ');
}

type AnsweredRows = NonNullable<ReturnType<typeof answeredRows>>;
type LearnedFromTable<T> = WeakMap<LoadedIndex, { rows: ReturnType<typeof answeredRows>; learned: Promise<T> }>;

/**
 * What an index learns from the table of answered questions in use, learned on first use (the
 * server's warm-up) and again when the table changes. A failure is the query's, and the next
 * query learns it again.
 */
function fromTable<T>(cache: LearnedFromTable<T>, index: LoadedIndex, learn: (rows: AnsweredRows) => Promise<T>): Promise<T> {
  const rows = answeredRows();
  let entry = cache.get(index);
  if (entry === undefined || entry.rows !== rows) {
    const learned = learn(rows ?? []).catch((error: unknown) => {
      cache.delete(index);
      throw error;
    });
    entry = { rows, learned };
    cache.set(index, entry);
  }
  return entry.learned;
}

/** The text of an article the table cites (`file\0article`), from its first passage. */
function citedArticleText(index: LoadedIndex, key: string): string | undefined {
  const passage = articlePassage(index, key);
  return passage < 0 ? undefined : index.passages[passage]!.text;
}

const queryMaps: LearnedFromTable<QueryMap | null> = new WeakMap();

/**
 * The built-in embedder's query map (query-map.ts), learned from the answered questions whose
 * cited articles this index holds: each question as it would be searched, each article by its
 * first passage.
 */
function queryMapOf(index: LoadedIndex): Promise<QueryMap | null> {
  return fromTable(queryMaps, index, (rows) =>
    learnQueryMap(
      index.embedder,
      rows.map(([question, articles]) => ({
        question: builtinQueryText(question),
        articles: articles.flatMap(([file, article]) => citedArticleText(index, `${file}\u0000${article}`) ?? []),
      })),
    ),
  );
}

/** A word of a cited article with its idf in this index. */
type CitedWord = readonly [word: string, idf: number];
const citedWordTables: LearnedFromTable<Map<string, CitedWord[]>> = new WeakMap();
/** A cited article's words that may join a query: rare enough to say what the article is about. */
const FEEDBACK_MIN_IDF = 3;

/**
 * The words of each article the table of answered questions cites (two Han characters or more,
 * not how people ask, idf at least FEEDBACK_MIN_IDF), for the articles this index holds.
 */
function citedWordsOf(index: LoadedIndex): Promise<Map<string, CitedWord[]>> {
  return fromTable(citedWordTables, index, async (rows) => {
    const words = new Map<string, string[]>();
    const all = new Set<string>();
    // the server goes on answering while it reads them
    const takeTurn = turnTaker();
    for (const [file, article] of rows.flatMap(([, articles]) => articles)) {
      const key = `${file}\u0000${article}`;
      if (words.has(key)) continue;
      const text = citedArticleText(index, key);
      if (text === undefined) continue;
      await takeTurn();
      const found = [...new Set(index.tokenizer.tokenize(text))].filter((w) => w.length >= 2 && HAN_WORD.test(w) && !isAsking(w));
      words.set(key, found);
      for (const w of found) all.add(w);
    }
    if (all.size === 0) return new Map();
    const { wordIdf } = await index.backend.termStats('', [...all], []);
    return new Map(
      [...words].map(([key, found]) => [key, found.flatMap((w): CitedWord[] => ((wordIdf.get(w) ?? 0) >= FEEDBACK_MIN_IDF ? [[w, wordIdf.get(w)!]] : []))]),
    );
  });
}
const HAN_WORD = /^\p{Script=Han}+$/u;

/**
 * The words the articles similar questions cite share, that the query does not hold: each scored
 * by its idf once per article holding it, the best feedbackWords of them.
 */
function feedbackWords(articles: readonly (readonly CitedWord[])[], has: (word: string) => boolean): string[] {
  const score = new Map<string, number>();
  for (const words of articles) for (const [w, idf] of words) if (!has(w)) score.set(w, (score.get(w) ?? 0) + idf);
  return [...score]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, FUSION.feedbackWords)
    .map(([w]) => w);
}

/** A clause whose article answered questions like the query cite: the questions shown with it, and their summed similarity to the query. */
interface Suggested {
  candidate: Candidate;
  questions: string[];
  score: number;
}

/**
 * The clauses of the articles that answered questions like q cite (similar-questions.ts), best
 * first: the pool's own candidate when it holds the article, else a new one added to the pool.
 */
function suggestedCandidates(index: LoadedIndex, articles: readonly SimilarArticle[], pool: Candidate[], scope: SearchFilters | null): Suggested[] {
  const owners = passageOwners(index);
  // the pool's candidates by their article (an item's candidate stands for its article)
  const inPool = new Map<string, Candidate>();
  for (const c of pool) {
    const article = articleOf(index, c.clause);
    if (article !== undefined && !inPool.has(article.id)) inPool.set(article.id, c);
  }
  // as many as there are places for, and ten more for those a filter then drops
  const most = FUSION.suggestedPlaces.reduce((n, p) => n + p.count, 0) + 10;
  const out: Suggested[] = [];
  for (const { article, questions, score } of articles) {
    const passage = articlePassage(index, article);
    if (passage < 0) continue;
    let c = inPool.get(articleOf(index, owners.clauses[passage])!.id);
    if (c === undefined) {
      const doc = owners.docs[passage]!;
      if (scope !== null && doc.id !== scope.doc) continue;
      c = { clause: owners.clauses[passage]!, doc, keyword: { passage, rank: CANDIDATES, score: 0 }, vector: undefined, score: 0, lead: 0, docRank: owners.docRanks[passage]! };
      pool.push(c);
    }
    out.push({ candidate: c, questions, score });
    if (out.length >= most) break;
  }
  return out;
}

interface ArticleLookup {
  /** Documents by their corpus file. */
  bySource: Map<string, PolicyDocument[]>;
  /** Each document's passages, [first, end). */
  ranges: Map<string, [number, number]>;
  /** Articles looked up so far: `file\0article` -> the article's first passage, or -1. */
  found: Map<string, number>;
}
const articleLookups = new WeakMap<LoadedIndex, ArticleLookup>();

/** Documents by file and each document's passage range, made on first use. */
function articleLookup(index: LoadedIndex): ArticleLookup {
  let lookup = articleLookups.get(index);
  if (lookup === undefined) {
    const bySource = new Map<string, PolicyDocument[]>();
    for (const doc of index.documents) {
      const docs = bySource.get(doc.source);
      if (docs === undefined) bySource.set(doc.source, [doc]);
      else docs.push(doc);
    }
    const ranges = new Map<string, [number, number]>();
    index.passages.forEach((p, i) => {
      const range = ranges.get(p.docId);
      if (range === undefined) ranges.set(p.docId, [i, i + 1]);
      else range[1] = i + 1;
    });
    lookup = { bySource, ranges, found: new Map() };
    articleLookups.set(index, lookup);
  }
  return lookup;
}

/**
 * The first passage of an article given as `corpus file\0article label`, or -1. Found in its
 * document's passages when first asked for and remembered: only the articles answered questions
 * cite are ever asked for.
 */
function articlePassage(index: LoadedIndex, key: string): number {
  const lookup = articleLookup(index);
  let passage = lookup.found.get(key);
  if (passage !== undefined) return passage;
  passage = -1;
  const [source, label] = key.split('\u0000') as [string, string];
  for (const doc of lookup.bySource.get(source) ?? []) {
    passage = passageOfArticle(index, doc.id, (article) => articleLabel(article) === label);
    if (passage >= 0) break;
  }
  lookup.found.set(key, passage);
  return passage;
}

/** The first passage of a document that lies in an article passing `is` (its own text, else its first item's), or -1. */
function passageOfArticle(index: LoadedIndex, docId: string, is: (article: Clause) => boolean): number {
  const [from, to] = articleLookup(index).ranges.get(docId) ?? [0, 0];
  const { clauses } = passageOwners(index);
  for (let i = from; i < to; i++) {
    if (index.passages[i]!.docId !== docId) continue;
    const article = articleOf(index, clauses[i]);
    if (article !== undefined && is(article)) return i;
  }
  return -1;
}

/**
 * The articles a query names lead, as a 文号 leads with its document: with its law
 * (民法典第1165条, named-articles.ts) or by its crime (合同诈骗罪, crime-names.ts). Each leads by its
 * clause (its first item's when it has no text of its own), from the pool or added to it.
 */
function leadArticles(index: LoadedIndex, pool: Candidate[], scope: SearchFilters | null, leads: { article: Clause; crime?: string }[]): void {
  for (const { crime, article } of leads) {
    if (scope !== null && article.docId !== scope.doc) continue;
    const passage = passageOfArticle(index, article.docId, (a) => a === article);
    if (passage < 0) continue;
    const owners = passageOwners(index);
    const clause = owners.clauses[passage]!;
    let c = pool.find((p) => p.clause === clause);
    if (c === undefined) {
      c = { clause, doc: owners.docs[passage]!, keyword: { passage, rank: CANDIDATES, score: 0 }, vector: undefined, score: 0, lead: 0, docRank: owners.docRanks[passage]! };
      pool.push(c);
    }
    // before the rest of a document the query names too (《…劳动合同法》第四十七条)
    c.lead = 2;
    if (crime !== undefined) c.crime = crime;
    else c.named = true;
  }
}

/** Puts the suggested clauses that passed the filters in FUSION.suggestedPlaces, each the best not already above. */
function placeSuggested(ranked: Candidate[], suggested: readonly Suggested[]): void {
  const listed = new Set(ranked);
  for (const { at, count } of FUSION.suggestedPlaces) {
    const above = new Set(ranked.slice(0, at - count));
    const placed = suggested.filter(({ candidate }) => listed.has(candidate) && !above.has(candidate)).slice(0, count);
    if (placed.length === 0) continue;
    const moving = new Set(placed.map(({ candidate }) => candidate));
    const rest = ranked.filter((c) => !moving.has(c));
    for (const { candidate, questions } of placed) candidate.suggested = questions;
    ranked.splice(0, ranked.length, ...rest.slice(0, at - placed.length), ...moving, ...rest.slice(at - placed.length));
  }
}

/**
 * Of the first result and the next results of its law (FIRST_PLACE.depth in all), the one the
 * model learned from answered questions deems cited comes first and the first takes its place
 * (first-place.ts); a result that leads because the query names it stays first.
 */
function placeFirst(index: LoadedIndex, ranked: Candidate[], terms: QueryTerms, suggested: readonly Suggested[]): void {
  const first = ranked[0];
  const observer = firstPlaceObserver();
  if (first === undefined || first.lead > 0 || (!hasFirstPlaceModel() && observer === null)) return;
  const others: { candidate: Candidate; at: number }[] = [];
  for (let i = 1; i < Math.min(FIRST_PLACE.depth, ranked.length); i++) {
    const c = ranked[i]!;
    if (c.doc.id === first.doc.id && c.lead === 0) others.push({ candidate: c, at: i });
  }
  if (others.length === 0) return;
  // how strongly similar answered questions cite each (the best of a candidate's suggestions: they come best first)
  const similarity = new Map<Candidate, number>();
  for (const { candidate, score } of suggested) if (!similarity.has(candidate)) similarity.set(candidate, score);
  const contender = (c: Candidate): Contender => ({
    score: c.score,
    text: normalizeForTokens(shownPassage(index, c).text).replace(/\s+/gu, ''),
    similar: similarity.get(c) ?? 0,
  });
  const chosen = chooseFirst(
    terms.weighted,
    contender(first),
    others.map(({ candidate, at }) => ({ contender: contender(candidate), rank: at + 1 })),
    observer === null ? undefined : (features, i) => observer({ first: first.clause.id, other: others[i]!.candidate.clause.id, rank: others[i]!.at + 1, features }),
  );
  if (chosen < 0) return;
  // the two exchange places: the results between them (often another law's) keep theirs
  const at = others[chosen]!.at;
  [ranked[0], ranked[at]] = [ranked[at]!, first];
}

/**
 * Makes what search builds on first use (the section level, the citation and article priors, the
 * title lists, the crime names and their articles, the cited articles' words and the built-in
 * embedder's query map learned from answered questions) and compiles its code: on the laws that first
 * search takes half a second, which the first person to search after a start or a swap would
 * otherwise wait. With bge-small-zh it also starts the model loading in its worker (a search that
 * cannot wait for it answers from keywords, as any search does).
 */
export async function warmUp(index: LoadedIndex): Promise<void> {
  await search(index, { q: '第一条 总则' }).catch(() => {});
  namedCrimeArticles(index, '罪');
  // what is learned from the answered questions (a search that finds none like it learns nothing)
  await citedWordsOf(index).catch(() => {});
  if (index.embedder.info.kind === 'builtin') await queryMapOf(index).catch(() => {});
}

// a figure as a premise states one to compare with: an amount, a share, a count (not a year), and
// a question part that asks for one
const FIGURE = /\d+(?:\.\d+)?(?:万元|亿元|万|亿|元|%|家|个|倍|项|人|名)/u;
const ASKS_FIGURE = /多少|几/u;

/**
 * The question part of a query whose premise sets another case beside it, to be counted once more:
 * "湖州首次评上国家级绿色工厂奖50万元，永州评上国家级绿色工厂奖多少？" asks what the question part asks,
 * and the premise is there to compare. A premise sets another case when it states a figure the
 * question part asks for again (多少, 几) or when the query names two of the corpus's regions.
 * Most premises state the asker's own facts ("民间借贷中对保证方式没有约定的情况下，保证人应该如何
 * 承担责任？"), which are what the answer turns on: there the question part (如何承担责任) is the
 * least particular of the query and is not counted more. Null when the query is one clause or
 * its premise is its facts (docs/SEARCH.md).
 */
export function comparedFocus(index: LoadedIndex, q: string): string | null {
  const focus = questionFocus(q);
  if (focus === null) return null;
  const premise = q.slice(0, q.lastIndexOf(focus));
  return (FIGURE.test(premise) && ASKS_FIGURE.test(focus)) || regionsIn(index, q).size >= 2 ? focus : null;
}

const QUESTION_WORD = /多少|什么|哪|几|吗|怎么|怎样|如何|是否|能否|可否|有没有|么/u;

/**
 * The question part of a query that puts a premise first: "湖州首次评上奖50万元，永州评上奖多少？"
 * asks about 永州; the premise only sets the scene. Null when the query is one clause.
 */
export function questionFocus(q: string): string | null {
  const parts = q.split(/[，,；;。]/u).map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length < 2) return null;
  const last = parts[parts.length - 1]!;
  return QUESTION_WORD.test(last) ? last : null;
}

// How people ask, not what they ask about: question words, particles, pronouns, hedges. Law and
// policy texts almost never use them, so BM25 would give them a high idf and rank passages that
// happen to contain "怎么" or "我们" first. They are taken out of the query before either field is
// scored (the tokenizer's own stopwords cover the single words; these also stop the bigrams).
const ASKING_PHRASES = (
  '怎么办 怎么样 怎么 怎样 咋办 如何 为什么 为何 什么样 什么 哪些 哪个 哪里 哪儿 哪种 多少钱 多少 多久 多长时间 几年 几天 ' +
  '是否 能否 可否 可不可以 能不能 会不会 是不是 有没有 要不要 算不算 可以吗 行不行 对不对 ' +
  '请问 想问 想知道 咨询 一下 谢谢 你好 您好 我们 你们 他们 她们 自己 这个 那个 这种 那种 这样 那样 ' +
  '如果 假如 要是 的话 因为 所以 但是 然后 现在 已经'
)
  .split(' ')
  .sort((a, b) => b.length - a.length);
const ASKING = new RegExp(`${ASKING_PHRASES.join('|')}|[吗呢吧啊呀嘛哦了的我你他她您]`, 'gu');

/** The query with its question and function words blanked out (a space each, so no bigram spans them). */
export function withoutAsking(q: string): string {
  return q.replace(ASKING, ' ');
}

/** True when a token is made only of question and function words. */
function isAsking(token: string): boolean {
  return token.replace(ASKING, '').trim() === '';
}

/**
 * BM25 over the whole query, plus the terms of its question part once more when its premise sets
 * another case beside it (focus: comparedFocus), plus the official words for its everyday ones
 * (policy-thesaurus.ts) at a lower weight, plus the article words learned for its words
 * (learned-expansions.ts) at a lower one still, plus the words the articles similar answered
 * questions cite share (cited: each article's words; feedbackWords) at the lowest; question and
 * function words weigh nothing.
 */
function keywordQuery(index: LoadedIndex, q: string, focus: string | null, cited: readonly (readonly CitedWord[])[]): WeightedQuery {
  const query: WeightedQuery = { words: new Map(), bigrams: new Map(), exact: q };
  const addText = (text: string, weight: number, tokens: readonly string[] = index.tokenizer.tokenize(text)) => {
    const plain = KEYWORD_LEG.dropAsking ? withoutAsking(text) : text;
    for (const t of new Set(tokens)) {
      if (KEYWORD_LEG.dropAsking && isAsking(t)) continue;
      query.words.set(t, (query.words.get(t) ?? 0) + weight);
    }
    for (const b of new Set(cjkBigrams(plain))) query.bigrams.set(b, (query.bigrams.get(b) ?? 0) + weight);
  };
  const tokens = index.tokenizer.tokenize(q);
  addText(q, 1, tokens);
  if (focus !== null) addText(focus, FUSION.focusWeight);
  const numerals = numeralVariants(q);
  if (numerals.length > 0 && FUSION.numeralWeight > 0) addText(numerals.join(' '), FUSION.numeralWeight);
  const expansion = expandQuery(q);
  if (expansion.length > 0) addText(expansion.join(' '), FUSION.expansionWeight);
  const learned = learnedExpansions(q, tokens).filter((w) => !expansion.includes(w));
  if (learned.length > 0) addText(learned.join(' '), FUSION.learnedWeight);
  const asked = new Set(tokens);
  const feedback = cited.length > 0 ? feedbackWords(cited, (w) => asked.has(w)) : [];
  if (feedback.length > 0) addText(feedback.join(' '), FUSION.feedbackWeight);
  return query;
}

/** The keyword leg is the backend's top k as it stands: no feedback or document prior on it (both off by default). */
function plainKeywordLeg(): boolean {
  return !(KEYWORD_LEG.feedbackDocs > 0) && !(KEYWORD_LEG.documentPrior > 0);
}

/** The keyword leg: the backend's top k for the weighted query, then (when on) feedback and the document prior. */
async function keywordLeg(index: LoadedIndex, query: WeightedQuery, k: number, filters: SearchFilters | null): Promise<ScoredId[]> {
  const prior = KEYWORD_LEG.documentPrior;
  const depth = prior > 0 ? Math.max(k, 1000) : k;
  const { backend } = index;
  let hits = await backend.keywordTopK(query, KEYWORD_LEG.feedbackDocs > 0 ? Math.max(depth, KEYWORD_LEG.feedbackDocs) : depth, filters);
  if (KEYWORD_LEG.feedbackDocs > 0 && hits.length > 0) {
    hits = await backend.keywordTopK(await withFeedback(index, query, hits.slice(0, KEYWORD_LEG.feedbackDocs)), depth, filters);
  }
  if (prior > 0 && hits.length > 0) {
    const best = new Map<string, number>();
    for (const h of hits) {
      const doc = index.passages[h.id]!.docId;
      if (!best.has(doc)) best.set(doc, h.score);
    }
    hits = hits
      .map((h) => ({ id: h.id, score: h.score + prior * best.get(index.passages[h.id]!.docId)! }))
      .sort((a, b) => b.score - a.score || a.id - b.id);
  }
  return hits.slice(0, k);
}

/**
 * RM3: the words of the first passages, each weighed by its share of a passage times that
 * passage's share of the scores, the best of them added to the query at feedbackWeight.
 */
async function withFeedback(index: LoadedIndex, query: WeightedQuery, top: ScoredId[]): Promise<WeightedQuery> {
  const total = top.reduce((s, h) => s + h.score, 0) || 1;
  const model = new Map<string, number>();
  for (const h of top) {
    const terms = index.tokenizer.tokenize(index.passages[h.id]!.text).filter((t) => [...t].length >= 2 && !isAsking(t));
    if (terms.length === 0) continue;
    const w = h.score / total / terms.length;
    for (const t of terms) model.set(t, (model.get(t) ?? 0) + w);
  }
  // A word in every passage says nothing about this query; weigh by idf as well.
  const { wordIdf } = await index.backend.termStats('', [...model.keys()], []);
  const ranked = [...model]
    .map(([t, p]) => [t, p * (wordIdf.get(t) ?? 0)] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, KEYWORD_LEG.feedbackTerms);
  const max = ranked[0]?.[1] ?? 0;
  if (max <= 0) return query;
  const words = new Map(query.words);
  for (const [t, w] of ranked) words.set(t, (words.get(t) ?? 0) + (KEYWORD_LEG.feedbackWeight * w) / max);
  return { ...query, words };
}

/** Each passage's clause and document, by passage number: ranking reads them for hundreds of hits a search. */
interface PassageOwners {
  clauses: Clause[];
  docs: PolicyDocument[];
  /** Each passage's clause as a number (its place in the index's clauses): candidates are gathered by it. */
  clauseNumbers: Int32Array;
  /** Per clause number, 1 + where its candidate stands in the list being gathered, else 0 (scratch, zero between searches). */
  slots: Int32Array;
  /** Each passage's document's place in the order of document ids. */
  docRanks: Int32Array;
  /** The documents in that order. */
  byRank: PolicyDocument[];
  /** Each document's first passage (its head: the notice, the preamble, 第一条). */
  firstPassage: Map<string, number>;
}
const passageOwnersOf = new WeakMap<LoadedIndex, PassageOwners>();

/**
 * Made once per loaded index: looking each hit's clause and document up by id in maps of a
 * quarter of a million entries took a tenth of a search on the laws and three copies.
 */
function passageOwners(index: LoadedIndex): PassageOwners {
  let owners = passageOwnersOf.get(index);
  if (owners !== undefined) return owners;
  const numbers = new Map<string, number>();
  for (const id of index.clausesById.keys()) numbers.set(id, numbers.size);
  const byId = [...index.documentsById.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rankOf = new Map(byId.map((doc, i) => [doc.id, i]));
  const firstPassage = new Map<string, number>();
  index.passages.forEach((p, i) => {
    if (!firstPassage.has(p.docId)) firstPassage.set(p.docId, i);
  });
  owners = {
    clauses: index.passages.map((p) => index.clausesById.get(p.clauseId)!),
    docs: index.passages.map((p) => index.documentsById.get(p.docId)!),
    clauseNumbers: Int32Array.from(index.passages, (p) => numbers.get(p.clauseId)!),
    slots: new Int32Array(numbers.size),
    docRanks: Int32Array.from(index.passages, (p) => rankOf.get(p.docId)!),
    byRank: byId,
    firstPassage,
  };
  passageOwnersOf.set(index, owners);
  return owners;
}

/**
 * Passage rankings -> one candidate per clause, with the clause's best passage and rank in each
 * leg, scored by fuse. A document the query names is in the running even when none of its
 * passages matched (a bare 文号): by its head, the clause of its first passage; with `heads` (the
 * query is only names, onlyNames) its head always is, to open it there.
 */
function collectClauses(index: LoadedIndex, keywordHits: ScoredId[], vectorHits: ScoredId[], named: Set<string>, heads: boolean): Candidate[] {
  const owners = passageOwners(index);
  const { clauseNumbers, slots, docRanks } = owners;
  const candidates: Candidate[] = [];
  const numbers: number[] = [];
  // each leg's clauses in the order of their rank in it (what fuse compares)
  const keywordOrder: string[] = [];
  const vectorOrder: string[] = [];
  const candidateOf = (passage: number): Candidate => {
    const number = clauseNumbers[passage]!;
    const slot = slots[number]!;
    if (slot !== 0) return candidates[slot - 1]!;
    const doc = owners.docs[passage]!;
    const c: Candidate = {
      clause: owners.clauses[passage]!,
      doc,
      keyword: undefined,
      vector: undefined,
      score: 0,
      lead: named.has(doc.id) ? 1 : 0,
      docRank: docRanks[passage]!,
    };
    candidates.push(c);
    numbers.push(number);
    slots[number] = candidates.length;
    return c;
  };
  try {
    for (const hit of keywordHits) {
      const c = candidateOf(hit.id);
      if (c.keyword === undefined) {
        c.keyword = { passage: hit.id, rank: keywordOrder.length, score: hit.score };
        keywordOrder.push(c.clause.id);
      }
    }
    for (const hit of vectorHits) {
      const c = candidateOf(hit.id);
      if (c.vector === undefined) {
        c.vector = { passage: hit.id, rank: vectorOrder.length, score: hit.score };
        vectorOrder.push(c.clause.id);
      }
    }
  } finally {
    for (const number of numbers) slots[number] = 0;
  }
  for (const docId of named) {
    const passage = owners.firstPassage.get(docId);
    if (passage === undefined) continue;
    const first = owners.clauses[passage]!;
    if (candidates.some((c) => (heads ? c.clause === first : c.doc.id === docId))) continue;
    candidates.push({ clause: first, doc: owners.docs[passage]!, score: 0, keyword: { passage, rank: CANDIDATES, score: 0 }, vector: undefined, lead: 1, docRank: docRanks[passage]! });
    keywordOrder.push(first.id);
  }
  fuse(candidates, keywordOrder, vectorOrder, keywordHits, vectorHits, index.embedder.info.kind === 'builtin' ? FUSION.builtinVectorWeight : FUSION.vectorWeight);
  return candidates;
}

/**
 * How much the vector leg is trusted for this query, from 0 to 1: the share of its first ten clauses
 * that are among the keyword leg's first ten, where the answer is looked for. A leg that knows what the query is
 * about agrees with the other on some of it; a semantic leg that drifted to a neighbouring topic
 * (居住权 -> 监视居住) shares nothing with the keyword leg and is given no say.
 */
export function vectorTrust(keywordClauses: readonly string[], vectorClauses: readonly string[]): number {
  const { agreementDepth } = FUSION;
  if (keywordClauses.length === 0) return 1;
  if (vectorClauses.length === 0) return 0;
  const kw = new Set(keywordClauses.slice(0, FUSION.agreementPool));
  const top = vectorClauses.slice(0, agreementDepth);
  return top.filter((c) => kw.has(c)).length / top.length;
}

/**
 * Fusion of the two legs' clause rankings. Each leg's scores are scaled to [0, 1] for this query
 * (keyword: BM25 over the best; vector: cosine between the 200th and the best), the vector leg is
 * weighed by its embedder's weight and by how far it agrees with the keyword leg (vectorTrust), and
 * a clause's score is the weighted sum. With no trust the keyword order stands, and the vector leg only orders what the
 * keyword leg did not find.
 */
function fuse(candidates: Candidate[], keywordOrder: readonly string[], vectorOrder: readonly string[], keywordHits: ScoredId[], vectorHits: ScoredId[], vectorWeight: number): void {
  const trust = vectorTrust(keywordOrder, vectorOrder);
  if (FUSION.method === 'rrf') {
    const wv = vectorWeight * (FUSION.adaptive ? trust : 1);
    for (const c of candidates) {
      if (c.keyword) c.score += FUSION.keywordWeight / (FUSION.rrfK + c.keyword.rank + 1);
      if (c.vector) c.score += wv / (FUSION.rrfK + c.vector.rank + 1);
    }
    return;
  }
  const kTop = keywordHits[0]?.score ?? 0;
  const vTop = vectorHits[0]?.score ?? 0;
  const vFloor = vectorHits[vectorHits.length - 1]?.score ?? 0;
  const wv = vectorWeight * (FUSION.adaptive ? trust ** FUSION.trustExponent : 1);
  for (const c of candidates) {
    const nk = c.keyword && kTop > 0 ? c.keyword.score / kTop : 0;
    const nv = c.vector && vTop > vFloor ? (c.vector.score - vFloor) / (vTop - vFloor) : 0;
    c.score = FUSION.keywordWeight * nk + wv * nv;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the query embedding took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Counts per filter value over the pool. Each group is counted under the other groups' filters
 * (not its own), so every value shown is what choosing it would find: with 类型=法律 chosen, 现行有效（58）
 * means 58 results for 类型=法律 and 现行有效.
 */
function countFacets(index: LoadedIndex, pool: Candidate[], filters: SearchFilters): Facets {
  // a document's clauses count alike: each document once (in the order first met), with its count
  const { byRank } = passageOwners(index);
  const perDocument = new Map<number, number>(); // document place -> its clauses in the pool
  for (const { docRank } of pool) perDocument.set(docRank, (perDocument.get(docRank) ?? 0) + 1);
  const wanted = FACET_GROUPS.map((g) => filters[g]);
  const counts = FACET_GROUPS.map(() => new Map<string, number>());
  for (const [rank, count] of perDocument) {
    const values = facetValues(byRank[rank]!);
    let failing = -1;
    let failed = 0;
    for (let g = 0; g < values.length; g++) {
      if (wanted[g] !== undefined && values[g] !== wanted[g]) {
        failing = g;
        failed++;
      }
    }
    if (failed > 1) continue;
    for (let g = 0; g < values.length; g++) {
      const value = values[g];
      if ((failed === 1 && failing !== g) || value === null || value === undefined) continue;
      counts[g]!.set(value, (counts[g]!.get(value) ?? 0) + count);
    }
  }
  return Object.fromEntries(FACET_GROUPS.map((g, i) => [g, Object.fromEntries(counts[i]!)])) as Facets;
}

const FACET_GROUPS = ['type', 'issuer', 'region', 'year', 'status'] as const satisfies readonly (keyof Facets)[];
const facetValuesOf = new WeakMap<PolicyDocument, (string | null)[]>();

/** A document's value in each facet group (FACET_GROUPS' order), read once per document. */
function facetValues(doc: PolicyDocument): (string | null)[] {
  let values = facetValuesOf.get(doc);
  if (values === undefined) {
    values = [doc.type, doc.issuer, doc.region, yearOf(doc), doc.status];
    facetValuesOf.set(doc, values);
  }
  return values;
}

// ---------------------------------------------------------------------------------------------
// Documents named by the query


/**
 * The documents a query names: by 文号 (issuer code and number, brackets in any style), or by
 * title: the query holds most of the title (the longest common substring covers 70% of it and at
 * least 6 characters). When several titles are named, only the best covered lead.
 */
interface DocumentName {
  id: string;
  docNumber: ReturnType<typeof findDocNumbers>[number] | undefined;
  title: string | null;
  titleBigrams: string[];
  /**
   * The fewest of the title's bigrams a query must hold for the title to be named: a common
   * substring of 70% of the title (6 characters at least) holds that many, less two for each
   * character that is not Chinese (it breaks the bigrams around it). Most titles are passed over
   * by this count alone, before the quadratic comparison.
   */
  minShared: number;
}
const documentNames = new WeakMap<LoadedIndex, DocumentName[]>();
/** Per index: each bigram's titles (a title once per time it holds the bigram). */
const titlesByBigram = new WeakMap<LoadedIndex, Map<string, Int32Array>>();

function titleLists(index: LoadedIndex, names: DocumentName[]): Map<string, Int32Array> {
  let lists = titlesByBigram.get(index);
  if (lists !== undefined) return lists;
  const building = new Map<string, number[]>();
  names.forEach((d, t) => {
    for (const b of d.titleBigrams) {
      const list = building.get(b);
      if (list === undefined) building.set(b, [t]);
      else list.push(t);
    }
  });
  lists = new Map([...building].map(([b, list]) => [b, Int32Array.from(list)]));
  titlesByBigram.set(index, lists);
  return lists;
}

/** Every document's parsed 文号 and compacted title with its bigrams, once per index, not per query. */
function namesOf(index: LoadedIndex): DocumentName[] {
  let names = documentNames.get(index);
  if (names !== undefined) return names;
  names = index.documents.map((d) => {
    const title = d.title !== null ? compact(d.title) : null;
    return {
      id: d.id,
      docNumber: d.docNumber !== null ? findDocNumbers(d.docNumber)[0] : undefined,
      title: title !== null && title.length >= 6 ? title : null,
      titleBigrams: title !== null && title.length >= 6 ? cjkBigrams(title) : [],
      minShared: title === null ? 0 : Math.max(4, Math.max(6, Math.ceil(0.7 * title.length)) - 1 - 2 * title.replace(/\p{Script=Han}/gu, '').length),
    };
  });
  documentNames.set(index, names);
  return names;
}

/**
 * True when the query says nothing but the names of the documents it names: their 文号, words of
 * their titles, 全文 or 原文. "湘政发〔2026〕6号" asks for the document, not for the clause where 2026
 * and 6 weigh most.
 */
export function onlyNames(index: LoadedIndex, q: string, named: ReadonlySet<string>): boolean {
  if (named.size === 0) return false;
  let rest = q.normalize('NFKC');
  for (const d of findDocNumbers(rest).reverse()) rest = rest.slice(0, d.start) + rest.slice(d.end);
  const typed = findTypedDocNumber(rest);
  if (typed !== null) rest = rest.slice(0, typed.start) + rest.slice(typed.end);
  const titles = [...named].map((id) => compact(index.documentsById.get(id)?.title ?? index.documentsById.get(id)?.source ?? '')).join('');
  rest = withoutAsking(rest).replace(/全文|原文|文件/gu, '');
  return [...rest].every((ch) => !/[\p{L}\p{N}]/u.test(ch) || titles.includes(ch));
}

/** The 文号 a query holds with their issuer codes (湘政发〔2026〕6号, or typed 湘政发2026 6号). */
function queriedDocNumbers(q: string): DocNumberMatch[] {
  const typed = findTypedDocNumber(q);
  return [...findDocNumbers(q), ...(typed !== null ? [typed] : [])].filter((d) => d.prefix !== '');
}

/** Is `have` the 文号 `want` asks for: the same year and number, one issuer code ending the other (政发 in 湘政发). */
function sameDocNumber(want: DocNumberMatch, have: Pick<DocNumberMatch, 'prefix' | 'key'>): boolean {
  return have.key === want.key && (have.prefix.endsWith(want.prefix) || want.prefix.endsWith(have.prefix));
}

/**
 * For a query that is only names: the named documents' heads (the clause of each one's first
 * passage: the notice, the preamble, 第一条) first, in the order their documents rank; then the
 * passages of other documents that write one of the query's 文号 (its 解读, the notices that
 * implement or amend it), best first; then the rest. Who quotes a document by its number says
 * more about it than which of its own clauses hold the year and the number most often.
 */
function headsFirst(index: LoadedIndex, ranked: Candidate[], named: ReadonlySet<string>, numbers: readonly DocNumberMatch[]): void {
  const { firstPassage, clauses } = passageOwners(index);
  const heads = ranked.filter((c) => named.has(c.doc.id) && clauses[firstPassage.get(c.doc.id) ?? -1] === c.clause);
  const order = new Map<string, number>();
  ranked.forEach((c, i) => order.has(c.doc.id) || order.set(c.doc.id, i));
  heads.sort((a, b) => order.get(a.doc.id)! - order.get(b.doc.id)!);
  const quoting =
    numbers.length === 0
      ? []
      : ranked.filter((c) => !named.has(c.doc.id) && findDocNumbers(shownPassage(index, c).text).some((have) => numbers.some((want) => sameDocNumber(want, have))));
  if (heads.length + quoting.length === 0) return;
  const moving = new Set([...heads, ...quoting]);
  ranked.splice(0, ranked.length, ...heads, ...quoting, ...ranked.filter((c) => !moving.has(c)));
}

export function namedDocuments(index: LoadedIndex, q: string): Set<string> {
  const out = new Set<string>();
  // a query that is a document's name and nothing else (民法典, 《中华人民共和国劳动合同法》全文), as other documents cite it
  const asName = compact(q.normalize('NFKC')).replace(/[《》〈〉“”"]/gu, '').replace(/^中华人民共和国/u, '').replace(/(?:全文|原文)$/u, '');
  const exact = documentsByCitedName(index).get(asName);
  if (exact !== undefined && exact.length === 1) out.add(exact[0]!);
  const names = namesOf(index);
  for (const want of queriedDocNumbers(q)) {
    for (const d of names) if (d.docNumber !== undefined && sameDocNumber(want, d.docNumber)) out.add(d.id);
  }
  const query = compact(q);
  if (query.length < 6) return out;
  // cheap filter before the quadratic step: the title bigrams each title shares with the query,
  // counted from the bigrams' lists of titles (most titles share no more than a few)
  const lists = titleLists(index, names);
  const shared = new Map<number, number>();
  for (const b of new Set(cjkBigrams(query))) {
    const list = lists.get(b);
    if (list !== undefined) for (const t of list) shared.set(t, (shared.get(t) ?? 0) + 1);
  }
  let best = 0;
  const coverage = new Map<string, number>();
  for (const [t, count] of shared) {
    const d = names[t]!;
    if (d.title === null || count < d.minShared) continue;
    const common = longestCommonSubstring(query, d.title);
    const share = common / d.title.length;
    if (common >= 6 && share >= 0.7) {
      coverage.set(d.id, share);
      best = Math.max(best, share);
    }
  }
  for (const [id, share] of coverage) if (share >= best - 0.05) out.add(id);
  return out;
}

function longestCommonSubstring(a: string, b: string): number {
  let best = 0;
  let previous = new Uint16Array(b.length + 1);
  let current = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1]! + 1 : 0;
      if (current[j]! > best) best = current[j]!;
    }
    [previous, current] = [current, previous];
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Results: passage, answer sentence, highlights

interface QueryTerms {
  /** Words to mark, longest first. */
  words: string[];
  /** 文号 keys (〔2025〕2号) to mark wherever a 文号 with that key stands. */
  docNumberKeys: Set<string>;
  /** For answer scoring: each query word and bigram with its idf. */
  weighted: WeightedTerm[];
}

async function highlightTerms(index: LoadedIndex, asked: string): Promise<QueryTerms> {
  // its numbers written the other way are marked as well (10年 asked, 十年 found)
  const q = [asked, ...numeralVariants(asked)].join(' ');
  const words = new Set(index.tokenizer.tokenize(q));
  const bigrams = new Set(cjkBigrams(q));
  const stats = await index.backend.termStats(q, [...words], [...bigrams]);
  const single = [...compact(q)].length <= 1;
  const marked = stats.matched.filter((t) => [...t].length >= 2 || single || /^[a-z0-9]+$/.test(t));
  const docNumberKeys = new Set(findDocNumbers(q).map((d) => d.key));
  const weighted: QueryTerms['weighted'] = [];
  for (const term of words) {
    const weight = stats.wordIdf.get(term) ?? 0;
    if (weight > 0) weighted.push({ term, weight, bigram: false });
  }
  for (const term of bigrams) {
    const weight = (stats.bigramIdf.get(term) ?? 0) * stats.bigramWeight;
    if (weight > 0) weighted.push({ term, weight, bigram: true });
  }
  return { words: marked, docNumberKeys, weighted };
}

/** The passage a result shows: the one the better-ranked leg found (keyword on a tie: it is the one that can be highlighted). */
function shownPassage(index: LoadedIndex, c: Candidate): Passage {
  const leg = c.vector && (!c.keyword || c.vector.rank < c.keyword.rank) ? c.vector : c.keyword!;
  return index.passages[leg.passage]!;
}

function toResult(index: LoadedIndex, c: Candidate, terms: QueryTerms): SearchResult {
  const passage = shownPassage(index, c);
  const text = passage.text.length > MAX_TEXT ? passage.text.slice(0, MAX_TEXT) : passage.text;
  const { doc, clause } = c;
  return {
    clauseId: clause.id,
    docId: doc.id,
    docTitle: doc.title,
    docNumber: doc.docNumber,
    issuer: doc.issuer,
    date: doc.date,
    status: doc.status,
    type: doc.type,
    path: clause.path,
    label: clause.label,
    heading: clause.heading,
    text,
    answer: answerSentence(clause, passage, terms),
    highlights: c.named ? withLabelMarked(findHighlights(text, terms), text, clause.label) : findHighlights(text, terms),
    score: Math.round(c.score * 1e6) / 1e6,
    url: `/doc/${encodeURIComponent(doc.id)}#${clause.id}`,
    citation: citationOf(doc, clause.id),
    ...(c.suggested ? { similarQuestions: c.suggested } : {}),
    ...(c.crime ? { crimeName: c.crime } : {}),
  };
}

/** The highlights with the clause's label marked where the text begins with it (an article the query named by number). */
function withLabelMarked(highlights: [number, number][], text: string, label: string | null): [number, number][] {
  if (label === null || !text.startsWith(label)) return highlights;
  return [[0, label.length] as [number, number], ...highlights.filter(([start]) => start >= label.length)];
}

const citations = new WeakMap<PolicyDocument, { tree: ClauseTree; cited: Map<string, string> }>();

/** How a clause is cited (citeClause), worked out once per clause: its document's tree is made on its first cited clause. */
function citationOf(doc: PolicyDocument, clauseId: string): string {
  let known = citations.get(doc);
  if (known === undefined) citations.set(doc, (known = { tree: clauseTree(doc.clauses), cited: new Map() }));
  let citation = known.cited.get(clauseId);
  if (citation === undefined) known.cited.set(clauseId, (citation = citeClause(doc, clauseId, known.tree)));
  return citation;
}

/** Folds full-width ASCII to half-width and Latin to lower case, one UTF-16 unit for one, so offsets hold. */
function fold(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xff01 && code <= 0xff5e) code -= 0xfee0;
    if (code >= 0x41 && code <= 0x5a) code += 0x20;
    out += String.fromCharCode(code);
  }
  return out;
}

/** Where the query's words and 文号 stand in text: sorted, merged [start, end) ranges. */
export function findHighlights(text: string, terms: Pick<QueryTerms, 'words' | 'docNumberKeys'>): [number, number][] {
  const folded = fold(text);
  const ranges: [number, number][] = [];
  for (const word of terms.words) {
    const w = fold(word);
    for (let at = folded.indexOf(w); at >= 0; at = folded.indexOf(w, at + w.length)) ranges.push([at, at + w.length]);
  }
  for (const d of findDocNumbers(text)) if (terms.docNumberKeys.has(d.key)) ranges.push([d.start, d.end]);
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** The punctuation a sentence ends with. */
const SENTENCE_ENDS = '。！？；!?;';
const SENTENCE = new RegExp(`[^${SENTENCE_ENDS}\\n]+[${SENTENCE_ENDS}]*`, 'gu');
/** SENTENCE_ENDS by character code, for the scan of bestSentenceWeight. */
const ENDS_SENTENCE = new Uint8Array(0x10000);
for (const c of SENTENCE_ENDS) ENDS_SENTENCE[c.charCodeAt(0)] = 1;

/** A text's sentences (table rows count as sentences), with their offsets in the document (the text starting at `start`). */
function sentencesIn(whole: string, start: number): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  for (const m of whole.matchAll(SENTENCE)) {
    const raw = m[0];
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (text.length >= 2) out.push({ text, start: start + m.index + lead });
  }
  return out;
}

const NEWLINE = 10;
const SPACE = /\s/u;

const endsSentence = (c: number): boolean => ENDS_SENTENCE[c] === 1;

/** The query's weighted terms, looked up by their first character. */
interface TermLookup {
  terms: string[];
  weights: number[];
  /** The terms that begin with a character: the first is firstOf[code], each one's next is next[t]; -1 ends. */
  firstOf: Int32Array;
  next: Int32Array;
  /** Per term, the sentence it was last counted in (each counts once a sentence). */
  counted: Int32Array;
}

/** A character code -> its first term, shared by all searches (a search sets and clears its own entries; they run one at a time). */
const FIRST_OF = new Int32Array(0x10000).fill(-1);

function termLookup(terms: Pick<QueryTerms, 'weighted'>): TermLookup {
  const next = new Int32Array(terms.weighted.length).fill(-1);
  terms.weighted.forEach(({ term }, t) => {
    const first = term.charCodeAt(0);
    next[t] = FIRST_OF[first]!;
    FIRST_OF[first] = t;
  });
  return {
    terms: terms.weighted.map((w) => w.term),
    weights: terms.weighted.map((w) => w.weight),
    firstOf: FIRST_OF,
    next,
    counted: new Int32Array(terms.weighted.length).fill(-1),
  };
}

function releaseLookup(lookup: TermLookup): void {
  for (const term of lookup.terms) lookup.firstOf[term.charCodeAt(0)] = -1;
}

/** Characters of text[from, to) without its leading and trailing whitespace. */
function trimmedLength(text: string, from: number, to: number): number {
  while (from < to && SPACE.test(text[from]!)) from++;
  while (to > from && SPACE.test(text[to - 1]!)) to--;
  return to - from;
}

/**
 * The most query weight one sentence of the text holds: sentenceWeight of its best sentence as
 * sentencesIn splits it (sentences of 2 characters or more), in one pass over the text: at each
 * character only the query terms that begin with it are tried. A term holds no sentence end.
 */
function bestSentenceWeight(text: string, lookup: TermLookup): number {
  const { terms, weights, firstOf, next, counted } = lookup;
  counted.fill(-1);
  let best = 0;
  let sum = 0;
  let start = -1; // where the current sentence began; -1 between sentences
  let sentence = 0;
  const close = (end: number) => {
    if (trimmedLength(text, start, end) >= 2 && sum > best) best = sum;
    start = -1;
    sum = 0;
    sentence++;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE || endsSentence(c)) {
      if (start < 0) continue;
      // the sentence takes its ending punctuation (not a line break) with it
      let end = i;
      while (end < text.length && endsSentence(text.charCodeAt(end))) end++;
      close(end);
      i = end - 1;
      continue;
    }
    if (start < 0) start = i;
    for (let t = firstOf[c]!; t >= 0; t = next[t]!) {
      if (counted[t] !== sentence && text.startsWith(terms[t]!, i)) {
        counted[t] = sentence;
        sum += weights[t]!;
      }
    }
  }
  if (start >= 0) close(text.length);
  return best;
}

/** The query's weight a text holds: the idf of each of its words and bigrams found there. */
function sentenceWeight(text: string, terms: Pick<QueryTerms, 'weighted'>): number {
  let s = 0;
  for (const { term, weight } of terms.weighted) if (text.includes(term)) s += weight;
  return s;
}

/**
 * The sentence of the clause (or of the matched passage, when that holds the clause's items too)
 * that holds most of the query's weight (idf of its words and bigrams), preferring the matched
 * passage and, on a tie, the earlier sentence; a heading alone
 * is never the answer when the clause has a body. A sentence over 200 characters is cut to the
 * run of its comma-separated parts that holds the most.
 */
export function answerSentence(clause: Clause, passage: Passage, terms: Pick<QueryTerms, 'weighted'>): string {
  // a passage that holds the clause and its items (第二百二十四条 and its （一）…（五）) is read whole
  const whole = passage.start <= clause.start && passage.end > clause.start + clause.text.length;
  const sentences = whole ? sentencesIn(passage.text, passage.start) : sentencesIn(clause.text, clause.start);
  if (sentences.length === 0) return passage.text.slice(0, MAX_ANSWER);
  const heading = `${clause.label ?? ''}${clause.heading ?? ''}`.trim();
  const scoreOf = (text: string) => sentenceWeight(text, terms);
  let best = sentences[0]!;
  let bestScore = -Infinity;
  for (const s of sentences) {
    const isHeading = heading !== '' && s.text.replace(/[。：:]$/u, '') === heading && sentences.length > 1;
    const inPassage = s.start >= passage.start && s.start < passage.end;
    const score = scoreOf(s.text) + (inPassage ? 0.01 : 0) - (isHeading ? 1000 : 0);
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  // the sentence, not the clause's number: "居住权不得转让、继承。", not "第三百六十九条 居住权…"
  const text = withoutLabel(best.text, clause.label);
  return text.length <= MAX_ANSWER ? text : bestWindow(text, scoreOf);
}

/** A sentence without the clause label it begins with (and the space after it); as it was if nothing else is left. */
function withoutLabel(sentence: string, label: string | null): string {
  const printed = label?.trim();
  if (!printed || !sentence.startsWith(printed)) return sentence;
  const rest = sentence.slice(printed.length).trimStart();
  return rest.length >= 2 ? rest : sentence;
}

function bestWindow(sentence: string, scoreOf: (text: string) => number): string {
  const parts = sentence.match(/[^，,、]+[，,、]?/gu) ?? [sentence];
  let best = '';
  let bestScore = -Infinity;
  for (let i = 0; i < parts.length; i++) {
    let window = '';
    for (let j = i; j < parts.length && window.length + parts[j]!.length <= MAX_ANSWER; j++) {
      window += parts[j];
      const score = scoreOf(window);
      if (score > bestScore || (score === bestScore && window.length > best.length && i === 0)) {
        best = window;
        bestScore = score;
      }
    }
  }
  return best === '' ? sentence.slice(0, MAX_ANSWER) : best;
}
