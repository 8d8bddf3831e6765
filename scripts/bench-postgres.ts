// npm run bench:postgres [-- --quick --set seeds|laws --laws-index DIR --queries N --probes N --keep]
//
// The PostgreSQL backend (issue 14) beside the embedded engine, on the seeds (corpus/, the dev
// queries) and the national laws corpus (../shared/laws/corpus, laws-train), built-in embedder:
//   ingest   - the embedded build, then its write to PostgreSQL over the wire as `npm run ingest`
//              with DATABASE_URL does it (pglite-server and the pg Pool), per stage; the sizes;
//   latency  - search() per mode, k 10: the embedded engine in process, PostgreSQL over the wire,
//              and PGlite in this process on the same database folder;
//   filters  - filtered vector top-10 against exact search over the passages that pass, with
//              filters that keep about 1, 5, 10, 25 and 50% of the passages;
//   quality  - MRR@10, R@1, R@10 per mode, both backends on the same build, scored as npm run eval
//              scores (scripts/lib/evaluate.ts), so no second write is needed.
// The database is PGlite (PostgreSQL in WebAssembly), the one at hand here: its times are an upper
// bound for a real server. Writes its section of docs/BENCHMARKS.md (npm run bench keeps it and
// runs this at its end) and bench/results/postgres-<set>.json. --quick: the seeds only; the laws
// figures already in the section are kept.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { indexIsStale } from '../ingest/build-index.ts';
import { publishToPostgres, type PostgresWriteReport } from '../ingest/write-postgres.ts';
import { connectPostgres, openPGlite, type SqlClient } from '../server/backends/postgres-client.ts';
import { currentBuild, loadPostgresIndex } from '../server/backends/postgres.ts';
import { loadIndex, type EmbeddedIndex, type LoadedIndex } from '../server/load-index.ts';
import { matchesFilters, yearOf, type SearchFilters } from '../server/search-filters.ts';
import { search, SEARCH_MODES, type SearchMode } from '../server/search.ts';
import { startPgliteServer } from '../tests/helpers/pglite-server.ts';
import type { IngestBenchInput, IngestBenchResult } from './lib/bench-ingest-child.ts';
import { childScript, runChild } from './lib/child.ts';
import { evaluateSystem, readQueries, type AnyQuery, type CountingRule } from './lib/evaluate.ts';
import { median, percentile } from './lib/stats.ts';
import { markdownTable, textTable, type Cell } from './lib/text-table.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOC_FILE = path.join(root, 'docs/BENCHMARKS.md');
const RESULTS_DIR = path.join(root, 'bench/results');
const POSTGRES_HEADING = '## PostgreSQL backend (issue 14)';
const START = '<!-- postgres:start (npm run bench:postgres) -->';
const END = '<!-- postgres:end -->';
const blockStart = (set: SetKey) => `<!-- postgres:${set}:start -->`;
const blockEnd = (set: SetKey) => `<!-- postgres:${set}:end -->`;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    set: { type: 'string' },
    'laws-index': { type: 'string' },
    queries: { type: 'string', default: '200' },
    probes: { type: 'string', default: '100' },
    limit: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(
    [
      'Usage: npm run bench:postgres -- [--quick] [--set seeds|laws] [--laws-index DIR] [--queries N] [--probes N] [--limit N] [--keep]',
      '  --quick           the seeds only (the laws figures in docs/BENCHMARKS.md are kept)',
      '  --set NAME        one set only',
      '  --laws-index DIR  the laws corpus built already (built here when missing or older than the corpus)',
      '  --queries N       laws-train questions timed per mode (default 200)',
      '  --probes N        query vectors per filter (default 100)',
      '  --limit N         score quality on the first N questions of each set only (default all)',
      '  --keep            keep the temporary indexes and databases',
    ].join('\n'),
  );
  process.exit(0);
}

