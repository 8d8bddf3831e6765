// What the product learns from answered questions (the expansions, the priors, the table of
// answered questions that similar questions and the query map read, and the model of which result
// comes first), learned from any part of a question set, and the folds that part it:
// `npm run eval` measures a set the shipped tables were learned from by cross-validation, and
// `npm run learn:expansions -- --check` by its two halves.
import { createHash } from 'node:crypto';
import { FIRST_PLACE, fitFirstPlace, observeFirstPlace, useFirstPlaceModel, type FirstPlaceModel, type ObservedPair } from '../../server/first-place.ts';
import { expansionKeys, learnExpansions, useLearnedExpansions } from '../../server/learned-expansions.ts';
import { learnPriors, useLearnedPriors } from '../../server/learned-priors.ts';
import type { LoadedIndex } from '../../server/load-index.ts';
import { search } from '../../server/search.ts';
import { answeredTable, useAnsweredQuestions } from '../../server/similar-questions.ts';
import { countsForArticle, namesArticle, type ArticleQuery } from './eval-metrics.ts';

export interface LearnedTables {
  expansions: ReturnType<typeof learnExpansions>;
  priors: ReturnType<typeof learnPriors>;
  answered: ReturnType<typeof answeredTable>;
  /** null: none (the first result stays first). */
  firstPlace: FirstPlaceModel | null;
}

/** The fold (0 .. folds − 1) a question falls in, by the md5 of its id: the same for every run. */
export function foldOf(id: string, folds: number): number {
  return createHash('md5').update(id).digest()[0]! % folds;
}

/** Folds of the first-place model's pairs: each question's first results searched with the tables learned from the rest of its subset without its fold. */
const PAIR_FOLDS = 10;

/** A pair search weighed for a question, with which of the two its answer cites. */
interface LabelledPair {
  features: number[];
  firstCited: boolean;
  otherCited: boolean;
}

/**
 * Learns the tables from any subset of `questions` over this index (the expansions need its idf).
 * The first-place model needs the pairs of results search weighs for each question of the subset,
 * searched here with the other tables learned from the subset without the question's fold: a
 * subset's model never meets a question outside it, not even through the tables its pairs were
 * ranked with (so a fold's model in `npm run eval` is learned as the shipped one is, from questions
 * that never saw the fold's).
 */
export async function tableLearner(
  index: LoadedIndex,
  questions: readonly ArticleQuery[],
): Promise<(train: readonly ArticleQuery[]) => Promise<LearnedTables & { firstPlace: FirstPlaceModel }>> {
  const tokens = (text: string) => expansionKeys(index.tokenizer.tokenize(text));
  const pairs = new Map(questions.map((q) => [q.id, { question: tokens(q.query), answer: q.gold.flatMap((g) => tokens(g.text ?? '')) }]));
  // idf of every answer word, from the index, in one call
  const answerWords = [...new Set([...pairs.values()].flatMap((p) => p.answer))];
  const stats = await index.backend.termStats('', answerWords, []);
  const idf = (word: string) => stats.wordIdf.get(word) ?? 0;
  const learnRest = (train: readonly ArticleQuery[]) => ({
    expansions: learnExpansions(train.map((q) => pairs.get(q.id)!), idf),
    priors: learnPriors(train),
    answered: answeredTable(train),
  });
  return async (train) => {
    const labelled = (await weighedPairs(index, train, learnRest)).filter((p) => p.firstCited !== p.otherCited);
    return {
      ...learnRest(train),
      firstPlace: {
        about:
          'Which of the first results of one law comes first: a logistic model over the differences between the first result and another (server/first-place.ts), learned by npm run learn:expansions (scripts/learn-expansions.ts) from answered questions.',
        source: { questions: '', count: train.length, pairs: labelled.length, learnedAt: new Date().toISOString().slice(0, 10) },
        ...fitFirstPlace(labelled),
      },
    };
  };
}

/** The pairs hybrid search weighs for each of `questions`, with no first-place model and the rest of the tables learned from `questions` without its fold. */
async function weighedPairs(
  index: LoadedIndex,
  questions: readonly ArticleQuery[],
  learnRest: (train: readonly ArticleQuery[]) => Omit<LearnedTables, 'firstPlace'>,
): Promise<LabelledPair[]> {
  const out: LabelledPair[] = [];
  let seen: ObservedPair[] = [];
  observeFirstPlace((pair) => seen.push(pair));
  try {
    for (let fold = 0; fold < PAIR_FOLDS; fold++) {
      const asked = questions.filter((q) => foldOf(q.id, PAIR_FOLDS) === fold);
      if (asked.length === 0) continue;
      useTables({ ...learnRest(questions.filter((q) => foldOf(q.id, PAIR_FOLDS) !== fold)), firstPlace: null });
      for (const q of asked) {
        seen = [];
        const { results } = await search(index, { q: q.query, k: FIRST_PLACE.depth, mode: 'hybrid' });
        const cited = (clauseId: string) => {
          const r = results.find((x) => x.clauseId === clauseId);
          if (r === undefined) return false;
          const hit = { text: r.text, source: index.documentsById.get(r.docId)?.source ?? '', label: r.label, path: r.path };
          return q.gold.some((g) => countsForArticle(hit, g) && namesArticle(hit, g.article));
        };
        for (const p of seen) out.push({ features: p.features, firstCited: cited(p.first), otherCited: cited(p.other) });
      }
    }
  } finally {
    observeFirstPlace(null);
    useTables(undefined);
  }
  return out;
}

/** Puts tables in use for every search of this process (null: none; undefined: the shipped ones again). */
export function useTables(tables: LearnedTables | null | undefined): void {
  useLearnedExpansions(tables === undefined ? undefined : tables === null ? null : tables.expansions);
  useLearnedPriors(tables === undefined ? undefined : tables === null ? null : tables.priors);
  useAnsweredQuestions(tables === undefined ? undefined : tables === null ? null : tables.answered);
  useFirstPlaceModel(tables === undefined ? undefined : tables === null ? null : tables.firstPlace);
}
