// The laws and articles that answered questions keep citing. Of the 2,173 articles lawyers cited
// for laws-train's 1,231 questions, a few recur across many questions (the 民法典's articles on
// divorce, common property, tort liability; the 劳动合同法's on severance), and a few laws answer
// most questions: people's questions gather on the rules of their everyday disputes, and a new
// question is more likely answered by one of them than by an article of the same words in a law
// nobody has asked about. The tables count, for each article and for each law (corpus file), how
// many different questions cite it; one is listed when at least two questions do, so no entry comes
// from one question's answer. Each passage is lifted by
//   (1 + KEYWORD_LEG.learnedArticles × its article's prior) × (1 + KEYWORD_LEG.learnedDocuments × its law's),
// each prior log(1 + questions) / log(1 + the most cited's), beside the corpus's own citation
// priors (corpus-priors.ts). An office's log of answered questions would teach them the same way.
// `npm run learn:expansions` learns them with the expansions and measures all of it by two-fold
// cross-validation (docs/SEARCH.md); the files of another corpus match nothing in them.
import shipped from './learned-priors.json' with { type: 'json' };

export interface LearnedPriors {
  about: string;
  source: { questions: string; count: number; learnedAt: string };
  /** An article or a law is listed when at least this many different questions cite it. */
  minQuestions: number;
  /** [corpus file, article label, questions citing it], most cited first. */
  articles: [string, string, number][];
  /** [corpus file, questions citing one of its articles], most cited first. */
  documents: [string, number][];
}

export const MIN_QUESTIONS_PER_PRIOR = 2;

type Question = { gold: readonly { file: string; article: string }[] };

/** Each key counted once per question, kept when at least minQuestions questions have it, most first. */
function countQuestions(questions: readonly Question[], keys: (q: Question) => string[], minQuestions: number): [string, number][] {
  const counts = new Map<string, number>();
  for (const q of questions) for (const key of new Set(keys(q))) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].filter(([, n]) => n >= minQuestions).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The tables from answered questions: each question's gold articles and their laws counted once. */
export function learnPriors(questions: readonly Question[], minQuestions: number = MIN_QUESTIONS_PER_PRIOR): Pick<LearnedPriors, 'articles' | 'documents'> {
  const articles = countQuestions(questions, (q) => q.gold.map((g) => `${g.file}\u0000${g.article.replace(/\s+/gu, '')}`), minQuestions);
  return {
    articles: articles.map(([key, n]) => {
      const [file, article] = key.split('\u0000') as [string, string];
      return [file, article, n];
    }),
    documents: countQuestions(questions, (q) => q.gold.map((g) => g.file), minQuestions),
  };
}

interface Tables {
  articles: Map<string, number>;
  documents: Map<string, number>;
}

let tables: Tables | null | undefined;
let version = 0;

const tablesOf = (priors: Pick<LearnedPriors, 'articles' | 'documents'>): Tables => ({
  articles: new Map(priors.articles.map(([file, article, n]) => [`${file}\u0000${article}`, n])),
  documents: new Map(priors.documents),
});

/** Replaces the tables in use (null: none; undefined: the shipped ones again), for cross-validation. */
export function useLearnedPriors(priors: Pick<LearnedPriors, 'articles' | 'documents'> | null | undefined): void {
  tables = priors === undefined ? undefined : priors === null ? null : tablesOf(priors);
  version++;
}

function current(): Tables | null {
  // the shipped tables (learned-priors.json) are part of the server's code, bundled with it
  if (tables === undefined) tables = tablesOf(shipped as LearnedPriors);
  return tables;
}

/** Which tables are in use: the boost made from them is remade when this changes. */
export function learnedPriorsVersion(): number {
  return version;
}

/** log(1 + n) / log(1 + the largest n of the table), per passage; 0 where the key is not listed. */
function scaled(table: Map<string, number>, passages: number, keyOf: (i: number) => string | null): Float32Array {
  const priors = new Float32Array(passages);
  if (table.size === 0) return priors;
  let max = 1;
  for (const n of table.values()) if (n > max) max = n;
  for (let i = 0; i < passages; i++) {
    const key = keyOf(i);
    const n = key === null ? undefined : table.get(key);
    if (n !== undefined) priors[i] = Math.log1p(n) / Math.log1p(max);
  }
  return priors;
}

/**
 * Per passage, 0..1, its article's and its law's learned priors. `sourceOf(i)` is passage i's
 * corpus file, `articleOf(i)` its article label (null outside any article).
 */
export function learnedPriors(
  passages: number,
  sourceOf: (i: number) => string,
  articleOf: (i: number) => string | null,
): { articles: Float32Array; documents: Float32Array } {
  const t = current() ?? { articles: new Map<string, number>(), documents: new Map<string, number>() };
  return {
    articles: scaled(t.articles, passages, (i) => {
      const article = articleOf(i);
      return article === null ? null : `${sourceOf(i)}\u0000${article}`;
    }),
    documents: scaled(t.documents, passages, sourceOf),
  };
}
