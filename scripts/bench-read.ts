// npm run bench:read [-- --full]: read time per MB for each format from 0.1 MB up (to 5 MB, or
// 50 MB with --full), and the hostile files (a 300 MB zip-bomb .docx, a 200 MB .txt, 2 MB of
// <br>) with the seed corpus beside them: seconds and peak RSS, each in a child process of its own.
// Files are generated in a temporary folder and removed afterwards.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCorpus, type FileLimits } from '../ingest/load-corpus.ts';
import { writeBreakHtml, writeLargeText, writeZipBombDocx } from '../tests/helpers/hostile-files.ts';

const MB = 1024 * 1024;

if (process.argv[2] === '--child') {
  // one corpus folder, read as ingest reads it; prints what it cost
  const limits = JSON.parse(process.argv[4] ?? '{}') as Partial<FileLimits>;
  const started = performance.now();
  const corpus = await loadCorpus(process.argv[3]!, { today: '2026-11-26', limits });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      seconds,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      files: corpus.files.map((f) => ({ source: f.source, ok: f.ok, note: f.ok ? '' : f.warnings.join(' ') })),
      documents: corpus.documents.length,
    }),
  );
  process.exit(0);
}

interface ChildResult {
  seconds: number;
  peakRssMb: number;
  files: { source: string; ok: boolean; note: string }[];
  documents: number;
}

function measure(dir: string, limits: Partial<FileLimits> = {}): ChildResult {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-read.ts', '--child', dir, JSON.stringify(limits)], {
    encoding: 'utf8',
    maxBuffer: 64 * MB,
  });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as ChildResult;
  } catch {
    throw new Error(`bench child failed: ${run.stderr.slice(-2000)}`);
  }
}

const full = process.argv.includes('--full');
const sizes = full ? [0.1, 0.5, 1, 2, 5, 10, 25, 50] : [0.1, 0.5, 1, 2, 5];
const root = mkdtempSync(join(tmpdir(), 'bench-read-'));
try {
  console.log('Read time per MB (read + clean + segment, one file per child process; limits raised so every file is read)');
  console.log('format  MB      seconds  s/MB    peak RSS MB  result');
  const generous: Partial<FileLimits> = { maxBytes: 100 * MB, maxHtmlElements: 10_000_000, maxSeconds: 600, maxMemoryMb: 4000 };
  for (const format of ['txt', 'html'] as const) {
    for (const mb of sizes) {
      const dir = join(root, `${format}-${mb}`);
      mkdirSync(dir);
      const file = join(dir, `policy.${format}`);
      if (format === 'txt') await writeLargeText(file, mb);
      else {
        // a government page: paragraphs of articles
        const articles: string[] = [];
        for (let n = 1, size = 0; size < mb * MB; n++) {
          const p = `<p>第${n}条 支持企业开展工业领域大规模设备更新，对符合条件的项目按照贷款金额的百分之一给予贴息。</p>\n`;
          articles.push(p);
          size += Buffer.byteLength(p);
        }
        writeFileSync(file, `<html><head><meta charset="utf-8"><title>措施</title></head><body>${articles.join('')}</body></html>`);
      }
      const r = measure(dir, generous);
      const f = r.files[0]!;
      console.log(
        `${format.padEnd(7)} ${String(mb).padEnd(7)} ${r.seconds.toFixed(2).padStart(7)}  ${(r.seconds / mb).toFixed(2).padStart(5)}  ${String(r.peakRssMb).padStart(11)}  ${f.ok ? 'read' : f.note}`,
      );
      rmSync(dir, { recursive: true, force: true });
    }
  }

  console.log('\nHostile files beside the seed file, default limits');
  console.log('file                         seconds  peak RSS MB  result');
  const hostile: Array<[string, (path: string) => Promise<void>]> = [
    ['bomb-300mb.docx', (p) => writeZipBombDocx(p, 300)],
    ['bomb-300mb-lying.docx', (p) => writeZipBombDocx(p, 300, true)],
    ['huge-200mb.txt', (p) => writeLargeText(p, 200)],
    ['breaks-2mb.html', (p) => writeBreakHtml(p, 2)],
  ];
  for (const [name, write] of hostile) {
    const dir = join(root, name);
    mkdirSync(dir);
    copyFileSync('corpus/yongzhou-gazette-2025-manufacturing-measures.txt', join(dir, 'measures.txt'));
    await write(join(dir, name));
    const r = measure(dir);
    const f = r.files.find((x) => x.source === name)!;
    const seed = r.files.find((x) => x.source === 'measures.txt')!;
    console.log(`${name.padEnd(28)} ${r.seconds.toFixed(2).padStart(7)}  ${String(r.peakRssMb).padStart(11)}  ${f.ok ? 'read' : f.note}${seed.ok ? '' : ' (SEED FILE NOT READ)'}`);
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
