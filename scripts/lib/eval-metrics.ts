// The counting rules of ../shared/eval/README.md, and nothing else: which result is correct, whether
// an answer hits, and MRR@10 / Recall@k / cited@1 / answer@1 over a set of queries. Two rules:
//   gold strings (the seeds' dev queries): a result is correct when its passage holds a gold string;
//   gold articles (laws-train.json): a result counts for an article when it comes from the
//   article's file and shares a run of min(20, shorter) characters with the article's text.

/** Results after the tenth are never looked at. */
export const CUTOFF = 10;
/** A correct passage is at most this long (normalized): a whole document containing the gold does not count. */
export const MAX_PASSAGE_CHARS = 800;
export const MAX_ANSWER_CHARS = 200;
/** answer@1 needs a common substring of min(this, gold length) characters. */
export const ANSWER_OVERLAP = 10;

export interface EvalQuery {
  id: string;
  query: string;
  kind: string;
  gold: string[];
  file?: string;
  note?: string;
}

export interface RankedText {
  text: string;
  /** Absent for systems that do not extract an answer (the baselines). */
  answer?: string | null;
}

/** Whitespace and every `|` removed, so a table row `a | b | c` reads `abc`. */
export function normalize(text: string): string {
  return text.replace(/[\s|]/gu, '');
}

function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function isCorrect(text: string, gold: readonly string[]): boolean {
  const t = normalize(text);
  return charCount(t) <= MAX_PASSAGE_CHARS && gold.some((g) => t.includes(g));
}

/** 1-based rank of the first correct result among the first ten, or null. */
export function firstCorrectRank(results: readonly RankedText[], gold: readonly string[]): number | null {
  const at = results.slice(0, CUTOFF).findIndex((r) => isCorrect(r.text, gold));
  return at < 0 ? null : at + 1;
}

/** Does the answer share a common substring of min(10, gold length) characters with some gold string? */
export function answerMatches(answer: string | null | undefined, gold: readonly string[]): boolean {
  if (answer == null) return false;
  const a = [...normalize(answer)];
  if (a.length === 0 || a.length > MAX_ANSWER_CHARS) return false;
  return gold.some((g) => {
    const need = Math.min(ANSWER_OVERLAP, charCount(g));
    if (need === 0) return false;
    for (let i = 0; i + need <= a.length; i++) if (g.includes(a.slice(i, i + need).join(''))) return true;
    return false;
  });
}

/** The cut-offs of Recall@k; 50 looks past the tenth result, to show what a reranker could reach. */
export const RECALL_AT = [1, 5, 10, 50] as const;
export type RecallAt = Record<(typeof RECALL_AT)[number], number>;

export interface QueryOutcome {
  id: string;
  kind: string;
  /** 1-based rank of the first correct result, null when none of the first ten is. */
  rank: number | null;
  /** Share of the query's gold found in the first k results (1 or 0 for gold strings). */
  recall?: RecallAt;
  /** The first result is correct and names the gold article (article rule only; null otherwise). */
  cited?: boolean | null;
  /** null when the system gives no answers. */
  answerHit: boolean | null;
}

