// npm run ingest [-- --corpus DIR --index DIR --embedder auto|builtin|bge-small-zh --retrain --quiet --report FILE --no-ocr --database-url URL]
// corpus/ -> index/ (and, with DATABASE_URL, into PostgreSQL), with progress while it works and a summary at the end.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { basename, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { ModelLoadError } from './embedders/bge-embedder.ts';
import { CorpusError, stopAllReaders, watchReadProgress } from './load-corpus.ts';
import type { ReadProgress } from './read-file.ts';
import { IndexWriteError } from './write-index.ts';
import { connectPostgres, isConnectionError } from '../server/backends/postgres-client.ts';
import { SchemaError } from '../server/backends/postgres-schema.ts';
import { publishToPostgres, type PostgresWriteProgress } from './write-postgres.ts';
import { corpusReport, reportSummaryText, writeReport } from './corpus-report.ts';
import { buildIndex, type BuildProgress, type BuildStage } from './build-index.ts';
import { EMBEDDER_CHOICES, type EmbedderChoice } from './types.ts';

const { values } = parseArgs({
  options: {
    // flags win over CORPUS_DIR / INDEX_DIR, as for npm start
    corpus: { type: 'string', default: process.env.CORPUS_DIR?.trim() || 'corpus' },
    index: { type: 'string', default: process.env.INDEX_DIR?.trim() || 'index' },
    embedder: { type: 'string', default: process.env.EMBEDDER ?? 'auto' },
    'model-dir': { type: 'string' },
    retrain: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    // per document: title, 文号, issuer, dates, type, status, counts, warnings (.tsv or .json)
    report: { type: 'string' },
    // scanned PDF pages are recognized by OCR unless this is given (or OCR=off)
    'no-ocr': { type: 'boolean', default: false },
    // PostgreSQL: the build is also written there and served from there (default: DATABASE_URL)
    'database-url': { type: 'string', default: process.env.DATABASE_URL?.trim() || undefined },
  },
});
// the reader threads take OCR's setting from the environment, like the other reading limits
if (values['no-ocr']) process.env.OCR = 'off';

// An operator's mistake (no corpus, disk full, read-only index folder, a bad limit) is one line,
// not a stack trace; anything else is a bug and keeps its trace.
const stopProgress = (): void => {
  try {
    reporter.stop();
  } catch {
    // not started yet
  }
};
process.on('uncaughtException', (error) => {
  stopProgress();
  const oneLine = error instanceof IndexWriteError || error instanceof CorpusError || error instanceof ModelLoadError || error instanceof SchemaError || isConnectionError(error);
  console.error(oneLine ? `ingest: ${isConnectionError(error) ? `the database cannot be reached (${error.message})` : error.message}` : error);
  process.exit(1);
});

