// npm run bench:laws [-- --corpus DIR --copies N --runs N --queries N --keep]
//
// The national laws corpus (../shared/laws/corpus) end to end with the built-in embedder: full
// ingest (time and peak memory per stage), the index's files and their sizes against the corpus,
// loading it the way the server does (seconds, RSS), search latency per mode in process (k = 10)
// with the seeds' hybrid latency measured in the same passes beside it (growth from the seeds),
// HNSW recall@10, and re-ingest after one changed file. Each job runs in a child process of its
// own. Writes docs/BENCHMARKS-LAWS.md.
//
// --copies N measures the laws plus N - 1 varied copies of them (scripts/lib/synthetic-corpus.ts:
// places, figures and synonyms changed, sentences shuffled), the scale series beyond one real
// corpus; it writes docs/BENCHMARKS-LAWS-xN.md and leaves the other reports alone.
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCacheDir } from '../ingest/build-cache.ts';
import { buildIndex } from '../ingest/build-index.ts';
import { listCorpusFiles } from '../ingest/load-corpus.ts';
import { SEARCH_MODES } from '../server/search.ts';
import type { IngestBenchInput, IngestBenchResult } from './lib/bench-ingest-child.ts';
import type { SearchBenchInput, SearchBenchResult } from './lib/bench-search-child.ts';
import { measureServerProcess } from './lib/bench-server-process.ts';
import { childScript, runChild } from './lib/child.ts';
import { median, summarizeLatencies } from './lib/stats.ts';
import { writeSyntheticCorpus } from './lib/synthetic-corpus.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: path.join(root, '../shared/laws/corpus') },
    queries: { type: 'string', default: '200' },
    copies: { type: 'string', default: '1' },
    runs: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    // the ingest and the index's size alone: a million passages' full bench runs for most of an hour
    'ingest-only': { type: 'boolean', default: false },
  },
});
const ingestOnly = args['ingest-only'];
const QUERIES_FILE = path.join(root, '../shared/eval/laws-train.json');
const DEV_QUERIES_FILE = path.join(root, '../shared/eval/queries.dev.json');
const copies = Number(args.copies);
if (!Number.isInteger(copies) || copies < 1) throw new Error(`--copies must be a whole number >= 1; got "${args.copies}".`);
const DOC_FILE = path.join(root, copies === 1 ? 'docs/BENCHMARKS-LAWS.md' : `docs/BENCHMARKS-LAWS-x${copies}.md`);
const BENCHMARKS_FILE = path.join(root, 'docs/BENCHMARKS.md');
const LAWS_START = '<!-- laws:start (npm run bench:laws) -->';
const LAWS_END = '<!-- laws:end -->';
const started = performance.now();
const log = (m: string) => process.stderr.write(`[${Math.round((performance.now() - started) / 1000)} s] ${m}\n`);