export function scoreQuery(query: EvalQuery, results: readonly RankedText[], hasAnswers: boolean): QueryOutcome {
  const rank = firstCorrectRank(results, query.gold);
  const within50 = results.slice(0, 50).findIndex((r) => isCorrect(r.text, query.gold));
  const at = within50 < 0 ? Infinity : within50 + 1;
  return {
    id: query.id,
    kind: query.kind,
    rank,
    recall: { 1: Number(at <= 1), 5: Number(at <= 5), 10: Number(at <= 10), 50: Number(at <= 50) },
    cited: null,
    answerHit: hasAnswers ? answerMatches(results[0]?.answer, query.gold) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Gold articles (laws-train.json)

export interface GoldArticle {
  /** The corpus file the article stands in. */
  file: string;
  /** Its label, e.g. 第五十四条. */
  article: string;
  /** Its text, whitespace removed. */
  text: string;
}

export interface ArticleQuery {
  id: string;
  query: string;
  kind: string;
  gold: GoldArticle[];
}

export interface ArticleHit extends RankedText {
  /** The corpus file of the result's document. */
  source: string;
  label?: string | null;
  path?: string[];
}

export const ARTICLE_OVERLAP = 20;

/** Do a and b share a run of `need` characters? (code points; need <= both lengths) */
export function sharesRun(a: string, b: string, need: number): boolean {
  const x = [...a];
  const y = [...b];
  if (need <= 0 || need > x.length || need > y.length) return false;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  const longText = long.join('');
  const runs = new Set<string>();
  for (let i = 0; i + need <= short.length; i++) runs.add(short.slice(i, i + need).join(''));
  if (need === short.length) return longText.includes(short.join(''));
  for (let i = 0; i + need <= long.length; i++) if (runs.has(long.slice(i, i + need).join(''))) return true;
  return false;
}

/** Does this result count for this gold article? Same file, and a run of min(20, shorter) characters in common. */
export function countsForArticle(hit: ArticleHit, gold: GoldArticle): boolean {
  if (hit.source !== gold.file) return false;
  const text = normalize(hit.text);
  const need = Math.min(ARTICLE_OVERLAP, charCount(text), charCount(gold.text));
  return sharesRun(text, gold.text, need);
}

/** Does the result's own label, or the 第X条 in its path, name this article? */
export function namesArticle(hit: ArticleHit, article: string): boolean {
  const names = (label: string) => label.startsWith(article) && !label.slice(article.length).startsWith('之');
  return (hit.label != null && names(hit.label.replace(/\s+/gu, ''))) || (hit.path ?? []).some((p) => names(p.replace(/\s+/gu, '')));
}

export function scoreArticleQuery(query: ArticleQuery, results: readonly ArticleHit[], hasAnswers: boolean): QueryOutcome {
  const top = results.slice(0, 50);
  const firstAt = top.map((hit) => query.gold.some((g) => countsForArticle(hit, g)));
  const found = query.gold.map((g) => top.findIndex((hit) => countsForArticle(hit, g)));
  const recallAt = (k: number) => found.filter((at) => at >= 0 && at < k).length / query.gold.length;
  const at = firstAt.slice(0, CUTOFF).indexOf(true);
  const first = results[0];
  const answer = first?.answer == null ? null : normalize(first.answer);
  return {
    id: query.id,
    kind: query.kind,
    rank: at < 0 ? null : at + 1,
    recall: { 1: recallAt(1), 5: recallAt(5), 10: recallAt(10), 50: recallAt(50) },
    // A system that gives no labels or paths (the baselines' chunks) cannot be cited: null.
    cited:
      first !== undefined && first.label === undefined && first.path === undefined
        ? null
        : first !== undefined && query.gold.some((g) => countsForArticle(first, g) && namesArticle(first, g.article)),
    answerHit: hasAnswers
      ? first !== undefined &&
        answer !== null &&
        charCount(answer) <= MAX_ANSWER_CHARS &&
        query.gold.some((g) => g.file === first.source && sharesRun(answer, g.text, Math.min(ARTICLE_OVERLAP, charCount(answer), charCount(g.text))))
      : null,
  };
}

export interface Metrics {
  queries: number;
  mrr10: number;
  recall1: number;
  recall5: number;
  recall10: number;
  recall50?: number;
  /** Share of queries whose first result is correct (equals recall1 under the gold-string rule). */
  hit1?: number;
  /** Share of queries whose first result is a citable hit: article rule only, null otherwise. */
  cited1?: number | null;
  /** null for a system without answers. */
  answer1: number | null;
}

export function summarize(outcomes: readonly QueryOutcome[]): Metrics {
  const n = outcomes.length;
  const share = (pass: (o: QueryOutcome) => boolean) => (n === 0 ? 0 : outcomes.filter(pass).length / n);
  const withAnswers = outcomes.every((o) => o.answerHit !== null);
  const withCited = n > 0 && outcomes.every((o) => o.cited != null);
  const recall = (k: 1 | 5 | 10 | 50) =>
    n === 0 ? 0 : outcomes.reduce((s, o) => s + (o.recall !== undefined ? o.recall[k] : Number(o.rank !== null && o.rank <= k)), 0) / n;
  return {
    queries: n,
    mrr10: n === 0 ? 0 : outcomes.reduce((s, o) => s + (o.rank === null ? 0 : 1 / o.rank), 0) / n,
    recall1: recall(1),
    recall5: recall(5),
    recall10: recall(10),
    recall50: recall(50),
    hit1: share((o) => o.rank === 1),
    cited1: withCited ? share((o) => o.cited === true) : null,
    answer1: withAnswers && n > 0 ? share((o) => o.answerHit === true) : null,
  };
}

/** Metrics over all queries, then per query kind in order of first appearance. */
export function summarizeByKind(outcomes: readonly QueryOutcome[]): { all: Metrics; byKind: Record<string, Metrics> } {
  const kinds = [...new Set(outcomes.map((o) => o.kind))];
  return {
    all: summarize(outcomes),
    byKind: Object.fromEntries(kinds.map((k) => [k, summarize(outcomes.filter((o) => o.kind === k))])),
  };
}
