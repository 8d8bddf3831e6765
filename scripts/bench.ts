// npm run bench [-- --quick --json --keep --from FILE]
//
// Ingest time and memory with the built-in embedder and the bge-small-zh twin, re-ingest after one
// changed file, search latency in process and over HTTP, HNSW recall against exact search, and a
// scale series on synthetic corpora. Every measured job runs in a child process of its own (see
// scripts/lib/child.ts). Writes bench/results/, docs/bench/*.png and docs/BENCHMARKS.md; then runs
// the OCR bench and the PostgreSQL backend's (scripts/bench-postgres.ts, its own section).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { listCorpusFiles } from '../ingest/load-corpus.ts';
import { SEARCH_MODES } from '../server/search.ts';
import { DEFAULT_OUT as TWIN_DIR, makeTestModel, readTwinMarker, TWIN_FORMAT_VERSION } from './make-test-model.ts';
import type { IngestBenchInput, IngestBenchResult } from './lib/bench-ingest-child.ts';
import type { SearchBenchInput, SearchBenchResult } from './lib/bench-search-child.ts';
import type { ServeBenchDone, ServeBenchInput, ServeBenchReady } from './lib/bench-serve-child.ts';
import { drawBenchCharts } from './lib/bench-charts.ts';
import { RESULTS_VERSION, type BenchResults, type EmbedderKey, type HttpFigures, type IngestFigures, type ScaleStep } from './lib/bench-results.ts';
import { benchTables } from './lib/bench-tables.ts';
import { allTargets, renderBenchmarksDoc } from './lib/benchmarks-doc.ts';
import { childScript, runChild, startChild } from './lib/child.ts';
import { readQueries } from './lib/evaluate.ts';
import { metText } from './lib/quality-targets.ts';
import { httpLoad } from './lib/http-load.ts';
import { median, summarizeLatencies } from './lib/stats.ts';
import { writeSyntheticCorpus } from './lib/synthetic-corpus.ts';
import { textTable } from './lib/text-table.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SEED_CORPUS = path.join(root, 'corpus');
const QUERIES_FILE = path.join(root, '../shared/eval/queries.dev.json');
const RESULTS_DIR = path.join(root, 'bench/results');
const CHART_DIR = path.join(root, 'docs/bench');
const DOC_FILE = path.join(root, 'docs/BENCHMARKS.md');
/** The file edited before each re-ingest: a typical policy notice, mid-sized. */
const CHANGED_FILE = 'yongzhou-gazette-2025-manufacturing-measures.txt';
/** Sections of docs/BENCHMARKS.md that other benches write (scripts/bench-laws.ts, scripts/bench-postgres.ts). */
const KEPT_SECTIONS = ['## The national laws corpus', '## PostgreSQL backend (issue 14)'];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    from: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(
    [
      'Usage: npm run bench -- [--quick] [--json] [--keep] [--from FILE]',
      '  --quick      1x and 10x only, fewer runs',
      '  --json       print the results as JSON',
      '  --keep       keep the temporary corpora and indexes',
      '  --from FILE  measure nothing: redraw the charts and docs/BENCHMARKS.md from a saved results file',
    ].join('\n'),
  );
  process.exit(0);
}
const quick = args.quick!;
const plan = {
  ingestRuns: { builtin: quick ? 2 : 5, twin: quick ? 1 : 3 } as Record<EmbedderKey, number>,
  reingestRuns: quick ? 1 : 3,
  repeats: quick ? 3 : 10,
  httpSeconds: quick ? 5 : 10,
  connections: [1, 16],
  scales: quick ? [1, 10] : [1, 10, 100],
  scaleIngestRuns: (scale: number) => (quick || scale >= 100 ? 1 : 3),
  /** Where the twin's ingest is measured beyond the seeds; elsewhere it is extrapolated. */
  twinScales: quick ? [] : [10],
  passageProbes: 200,
};

const EMBEDDERS: Record<EmbedderKey, { label: string; input: Pick<IngestBenchInput, 'embedder' | 'modelDir'> }> = {
  builtin: { label: 'built-in (LSA)', input: { embedder: 'builtin' } },
  twin: { label: 'bge-small-zh twin', input: { embedder: 'bge-small-zh', modelDir: TWIN_DIR } },
};
const KEYS: EmbedderKey[] = ['builtin', 'twin'];

