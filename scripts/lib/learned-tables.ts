// What the product learns from answered questions (the expansions, the priors and the table of
// answered questions that similar questions and the query map read), learned from any part of a
// question set, and the folds that part it: `npm run eval` measures a set the shipped tables were
// learned from by cross-validation, and `npm run learn:expansions -- --check` by its two halves.
import { createHash } from 'node:crypto';
import { expansionKeys, learnExpansions, useLearnedExpansions } from '../../server/learned-expansions.ts';
import { learnPriors, useLearnedPriors } from '../../server/learned-priors.ts';
import type { LoadedIndex } from '../../server/load-index.ts';
import { answeredTable, useAnsweredQuestions } from '../../server/similar-questions.ts';
import type { ArticleQuery } from './eval-metrics.ts';

export interface LearnedTables {
  expansions: ReturnType<typeof learnExpansions>;
  priors: ReturnType<typeof learnPriors>;
  answered: ReturnType<typeof answeredTable>;
}

/** The fold (0 .. folds − 1) a question falls in, by the md5 of its id: the same for every run. */
export function foldOf(id: string, folds: number): number {
  return createHash('md5').update(id).digest()[0]! % folds;
}

/**
 * Learns the tables from any subset of `questions` over this index (the expansions need its
 * idf): each question and its gold articles' text tokenized once, here.
 */
export async function tableLearner(index: LoadedIndex, questions: readonly ArticleQuery[]): Promise<(train: readonly ArticleQuery[]) => LearnedTables> {
  const tokens = (text: string) => expansionKeys(index.tokenizer.tokenize(text));
  const pairs = new Map(questions.map((q) => [q.id, { question: tokens(q.query), answer: q.gold.flatMap((g) => tokens(g.text ?? '')) }]));
  // idf of every answer word, from the index, in one call
  const answerWords = [...new Set([...pairs.values()].flatMap((p) => p.answer))];
  const stats = await index.backend.termStats('', answerWords, []);
  const idf = (word: string) => stats.wordIdf.get(word) ?? 0;
  return (train) => ({
    expansions: learnExpansions(
      train.map((q) => pairs.get(q.id) ?? { question: tokens(q.query), answer: q.gold.flatMap((g) => tokens(g.text ?? '')) }),
      idf,
    ),
    priors: learnPriors(train),
    answered: answeredTable(train),
  });
}

/** Puts tables in use for every search of this process (null: none; undefined: the shipped ones again). */
export function useTables(tables: LearnedTables | null | undefined): void {
  useLearnedExpansions(tables === undefined ? undefined : tables === null ? null : tables.expansions);
  useLearnedPriors(tables === undefined ? undefined : tables === null ? null : tables.priors);
  useAnsweredQuestions(tables === undefined ? undefined : tables === null ? null : tables.answered);
}
