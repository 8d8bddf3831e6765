// Expansions learned from questions and the articles that answer them. People ask "个体工商户"
// questions that a law answers with "家庭经营", "土地承包" ones that it answers with "发包方": a
// question word and an article word that keep appearing together across many answered questions,
// far more often than the article word appears in answers at large, are a translation between how
// people ask and how the law says it (the translation model of Berger & Lafferty, 1999, reduced to
// its strongest pairs). `npm run learn:expansions` learns the table from ../shared/eval/
// laws-train.json over the laws index and measures it by two-fold cross-validation; see
// docs/SEARCH.md. Each entry is supported by at least three different questions: none comes from
// one question's answer.
import shipped from './learned-expansions.json' with { type: 'json' };

export interface LearnedExpansions {
  about: string;
  /** What it was learned from and with which settings. */
  source: { questions: string; count: number; index: string; learnedAt: string };
  params: LearnParams;
  /** question word -> article words, strongest first */
  entries: Record<string, string[]>;
}

export interface LearnParams {
  /** A pair must appear in at least this many questions. */
  minQuestions: number;
  /** P(article word | question word) at least this. */
  minShare: number;
  /** ...and at least this many times the article word's share of all answers. */
  minLift: number;
  /** The article word's idf in the index at least this (a common word says nothing). */
  minIdf: number;
  /** The most article words per question word. */
  perWord: number;
}

export const DEFAULT_LEARN_PARAMS: LearnParams = { minQuestions: 3, minShare: 0.2, minLift: 8, minIdf: 3, perWord: 2 };

// Words that carry no subject of their own in a question; the rest of its two-or-more-character
// words are what expansions are learned for and looked up by.
const EMPTY =
  /^(怎么办|怎么样|怎么|怎样|如何|为什么|什么样|什么|哪些|哪个|多少|是否|可以|能否|需要|应该|应当|有没有|我们|你们|他们|自己|这个|那个|如果|因为|所以|但是|现在|已经|请问|的话|没有|不是|是不是|还是|就是|一个|时候|情况|之后|以后|问题)$/;

/** The words of a tokenized text that expansions are learned for and looked up by. */
export function expansionKeys(tokens: readonly string[]): string[] {
  return [...new Set(tokens)].filter((w) => w.length >= 2 && /^\p{Script=Han}+$/u.test(w) && !EMPTY.test(w));
}

let table: Map<string, string[]> | null | undefined;

/** Replaces the table in use (null: none; undefined: the shipped one again), for cross-validation. */
export function useLearnedExpansions(entries: Record<string, string[]> | null | undefined): void {
  table = entries === undefined ? undefined : entries === null ? null : new Map(Object.entries(entries));
}

function current(): Map<string, string[]> | null {
  // the shipped table (learned-expansions.json) is part of the server's code, bundled with it
  if (table === undefined) table = new Map(Object.entries((shipped as LearnedExpansions).entries));
  return table;
}

/** At most this many learned words per query: each is more postings to score (measured in docs/SEARCH.md). */
export const MAX_LEARNED_PER_QUERY = 4;

/**
 * Article words learned for the query's words, not already in the query: each word's strongest
 * first, then the next, up to MAX_LEARNED_PER_QUERY.
 */
export function learnedExpansions(query: string, tokens: readonly string[]): string[] {
  const entries = current();
  if (entries === null) return [];
  const lists = expansionKeys(tokens).map((w) => entries.get(w) ?? []);
  const out = new Set<string>();
  for (let rank = 0; lists.some((l) => l.length > rank); rank++) {
    for (const list of lists) {
      const a = list[rank];
      if (a !== undefined && !query.includes(a)) out.add(a);
      if (out.size >= MAX_LEARNED_PER_QUERY) return [...out];
    }
  }
  return [...out];
}

/**
 * The table from questions (tokenized content words) and their answers' words: for each question
 * word w and answer word a (a not in the question, neither inside the other), the share of
 * w's questions whose answers hold a, against the share of all answers holding a.
 */
export function learnExpansions(
  pairs: readonly { question: string[]; answer: string[] }[],
  idf: (word: string) => number,
  params: LearnParams = DEFAULT_LEARN_PARAMS,
): Record<string, string[]> {
  const withWord = new Map<string, number>();
  const inAnswers = new Map<string, number>();
  const together = new Map<string, Map<string, number>>();
  for (const { question, answer } of pairs) {
    const asked = new Set(question);
    const said = new Set(answer);
    for (const a of said) inAnswers.set(a, (inAnswers.get(a) ?? 0) + 1);
    for (const w of asked) {
      withWord.set(w, (withWord.get(w) ?? 0) + 1);
      let row = together.get(w);
      if (row === undefined) together.set(w, (row = new Map()));
      for (const a of said) if (!asked.has(a) && !a.includes(w) && !w.includes(a)) row.set(a, (row.get(a) ?? 0) + 1);
    }
  }
  const n = pairs.length;
  const entries: Record<string, string[]> = {};
  for (const w of [...together.keys()].sort()) {
    const asked = withWord.get(w)!;
    const best = [...together.get(w)!]
      .map(([a, c]) => ({ a, c, share: c / asked, lift: c / asked / (inAnswers.get(a)! / n) }))
      .filter((x) => x.c >= params.minQuestions && x.share >= params.minShare && x.lift >= params.minLift && idf(x.a) >= params.minIdf)
      .sort((x, y) => y.share * Math.log(y.lift) - x.share * Math.log(x.lift) || (x.a < y.a ? -1 : 1))
      .slice(0, params.perWord);
    if (best.length > 0) entries[w] = best.map((x) => x.a);
  }
  return entries;
}
