// npm run eval [-- --set dev|laws --mode hybrid|keyword|vector --json --rebuild --limit N --misses N|all]
//              [-- --queries FILE]              your own queries over corpus/, scored as the dev set is
//              [-- --set laws --queries FILE]   your own questions over the laws, scored as laws-train is
//              [-- --ablate]                    and hybrid with each step of the ranking switched off in turn
//
// Runs every query set of ../shared/eval through the search the API serves (server/search.ts),
// in every mode, and scores each by its own counting rule (../shared/eval/README.md):
//   dev   queries.dev.json over corpus/ (index/): gold strings in the passage;
//   laws  laws-train.json over ../shared/laws/corpus (a cached index in the temp folder): gold
//         articles, by file and shared text; cited@1 asks that the first result name the article.
// Beside the product it runs the set's two reference baselines on the same corpus and queries,
// checks the quality targets, and lists the queries whose first result is not correct. An index
// that is missing, of another format or older than its corpus is built first (built-in embedder).
// A set whose questions the shipped learned tables hold (laws-train: the expansions, priors,
// answered questions and first-place model are learned from it) is measured by cross-validation:
// each question searched with the tables learned from the other folds, as a new question would be
// (--in-sample: the shipped tables, which know its answer).
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildIndex, indexIsStale } from '../ingest/build-index.ts';
import { loadIndex, type EmbeddedIndex, type LoadedIndex } from '../server/load-index.ts';
import { connectPostgres, openPGlite } from '../server/backends/postgres-client.ts';
import { loadPostgresIndex } from '../server/backends/postgres.ts';
import { writePostgresBuild } from '../ingest/write-postgres.ts';
import { search, SEARCH_MODES, warmUp, type SearchMode } from '../server/search.ts';
import { answeredRows } from '../server/similar-questions.ts';
import { articleUnits, chunkDocuments, createBm25Baseline, createOramaBaseline, type Baseline, type Chunk } from './lib/baselines.ts';
import type { Metrics } from './lib/eval-metrics.ts';
import type { ArticleQuery } from './lib/eval-metrics.ts';
import { ABLATIONS, type Ablation } from './lib/ablations.ts';
import { evaluateSystem, GoldKindError, readQueries, type AnyQuery, type CountingRule, type SystemReport } from './lib/evaluate.ts';
import { foldOf, tableLearner, useTables, type LearnedTables } from './lib/learned-tables.ts';
import { checkSetTargets, metText, SET_REFERENCE, type EvalSetName, type TargetCheck } from './lib/quality-targets.ts';
import { textTable, type Cell } from './lib/text-table.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Results asked of each system: Recall@50 looks that far. */
const K = 50;
/** Folds of the cross-validation: each question is searched with tables learned from nine tenths of the set. */
const FOLDS = 10;

interface EvalSet {
  name: EvalSetName;
  queries: string;
  corpus: string;
  index: string;
  rule: CountingRule;
  baselines: (chunks: { documents: LoadedIndex['documents'] }) => Promise<Baseline[]>;
}