const work = await mkdtemp(path.join(os.tmpdir(), 'policy-bench-laws-'));
try {
  // the corpus is copied: re-ingest edits one of its files
  const corpusDir = path.join(work, 'corpus');
  if (copies === 1) await cp(args.corpus!, corpusDir, { recursive: true });
  else {
    const made = await writeSyntheticCorpus(args.corpus!, corpusDir, copies);
    log(`wrote ${made.files} files, ${(made.bytes / 2 ** 20).toFixed(1)} MB: the corpus and ${copies - 1} varied copies`);
  }
  const files = await listCorpusFiles(corpusDir);
  let corpusBytes = 0;
  for (const f of files) corpusBytes += (await stat(path.join(corpusDir, f))).size;
  const indexDir = path.join(work, 'index');

  const runs: IngestBenchResult[] = [];
  for (let i = 0; i < Number(args.runs); i++) {
    // each run from nothing: no index, and no build cache (parses and tokens) from the run before
    await rm(indexDir, { recursive: true, force: true });
    await rm(buildCacheDir(indexDir), { recursive: true, force: true });
    runs.push(await runChild<IngestBenchResult>(childScript('bench-ingest-child.ts'), { corpusDir, indexDir, embedder: 'builtin' } satisfies IngestBenchInput));
    log(`ingest run ${i + 1}: ${runs.at(-1)!.seconds.toFixed(1)} s, peak ${runs.at(-1)!.peakRssMB.toFixed(0)} MB`);
  }
  const m = median(runs.map((r) => r.seconds));
  const run = runs.reduce((best, r) => (Math.abs(r.seconds - m) < Math.abs(best.seconds - m) ? r : best));

  const sizes: [string, number][] = [];
  for (const name of (await readdir(indexDir)).sort()) sizes.push([name, (await stat(path.join(indexDir, name))).size]);
  const indexBytes = sizes.reduce((s, [, b]) => s + b, 0);

  const queries = (JSON.parse(await readFile(QUERIES_FILE, 'utf8')) as { query: string }[]).slice(0, Number(args.queries)).map((q) => q.query);
  const later = ingestOnly ? null : await searchServerAndReingest(indexDir, corpusDir, files, queries);
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const stageNames = Object.keys(run.stages);
  const lines = [
    copies === 1 ? '# Benchmarks: the national laws corpus' : `# Benchmarks: the national laws corpus and ${copies - 1} varied copies`,
    '',
    '<!-- Written by `npm run bench:laws` (scripts/bench-laws.ts); edits here are overwritten on the next run. -->',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus()[0]?.model.trim() ?? 'unknown'} x ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node.js ${process.version}; built-in embedder.`,
    `Corpus: ${files.length} files, ${mb(corpusBytes)} MB, ${run.passages} passages in ${run.documents} documents. A shared machine: other jobs ran beside this one.`,
    '',
    '## Ingest',
    '',
    `Full ingest, ${runs.length} run(s), median ${run.seconds.toFixed(1)} s (${(run.passages / run.seconds).toFixed(0)} passages/s); peak RSS ${Math.max(...runs.map((r) => r.peakRssMB)).toFixed(0)} MB.`,
    '',
    '| stage | seconds | peak RSS by its end, MB |',
    '|---|---:|---:|',
    ...stageNames.map((s) => `| ${s} | ${run.stages[s]!.toFixed(2)} | ${run.stagePeakRssMB?.[s] ?? '—'} |`),
    '',
    ...(later === null
      ? ['Measured with `--ingest-only`: no search, server or re-ingest figures.']
      : [
          `Re-ingest after one changed file (${later.changed}; changed, changed back and changed again): median ${later.reingest.seconds.toFixed(1)} s (${later.reingestSeconds.map((t) => t.toFixed(1)).join(' / ')} s), ${later.reingest.embedded} passages embedded, ${later.reingest.reused} reused; stages of the median run: ${Object.entries(later.reingest.stages).map(([s, t]) => `${s} ${t.toFixed(2)} s`).join(', ')}.`,
        ]),
    '',
    '## Index on disk',
    '',
    `${mb(indexBytes)} MB in all, ${(indexBytes / corpusBytes).toFixed(2)}x the corpus.`,
    '',
    '| file | MB |',
    '|---|---:|',
    ...sizes.map(([name, bytes]) => `| ${name} | ${mb(bytes)} |`),
    '',
    ...(later === null ? [] : searchLines(later, queries.length)),
  ];
  // docs/BENCHMARKS.md carries the same figures in a section of its own, which npm run bench keeps
  const section = [LAWS_START, ...lines.slice(4).map((l) => (l.startsWith('#') ? `#${l}` : l)), LAWS_END].join('\n');
  await writeFile(DOC_FILE, lines.join('\n'));
  console.log(lines.join('\n'));
  if (copies > 1) log(`wrote ${path.relative(root, DOC_FILE)}`);
  else {
    const doc = await readFile(BENCHMARKS_FILE, 'utf8').catch(() => '');
    const at = doc.indexOf(LAWS_START);
    const end = doc.indexOf(LAWS_END);
    const updated =
      at >= 0 && end > at
        ? doc.slice(0, at) + section + doc.slice(end + LAWS_END.length)
        : `${doc.trimEnd()}\n\n## The national laws corpus\n\nFrom \`npm run bench:laws\` (scripts/bench-laws.ts); the whole report is in [BENCHMARKS-LAWS.md](BENCHMARKS-LAWS.md).\n\n${section}\n`;
    await writeFile(BENCHMARKS_FILE, updated);
    log('wrote docs/BENCHMARKS-LAWS.md and its section of docs/BENCHMARKS.md');
  }
} finally {
  if (!args.keep) await rm(work, { recursive: true, force: true });
}

interface Later {
  search: SearchBenchResult;
  serverRun: Awaited<ReturnType<typeof measureServerProcess>>;
  changed: string;
  /** The median run of three. */
  reingest: IngestBenchResult;
  reingestSeconds: number[];
}