// Ctrl-C or kill end this process at once (Node's default), reader threads with it; a temporary
// index folder it leaves is cleaned up by the next build. What is watched here is the process that
// started it: when `npm run ingest` (or the shell npm runs it in) is killed outright, this process
// is orphaned, and it leaves too rather than go on building unseen.
const ancestors = (): number[] => {
  const chain = [process.ppid];
  try {
    // Linux: the shell npm starts the script in is the parent; npm is its parent
    const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    chain.push(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  } catch {
    // elsewhere the direct parent is all there is to watch
  }
  return chain;
};
const startedBy = ancestors();
setInterval(() => {
  const now = ancestors();
  if (now.some((pid, i) => startedBy[i] !== undefined && pid !== startedBy[i])) {
    stopProgress();
    console.error('ingest: the process that started it has gone; stopping.');
    void stopAllReaders().finally(() => process.exit(129));
  }
}, 500).unref();

if (!EMBEDDER_CHOICES.includes(values.embedder as EmbedderChoice)) {
  console.error(`--embedder must be one of ${EMBEDDER_CHOICES.join(', ')}; got "${values.embedder}".`);
  process.exit(2);
}

const LABELS: Record<BuildStage, string> = {
  read: 'reading files',
  train: 'learning the built-in embedder',
  embed: 'embedding passages',
  keyword: 'building the keyword index',
  hnsw: 'building the vector index',
  write: 'writing the index',
};

/**
 * On a terminal: a bar per stage with rate and ETA. Elsewhere (CI, logs): one line per stage and,
 * while embedding, a line every tenth of the way, so a long ingest is never silent.
 */
function progressReporter(quiet: boolean): { onProgress: (p: BuildProgress) => void; onOcr: (p: ReadProgress) => void; stop: () => void } {
  if (quiet) return { onProgress: () => {}, onOcr: () => {}, stop: () => {} };
  const tty = process.stderr.isTTY === true;
  let stage: BuildStage | null = null;
  let bar: cliProgress.SingleBar | null = null;
  let stageStart = 0;
  let lastTenth = -1;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  const onProgress = (p: BuildProgress) => {
    const elapsed = (performance.now() - stageStart) / 1000;
    const rate = elapsed > 0 ? p.done / elapsed : 0;
    if (p.stage !== stage) {
      stop();
      stage = p.stage;
      stageStart = performance.now();
      lastTenth = -1;
      if (tty && (p.stage === 'read' || p.stage === 'embed') && p.total > 0) {
        bar = new cliProgress.SingleBar(
          {
            format: `${LABELS[p.stage].padEnd(20)} {bar} {value}/{total}  {rate}/s  ETA {eta_formatted}  {file}`,
            hideCursor: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.total, p.done, { rate: '-', file: p.file ?? '' });
      } else if (!tty || p.total === 0) {
        console.error(`${LABELS[p.stage]}${p.stage === 'embed' ? ` (${p.total} passages)` : ''}…`);
      } else {
        console.error(`${LABELS[p.stage]}…`);
      }
      return;
    }
    if (bar) {
      bar.setTotal(p.total);
      bar.update(p.done, { rate: rate.toFixed(1), file: p.file ?? '' });
    } else if (!tty && p.stage === 'embed' && p.total > 0) {
      const tenth = Math.floor((p.done / p.total) * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        const eta = rate > 0 ? (p.total - p.done) / rate : 0;
        console.error(`  embedded ${p.done}/${p.total}  ${rate.toFixed(1)}/s  ETA ${eta.toFixed(0)}s`);
      }
    }
  };
  // OCR of a scanned PDF, page by page: on the reading bar, or a line a page
  let ocrStart = 0;
  const onOcr = (p: ReadProgress) => {
    if (p.done === 0) ocrStart = performance.now();
    const perPage = p.done > 0 ? ` (${((performance.now() - ocrStart) / 1000 / p.done).toFixed(1)} s a page)` : '';
    const what = `${basename(p.file)}: OCR page ${Math.min(p.done + 1, p.total)}/${p.total}${perPage}`;
    if (bar) bar.update({ file: what });
    else if (p.done > 0) console.error(`  ${basename(p.file)}: OCR ${p.done}/${p.total} pages${perPage}`);
  };
  return { onProgress, onOcr, stop };
}

const reporter = progressReporter(values.quiet);
watchReadProgress(reporter.onOcr);
const report = await buildIndex({
  corpusDir: resolve(values.corpus),
  indexDir: resolve(values.index),
  embedder: values.embedder as EmbedderChoice,
  modelDir: values['model-dir'],
  retrain: values.retrain,
  onProgress: reporter.onProgress,
}).finally(reporter.stop);

const { manifest } = report;
const summary = corpusReport(report.documents, report.files, report.collisions);
if (values.report) {
  await writeReport(resolve(values.report), summary);
}
if (!values.quiet && report.documents.length > 40) {
  // a large collection: the summary, and the per-document table in the report file
  console.log(reportSummaryText(summary));
  if (!values.report) console.log('Per-document report: npm run ingest -- --report report.tsv (or npm run report).');
} else if (!values.quiet) {
  console.table(
    report.documents.map((d) => ({
      文档: (d.title ?? '(无标题)').slice(0, 34),
      文号: d.docNumber ?? '',
      类型: d.type ?? '',
      状态: d.status,
      条款: d.clauses.length,
      OCR: d.ocr ? `${(d.ocr.confidence * 100).toFixed(1)}%` : '',
      提示: d.warnings.join('; '),
    })),
  );
  for (const f of report.files) if (f.ok) for (const w of f.warnings) console.warn(`note: ${f.source}: ${w}`);
}
const { counts, embedder } = manifest;
console.log(
  `${counts.files} files -> ${counts.documents} documents, ${counts.clauses} clauses, ${counts.passages} passages` +
    `${counts.skippedFiles ? ` (${counts.skippedFiles} file(s) skipped)` : ''}; ` +
    `embedder ${embedder.id} (${embedder.dims}-d): ${report.embedded} embedded, ${report.reused} reused; keyword index ${report.keyword}; ` +
    `${report.seconds.toFixed(1)}s. Index: ${values.index}/`,
);
const ocrDocuments = report.documents.filter((d) => d.ocr);
if (ocrDocuments.length > 0) {
  const pages = ocrDocuments.reduce((n, d) => n + d.ocr!.pages, 0);
  const mean = ocrDocuments.reduce((sum, d) => sum + d.ocr!.confidence * d.ocr!.pages, 0) / pages;
  console.log(`OCR: ${ocrDocuments.length} document(s) read from ${pages} scanned page(s), mean confidence ${(mean * 100).toFixed(1)}%; check them against the scans.`);
}
if (values.report) console.log(`Report: ${values.report}`);

const databaseUrl = values['database-url'];
if (databaseUrl) {
  const db = connectPostgres(databaseUrl, { max: 2 });
  console.error(`writing the build to ${db.description}…`);
  const STAGES: Record<PostgresWriteProgress['stage'], string> = {
    documents: 'documents',
    passages: 'passages and vectors',
    postings: 'keyword postings',
    sections: 'section postings',
    indexes: 'indexes (HNSW)',
    switch: 'switching to the new build',
  };
  let stage = '';
  let bar: cliProgress.SingleBar | null = null;
  const tty = process.stderr.isTTY === true && !values.quiet;
  const published = await publishToPostgres(resolve(values.index), db, (p) => {
    if (values.quiet) return;
    if (p.stage !== stage) {
      bar?.stop();
      bar = null;
      stage = p.stage;
      if (tty && (p.stage === 'documents' || p.stage === 'passages')) {
        bar = new cliProgress.SingleBar({ format: `  ${STAGES[p.stage].padEnd(22)} {bar} {value}/{total}`, hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(p.total, p.done);
      } else console.error(`  ${STAGES[p.stage]}…`);
    } else bar?.update(p.done);
  }).finally(async () => {
    (bar as cliProgress.SingleBar | null)?.stop();
    await db.close();
  });
  const took = Object.values(published.seconds).reduce((a, b) => a + b, 0);
  console.log(
    published.written
      ? `PostgreSQL: build ${published.buildId} written to ${published.schema} (${published.rows.passages} passages, ${published.rows.terms} terms) in ${took.toFixed(1)}s and now served` +
          (published.dropped.length > 0 ? `; dropped ${published.dropped.join(', ')}` : '') + '.'
      : `PostgreSQL: build ${published.buildId} is already the one served; nothing written.`,
  );
}