type SetKey = 'seeds' | 'laws';
interface SetPlan {
  key: SetKey;
  title: string;
  corpusDir: string;
  queriesFile: string;
  rule: CountingRule;
  /** An index to reuse (built into it first when it is stale); else one is built in the work folder. */
  indexDir?: string;
  /** Questions timed per mode, and passes over them. */
  latencyQueries: number;
  passes: number;
}
const SETS: SetPlan[] = [
  {
    key: 'seeds',
    title: 'Seeds (corpus/, dev queries)',
    corpusDir: path.join(root, 'corpus'),
    queriesFile: path.join(root, '../shared/eval/queries.dev.json'),
    rule: 'gold-strings',
    latencyQueries: Infinity,
    passes: 3,
  },
  {
    key: 'laws',
    title: 'The national laws corpus (../shared/laws/corpus, laws-train)',
    corpusDir: path.join(root, '../shared/laws/corpus'),
    queriesFile: path.join(root, '../shared/eval/laws-train.json'),
    rule: 'gold-articles',
    indexDir: args['laws-index'] === undefined ? undefined : path.resolve(args['laws-index']),
    latencyQueries: Number(args.queries),
    passes: 1,
  },
];
const chosen = SETS.filter((s) => (args.set !== undefined ? s.key === args.set : !args.quick || s.key === 'seeds'));
if (chosen.length === 0) {
  console.error(`--set must be one of ${SETS.map((s) => s.key).join(', ')}; got "${args.set}".`);
  process.exit(2);
}

const K = 10;
/** Results asked of each system for quality, as npm run eval asks (Recall@50 looks that far). */
const EVAL_K = 50;
const WARMUP = 5;
const PROBES = Number(args.probes);
const QUALITY_LIMIT = args.limit === undefined ? Infinity : Number(args.limit);
/** Shares of the passages the filters are chosen to keep. */
const SHARES = [0.01, 0.05, 0.1, 0.25, 0.5];
/** A result whose exact score is within this of the exact 10th is a tie, and counts as found. */
const TIE = 1e-6;

type BackendName = 'embedded' | 'postgres' | 'pglite' | 'postgres-graph';
const BACKEND_LABEL: Record<BackendName, string> = {
  embedded: 'embedded (in process)',
  postgres: 'PostgreSQL over the wire (pglite-server, pg Pool)',
  pglite: 'PGlite in process',
  'postgres-graph': 'PostgreSQL, graph walk forced (exactLimit 0)',
};

interface Latency {
  backend: BackendName;
  mode: SearchMode;
  count: number;
  p50: number;
  p95: number;
  failed: number;
  /** Searches whose ten results (clause ids, in order) are the embedded engine's. */
  sameAsEmbedded: number | null;
}
interface FilterRun {
  backend: BackendName;
  probes: number;
  recallMean: number;
  recallWorst: number;
  /** The same against exact search over the vectors in half precision, as PostgreSQL stores them (null: the embedded engine, which keeps float32). */
  halfRecallMean: number | null;
  halfRecallWorst: number | null;
  /** Searches that returned fewer than min(10, passages passing). */
  short: number;
  /** Results that do not pass the filter. */
  outside: number;
  p50: number;
}
interface FilterFigures {
  targetShare: number;
  filters: SearchFilters;
  passing: number;
  share: number;
  runs: FilterRun[];
}
interface QualityRow {
  backend: 'embedded' | 'postgres';
  mode: SearchMode;
  queries: number;
  mrr10: number;
  recall1: number;
  recall10: number;
  failed: number;
}
interface SetFigures {
  set: SetKey;
  title: string;
  measuredAt: string;
  machine: string;
  documents: number;
  passages: number;
  dims: number;
  embedder: string;
  ingest: {
    /** null: an index built before was reused. */
    embeddedSeconds: number | null;
    embeddedIndexBytes: number;
    postgres: PostgresWriteReport['seconds'];
    /** publishToPostgres from start to end: reading the index files and every stage. */
    postgresWallSeconds: number;
    databaseBytesEmpty: number;
    databaseBytes: number;
    schemaBytes: number;
    hnswBytes: number;
    terms: number;
  };
  latencyQueries: number;
  latencyPasses: number;
  latency: Latency[];
  filterProbes: number;
  filters: FilterFigures[];
  quality: QualityRow[];
}

