// npm run learn:expansions [-- --questions FILE --laws-index DIR --check]
//
// Learns, from a question set whose gold answers carry their article text
// (../shared/eval/laws-train.json), over the laws index (built first when it is missing or stale,
// as npm run eval does): server/learned-expansions.json (question words -> article words) and
// server/learned-priors.json (the articles and laws that several questions cite),
// server/answered-questions.json (each question with its cited articles, for similar-questions.ts)
// and server/learned-first-place.json (which of one law's first results comes first, for
// first-place.ts: learned from the pairs hybrid search weighs for each question, searched with the
// other tables learned without its tenth of the questions). With --check it first measures them by
// two-fold cross-validation: the questions split in two halves by the md5 of their id, the tables
// learned on one half, the other half searched without them, with the expansions, with the
// expansions and priors, with similar questions too, and with the first-place model (keyword,
// hybrid and vector, MRR@10 / R@1 / R@10 / R@50 / hit@1 / cited@1), so the figures are for questions they
// never saw.
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildIndex, indexIsStale } from '../ingest/build-index.ts';
import { useFirstPlaceModel, type FirstPlaceModel } from '../server/first-place.ts';
import { DEFAULT_LEARN_PARAMS, useLearnedExpansions, type LearnedExpansions } from '../server/learned-expansions.ts';
import { MIN_QUESTIONS_PER_PRIOR, useLearnedPriors, type LearnedPriors } from '../server/learned-priors.ts';
import { loadIndex, type EmbeddedIndex } from '../server/load-index.ts';
import { useAnsweredQuestions, type AnsweredQuestions } from '../server/similar-questions.ts';
import { search, type SearchMode } from '../server/search.ts';
import { readQueries, scoreBy } from './lib/evaluate.ts';
import { summarize } from './lib/eval-metrics.ts';
import type { ArticleQuery } from './lib/eval-metrics.ts';
import { foldOf, tableLearner, useTables } from './lib/learned-tables.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    questions: { type: 'string', default: path.join(root, '../shared/eval/laws-train.json') },
    corpus: { type: 'string', default: path.join(root, '../shared/laws/corpus') },
    'laws-index': { type: 'string', default: path.join(os.tmpdir(), 'policy-search-eval', 'laws-index') },
    out: { type: 'string', default: path.join(root, 'server/learned-expansions.json') },
    'priors-out': { type: 'string', default: path.join(root, 'server/learned-priors.json') },
    'answered-out': { type: 'string', default: path.join(root, 'server/answered-questions.json') },
    'first-place-out': { type: 'string', default: path.join(root, 'server/learned-first-place.json') },
    check: { type: 'boolean', default: false },
  },
});

async function openIndex(): Promise<EmbeddedIndex> {
  const dir = path.resolve(values['laws-index']!);
  const why = await indexIsStale(values.corpus!, dir);
  if (why !== null) {
    console.log(`Building the laws index in ${dir} because ${why} …`);
    await buildIndex({ corpusDir: values.corpus!, indexDir: dir, embedder: 'builtin', warn: () => {} });
  }
  return loadIndex(dir);
}

const index = await openIndex();
const questions = await readQueries(values.questions!, 'gold-articles');
const learn = await tableLearner(index, questions);

async function measure(qs: readonly ArticleQuery[], mode: SearchMode): Promise<string> {
  const outcomes = [];
  for (const q of qs) {
    const res = await search(index, { q: q.query, k: 50, mode });
    const hits = res.results.map((r) => ({
      text: r.text,
      answer: r.answer,
      docTitle: r.docTitle ?? '',
      source: index.documentsById.get(r.docId)!.source,
      label: r.label,
      path: r.path,
    }));
    outcomes.push(scoreBy('gold-articles', q, hits, true));
  }
  const m = summarize(outcomes);
  return `${m.mrr10.toFixed(3)} / ${m.recall1.toFixed(3)} / ${m.recall10.toFixed(3)} / ${(m.recall50 ?? 0).toFixed(3)} / ${(m.hit1 ?? 0).toFixed(3)} / ${(m.cited1 ?? 0).toFixed(3)}`;
}

