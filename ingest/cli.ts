// npm run ingest [-- --corpus DIR --index DIR]: corpus/ -> index/, with a summary per document.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { loadCorpus } from './load-corpus.ts';
import { writeIndex } from './write-index.ts';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: 'corpus' },
    index: { type: 'string', default: 'index' },
    quiet: { type: 'boolean', default: false },
  },
});

const started = performance.now();
const bar = new cliProgress.SingleBar(
  { format: 'reading  {bar} {value}/{total} files  {file}', hideCursor: true, clearOnComplete: true },
  cliProgress.Presets.shades_classic,
);
let barStarted = false;
const corpus = await loadCorpus(resolve(values.corpus!), {
  onFile: (file, done, total) => {
    if (values.quiet || !process.stderr.isTTY) return;
    if (!barStarted) {
      bar.start(total, 0, { file });
      barStarted = true;
    }
    bar.update(done, { file });
  },
});
if (barStarted) bar.stop();

const rows = corpus.documents.map((d) => ({
  文档: (d.title ?? '(无标题)').slice(0, 34),
  文号: d.docNumber ?? '',
  类型: d.type ?? '',
  状态: d.status,
  条款: d.clauses.length,
  段落: corpus.passages.filter((p) => p.docId === d.id).length,
  提示: d.warnings.join('; '),
}));
if (!values.quiet) console.table(rows);
for (const f of corpus.files) for (const w of f.warnings) console.warn(`${f.ok ? 'note' : 'WARNING'}: ${f.ok ? `${f.source}: ` : ''}${w}`);

const skipped = corpus.files.filter((f) => !f.ok).length;
const manifest = await writeIndex(resolve(values.index!), {
  documents: corpus.documents,
  passages: corpus.passages,
  sources: corpus.files.filter((f) => f.ok).map((f) => f.source),
  skipped,
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `${manifest.counts.files} files -> ${manifest.counts.documents} documents, ${manifest.counts.clauses} clauses, ` +
    `${manifest.counts.passages} passages in ${seconds}s${skipped ? `; ${skipped} file(s) skipped` : ''}. Index: ${values.index}/`,
);