const started = performance.now();
const log = (message: string) => {
  const s = Math.round((performance.now() - started) / 1000);
  process.stderr.write(`[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${message}\n`);
};
const cpus = os.cpus();
const MACHINE = `${cpus[0]?.model.trim().split(/\s+/).slice(0, 2).join(' ') ?? 'unknown CPU'}, ${cpus.length} shared cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node.js ${process.version}`;

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'policy-bench-postgres-'));
  log(`${chosen.map((s) => s.key).join(' and ')}; working in ${work}`);
  const measured: SetFigures[] = [];
  try {
    for (const plan of chosen) {
      if (!(await stat(plan.corpusDir).catch(() => null))) {
        log(`${plan.corpusDir} is missing: ${plan.key} skipped`);
        continue;
      }
      const figures = await measureSet(plan, work);
      measured.push(figures);
      await mkdir(RESULTS_DIR, { recursive: true });
      await writeFile(path.join(RESULTS_DIR, `postgres-${plan.key}.json`), JSON.stringify(figures, null, 2) + '\n');
      for (const t of setTables(figures)) console.log(`\n${t.title}\n${textTable(t.header, t.rows)}`);
    }
    await writeSection(measured);
    log('wrote the PostgreSQL section of docs/BENCHMARKS.md');
  } finally {
    if (!args.keep) await rm(work, { recursive: true, force: true });
  }
}

async function measureSet(plan: SetPlan, work: string): Promise<SetFigures> {
  // 1. The embedded build (in a child process, as npm run bench measures ingest)
  let indexDir = plan.indexDir ?? path.join(work, `${plan.key}-index`);
  let embeddedSeconds: number | null = null;
  const stale = await indexIsStale(plan.corpusDir, indexDir);
  if (stale !== null) {
    log(`${plan.key}: building the embedded index (built-in embedder) because ${stale}`);
    const built = await runChild<IngestBenchResult>(childScript('bench-ingest-child.ts'), { corpusDir: plan.corpusDir, indexDir, embedder: 'builtin' } satisfies IngestBenchInput);
    embeddedSeconds = built.seconds;
    log(`${plan.key}: built in ${built.seconds.toFixed(1)} s`);
  } else log(`${plan.key}: reusing the index in ${indexDir}`);
  indexDir = path.resolve(indexDir);

  // 2. Its write to PostgreSQL over the wire, as npm run ingest with DATABASE_URL does it
  const dataDir = path.join(work, `${plan.key}-pgdata`);
  const server = await startPgliteServer(dataDir);
  let pool: SqlClient | null = null;
  let pglite: SqlClient | null = null;
  try {
    const databaseBytesEmpty = await folderBytes(dataDir);
    const writer = connectPostgres(server.url, { max: 2 });
    const t = performance.now();
    let report: PostgresWriteReport;
    try {
      let stage = '';
      report = await publishToPostgres(indexDir, writer, (p) => {
        if (p.stage !== stage) log(`${plan.key}: PostgreSQL write, ${(stage = p.stage)}…`);
      });
    } finally {
      await writer.close();
    }
    const postgresWallSeconds = (performance.now() - t) / 1000;
    log(`${plan.key}: written to PostgreSQL in ${postgresWallSeconds.toFixed(1)} s (${Object.entries(report.seconds).map(([s, v]) => `${s} ${v.toFixed(1)}`).join(', ')})`);

    const embedded = await loadIndex(indexDir);
    pool = connectPostgres(server.url);
    const postgres = await loadPostgresIndex(pool);
    const sizes = await databaseSizes(pool);
    const databaseBytes = await folderBytes(dataDir);

    // 3. Latency per mode, the two backends taking turns on each question
    const questions = await readQueries(plan.queriesFile, plan.rule);
    const timed = questions.slice(0, plan.latencyQueries).map((q) => q.query);
    log(`${plan.key}: latency, ${timed.length} questions x ${plan.passes} pass(es) per mode`);
    const latency = await measureLatency({ embedded, postgres }, timed, plan.passes);

    // 4. Filtered vector search against exact search
    const probes = await Promise.all(questions.slice(0, PROBES).map((q) => embedded.embedder.embedQuery(q.query)));
    log(`${plan.key}: filtered vector search, ${probes.length} probes per filter`);
    const graph = await loadPostgresIndex(pool, { exactLimit: 0 });
    const filters = await measureFilters(embedded, { embedded, postgres, 'postgres-graph': graph }, probes);

    // 5. Quality, both backends on the same build
    log(`${plan.key}: quality, ${Math.min(questions.length, QUALITY_LIMIT)} questions per mode and backend`);
    const quality = await measureQuality(plan, questions.slice(0, QUALITY_LIMIT), { embedded, postgres });

    // 6. PGlite in this process, on the same database folder (the server stopped first: one owner)
    await pool.close();
    pool = null;
    await server.stop();
    try {
      pglite = await openPGlite(dataDir);
      const inProcess = await loadPostgresIndex(pglite);
      log(`${plan.key}: latency, PGlite in process`);
      latency.push(...(await measureLatency({ pglite: inProcess }, timed, plan.passes, embedded)));
    } catch (error) {
      // a figure for comparison only: the rest of the run stands without it
      log(`${plan.key}: PGlite in process could not be measured: ${(error as Error).message}`);
    }

    return {
      set: plan.key,
      title: plan.title,
      measuredAt: new Date().toISOString(),
      machine: MACHINE,
      documents: embedded.documents.length,
      passages: embedded.passages.length,
      dims: embedded.manifest.embedder.dims,
      embedder: `${embedded.manifest.embedder.id} (${embedded.manifest.embedder.kind})`,
      ingest: {
        embeddedSeconds,
        embeddedIndexBytes: await folderBytes(indexDir),
        postgres: report.seconds,
        postgresWallSeconds,
        databaseBytesEmpty,
        databaseBytes,
        ...sizes,
        terms: report.rows.terms,
      },
      latencyQueries: timed.length,
      latencyPasses: plan.passes,
      latency,
      filterProbes: probes.length,
      filters,
      quality,
    };
  } finally {
    await pool?.close();
    await pglite?.close();
    await server.stop();
  }
}

