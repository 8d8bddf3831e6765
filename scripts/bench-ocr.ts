// npm run bench:ocr [-- --pages N]: OCR speed per page and peak memory. A scanned PDF of N copies
// of the fixture page (150 dpi, tests/fixtures/formats/scanned-measures.pdf; default 3) is read
// as ingest reads it, on a worker thread in a child process of its own: seconds for the first
// page (models loaded then), seconds a page after it, peak RSS of the OCR process and of the
// ingest process, mean confidence,
// and the share of the page's characters recognized right. Also writes bench/results/ocr.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCorpus, watchReadProgress } from '../ingest/load-corpus.ts';
import { readPolicyFile } from '../ingest/read-file.ts';

const FIXTURE = join(import.meta.dirname, '..', 'tests', 'fixtures', 'formats', 'scanned-measures.pdf');
const EXPECTED = join(import.meta.dirname, '..', 'tests', 'fixtures', 'formats', 'scanned-measures.expected.txt');

interface Result {
  pages: number;
  firstPageSeconds: number;
  secondsPerPageAfter: number | null;
  totalSeconds: number;
  peakRssMb: number;
  ocrPeakRssMb: number | null;
  confidence: number | null;
  characterAccuracy: number | null;
}

if (process.argv[2] === '--child') {
  const times: number[] = [];
  const started = performance.now();
  let ocrPeak: number | null = null;
  watchReadProgress((p) => {
    times.push(performance.now());
    if (p.ocrPeakRssMb) ocrPeak = Math.max(ocrPeak ?? 0, p.ocrPeakRssMb);
  });
  const corpus = await loadCorpus(process.argv[3]!, { today: '2026-11-26', limits: { maxSeconds: 600 } });
  const total = (performance.now() - started) / 1000;
  const d = corpus.documents[0];
  // times[0] is the start of OCR (after the PDF is opened), then one per page
  const pageTimes = times.slice(1).map((t, i) => (t - times[i]!) / 1000);
  const expected = readFileSync(EXPECTED, 'utf8');
  const result: Result = {
    pages: pageTimes.length,
    firstPageSeconds: pageTimes[0] ?? NaN,
    secondsPerPageAfter: pageTimes.length > 1 ? pageTimes.slice(1).reduce((a, b) => a + b, 0) / (pageTimes.length - 1) : null,
    totalSeconds: total,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    ocrPeakRssMb: ocrPeak,
    confidence: d?.ocr?.confidence ?? null,
    characterAccuracy: null,
  };
  if (!corpus.files[0]?.ok) console.error(corpus.files[0]?.warnings.join(' '));
  // accuracy on the fixture page read alone, after the measures above (identical pages would
  // be taken for running headers by cleaning)
  result.characterAccuracy = characterAccuracy(expected, (await readPolicyFile(FIXTURE)).text);
  console.log(JSON.stringify(result));
  process.exit(0);
}

function characterAccuracy(expected: string, actual: string): number {
  const a = [...expected.replace(/\s/g, '')];
  const b = [...actual.replace(/\s/g, '')];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return 1 - previous[b.length]! / a.length;
}

/** The fixture's page N times: N page objects sharing its content and image. */
function repeatPages(pdf: Buffer, n: number): Buffer {
  const text = pdf.toString('latin1');
  const object = (k: number): string => {
    const from = text.indexOf(`\n${k} 0 obj\n`) + `\n${k} 0 obj\n`.length;
    return text.slice(from, text.indexOf('\nendobj\n', from));
  };
  const page = object(3);
  const bodies = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${Array.from({ length: n }, (_, i) => `${i + 6} 0 R`).join(' ')}] /Count ${n} >>`,
    '<< >>',
    object(4),
    object(5),
    ...Array.from({ length: n }, () => page),
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  bodies.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = `xref\n0 ${bodies.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `${xref}trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R >>\nstartxref\n${out.length}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const { values } = parseArgs({ options: { pages: { type: 'string', default: '3' } } });
const pages = Math.max(1, Number(values.pages) || 3);
const dir = mkdtempSync(join(tmpdir(), 'bench-ocr-'));
try {
  writeFileSync(join(dir, 'scan.pdf'), repeatPages(readFileSync(FIXTURE), pages));
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-ocr.ts', '--child', dir], { encoding: 'utf8', timeout: 1_800_000 });
  if (run.status !== 0) throw new Error(run.stderr || `child exited ${run.status}`);
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as Result;
  const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
  console.log(`OCR of a scanned PDF (${result.pages} pages, A4 at 150 dpi), ${process.env.OCR_BENCH_MACHINE ?? `${(await import('node:os')).cpus().length} cores`}`);
  console.log(`  first page (models loaded)  ${result.firstPageSeconds.toFixed(1)} s`);
  if (result.secondsPerPageAfter !== null) console.log(`  each page after             ${result.secondsPerPageAfter.toFixed(1)} s`);
  console.log(`  whole file                  ${result.totalSeconds.toFixed(1)} s`);
  console.log(`  peak RSS, OCR process       ${result.ocrPeakRssMb ?? '-'} MB`);
  console.log(`  peak RSS, ingest process    ${result.peakRssMb} MB (reader thread and page rendering)`);
  console.log(`  mean confidence             ${pct(result.confidence)}`);
  console.log(`  characters right            ${pct(result.characterAccuracy)}`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/ocr.json', JSON.stringify({ ...result, measuredAt: new Date().toISOString() }, null, 2) + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
