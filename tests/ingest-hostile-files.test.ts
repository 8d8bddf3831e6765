// Files that would stall or exhaust ingest are stopped by the limit they break, named with it, and
// skipped, while the rest of the corpus ingests. Every hostile file is generated here, in a
// temporary folder. Speed is measured by `npm run bench:read`, not asserted here.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCorpus, type LoadedCorpus } from '../ingest/load-corpus.ts';
import { writeBreakHtml, writeLargeText, writeZipBombDocx } from './helpers/hostile-files.ts';

const root = mkdtempSync(join(tmpdir(), 'hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const SEED = 'corpus/yongzhou-gazette-2025-manufacturing-measures.txt';

function folder(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  copyFileSync(SEED, join(dir, 'measures.txt'));
  return dir;
}

const skipped = (corpus: LoadedCorpus, source: string): string => {
  const file = corpus.files.find((f) => f.source === source)!;
  expect(file.ok, source).toBe(false);
  return file.warnings.join(' ');
};
const measuresIngested = (corpus: LoadedCorpus) =>
  expect(corpus.documents.filter((d) => d.source === 'measures.txt').length).toBeGreaterThan(0);

describe('hostile files', () => {
  it('skips a zip-bomb .docx, a 200 MB .txt and 2 MB of <br> each by the limit it breaks, and ingests the rest', async () => {
    const dir = folder('mixed');
    await Promise.all([
      writeZipBombDocx(join(dir, 'bomb.docx'), 300),
      writeZipBombDocx(join(dir, 'liar.docx'), 300, true),
      writeLargeText(join(dir, 'huge.txt'), 200),
      writeBreakHtml(join(dir, 'breaks.html'), 2),
    ]);
    const corpus = await loadCorpus(dir, { today: '2026-11-26' });
    expect(skipped(corpus, 'bomb.docx')).toMatch(/bomb\.docx.*decompressed size.*MAX_UNZIPPED_MB/);
    expect(skipped(corpus, 'liar.docx')).toMatch(/liar\.docx.*decompressed size over 200 MB.*MAX_UNZIPPED_MB/);
    expect(skipped(corpus, 'huge.txt')).toMatch(/huge\.txt.*size 200 MB; the limit is 50 MB.*MAX_FILE_MB/);
    expect(skipped(corpus, 'breaks.html')).toMatch(/breaks\.html.*HTML elements.*MAX_HTML_ELEMENTS/);
    measuresIngested(corpus);
  }, 60_000);

  it('reads 2 MB of <br> when the element limit allows it (the HTML reader is linear)', async () => {
    const dir = folder('breaks');
    await writeBreakHtml(join(dir, 'breaks.html'), 2);
    const corpus = await loadCorpus(dir, { today: '2026-11-26', limits: { maxHtmlElements: 1_000_000 } });
    expect(corpus.files.find((f) => f.source === 'breaks.html')!.ok).toBe(true);
    measuresIngested(corpus);
  }, 60_000);

  it('stops a file that runs past its time, and goes on with a fresh reader', async () => {
    const dir = folder('slow');
    await writeLargeText(join(dir, 'a-slow.txt'), 8);
    const corpus = await loadCorpus(dir, { today: '2026-11-26', limits: { maxSeconds: 0.5, maxMemoryMb: 4000 } });
    expect(skipped(corpus, 'a-slow.txt')).toMatch(/a-slow\.txt was skipped: it took longer than 0\.5 s.*MAX_FILE_SECONDS/);
    measuresIngested(corpus);
  }, 60_000);

  it('stops a file that needs more memory than its limit', async () => {
    const dir = folder('hungry');
    await writeLargeText(join(dir, 'a-hungry.txt'), 30);
    const corpus = await loadCorpus(dir, { today: '2026-11-26', limits: { maxMemoryMb: 150 } });
    expect(skipped(corpus, 'a-hungry.txt')).toMatch(/a-hungry\.txt was skipped: it needed more than 150 MB.*MAX_FILE_MEMORY_MB/);
    measuresIngested(corpus);
  }, 60_000);
});