const started = performance.now();
const log = (message: string) => {
  const s = Math.round((performance.now() - started) / 1000);
  process.stderr.write(`[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${message}\n`);
};

if (args.from !== undefined) {
  const saved = JSON.parse(await readFile(args.from, 'utf8')) as BenchResults;
  if (saved.version !== RESULTS_VERSION) throw new Error(`${args.from} has results version ${saved.version}; this script reads ${RESULTS_VERSION}.`);
  await report(saved);
  process.exit(0);
}

const queries = (await readQueries(QUERIES_FILE)).map((q) => q.query);
const work = await mkdtemp(path.join(os.tmpdir(), 'policy-bench-'));
log(`${quick ? 'quick run' : 'full run'}; working in ${work}`);

try {
  await ensureTwin();
  const results = await measure();
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const json = JSON.stringify(results, null, 2) + '\n';
  await writeFile(path.join(RESULTS_DIR, `bench-${stamp}.json`), json);
  await writeFile(path.join(RESULTS_DIR, 'latest.json'), json);
  log(`wrote bench/results/bench-${stamp}.json and bench/results/latest.json`);
  await report(results);
  // OCR of scanned pages: seconds per page and peak memory, in a process of its own (it prints them
  // and writes bench/results/ocr.json)
  log('OCR (scanned PDF pages)…');
  spawnSync(process.execPath, ['--import', 'tsx', path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench-ocr.ts'), '--pages', quick ? '2' : '3'], { stdio: 'inherit' });
  // the PostgreSQL backend beside the embedded engine (the seeds, and the laws corpus unless
  // --quick), in a process of its own: it rewrites its section of docs/BENCHMARKS.md
  log(`PostgreSQL backend (scripts/bench-postgres.ts${quick ? ', seeds only' : ', seeds and the laws corpus'})…`);
  spawnSync(process.execPath, ['--import', 'tsx', path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench-postgres.ts'), ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
} finally {
  if (!args.keep) await rm(work, { recursive: true, force: true });
}

async function report(results: BenchResults): Promise<void> {
  await drawBenchCharts(results, CHART_DIR);
  // the sections written by other benches (npm run bench:laws, npm run bench:postgres), at the
  // end of the file, are kept as they are
  const previous = await readFile(DOC_FILE, 'utf8').catch(() => '');
  const keptAt = Math.min(...KEPT_SECTIONS.map((heading) => previous.indexOf(`\n${heading}`)).filter((at) => at >= 0));
  const kept = Number.isFinite(keptAt) ? previous.slice(keptAt) : '';
  await writeFile(DOC_FILE, renderBenchmarksDoc(results, path.relative(path.dirname(DOC_FILE), CHART_DIR)).trimEnd() + '\n' + kept);
  log('wrote docs/bench/*.png and docs/BENCHMARKS.md');
  if (args.json) console.log(JSON.stringify(results, null, 2));
  else printTables(results);
}

async function ensureTwin(): Promise<void> {
  const marker = await readTwinMarker(TWIN_DIR);
  if (marker?.version === TWIN_FORMAT_VERSION && !marker.tiny && existsSync(path.join(TWIN_DIR, 'onnx/model_quantized.onnx'))) return;
  log('making the full-size bge-small-zh twin (scripts/make-test-model.ts)');
  await makeTestModel({ out: TWIN_DIR });
}

async function measure(): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  const ingest: IngestFigures[] = [];
  const seedIndex = {} as Record<EmbedderKey, string>;

  // 1. Ingest of the seed corpus, each run a fresh process into an empty folder
  for (const key of KEYS) {
    const runs: IngestBenchResult[] = [];
    for (let i = 0; i < plan.ingestRuns[key]; i++) {
      const indexDir = path.join(work, `seeds-${key}-${i}`);
      runs.push(await ingestChild({ corpusDir: SEED_CORPUS, indexDir, ...EMBEDDERS[key].input }));
      log(`ingest seeds, ${EMBEDDERS[key].label}, run ${i + 1}/${plan.ingestRuns[key]}: ${runs.at(-1)!.seconds.toFixed(2)} s`);
      seedIndex[key] = indexDir;
    }
    const medianSeconds = median(runs.map((r) => r.seconds));
    ingest.push({
      embedder: key,
      runs: runs.length,
      seconds: runs.map((r) => r.seconds),
      medianSeconds,
      passages: runs[0]!.passages,
      documents: runs[0]!.documents,
      passagesPerSecond: runs[0]!.passages / medianSeconds,
      indexBytes: await folderBytes(seedIndex[key]),
      peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
      stageSeconds: medianRun(runs).stages,
    });
  }
  const fullIngest = (key: EmbedderKey) => ingest.find((i) => i.embedder === key)!.medianSeconds;

  // 2. Quality, by the eval script itself, on the built-in seed index
  log('eval on the built-in seed index');
  const quality = await runEval(seedIndex.builtin);

  // 3. Re-ingest after changing one file: the previous index in place, one figure edited per run
  const reingest: BenchResults['reingest'] = [];
  for (const key of KEYS) {
    const corpusDir = path.join(work, `reingest-${key}-corpus`);
    const indexDir = path.join(work, `reingest-${key}-index`);
    await cp(SEED_CORPUS, corpusDir, { recursive: true });
    await ingestChild({ corpusDir, indexDir, ...EMBEDDERS[key].input });
    reingest.push(await reingestRuns(key, 'seeds', corpusDir, indexDir, plan.reingestRuns, fullIngest(key)));
  }

  // 4. Search in process and 5. over HTTP, on the seed indexes
  const latency: BenchResults['latency'] = [];
  const latencySamples = {} as BenchResults['latencySamples'];
  const hnsw: BenchResults['hnsw'] = [];
  const http: HttpFigures[] = [];
  const seedSearch = {} as Record<EmbedderKey, SearchBenchResult>;
  for (const key of KEYS) {
    const res = await searchChild(seedIndex[key], key);
    seedSearch[key] = res;
    latencySamples[key] = res.latencies;
    for (const mode of SEARCH_MODES) latency.push({ embedder: key, mode, ...summarizeLatencies(res.latencies[mode]!) });
    hnsw.push({ embedder: key, passages: ingest.find((i) => i.embedder === key)!.passages, probes: res.hnsw.probes, recall: res.hnsw.recall, minRecall: res.hnsw.minRecall });
    log(`search in process, ${EMBEDDERS[key].label}: hybrid p50 ${summarizeLatencies(res.latencies.hybrid!).p50.toFixed(2)} ms; HNSW recall@10 ${res.hnsw.recall.toFixed(4)}`);
    http.push(...(await httpBench(seedIndex[key], key)));
  }

  // 6. Scale series, built-in embedder
  const scale: ScaleStep[] = [];
  const seedsBuiltin = ingest.find((i) => i.embedder === 'builtin')!;
  const seedsTwin = ingest.find((i) => i.embedder === 'twin')!;
  let twinRate = seedsTwin.passagesPerSecond;
  for (const n of plan.scales) {
    let step: Omit<ScaleStep, 'twinIngestSeconds' | 'twinIngestSecondsExtrapolated'>;
    let twinIngestSeconds: number | null = null;
    if (n === 1) {
      const res = seedSearch.builtin;
      step = {
        scale: 1,
        files: (await listCorpusFiles(SEED_CORPUS)).length,
        corpusMB: (await folderBytes(SEED_CORPUS)) / 2 ** 20,
        passages: seedsBuiltin.passages,
        ingestRuns: seedsBuiltin.runs,
        ingestSeconds: seedsBuiltin.medianSeconds,
        passagesPerSecond: seedsBuiltin.passagesPerSecond,
        indexBytes: seedsBuiltin.indexBytes,
        ingestPeakRssMB: seedsBuiltin.peakRssMB,
        ingestStageSeconds: seedsBuiltin.stageSeconds,
        ...searchFigures(res),
      };
      twinIngestSeconds = seedsTwin.medianSeconds;
    } else {
      const corpusDir = path.join(work, `scale-${n}-corpus`);
      const corpus = await writeSyntheticCorpus(SEED_CORPUS, corpusDir, n);
      log(`scale ${n}x: wrote ${corpus.files} files, ${(corpus.bytes / 2 ** 20).toFixed(1)} MB`);
      const runs: IngestBenchResult[] = [];
      let indexDir = '';
      for (let i = 0; i < plan.scaleIngestRuns(n); i++) {
        indexDir = path.join(work, `scale-${n}-builtin-${i}`);
        runs.push(await ingestChild({ corpusDir, indexDir, ...EMBEDDERS.builtin.input }));
        log(`scale ${n}x: ingest, built-in, run ${i + 1}/${plan.scaleIngestRuns(n)}: ${runs.at(-1)!.seconds.toFixed(1)} s, ${runs.at(-1)!.passages} passages`);
        if (i < plan.scaleIngestRuns(n) - 1) await rm(indexDir, { recursive: true, force: true });
      }
      const res = await searchChild(indexDir, 'builtin');
      log(`scale ${n}x: hybrid p50 ${summarizeLatencies(res.latencies.hybrid!).p50.toFixed(2)} ms; HNSW recall@10 ${res.hnsw.recall.toFixed(4)}`);
      const ingestSeconds = median(runs.map((r) => r.seconds));
      step = {
        scale: n,
        files: corpus.files,
        corpusMB: corpus.bytes / 2 ** 20,
        passages: runs[0]!.passages,
        ingestRuns: runs.length,
        ingestSeconds,
        passagesPerSecond: runs[0]!.passages / ingestSeconds,
        indexBytes: await folderBytes(indexDir),
        ingestPeakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
        ingestStageSeconds: medianRun(runs).stages,
        ...searchFigures(res),
      };
      if (n === plan.scales.at(-1)) {
        reingest.push(await reingestRuns('builtin', `${n}x`, corpusDir, indexDir, 1, ingestSeconds));
      }
      if (!args.keep) await rm(indexDir, { recursive: true, force: true });
      if (plan.twinScales.includes(n)) {
        const twin = await ingestChild({ corpusDir, indexDir: path.join(work, `scale-${n}-twin`), ...EMBEDDERS.twin.input });
        twinIngestSeconds = twin.seconds;
        twinRate = twin.passages / twin.seconds;
        log(`scale ${n}x: ingest, ${EMBEDDERS.twin.label}: ${twin.seconds.toFixed(1)} s`);
        if (!args.keep) await rm(path.join(work, `scale-${n}-twin`), { recursive: true, force: true });
      }
    }
    scale.push({
      ...step,
      twinIngestSeconds,
      twinIngestSecondsExtrapolated: twinIngestSeconds === null ? step.passages / twinRate : null,
    });
  }

  const cpus = os.cpus();
  return {
    version: RESULTS_VERSION,
    startedAt,
    durationSeconds: (performance.now() - started) / 1000,
    quick,
    machine: {
      cpu: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      memoryGB: os.totalmem() / 2 ** 30,
      node: process.version,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    },
    embedders: { builtin: EMBEDDERS.builtin.label, twin: EMBEDDERS.twin.label },
    queries: { file: path.relative(root, QUERIES_FILE), count: queries.length },
    quality,
    ingest,
    reingest,
    latency,
    latencySamples,
    repeats: plan.repeats,
    http,
    hnsw,
    scale,
  };
}

/** Edits one file of the corpus and rebuilds over the previous index, `runs` times. */
async function reingestRuns(key: EmbedderKey, corpus: string, corpusDir: string, indexDir: string, runs: number, fullSeconds: number) {
  const results: IngestBenchResult[] = [];
  for (let i = 0; i < runs; i++) {
    const file = path.join(corpusDir, CHANGED_FILE);
    await writeFile(file, editOneFigure(await readFile(file, 'utf8'), i));
    results.push(await ingestChild({ corpusDir, indexDir, ...EMBEDDERS[key].input }));
    log(`re-ingest, ${corpus}, ${EMBEDDERS[key].label}, run ${i + 1}/${runs}: ${results.at(-1)!.seconds.toFixed(2)} s, ${results.at(-1)!.embedded} embedded`);
  }
  const medianSeconds = median(results.map((r) => r.seconds));
  return {
    embedder: key,
    corpus,
    passages: results[0]!.passages,
    changedFile: CHANGED_FILE,
    runs: results.length,
    seconds: results.map((r) => r.seconds),
    medianSeconds,
    shareOfFull: medianSeconds / fullSeconds,
    embedded: Math.max(...results.map((r) => r.embedded)),
    reused: Math.min(...results.map((r) => r.reused)),
    stageSeconds: medianRun(results).stages,
  };
}

function medianRun(runs: IngestBenchResult[]): IngestBenchResult {
  const m = median(runs.map((r) => r.seconds));
  return runs.reduce((best, r) => (Math.abs(r.seconds - m) < Math.abs(best.seconds - m) ? r : best));
}

function ingestChild(input: IngestBenchInput): Promise<IngestBenchResult> {
  return runChild<IngestBenchResult>(childScript('bench-ingest-child.ts'), input);
}

function searchChild(indexDir: string, key: EmbedderKey): Promise<SearchBenchResult> {
  const input: SearchBenchInput = {
    indexDir,
    modelDir: EMBEDDERS[key].input.modelDir,
    queries,
    modes: [...SEARCH_MODES],
    repeats: plan.repeats,
    passageProbes: plan.passageProbes,
  };
  return runChild<SearchBenchResult>(childScript('bench-search-child.ts'), input);
}

function searchFigures(res: SearchBenchResult) {
  return {
    loadSeconds: res.loadSeconds,
    searchRssAfterLoadMB: res.rssAfterLoadMB,
    hybrid: summarizeLatencies(res.latencies.hybrid!),
    keyword: summarizeLatencies(res.latencies.keyword!),
    vector: summarizeLatencies(res.latencies.vector!),
    hnswRecall: res.hnsw.recall,
    hnswMinRecall: res.hnsw.minRecall,
    hnswProbes: res.hnsw.probes,
  };
}

/** The server in a child process, loaded with autocannon at each concurrency, then asked for its peak memory. */
async function httpBench(indexDir: string, key: EmbedderKey): Promise<HttpFigures[]> {
  const input: ServeBenchInput = { indexDir, modelDir: EMBEDDERS[key].input.modelDir };
  const { child, stderr } = startChild(childScript('bench-serve-child.ts'), input);
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the server child exited with ${code}:\n${stderr()}`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m as T);
      });
    });
  const ready = await next<ServeBenchReady>();
  const mode = 'hybrid';
  const paths = queries.map((q) => `/api/search?${new URLSearchParams({ q, mode })}`);
  const loads = [];
  for (const connections of plan.connections) {
    const load = await httpLoad({ url: `http://127.0.0.1:${ready.port}`, paths, connections, durationSeconds: plan.httpSeconds });
    log(`HTTP, ${EMBEDDERS[key].label}, ${connections} connection(s): ${load.requestsPerSecond.toFixed(0)} req/s, p50 ${load.p50.toFixed(1)} ms, non-2xx ${load.non2xx}, errors ${load.errors}`);
    loads.push(load);
  }
  const done = next<ServeBenchDone>();
  child.send('stop');
  const { peakRssMB } = await done;
  return loads.map((load) => ({ embedder: key, mode, ...load, serverRssAfterLoadMB: ready.rssAfterLoadMB, serverPeakRssMB: peakRssMB }));
}

async function runEval(indexDir: string): Promise<BenchResults['quality']> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), path.join(root, 'scripts/eval.ts'), '--json', '--set', 'dev', '--dev-index', indexDir],
    { maxBuffer: 64 * 2 ** 20 },
  );
  // one report per query set; the seeds' dev queries (npm run eval's set "dev") are the one asked for
  const [report] = JSON.parse(stdout) as { set: string; systems: { name: string; kind: 'product' | 'baseline'; metrics: BenchResults['quality'][number]['metrics'] }[] }[];
  if (report?.set !== 'dev') throw new Error(`npm run eval answered for ${report?.set ?? 'no set'}, not the dev queries`);
  return report.systems.map((s) => ({ system: s.name, kind: s.kind, metrics: s.metrics }));
}

/** Changes one amount of money in the text (a different one each run), as an editor correcting a figure would. */
function editOneFigure(text: string, run: number): string {
  let seen = 0;
  return text.replace(/\d+(?=万元)/g, (digits) => (seen++ === run ? String(Number(digits) + 1) : digits));
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(p) : (await stat(p)).size;
  }
  return total;
}

function printTables(r: BenchResults): void {
  console.log(`\nBenchmarks, ${r.machine.cpu} (${r.machine.cores} cores, ${r.machine.memoryGB.toFixed(0)} GB), Node ${r.machine.node}${r.quick ? ', --quick' : ''}`);
  for (const t of benchTables(r)) {
    console.log(`\n${t.title}\n${textTable(t.header, t.rows)}`);
  }
  console.log(`\nTargets (issue 6)\n${textTable(['target', 'value', 'met'], allTargets(r).map((t) => [t.target, t.value, metText(t.met)]))}`);
  console.log(`\nThe run took ${(r.durationSeconds / 60).toFixed(1)} minutes.`);
}
