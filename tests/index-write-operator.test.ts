// Durable, portable index writes and an operator's mistakes: a mount-point INDEX_DIR (a real
// tmpfs where this machine allows mounting, the same code path forced otherwise), recovery that
// reads no process ids, and one clear line for a missing or empty corpus, a full disk and a
// read-only index folder, with no temporary folder left behind.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build-index.ts';
import { INDEX_FILES, readIndexJsonArraySync, recoverIndex, writeJsonArray } from '../ingest/write-index.ts';
import { loadIndex } from '../server/load-index.ts';

let tmp: string;
let corpusDir: string;
const mounts: string[] = [];

/** Mounts a tmpfs (root only, where the container allows it); false when it cannot. */
function mountTmpfs(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    mounts.push(dir);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'index-write-'));
  corpusDir = join(tmp, 'corpus');
  await mkdir(corpusDir);
  await copyFile('corpus/yongzhou-gazette-2025-manufacturing-measures.txt', join(corpusDir, 'measures.txt'));
});
afterAll(async () => {
  for (const dir of mounts.reverse()) spawnSync('umount', [dir]);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const build = (indexDir: string) => buildIndex({ corpusDir, indexDir, embedder: 'builtin', warn: () => {} });

describe('index files written a piece at a time', () => {
  it('a JSON array streamed through gzip is JSON, one element a line, and is read back an element at a time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'json-array-'));
    try {
      const items = Array.from({ length: 5000 }, (_, i) => ({ id: `第${i}条`, text: '设备更新贷款贴息'.repeat(i % 7), drop: i }));
      const shape = ({ drop: _drop, ...rest }: (typeof items)[number]) => rest;
      await writeJsonArray(join(dir, 'a.json.gz'), items, shape);
      await writeJsonArray(join(dir, 'b.json'), [], shape);
      // JSON as any reader takes it, one element a line
      const text = gunzipSync(await readFile(join(dir, 'a.json.gz'))).toString('utf8');
      expect(JSON.parse(text)).toEqual(items.map(shape));
      expect(text.split('\n')).toHaveLength(items.length + 2);
      expect(JSON.parse(await readFile(join(dir, 'b.json'), 'utf8'))).toEqual([]);
      // and is read back an element at a time, whatever the elements' strings hold
      expect(readIndexJsonArraySync(join(dir, 'a.json.gz'))).toEqual(items.map(shape));
      expect(readIndexJsonArraySync(join(dir, 'b.json'))).toEqual([]);
      const tricky = [{ t: '第一条 "引号" ], [ {括号} ，逗号, \\ 反斜杠 \" 转义\n第二款,\n]', path: ['第一编', ['[', ']']] }, 'text,]', 7, null, [1, [2, { a: '}' }]], ','];
      await writeJsonArray(join(dir, 'c.json.gz'), tricky, (x) => x);
      expect(readIndexJsonArraySync(join(dir, 'c.json.gz'))).toEqual(tricky);
      // a file cut short, or with an element lost after its comma, is refused, not read in part
      for (const broken of ['[\n{"a":1},\n{"b":', '[\n{"a":1},\n]', '[\n{"a":1}\n{"b":2}\n]', '[{"a":1}]', '[\n{"a":1}\n']) {
        await writeFile(join(dir, 'd.json'), broken);
        expect(() => readIndexJsonArraySync(join(dir, 'd.json')), broken).toThrow();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a mount-point INDEX_DIR', () => {
  it('is written by swapping files inside it, and read back', async () => {
    const indexDir = join(tmp, 'volume');
    await mkdir(indexDir);
    const mounted = mountTmpfs(indexDir, 'size=64m');
    if (!mounted) console.warn('[index-write] cannot mount a tmpfs here: the inside swap is forced instead');
    if (mounted) {
      await build(indexDir);
      await copyFile('corpus/huzhou-manufacturing-opinions-interview.txt', join(corpusDir, 'huzhou.txt'));
      await build(indexDir);
      await rm(join(corpusDir, 'huzhou.txt'));
    } else {
      process.env.INDEX_SWAP_INSIDE = '1';
      try {
        await build(indexDir);
        await build(indexDir);
      } finally {
        delete process.env.INDEX_SWAP_INSIDE;
      }
    }
    const index = await loadIndex(indexDir);
    expect(index.documents.length).toBeGreaterThan(0);
    expect((await readdir(indexDir)).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 60_000);

  it('finishes a swap that a killed build left half done', async () => {
    const indexDir = join(tmp, 'half-swapped');
    const next = join(tmp, 'next-build');
    await build(indexDir);
    await copyFile('corpus/huzhou-manufacturing-opinions-interview.txt', join(corpusDir, 'huzhou.txt'));
    await build(next);
    await rm(join(corpusDir, 'huzhou.txt'));
    // the killed build had marked its folder complete, removed the manifest and moved two files in
    const swap = join(indexDir, '.swap-deadbeef');
    await cp(next, swap, { recursive: true });
    await writeFile(join(swap, '.files.json'), JSON.stringify((await readdir(next)).filter((f) => f !== 'manifest.json')));
    await rm(join(indexDir, 'manifest.json'));
    await rename(join(swap, INDEX_FILES.documents), join(indexDir, INDEX_FILES.documents));
    await rename(join(swap, INDEX_FILES.passages), join(indexDir, INDEX_FILES.passages));
    const index = await loadIndex(indexDir); // recovery runs first
    expect(index.manifest.counts.documents).toBe((await loadIndex(next)).manifest.counts.documents);
    expect((await readdir(indexDir)).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 60_000);
});

describe('recovery without process ids', () => {
  it('puts back an index moved aside by a build that died between its renames, whatever its name says', async () => {
    const indexDir = join(tmp, 'between-renames');
    await build(indexDir);
    await rename(indexDir, `${indexDir}.old-${process.pid}`); // a live pid in the name changes nothing
    await recoverIndex(indexDir);
    expect((await loadIndex(indexDir)).documents.length).toBeGreaterThan(0);
  }, 60_000);

  it('removes a temporary folder nobody has touched for ten minutes, and leaves a fresh one', async () => {
    const indexDir = join(tmp, 'leftovers');
    await build(indexDir);
    const abandoned = `${indexDir}.tmp-abandoned`;
    const fresh = `${indexDir}.tmp-writing`;
    await mkdir(abandoned);
    await mkdir(fresh);
    const longAgo = new Date(Date.now() - 11 * 60_000);
    await utimes(abandoned, longAgo, longAgo);
    await recoverIndex(indexDir);
    const left = (await readdir(tmp)).filter((f) => f.startsWith('leftovers.'));
    expect(left).toEqual(['leftovers.tmp-writing']);
  }, 60_000);
});

/** `npm run ingest`'s command; its stderr and exit code. */
function ingest(corpus: string, index: string): { code: number | null; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'ingest/cli.ts', '--corpus', corpus, '--index', index, '--embedder', 'builtin', '--quiet'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stderr: run.stderr.trim() };
}

const oneLine = (stderr: string) => {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
};

describe('operator mistakes: one line each', () => {
  it('a missing corpus folder', () => {
    const run = ingest(join(tmp, 'no-such-corpus'), join(tmp, 'never'));
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toMatch(/^ingest: There is no corpus folder .*no-such-corpus/);
  }, 60_000);

  it('an empty corpus folder', async () => {
    const empty = join(tmp, 'empty-corpus');
    await mkdir(empty);
    await writeFile(join(empty, '.DS_Store'), '');
    const run = ingest(empty, join(tmp, 'never'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/has no files to ingest/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('a full disk: the previous index stays, no temporary folder is left', async () => {
    const disk = join(tmp, 'small-disk');
    await mkdir(disk);
    if (!mountTmpfs(disk, 'size=32k')) {
      console.warn('[index-write] cannot mount a tmpfs here: the full-disk case is not exercised');
      return;
    }
    const run = ingest(corpusDir, join(disk, 'index'));
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toMatch(/^ingest: The disk is full/);
    expect((await readdir(disk)).filter((f) => !f.endsWith('-cache'))).toEqual([]);
  }, 60_000);

  it('a read-only index folder', async () => {
    const readOnly = join(tmp, 'read-only');
    await mkdir(readOnly);
    if (!mountTmpfs(readOnly, 'ro,size=1m')) {
      console.warn('[index-write] cannot mount a tmpfs here: the read-only case is not exercised');
      return;
    }
    const run = ingest(corpusDir, join(readOnly, 'index'));
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toMatch(/^ingest: .*read-only file system/);
  }, 60_000);
});