/** The served build's schema, all of it (tables, TOAST, indexes), and its HNSW index alone. */
async function databaseSizes(db: SqlClient): Promise<{ schemaBytes: number; hnswBytes: number }> {
  const build = await currentBuild(db);
  if (build === null) throw new Error('the database serves no build after the write');
  const { rows } = await db.query<{ total: string; hnsw: string }>(
    `SELECT (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relkind = 'r') AS total,
            pg_relation_size(to_regclass($1 || '.passages_embedding')) AS hnsw`,
    [build.schema],
  );
  return { schemaBytes: Number(rows[0]!.total), hnswBytes: Number(rows[0]!.hnsw) };
}

/**
 * search() per mode, k 10, a few warm-up searches first. The backends given take turns on each
 * question, so a noisy neighbour slows them alike. Results are compared with `reference`'s (or the
 * embedded backend's when it is one of them).
 */
async function measureLatency(
  backends: Partial<Record<BackendName, LoadedIndex>>,
  queries: string[],
  passes: number,
  reference?: LoadedIndex,
): Promise<Latency[]> {
  const out: Latency[] = [];
  const entries = Object.entries(backends) as [BackendName, LoadedIndex][];
  const ref = reference ?? backends.embedded;
  for (const mode of SEARCH_MODES) {
    const expected = new Map<string, string>();
    if (ref !== undefined) {
      for (const q of queries) expected.set(q, (await search(ref, { q, k: K, mode })).results.map((r) => r.clauseId).join());
    }
    for (const [, index] of entries) for (const q of queries.slice(0, WARMUP)) await search(index, { q, k: K, mode }).catch(() => null);
    const times = new Map<BackendName, number[]>(entries.map(([name]) => [name, []]));
    const failed = new Map<BackendName, number>(entries.map(([name]) => [name, 0]));
    const same = new Map<BackendName, number>(entries.map(([name]) => [name, 0]));
    for (let pass = 0; pass < passes; pass++) {
      for (const q of queries) {
        for (const [name, index] of entries) {
          const t = performance.now();
          try {
            const res = await search(index, { q, k: K, mode });
            times.get(name)!.push(performance.now() - t);
            if (pass === 0 && res.results.map((r) => r.clauseId).join() === expected.get(q)) same.set(name, same.get(name)! + 1);
          } catch (error) {
            failed.set(name, failed.get(name)! + 1);
            if (failed.get(name) === 1) log(`${name} ${mode}: ${(error as Error).message}`);
          }
        }
      }
    }
    for (const [name] of entries) {
      const ms = times.get(name)!;
      out.push({
        backend: name,
        mode,
        count: ms.length,
        p50: median(ms),
        p95: percentile(ms, 95),
        failed: failed.get(name)!,
        sameAsEmbedded: ref === undefined ? null : same.get(name)!,
      });
    }
    log(`  ${mode}: ${entries.map(([name]) => `${name} p50 ${median(times.get(name)!).toFixed(2)} ms`).join(', ')}`);
  }
  return out;
}

