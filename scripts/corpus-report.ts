// npm run report [-- --corpus DIR] [--out FILE.tsv|FILE.json]
//
// Reads and segments a corpus without building an index (seconds, not minutes) and writes the
// corpus report: per document its title, 文号, issuer, dates, type, status, clause and article
// counts and warnings. Without --out it prints the summary and the documents with warnings.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { corpusReport, reportSummaryText, writeReport } from '../ingest/corpus-report.ts';
import { loadCorpus } from '../ingest/load-corpus.ts';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: process.env.CORPUS_DIR?.trim() || 'corpus' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('Usage: npm run report -- [--corpus DIR] [--out FILE.tsv|FILE.json]');
  process.exit(0);
}

const corpus = await loadCorpus(resolve(values.corpus!), {
  onFile: (file, done, total) => {
    if (process.stderr.isTTY && total > 0) process.stderr.write(`\rreading ${done}/${total} ${file.slice(0, 40).padEnd(40)}`);
  },
});
if (process.stderr.isTTY) process.stderr.write('\n');
const report = corpusReport(corpus.documents, corpus.files, corpus.collisions);
console.log(reportSummaryText(report));
if (values.out) {
  await writeReport(resolve(values.out), report);
  console.log(`report: ${values.out}`);
} else {
  for (const r of report.documents.filter((d) => d.warnings.length > 0).slice(0, 30)) console.log(`  ${r.source}: ${r.warnings.join('; ')}`);
}
