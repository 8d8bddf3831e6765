// npm run eval [-- --queries FILE --mode hybrid|keyword|vector --index DIR --corpus DIR --json]
//
// Runs every query of a query file through the search the API serves (server/search.ts) and
// scores it by the counting rule of ../shared/eval/README.md, overall and per query kind; runs the
// README's two reference baselines on the same corpus and queries; lists the queries whose first
// result is not correct, with what came first instead.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCorpus } from '../ingest/load-corpus.ts';
import { IndexLoadError, loadIndex } from '../server/load-index.ts';
import { search, SEARCH_MODES, type SearchMode } from '../server/search.ts';
import { chunkDocuments, createBm25Baseline, createOramaBaseline, type Baseline } from './lib/baselines.ts';
import type { EvalQuery, Metrics } from './lib/eval-metrics.ts';
import { evaluateSystem, readQueries, type SystemReport } from './lib/evaluate.ts';
import { checkQualityTargets, metText, README_REFERENCE, type TargetCheck } from './lib/quality-targets.ts';
import { textTable, type Cell } from './lib/text-table.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const K = 10;

const { values } = parseArgs({
  options: {
    queries: { type: 'string', default: path.join(root, '../shared/eval/queries.dev.json') },
    mode: { type: 'string' },
    index: { type: 'string', default: path.join(root, 'index') },
    corpus: { type: 'string', default: path.join(root, 'corpus') },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('Usage: npm run eval -- [--queries FILE] [--mode hybrid|keyword|vector] [--index DIR] [--corpus DIR] [--json]');
  process.exit(0);
}
if (values.mode !== undefined && !SEARCH_MODES.includes(values.mode as SearchMode)) {
  console.error(`--mode must be one of ${SEARCH_MODES.join(', ')}; got "${values.mode}".`);
  process.exit(2);
}
const modes: SearchMode[] = values.mode ? [values.mode as SearchMode] : [...SEARCH_MODES];

const queries = await readQueries(path.resolve(values.queries!));
const index = await loadIndex(path.resolve(values.index!)).catch((error: unknown) => {
  if (!(error instanceof IndexLoadError)) throw error;
  console.error(error.message);
  process.exit(1);
});
if (index.embedderProblem !== null && !values.json) {
  console.warn(`warning: the query embedder cannot run, so vector and hybrid fall back to keywords: ${index.embedderProblem}`);
}

interface ProductReport extends SystemReport {
  mode: SearchMode;
  /** Queries answered from keywords alone because the vector leg failed. */
  degraded: number;
}

const product: ProductReport[] = [];
for (const mode of modes) {
  let degraded = 0;
  const report = await evaluateSystem(
    mode,
    queries,
    async (q) => {
      const res = await search(index, { q, k: K, mode });
      if (res.degraded !== undefined) degraded++;
      return res.results.map((r) => ({ text: r.text, answer: r.answer, docTitle: r.docTitle ?? r.docId, path: r.path }));
    },
    { hasAnswers: true },
  );
  product.push({ ...report, mode, degraded });
}

const { documents } = await loadCorpus(path.resolve(values.corpus!));
const chunks = chunkDocuments(documents);
const baselineSystems: Baseline[] = [createBm25Baseline(chunks), await createOramaBaseline(chunks)];
const baselines: SystemReport[] = [];
for (const b of baselineSystems) {
  baselines.push(await evaluateSystem(b.name, queries, (q) => b.search(q, K), { hasAnswers: false }));
}

const hybrid = product.find((p) => p.mode === 'hybrid');
const targets: TargetCheck[] | null = hybrid ? checkQualityTargets(hybrid.metrics, baselines) : null;
const { embedder, counts } = index.manifest;

if (values.json) {
  const strip = ({ outcomes, ...rest }: SystemReport) => ({ ...rest, ranks: Object.fromEntries(outcomes.map((o) => [o.id, o.rank])) });
  console.log(
    JSON.stringify(
      {
        queries: { file: path.resolve(values.queries!), count: queries.length, kinds: kindCounts(queries) },
        index: { dir: index.dir, embedder, counts, builtAt: index.manifest.builtAt },
        baselineChunks: chunks.length,
        systems: [...product.map((p) => ({ kind: 'product', ...strip(p) })), ...baselines.map((b) => ({ kind: 'baseline', ...strip(b) }))],
        reference: README_REFERENCE,
        targets,
      },
      null,
      2,
    ),
  );
} else {
  printReport();
}

function kindCounts(qs: readonly EvalQuery[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const q of qs) out[q.kind] = (out[q.kind] ?? 0) + 1;
  return out;
}

function printReport(): void {
  const f = (x: number | null | undefined) => (x === null || x === undefined ? null : x.toFixed(3));
  const row = (name: string, m: Partial<Metrics>): Cell[] => [name, f(m.mrr10), f(m.recall1), f(m.recall5), f(m.recall10), f(m.answer1)];
  const header = ['system', 'MRR@10', 'R@1', 'R@5', 'R@10', 'answer@1'];
  const kinds = Object.entries(kindCounts(queries))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

  console.log(`\nQuality on ${queries.length} queries (${path.relative(process.cwd(), path.resolve(values.queries!))}: ${kinds})`);
  console.log(
    `Index ${path.relative(process.cwd(), index.dir) || '.'}/: ${counts.documents} documents, ${counts.passages} passages; ` +
      `embedder ${embedder.id} (${embedder.kind}, ${embedder.dims}-d).`,
  );
  console.log(
    `Baselines: ${chunks.length} chunks of <= 300 characters; BM25 over jieba search-mode tokens (k1 1.2, b 0.75) and Orama full-text with its Mandarin tokenizer.\n`,
  );
  console.log(
    textTable(header, [
      ...product.map((p) => row(`${p.mode}${p.degraded ? ` (${p.degraded} degraded)` : ''}`, p.metrics)),
      ...baselines.map((b) => row(b.name, b.metrics)),
      ...README_REFERENCE.map((r) => row(r.name, r.metrics)),
    ]),
  );

  console.log('\nBy query kind');
  const byKindRows: Cell[][] = [];
  for (const kind of Object.keys(kindCounts(queries))) {
    for (const s of [...product, ...baselines]) {
      const m = s.byKind[kind];
      if (m) byKindRows.push([kind, m.queries, ...row(s.name, m)]);
    }
  }
  console.log(textTable(['kind', 'n', ...header], byKindRows));

  if (targets) {
    const note = embedder.kind === 'builtin' ? '' : ` (the targets are set for the built-in embedder; this index uses ${embedder.id})`;
    console.log(`\nTargets of issue 6 for hybrid search${note}`);
    console.log(textTable(['target', 'value', 'met'], targets.map((t) => [t.target, t.value, metText(t.met)])));
  }

  for (const p of product) {
    console.log(`\n${p.mode}: ${p.misses.length} of ${queries.length} queries without a correct first result`);
    for (const m of p.misses) {
      const first = m.first ? `${m.first.docTitle}${m.first.path.length ? ` › ${m.first.path.join(' › ')}` : ''}: ${m.first.text}` : '(no results)';
      console.log(`  ${m.id} ${m.kind.padEnd(10)} first correct at ${m.rank ?? '—'}  ${m.query}\n      came first: ${first}`);
    }
  }
}