/** Filters that keep about each share of SHARES: a document, a type, issuer, year, status or region, or two of these together. */
function chooseFilters(index: EmbeddedIndex): { targetShare: number; filters: SearchFilters; passing: number }[] {
  const perDoc = new Map<string, number>();
  for (const p of index.passages) perDoc.set(p.docId, (perDoc.get(p.docId) ?? 0) + 1);
  const candidates = new Map<string, { filters: SearchFilters; passing: number }>();
  for (const d of index.documents) {
    const n = perDoc.get(d.id) ?? 0;
    const own: [keyof SearchFilters, string | null][] = [
      ['type', d.type],
      ['issuer', d.issuer],
      ['region', d.region],
      ['year', yearOf(d)],
      ['status', d.status],
    ];
    const fields = own.filter((f): f is [keyof SearchFilters, string] => f[1] !== null && f[1] !== undefined && f[1] !== '');
    const sets: SearchFilters[] = [{ doc: d.id }, ...fields.map(([k, v]) => ({ [k]: v }))];
    for (let i = 0; i < fields.length; i++) for (let j = i + 1; j < fields.length; j++) sets.push({ [fields[i]![0]]: fields[i]![1], [fields[j]![0]]: fields[j]![1] });
    for (const filters of sets) {
      const key = JSON.stringify(filters);
      const c = candidates.get(key) ?? { filters, passing: 0 };
      c.passing += n;
      candidates.set(key, c);
    }
  }
  const total = index.passages.length;
  const fieldCount = (f: SearchFilters) => Object.keys(f).length;
  const chosen: { targetShare: number; filters: SearchFilters; passing: number }[] = [];
  for (const targetShare of SHARES) {
    let best: { filters: SearchFilters; passing: number } | null = null;
    let bestMiss = Infinity;
    for (const c of candidates.values()) {
      // the nearest share on a log scale; the simpler filter when two are as near
      const miss = Math.abs(Math.log(c.passing / total / targetShare));
      if (miss < bestMiss - 1e-9 || (Math.abs(miss - bestMiss) <= 1e-9 && best !== null && fieldCount(c.filters) < fieldCount(best.filters))) {
        best = c;
        bestMiss = miss;
      }
    }
    if (best !== null && !chosen.some((c) => JSON.stringify(c.filters) === JSON.stringify(best!.filters))) chosen.push({ targetShare, ...best });
  }
  return chosen;
}

/**
 * Each backend's filtered vector top-10 against exact search over the passages that pass: in
 * float32, as the vectors were made, and for PostgreSQL also in half precision, as it stores them
 * (halfvec), which tells what its search loses from what its storage loses.
 */