if (values.check) {
  const half = (q: ArticleQuery) => foldOf(q.id, 2);
  console.log('Two-fold cross-validation (MRR@10 / R@1 / R@10 / R@50 / hit@1 / cited@1 on the half not learned from):');
  console.log('| held-out half | questions | expansions / articles / laws learned | mode | neither | expansions | expansions and priors | and similar questions | and the first place |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const held of [0, 1]) {
    const test = questions.filter((q) => half(q) === held);
    const train = questions.filter((q) => half(q) !== held);
    const { expansions, priors, answered, firstPlace } = await learn(train);
    for (const mode of ['keyword', 'hybrid', 'vector'] as const) {
      const row = [String(held), String(test.length), `${Object.keys(expansions).length} / ${priors.articles.length} / ${priors.documents.length}`, mode];
      useLearnedExpansions(null);
      useLearnedPriors(null);
      useAnsweredQuestions(null);
      useFirstPlaceModel(null);
      row.push(await measure(test, mode));
      useLearnedExpansions(expansions);
      row.push(await measure(test, mode));
      useLearnedPriors(priors);
      row.push(await measure(test, mode));
      useAnsweredQuestions(answered);
      row.push(await measure(test, mode));
      useFirstPlaceModel(firstPlace);
      row.push(await measure(test, mode));
      console.log(`| ${row.join(' | ')} |`);
    }
  }
  useTables(undefined);
}

const { expansions: entries, priors: learnedAll, answered: answeredAll, firstPlace } = await learn(questions);
const file: LearnedExpansions = {
  about:
    'Question words -> article words, learned by npm run learn:expansions (scripts/learn-expansions.ts) from questions and the articles that answer them; see server/learned-expansions.ts.',
  source: {
    questions: path.relative(root, values.questions!),
    count: questions.length,
    index: `${index.manifest.counts.documents} documents, ${index.manifest.counts.passages} passages`,
    learnedAt: new Date().toISOString().slice(0, 10),
  },
  params: DEFAULT_LEARN_PARAMS,
  entries,
};
await writeFile(values.out!, JSON.stringify(file, null, 1) + '\n');
console.log(`${Object.keys(entries).length} question words with learned article words -> ${path.relative(root, values.out!)}`);
const learned: LearnedPriors = {
  about:
    'The articles and the laws (corpus files) that at least minQuestions different answered questions cite, with how many, learned by npm run learn:expansions (scripts/learn-expansions.ts); see server/learned-priors.ts.',
  source: { questions: path.relative(root, values.questions!), count: questions.length, learnedAt: new Date().toISOString().slice(0, 10) },
  minQuestions: MIN_QUESTIONS_PER_PRIOR,
  ...learnedAll,
};
// one entry a line: a diff of a new table reads as the entries that changed
const lines = (key: string, entries: unknown[]) => `"${key}": [\n${entries.map((e) => `  ${JSON.stringify(e)}`).join(',\n')}\n ]`;
await writeFile(
  values['priors-out']!,
  JSON.stringify({ ...learned, articles: [], documents: [] }, null, 1)
    .replace('"articles": []', lines('articles', learned.articles))
    .replace('"documents": []', lines('documents', learned.documents)) + '\n',
);
console.log(`${learned.articles.length} articles and ${learned.documents.length} laws cited by at least ${MIN_QUESTIONS_PER_PRIOR} questions -> ${path.relative(root, values['priors-out']!)}`);
const answered: AnsweredQuestions = {
  about:
    'Answered questions, each with the articles (corpus file, article label) its answer cites, written by npm run learn:expansions (scripts/learn-expansions.ts); see server/similar-questions.ts.',
  source: { questions: path.relative(root, values.questions!), count: questions.length, learnedAt: new Date().toISOString().slice(0, 10) },
  questions: answeredAll,
};
await writeFile(
  values['answered-out']!,
  JSON.stringify({ ...answered, questions: [] }, null, 1).replace('"questions": []', lines('questions', answered.questions)) + '\n',
);
console.log(`${answered.questions.length} answered questions -> ${path.relative(root, values['answered-out']!)}`);
const model: FirstPlaceModel = { ...firstPlace, source: { ...firstPlace.source, questions: path.relative(root, values.questions!) } };
await writeFile(values['first-place-out']!, JSON.stringify(model, null, 1) + '\n');
console.log(`the first-place model, from ${model.source.pairs} pairs of ${questions.length} questions' first results -> ${path.relative(root, values['first-place-out']!)}`);
await index.backend.close();