/** Search in process, the server as npm start runs it, and re-ingest after one changed file. */
async function searchServerAndReingest(indexDir: string, corpusDir: string, files: string[], queries: string[]): Promise<Later> {
  // the seeds' index beside it, searched in the same passes: growth from the seeds, under one load
  const seedsIndexDir = path.join(path.dirname(indexDir), 'seeds-index');
  await buildIndex({ corpusDir: path.join(root, 'corpus'), indexDir: seedsIndexDir, embedder: 'builtin', warn: () => {} });
  const devQueries = (JSON.parse(await readFile(DEV_QUERIES_FILE, 'utf8')) as { query: string }[]).map((q) => q.query);
  const search = await runChild<SearchBenchResult>(childScript('bench-search-child.ts'), {
    indexDir,
    queries,
    modes: [...SEARCH_MODES],
    repeats: 3,
    passageProbes: 200,
    seeds: { indexDir: seedsIndexDir, queries: devQueries },
  } satisfies SearchBenchInput);
  log(`search: loaded in ${search.loadSeconds.toFixed(2)} s, hybrid p50 ${summarizeLatencies(search.latencies.hybrid!).p50.toFixed(2)} ms`);

  // the server as npm start runs it, over the same index (the corpus unchanged: nothing to rebuild)
  const serverRun = await measureServerProcess(root, indexDir, corpusDir, queries.slice(0, 20));
  log(`server process: ready in ${serverRun.readySeconds.toFixed(2)} s, RSS ${serverRun.rssAtReadyMB?.toFixed(0)} MB then, ${serverRun.rssIdleMB?.toFixed(0)} MB idle`);

  // one changed file: a date and a sentence of its text, in the first file that has both; changed,
  // changed back and changed again, a re-ingest after each (the median is reported: one run on a
  // shared machine says little)
  let changed = '';
  let original = '';
  let edited = '';
  for (const f of files) {
    const text = await readFile(path.join(corpusDir, f), 'utf8').catch(() => '');
    if (!/\d+(?=日)/u.test(text) || !text.includes('应当')) continue;
    edited = text.replace(/\d+(?=日)/u, (d) => String(Number(d) + 1)).replace('应当', '必须');
    if (edited !== text) {
      original = text;
      changed = f;
      break;
    }
  }
  const runs: IngestBenchResult[] = [];
  for (const text of changed === '' ? [] : [edited, original, edited]) {
    await writeFile(path.join(corpusDir, changed), text);
    runs.push(await runChild<IngestBenchResult>(childScript('bench-ingest-child.ts'), { corpusDir, indexDir, embedder: 'builtin' } satisfies IngestBenchInput));
    log(`re-ingest after changing ${changed}: ${runs.at(-1)!.seconds.toFixed(1)} s`);
  }
  if (runs.length === 0) throw new Error('No file of the corpus has both a date and 应当 to change for the re-ingest.');
  const reingest = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)]!;
  return { search, serverRun, changed, reingest, reingestSeconds: runs.map((r) => r.seconds) };
}

/** The hybrid p50 against the seeds' (their dev queries, searched in the same passes, the same process). */
function growthLines(search: SearchBenchResult): string[] {
  if (search.seedsLatencies === undefined || search.seedsLatencies.length === 0) return [];
  const seeds = summarizeLatencies(search.seedsLatencies).p50;
  const here = summarizeLatencies(search.latencies.hybrid!).p50;
  return [
    `Growth from the seeds: the seeds' index (corpus/, its dev queries) searched in the same process, in the same hybrid passes, as many searches a pass: p50 ${seeds.toFixed(2)} ms; hybrid p50 here is **${(here / seeds).toFixed(1)} times** the seeds'.`,
    '',
  ];
}

function searchLines({ search, serverRun }: Later, questions: number): string[] {
  const fmtMB = (x: number | null) => (x === null ? '—' : x.toFixed(0));
  return [
    '## Loading and search',
    '',
    `The server as \`npm start\` runs it (build/main.mjs, its own process): answering /api/health ${serverRun.readySeconds.toFixed(2)} s after it was started; RSS ${fmtMB(serverRun.rssAtReadyMB)} MB then, ${fmtMB(serverRun.rssIdleMB)} MB after 45 s idle, ${fmtMB(serverRun.rssAfterSearchesMB)} MB after ${serverRun.searches} searches over HTTP (the first ${serverRun.firstSearchMs.toFixed(0)} ms, the median of the others ${serverRun.medianSearchMs.toFixed(0)} ms, round trips).`,
    `Loaded in the bench's own process (under tsx) in ${search.loadSeconds.toFixed(2)} s; RSS ${search.rssAfterLoadMB.toFixed(0)} MB after loading, ${search.peakRssMB.toFixed(0)} MB at most.`,
    `HNSW recall@10 ${search.hnsw.recall.toFixed(4)} over ${search.hnsw.probes} probes (lowest ${search.hnsw.minRecall.toFixed(2)}).`,
    '',
    `search() in process, k = 10, the first ${questions} laws-train questions x 3 passes after a warm-up pass; the keyword leg on ${search.keywordThreads === 2 ? 'two threads' : 'one thread'}:`,
    '',
    '| mode | searches | p50 ms | p95 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|---:|',
    ...SEARCH_MODES.map((mode) => {
      const s = summarizeLatencies(search.latencies[mode]!);
      return `| ${mode} | ${search.latencies[mode]!.length} | ${s.p50.toFixed(2)} | ${s.p95.toFixed(2)} | ${s.p99.toFixed(2)} | ${s.max.toFixed(1)} |`;
    }),
    '',
    ...growthLines(search),
  ];
}