async function measureFilters(index: EmbeddedIndex, backends: Partial<Record<BackendName, LoadedIndex>>, probes: Float32Array[]): Promise<FilterFigures[]> {
  const dims = index.manifest.embedder.dims;
  const all = index.vectors.allVectors();
  const half = Float32Array.from(all, toHalf);
  const halfProbes = probes.map((v) => Float32Array.from(v, toHalf));
  const dot = (vectors: Float32Array, id: number, v: Float32Array) => {
    let s = 0;
    for (let d = 0, o = id * dims; d < dims; d++) s += vectors[o + d]! * v[d]!;
    return s;
  };
  const out: FilterFigures[] = [];
  for (const { targetShare, filters, passing } of chooseFilters(index)) {
    const passes = new Uint8Array(index.passages.length);
    const ids: number[] = [];
    index.passages.forEach((p, id) => {
      if (matchesFilters(index.documentsById.get(p.docId)!, filters)) (passes[id] = 1), ids.push(id);
    });
    if (ids.length !== passing) throw new Error(`filter ${JSON.stringify(filters)}: ${ids.length} passages pass, the count said ${passing}`);
    const want = Math.min(K, ids.length);
    // the exact top `want` of probe i, and a recall that counts a result tied with its last as found
    const exactRecall = (vectors: Float32Array, vs: Float32Array[]) => {
      const exact = vs.map((v) => {
        const top = ids
          .map((id) => ({ id, score: dot(vectors, id, v) }))
          .sort((a, b) => b.score - a.score || a.id - b.id)
          .slice(0, want);
        return { ids: new Set(top.map((s) => s.id)), last: top.at(-1)?.score ?? -Infinity };
      });
      return (i: number, got: Set<number>) => {
        if (want === 0) return 1;
        let found = 0;
        for (const id of got) if (passes[id] && (exact[i]!.ids.has(id) || dot(vectors, id, vs[i]!) >= exact[i]!.last - TIE)) found++;
        return Math.min(found, want) / want;
      };
    };
    const recallFloat = exactRecall(all, probes);
    const recallHalf = exactRecall(half, halfProbes);
    const runs: FilterRun[] = [];
    for (const [name, b] of Object.entries(backends) as [BackendName, LoadedIndex][]) {
      const recalls: number[] = [];
      const halfRecalls: number[] = [];
      const ms: number[] = [];
      let short = 0;
      let outside = 0;
      for (let i = 0; i < probes.length; i++) {
        const t = performance.now();
        const got = await b.backend.vectorTopK(probes[i]!, K, filters);
        ms.push(performance.now() - t);
        if (got.length < want) short++;
        const distinct = new Set(got.map((r) => r.id));
        for (const id of distinct) if (!passes[id]) outside++;
        recalls.push(recallFloat(i, distinct));
        halfRecalls.push(recallHalf(i, distinct));
      }
      const mean = (xs: number[]) => xs.reduce((a, c) => a + c, 0) / Math.max(1, xs.length);
      runs.push({
        backend: name,
        probes: probes.length,
        recallMean: mean(recalls),
        recallWorst: Math.min(...recalls),
        halfRecallMean: name === 'embedded' ? null : mean(halfRecalls),
        halfRecallWorst: name === 'embedded' ? null : Math.min(...halfRecalls),
        short,
        outside,
        p50: median(ms),
      });
    }
    out.push({ targetShare, filters, passing, share: passing / index.passages.length, runs });
    log(`  ${describeFilters(filters)} (${((passing / index.passages.length) * 100).toFixed(1)}%): ${runs.map((r) => `${r.backend} ${r.recallMean.toFixed(4)}`).join(', ')}`);
  }
  return out;
}

/** x rounded to IEEE half precision (round to nearest, ties to even), as a halfvec stores it. */
function toHalf(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const a = Math.abs(x);
  if (a >= 65520) return Math.sign(x) * Infinity;
  // 11 significant bits; below 2^-14 (subnormal) a fixed step of 2^-24
  const step = 2 ** (Math.max(Math.floor(Math.log2(a)), -14) - 10);
  const q = a / step;
  let r = Math.round(q);
  if (r - q === 0.5 && r % 2 === 1) r -= 1;
  return Math.sign(x) * r * step;
}

/** MRR@10, R@1, R@10 per mode, as npm run eval counts them (the same search call, k 50, the set's rule). */
async function measureQuality(plan: SetPlan, questions: AnyQuery[], backends: Record<'embedded' | 'postgres', LoadedIndex>): Promise<QualityRow[]> {
  const out: QualityRow[] = [];
  for (const [name, index] of Object.entries(backends) as ['embedded' | 'postgres', LoadedIndex][]) {
    for (const mode of SEARCH_MODES) {
      let failed = 0;
      const report = await evaluateSystem(
        mode,
        questions,
        async (q) => {
          try {
            const res = await search(index, { q, k: EVAL_K, mode, embedTimeoutMs: 60_000 });
            return res.results.map((r) => ({
              text: r.text,
              answer: r.answer,
              docTitle: r.docTitle ?? r.docId,
              source: index.documentsById.get(r.docId)?.source,
              label: r.label,
              path: r.path,
            }));
          } catch (error) {
            if (failed++ === 0) log(`${name} ${mode}: ${(error as Error).message}`);
            return [];
          }
        },
        { hasAnswers: true, rule: plan.rule },
      );
      const m = report.metrics;
      out.push({ backend: name, mode, queries: m.queries, mrr10: m.mrr10, recall1: m.recall1, recall10: m.recall10, failed });
      log(`  ${name} ${mode}: MRR@10 ${m.mrr10.toFixed(3)}`);
    }
  }
  return out;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(p) : entry.isFile() ? (await stat(p)).size : 0;
  }
  return total;
}

