// Articles that answered questions keep citing. Of the 2,173 articles lawyers cited for laws-train's
// 1,231 questions, a few recur across many questions (the 民法典's articles on divorce, common
// property, tort liability; the 劳动合同法's on severance): people's questions gather on the rules
// of their everyday disputes, and a new question is more likely answered by one of them than by an
// article of the same words nobody has asked about. The table counts, for each article, how many
// different questions cite it; an article is in it when at least two questions do, so no entry comes
// from one question's answer. Each passage of a listed article is lifted by
// 1 + KEYWORD_LEG.learnedArticles × log(1 + questions) / log(1 + the most cited's), beside the
// corpus's own citation priors (corpus-priors.ts). An office's log of answered questions would teach
// it the same way. `npm run learn:expansions` learns it with the expansions and measures both by
// two-fold cross-validation (docs/SEARCH.md); articles of another corpus match nothing in it.
import shipped from './learned-articles.json' with { type: 'json' };

export interface LearnedArticles {
  about: string;
  source: { questions: string; count: number; learnedAt: string };
  /** An article is listed when at least this many different questions cite it. */
  minQuestions: number;
  /** [corpus file, article label, questions citing it], most cited first. */
  entries: [string, string, number][];
}

export const MIN_QUESTIONS_PER_ARTICLE = 2;

/** The table from answered questions: each question's gold articles counted once. */
export function learnArticles(
  questions: readonly { gold: readonly { file: string; article: string }[] }[],
  minQuestions: number = MIN_QUESTIONS_PER_ARTICLE,
): [string, string, number][] {
  const counts = new Map<string, number>();
  for (const q of questions) {
    for (const key of new Set(q.gold.map((g) => `${g.file}\u0000${g.article.replace(/\s+/gu, '')}`))) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .filter(([, n]) => n >= minQuestions)
    .map(([key, n]): [string, string, number] => {
      const [file, article] = key.split('\u0000') as [string, string];
      return [file, article, n];
    })
    .sort((a, b) => b[2] - a[2] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

let table: Map<string, number> | null | undefined;
let version = 0;

/** Replaces the table in use (null: none; undefined: the shipped one again), for cross-validation. */
export function useLearnedArticles(entries: readonly [string, string, number][] | null | undefined): void {
  table = entries === undefined ? undefined : entries === null ? null : tableOf(entries);
  version++;
}

const tableOf = (entries: readonly [string, string, number][]) => new Map(entries.map(([file, article, n]) => [`${file}\u0000${article}`, n]));

function current(): Map<string, number> | null {
  // the shipped table (learned-articles.json) is part of the server's code, bundled with it
  if (table === undefined) table = tableOf((shipped as LearnedArticles).entries);
  return table;
}

/** Which table is in use: the boost made from it is remade when this changes. */
export function learnedArticlesVersion(): number {
  return version;
}

/**
 * Per passage, 0..1: log(1 + questions citing its article) over log(1 + the most cited article's),
 * 0 for a passage whose article is not listed. `articleOf(i)` is passage i's article label.
 */
export function learnedArticlePriors(passages: number, sourceOf: (i: number) => string, articleOf: (i: number) => string | null): Float32Array {
  const priors = new Float32Array(passages);
  const entries = current();
  if (entries === null || entries.size === 0) return priors;
  let max = 1;
  for (const n of entries.values()) if (n > max) max = n;
  for (let i = 0; i < passages; i++) {
    const article = articleOf(i);
    if (article === null) continue;
    const n = entries.get(`${sourceOf(i)}\u0000${article}`);
    if (n !== undefined) priors[i] = Math.log1p(n) / Math.log1p(max);
  }
  return priors;
}
