// The counting rule of ../shared/eval/README.md, and nothing else: which result is correct, whether
// an answer hits, and MRR@10 / Recall@k / answer@1 over a set of queries.

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

export interface QueryOutcome {
  id: string;
  kind: string;
  /** 1-based rank of the first correct result, null when none of the first ten is. */
  rank: number | null;
  /** null when the system gives no answers. */
  answerHit: boolean | null;
}

export function scoreQuery(query: EvalQuery, results: readonly RankedText[], hasAnswers: boolean): QueryOutcome {
  return {
    id: query.id,
    kind: query.kind,
    rank: firstCorrectRank(results, query.gold),
    answerHit: hasAnswers ? answerMatches(results[0]?.answer, query.gold) : null,
  };
}

export interface Metrics {
  queries: number;
  mrr10: number;
  recall1: number;
  recall5: number;
  recall10: number;
  /** null for a system without answers. */
  answer1: number | null;
}

export function summarize(outcomes: readonly QueryOutcome[]): Metrics {
  const n = outcomes.length;
  const share = (pass: (o: QueryOutcome) => boolean) => (n === 0 ? 0 : outcomes.filter(pass).length / n);
  const withAnswers = outcomes.every((o) => o.answerHit !== null);
  return {
    queries: n,
    mrr10: n === 0 ? 0 : outcomes.reduce((s, o) => s + (o.rank === null ? 0 : 1 / o.rank), 0) / n,
    recall1: share((o) => o.rank !== null && o.rank <= 1),
    recall5: share((o) => o.rank !== null && o.rank <= 5),
    recall10: share((o) => o.rank !== null && o.rank <= 10),
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