const { values } = parseArgs({
  options: {
    set: { type: 'string' },
    // queries of one's own in place of the set's: over corpus/ (id, query, gold strings; the dev set,
    // the default) or with --set laws over the laws (id, query, gold articles: file, article, text)
    queries: { type: 'string' },
    mode: { type: 'string' },
    'dev-index': { type: 'string', default: path.join(root, 'index') },
    'laws-index': { type: 'string', default: path.join(os.tmpdir(), 'policy-search-eval', 'laws-index') },
    rebuild: { type: 'boolean', default: false },
    // postgres: the same index written to PostgreSQL (DATABASE_URL, else PGlite in this process) and searched there
    backend: { type: 'string', default: 'embedded' },
    'skip-baselines': { type: 'boolean', default: false },
    'in-sample': { type: 'boolean', default: false },
    ablate: { type: 'boolean', default: false },
    limit: { type: 'string' },
    misses: { type: 'string', default: '15' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const usage =
  'Usage: npm run eval -- [--set dev|laws] [--queries FILE] [--mode hybrid|keyword|vector] [--backend embedded|postgres] [--dev-index DIR] [--laws-index DIR] [--rebuild] [--skip-baselines] [--in-sample] [--ablate] [--limit N] [--misses N|all] [--json]';
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const withSources = (documents: LoadedIndex['documents']) => documents.map((d) => ({ id: d.id, title: d.title, text: d.text, source: d.source }));
const SETS: EvalSet[] = [
  {
    name: 'dev',
    queries: values.queries !== undefined ? path.resolve(values.queries) : path.join(root, '../shared/eval/queries.dev.json'),
    corpus: path.join(root, 'corpus'),
    index: path.resolve(values['dev-index']!),
    rule: 'gold-strings',
    baselines: async ({ documents }) => {
      const chunks = chunkDocuments(withSources(documents));
      return [createBm25Baseline(chunks), await createOramaBaseline(chunks)];
    },
  },
  {
    name: 'laws',
    queries: values.queries !== undefined && values.set === 'laws' ? path.resolve(values.queries) : path.join(root, '../shared/eval/laws-train.json'),
    corpus: path.join(root, '../shared/laws/corpus'),
    index: path.resolve(values['laws-index']!),
    rule: 'gold-articles',
    baselines: async ({ documents }) => [
      createBm25Baseline(chunkDocuments(withSources(documents)), { name: 'naive RAG: BM25 over 300-char chunks' }),
      createBm25Baseline(articleUnits(withSources(documents)), { name: 'STARD: BM25 over whole articles' }),
    ],
  },
];

// --queries stands for one set's queries: the dev set's unless --set names the laws
const sets = values.set === undefined && values.queries === undefined ? SETS : SETS.filter((s) => s.name === (values.set ?? 'dev'));
/** The README's reference figures belong to its own queries. */
const referenceOf = (set: EvalSet) => (values.queries !== undefined ? [] : SET_REFERENCE[set.name]);
if (sets.length === 0) {
  console.error(`--set must be one of ${SETS.map((s) => s.name).join(', ')}; got "${values.set}".`);
  process.exit(2);
}
if (values.mode !== undefined && !SEARCH_MODES.includes(values.mode as SearchMode)) {
  console.error(`--mode must be one of ${SEARCH_MODES.join(', ')}; got "${values.mode}".`);
  process.exit(2);
}
const modes: SearchMode[] = values.mode ? [values.mode as SearchMode] : [...SEARCH_MODES];
const limit = values.limit === undefined ? Infinity : Number(values.limit);
const missesShown = values.misses === 'all' ? Infinity : Number(values.misses);
const log = (line: string) => {
  if (!values.json) console.log(line);
};

interface ProductReport extends SystemReport {
  mode: SearchMode;
  /** Queries answered from keywords alone because the vector leg failed. */
  degraded: number;
  /** Mean search time, ms. */
  meanMs: number;
}

/** The set's index, built first when it is missing, unreadable or older than the corpus. */
async function openIndex(set: EvalSet): Promise<EmbeddedIndex> {
  let why = values.rebuild ? '--rebuild was given' : await indexIsStale(set.corpus, set.index);
  let index: EmbeddedIndex | null = null;
  if (why === null) {
    try {
      index = await loadIndex(set.index);
    } catch (error) {
      why = `it cannot be loaded (${(error as Error).message})`;
    }
  }
  if (index === null) {
    log(`Building the ${set.name} index in ${set.index} (built-in embedder) because ${why} …`);
    const started = performance.now();
    await buildIndex({ corpusDir: set.corpus, indexDir: set.index, embedder: 'builtin', retrain: values.rebuild, warn: () => {} });
    log(`  built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    index = await loadIndex(set.index);
  }
  return index;
}

/**
 * When the shipped learned tables were learned from this set's questions: the tables learned from
 * each fold's complement. null when they hold none of its questions, with --in-sample, and on the
 * PostgreSQL backend (it stores the priors in the index it is written with).
 */
async function crossValidation(set: EvalSet, index: LoadedIndex, all: AnyQuery[]): Promise<LearnedTables[] | null> {
  if (set.rule !== 'gold-articles' || values['in-sample'] || values.backend !== 'embedded') return null;
  const answered = new Set((answeredRows() ?? []).map(([question]) => question));
  const known = all.filter((q) => answered.has(q.query)).length;
  if (known === 0) return null;
  if (values.queries !== undefined) {
    // questions of one's own are asked of the shipped tables, as a new question would be: those the
    // tables were learned from are answered from memory, and the figures say so
    log(`warning: ${known} of these ${all.length} questions are among the answered questions the shipped tables were learned from; their figures are in-sample (the laws set's own questions are cross-validated: --set laws without --queries).`);
    return null;
  }
  const questions = all as ArticleQuery[];
  const learn = await tableLearner(index, questions);
  // each fold's tables, the first-place model's pairs searched fold by fold within the other folds (minutes on the laws)
  const tables: LearnedTables[] = [];
  const started = performance.now();
  for (let fold = 0; fold < FOLDS; fold++) {
    tables.push(await learn(questions.filter((q) => foldOf(q.id, FOLDS) !== fold)));
    log(`  learned the tables for fold ${fold + 1} of ${FOLDS} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  return tables;
}

if (values.backend !== 'embedded' && values.backend !== 'postgres') {
  console.error(`--backend must be embedded or postgres; got "${values.backend}".`);
  process.exit(2);
}

/** The embedded index written to PostgreSQL and loaded back from there, with the time the write took. */
async function toPostgres(embedded: EmbeddedIndex): Promise<{ index: LoadedIndex; seconds: number; where: string }> {
  const url = process.env.DATABASE_URL?.trim();
  const db = url ? connectPostgres(url) : await openPGlite();
  log(`Writing the index to PostgreSQL (${db.description}) …`);
  const started = performance.now();
  await writePostgresBuild(embedded, db);
  const seconds = (performance.now() - started) / 1000;
  log(`  written in ${seconds.toFixed(0)} s`);
  return { index: await loadPostgresIndex(db), seconds, where: db.description };
}

const out: unknown[] = [];
for (const set of sets) {
  const all = await readQueries(set.queries, set.rule).catch((error: Error) => {
    if (!(error instanceof GoldKindError)) throw error;
    // a file of the other set's kind is named with the flag that scores it
    const hint = set.rule === 'gold-articles' ? 'gold strings over corpus/ are scored without --set laws' : 'gold articles over the laws are scored with --set laws';
    console.error(`${error.message}; ${hint}.`);
    process.exit(2);
  });
  const embedded = await openIndex(set);
  const postgres = values.backend === 'postgres' ? await toPostgres(embedded) : null;
  const index = postgres?.index ?? embedded;
  const folds = await crossValidation(set, index, all);
  // fold by fold, so that each fold's tables are put in use once
  const queries = folds === null ? all.slice(0, limit) : all.slice(0, limit).sort((a, b) => foldOf(a.id, FOLDS) - foldOf(b.id, FOLDS));
  let foldInUse = -1;
  if (index.embedderProblem !== null) log(`warning: the query embedder cannot run, so vector and hybrid fall back to keywords: ${index.embedderProblem}`);
  const sourceOf = (docId: string) => index.documentsById.get(docId)?.source;

  const product: ProductReport[] = [];
  const reference: ProductReport[] = [];
  // what search learns on first use (the query map, the answered questions' words), learned before the clock runs
  if (folds === null) for (const target of postgres ? [index, embedded] : [index]) await warmUp(target);
  /** The product in one mode on the set's queries, with one step of the ranking switched off if given. */
  const evaluateMode = async (target: LoadedIndex, mode: SearchMode, ablation?: Ablation): Promise<ProductReport> => {
    let degraded = 0;
    let ms = 0;
    let switchOn = ablation?.off();
    const report = await evaluateSystem(
      ablation === undefined ? mode : `${mode} without ${ablation.name}`,
      queries,
      async (q, asked) => {
        if (folds !== null && foldOf(asked.id, FOLDS) !== foldInUse) {
          foldInUse = foldOf(asked.id, FOLDS);
          switchOn?.();
          useTables(folds[foldInUse]);
          switchOn = ablation?.off();
          // what is learned from the tables at start (the query map), learned before the clock runs
          await warmUp(target);
        }
        const t = performance.now();
        const res = await search(target, { q, k: K, mode, embedTimeoutMs: 60_000 });
        ms += performance.now() - t;
        if (res.degraded !== undefined) degraded++;
        return res.results.map((r) => ({
          text: r.text,
          answer: r.answer,
          docTitle: r.docTitle ?? r.docId,
          source: sourceOf(r.docId),
          label: r.label,
          path: r.path,
        }));
      },
      { hasAnswers: true, rule: set.rule },
    );
    switchOn?.();
    foldInUse = -1;
    return { ...report, mode, degraded, meanMs: ms / Math.max(1, queries.length) };
  };
  for (const [target, systems] of [[index, product], ...(postgres ? [[embedded, reference]] : [])] as [LoadedIndex, ProductReport[]][])
    for (const mode of modes) systems.push(await evaluateMode(target, mode));
  // each step of the ranking switched off in turn, hybrid mode (the cross-validated sets with each fold's tables)
  const ablated: ProductReport[] = [];
  if (values.ablate) {
    for (const ablation of ABLATIONS) {
      ablated.push(await evaluateMode(index, 'hybrid', ablation));
      log(`  ${ablated.length} of ${ABLATIONS.length} steps switched off in turn`);
    }
  }
  useTables(undefined);
  const tables = folds === null ? 'shipped' : `cross-validated, ${FOLDS} folds`;
  // the PostgreSQL backend against the embedded engine on the same build
  const backendTargets: TargetCheck[] = reference.map((e) => {
    const p = product.find((x) => x.mode === e.mode)!;
    return { target: `postgres ${e.mode} MRR@10 within 0.01 of embedded`, value: `${p.metrics.mrr10.toFixed(3)} vs ${e.metrics.mrr10.toFixed(3)}`, met: Math.abs(p.metrics.mrr10 - e.metrics.mrr10) <= 0.01 };
  });

  const baselines: SystemReport[] = [];
  if (!values['skip-baselines']) {
    for (const b of await set.baselines({ documents: index.documents })) {
      baselines.push(await evaluateSystem(b.name, queries, (q) => b.search(q, K), { hasAnswers: false, rule: set.rule }));
    }
  }
  const targets = [...checkSetTargets(set.name, product, baselines), ...backendTargets];
  if (values.json) {
    const strip = ({ outcomes, misses, ...rest }: SystemReport) => ({ ...rest, ranks: Object.fromEntries(outcomes.map((o) => [o.id, o.rank])) });
    out.push({
      set: set.name,
      queries: { file: set.queries, count: queries.length },
      index: { dir: index.dir, embedder: index.manifest.embedder, counts: index.manifest.counts, builtAt: index.manifest.builtAt },
      learnedTables: tables,
      systems: [
        ...product.map((p) => ({ kind: 'product', ...strip(p) })),
        ...ablated.map((p) => ({ kind: 'ablation', ...strip(p) })),
        ...baselines.map((b) => ({ kind: 'baseline', ...strip(b) })),
      ],
      reference: referenceOf(set),
      targets,
    });
  } else {
    printSet(set, queries, index, product, baselines, targets, folds !== null);
    if (ablated.length > 0) printAblations(set, product, ablated);
  }
}
if (values.json) console.log(JSON.stringify(out, null, 2));

function printSet(
  set: EvalSet,
  queries: AnyQuery[],
  index: LoadedIndex,
  product: ProductReport[],
  baselines: SystemReport[],
  targets: TargetCheck[],
  crossValidated: boolean,
): void {
  const f = (x: number | null | undefined) => (x === null || x === undefined ? null : x.toFixed(3));
  const header = ['system', 'MRR@10', 'R@1', 'R@5', 'R@10', 'R@50', 'hit@1', 'cited@1', 'answer@1', 'ms'];
  const row = (name: string, m: Partial<Metrics>, ms?: number): Cell[] => [
    name,
    f(m.mrr10),
    f(m.recall1),
    f(m.recall5),
    f(m.recall10),
    f(m.recall50),
    f(m.hit1),
    f(m.cited1),
    f(m.answer1),
    ms === undefined ? null : ms.toFixed(1),
  ];
  const { embedder, counts } = index.manifest;
  console.log(`\n== ${set.name}: ${queries.length} queries (${path.relative(process.cwd(), set.queries)}), rule: ${set.rule}`);
  console.log(
    `Index ${index.dir}: ${counts.documents} documents, ${counts.passages} passages; embedder ${embedder.id} (${embedder.kind}, ${embedder.dims}-d).`,
  );
  console.log(
    crossValidated
      ? `The learned tables were learned from these questions: each is searched with the expansions, priors, answered questions and first-place model learned from the other ${FOLDS - 1} of ${FOLDS} folds (md5 of its id), as a new question would be. --in-sample: the shipped tables.\n`
      : '',
  );
  console.log(
    textTable(header, [
      ...product.map((p) => row(`${p.mode}${p.degraded ? ` (${p.degraded} degraded)` : ''}`, p.metrics, p.meanMs)),
      ...baselines.map((b) => row(b.name, b.metrics)),
      ...referenceOf(set).map((r) => row(r.name, r.metrics)),
    ]),
  );
  if (targets.length > 0) {
    const note = embedder.kind === 'builtin' ? '' : ` (the targets are set for the built-in embedder; this index uses ${embedder.id})`;
    console.log(`\nTargets for ${set.name}${note}`);
    console.log(textTable(['target', 'value', 'met'], targets.map((t) => [t.target, t.value, metText(t.met)])));
  }
  const hybrid = product.find((p) => p.mode === 'hybrid');
  const keyword = product.find((p) => p.mode === 'keyword');
  if (hybrid && keyword) {
    const kw = new Map(keyword.outcomes.map((o) => [o.id, o.rank]));
    const better = hybrid.outcomes.filter((o) => o.rank === 1 && kw.get(o.id) !== 1).length;
    const worse = hybrid.outcomes.filter((o) => o.rank !== 1 && kw.get(o.id) === 1).length;
    console.log(`\nhybrid vs keyword: a correct first result on ${better} queries where keyword has none, the reverse on ${worse}.`);
  }
  for (const p of product) {
    console.log(`\n${set.name} ${p.mode}: ${p.misses.length} of ${queries.length} queries without a correct first result${p.misses.length > missesShown ? ` (first ${missesShown} shown; --misses all)` : ''}`);
    for (const m of p.misses.slice(0, missesShown)) {
      const first = m.first ? `${m.first.docTitle}${m.first.path.length ? ` › ${m.first.path.join(' › ')}` : ''}: ${m.first.text}` : '(no results)';
      console.log(`  ${m.id} ${m.kind.padEnd(10)} first correct at ${m.rank ?? '—'}  ${m.query}\n      came first: ${first}`);
    }
  }
}

/** Hybrid with each step switched off, beside hybrid as shipped: each measure, and MRR@10's change. */
function printAblations(set: EvalSet, product: ProductReport[], ablated: ProductReport[]): void {
  const hybrid = product.find((p) => p.mode === 'hybrid');
  const f = (x: number | null | undefined) => (x === null || x === undefined ? null : x.toFixed(3));
  const change = (x: number) => (Math.abs(x) < 0.0005 ? '0' : `${x > 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`);
  console.log(`\n${set.name}: hybrid with one step of the ranking switched off (docs/SEARCH.md names the steps)`);
  console.log(
    textTable(
      ['switched off', 'MRR@10', 'change', 'R@1', 'R@10', 'R@50', 'hit@1', 'cited@1', 'answer@1'],
      [
        ...(hybrid ? [{ name: '(nothing: hybrid as shipped)', metrics: hybrid.metrics }] : []),
        ...ablated.map((a) => ({ name: a.name.replace(/^hybrid without /u, ''), metrics: a.metrics })),
      ].map(({ name, metrics: m }) => [
        name,
        f(m.mrr10),
        hybrid ? change(m.mrr10 - hybrid.metrics.mrr10) : null,
        f(m.recall1),
        f(m.recall10),
        f(m.recall50),
        f(m.hit1),
        f(m.cited1),
        f(m.answer1),
      ]),
    ),
  );
}