function describeFilters(f: SearchFilters): string {
  return Object.entries(f)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// The report

const CAVEAT =
  'PGlite is PostgreSQL compiled to WebAssembly: single-threaded, much slower than a native PostgreSQL server, so its timings are an upper bound.';
const f2 = (x: number) => x.toFixed(2);
const f3 = (x: number) => x.toFixed(3);
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

interface Table {
  title: string;
  /** Said under the table: the machine, the embedder, what the figures are an upper bound of. */
  note: string;
  header: string[];
  rows: Cell[][];
}

function setTables(r: SetFigures): Table[] {
  const where = `${r.machine}; built-in embedder (${r.embedder}, ${r.dims}-d).`;
  const stages = Object.entries(r.ingest.postgres);
  const total = stages.reduce((s, [, v]) => s + v, 0);
  const ingest: Table = {
    title: `Ingest: ${r.documents} documents, ${r.passages} passages`,
    note: `${where} The write goes over the wire to pglite-server, as \`npm run ingest\` with DATABASE_URL sends it; ${r.ingest.terms} keyword terms. Database folder ${mb(r.ingest.databaseBytes)} MB (${mb(r.ingest.databaseBytesEmpty)} MB of it an empty database); the build's schema ${mb(r.ingest.schemaBytes)} MB, its HNSW index ${mb(r.ingest.hnswBytes)} MB; the embedded index files ${mb(r.ingest.embeddedIndexBytes)} MB. ${CAVEAT}`,
    header: ['step', 'seconds'],
    rows: [
      ['embedded build (npm run ingest, index files)', r.ingest.embeddedSeconds === null ? 'reused' : r.ingest.embeddedSeconds.toFixed(1)],
      ...stages.map(([stage, s]): Cell[] => [`PostgreSQL write: ${stage}${stage === 'indexes' ? ' (HNSW and B-trees)' : ''}`, s.toFixed(1)]),
      ['PostgreSQL write: all stages', total.toFixed(1)],
      ['PostgreSQL write: wall, with reading the index files', r.ingest.postgresWallSeconds.toFixed(1)],
    ],
  };
  const lat = (b: BackendName, mode: SearchMode) => r.latency.find((l) => l.backend === b && l.mode === mode);
  const backends = (['embedded', 'postgres', 'pglite'] as BackendName[]).filter((b) => r.latency.some((l) => l.backend === b));
  const latency: Table = {
    title: `Search latency, k 10: ${r.latencyQueries} questions x ${r.latencyPasses} pass(es) per mode after ${WARMUP} warm-up searches`,
    note: `${where} ms per search() call, nearest-rank percentiles; the backends take turns on each question. "same" counts the questions whose ten results are the embedded engine's, in the same order. ${CAVEAT}`,
    header: ['mode', ...backends.flatMap((b) => [`${BACKEND_LABEL[b]} p50`, 'p95']), ...backends.filter((b) => b !== 'embedded').map((b) => `same (${b})`)],
    rows: SEARCH_MODES.map((mode) => [
      mode,
      ...backends.flatMap((b) => {
        const l = lat(b, mode)!;
        return [f2(l.p50), f2(l.p95) + (l.failed > 0 ? ` (${l.failed} failed)` : '')];
      }),
      ...backends.filter((b) => b !== 'embedded').map((b) => `${lat(b, mode)!.sameAsEmbedded}/${r.latencyQueries}`),
    ]),
  };
  const filters: Table = {
    title: `Filtered vector search: top-10 against exact search, ${r.filterProbes} question vectors per filter`,
    note: `${where} Exact: a dot product with every passage that passes, in float32 (the vectors as made) and, for PostgreSQL, in half precision (halfvec, as it stores them: scores that differ by less than its rounding may swap places, so the float32 figure can fall below 1 with no search error); a result tied with the exact 10th counts as found. "short": searches that returned fewer than min(10, passages kept). PostgreSQL searches a filter that keeps at most 20,000 passages exactly and walks the HNSW graph (iterative scan) above that; the forced rows walk the graph at every share, to show what the walk alone finds. ${CAVEAT}`,
    header: ['kept', 'filter', 'backend', 'recall@10 mean', 'worst', 'halfvec recall@10 mean', 'worst', 'short', 'outside filter', 'p50 ms'],
    rows: r.filters.flatMap((f) =>
      f.runs.map((run): Cell[] => [
        `${(f.share * 100).toFixed(1)}% (${f.passing})`,
        describeFilters(f.filters),
        BACKEND_LABEL[run.backend],
        run.recallMean.toFixed(4),
        f2(run.recallWorst),
        run.halfRecallMean === null ? null : run.halfRecallMean.toFixed(4),
        run.halfRecallWorst === null ? null : f2(run.halfRecallWorst),
        run.short,
        run.outside,
        f2(run.p50),
      ]),
    ),
  };
  const q = (b: 'embedded' | 'postgres', mode: SearchMode) => r.quality.find((x) => x.backend === b && x.mode === mode)!;
  const quality: Table = {
    title: `Quality: ${r.quality[0]?.queries ?? 0} questions, the same build in both backends`,
    note: `${where} Scored as \`npm run eval\` scores (scripts/lib/evaluate.ts, the set's counting rule, k 50). Target: PostgreSQL within 0.01 MRR@10 of the embedded engine. ${CAVEAT}`,
    header: ['mode', 'embedded MRR@10', 'R@1', 'R@10', 'PostgreSQL MRR@10', 'R@1', 'R@10', 'difference', 'within 0.01'],
    rows: SEARCH_MODES.map((mode) => {
      const e = q('embedded', mode);
      const p = q('postgres', mode);
      const failed = e.failed + p.failed > 0 ? ` (${p.failed} failed)` : '';
      return [mode, f3(e.mrr10), f3(e.recall1), f3(e.recall10), f3(p.mrr10) + failed, f3(p.recall1), f3(p.recall10), (p.mrr10 - e.mrr10).toFixed(3), Math.abs(p.mrr10 - e.mrr10) <= 0.01 ? 'yes' : '**no**'];
    }),
  };
  return [ingest, latency, filters, quality];
}

function renderSet(r: SetFigures): string {
  const lines = [
    `### ${r.title}`,
    '',
    `Measured ${r.measuredAt.slice(0, 16).replace('T', ' ')} UTC on ${r.machine}; ${r.documents} documents, ${r.passages} passages.`,
  ];
  for (const t of setTables(r)) lines.push('', `#### ${t.title}`, '', markdownTable(t.header, t.rows), '', t.note);
  return lines.join('\n');
}

/** Replaces the measured sets' blocks in the section of docs/BENCHMARKS.md, keeping the others as they were. */
async function writeSection(figures: SetFigures[]): Promise<void> {
  const doc = await readFile(DOC_FILE, 'utf8').catch(() => '');
  const at = doc.indexOf(START);
  const end = doc.indexOf(END);
  const old = at >= 0 && end > at ? doc.slice(at, end) : '';
  const blocks = SETS.map((s) => {
    const fresh = figures.find((f) => f.set === s.key);
    if (fresh) return `${blockStart(s.key)}\n${renderSet(fresh)}\n${blockEnd(s.key)}`;
    const from = old.indexOf(blockStart(s.key));
    const to = old.indexOf(blockEnd(s.key));
    return from >= 0 && to > from ? old.slice(from, to + blockEnd(s.key).length) : '';
  }).filter((b) => b !== '');
  const section = [START, ...blocks, END].join('\n\n');
  const updated =
    at >= 0 && end > at
      ? doc.slice(0, at) + section + doc.slice(end + END.length)
      : `${doc.trimEnd()}\n\n${POSTGRES_HEADING}\n\nFrom \`npm run bench:postgres\` (scripts/bench-postgres.ts; \`npm run bench\` runs it last, \`--quick\` with the seeds only). The same build in both backends, built-in embedder. The only PostgreSQL at hand here is PGlite, so every PostgreSQL figure comes from it. ${CAVEAT} Results, recall and quality are the backend's own; the times are what it takes at most. A shared machine: other jobs (tests, evals) ran beside these runs, so the percentiles are noisy.\n\n${section}\n`;
  await writeFile(DOC_FILE, updated);
}

// after every declaration above: the report's constants are read by then
await main();
