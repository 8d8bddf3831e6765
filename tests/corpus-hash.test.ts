// A file's content hash decides whether the index is stale and whether a cached parse is reused:
// it must be the sha256 of every byte, for an empty file and for one read in several pieces.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFile, HashMemo } from '../ingest/corpus-files.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corpus-hash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('corpus file hashes', () => {
  it.each([
    ['an empty file', 0],
    ['a policy-sized file', 15_000],
    ['a file read in three pieces', 2.5 * 2 ** 20],
  ])('hash %s as sha256 of all its bytes', async (_, size) => {
    const bytes = randomBytes(size);
    const path = join(dir, `f-${size}.bin`);
    await writeFile(path, bytes);
    expect(await hashFile(path)).toBe(sha256(bytes));
  });

  it('rejects for a file that is not there', async () => {
    await expect(hashFile(join(dir, 'missing.pdf'))).rejects.toThrow(/ENOENT/);
  });
});

describe('remembered file hashes', () => {
  // the tests' files are hashed 150 ms after they were written, so that 100 ms counts as settled
  const RACY_MS = 100;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

  it('a file unchanged since it was hashed is not read again, and keeps its hash', async () => {
    const path = join(dir, '通知.txt');
    await writeFile(path, '关于推进设备更新的通知');
    await settle();
    const memoFile = join(dir, 'memo-unchanged.json');
    const first = await HashMemo.open(memoFile, RACY_MS);
    const hash = await first.hash(path, '通知.txt');
    expect(first.read).toBe(1);
    await first.save();

    const second = await HashMemo.open(memoFile, RACY_MS);
    expect(await second.hash(path, '通知.txt')).toBe(hash);
    expect(second.read).toBe(0);
  });

  it('a file rewritten with the same size and its old modification time is read again', async () => {
    const path = join(dir, '措施.txt');
    await writeFile(path, '贴息比例为百分之一');
    await settle();
    const memoFile = join(dir, 'memo-rewritten.json');
    const first = await HashMemo.open(memoFile, RACY_MS);
    await first.hash(path, '措施.txt');
    await first.save();

    const { atime, mtime } = await stat(path);
    await writeFile(path, '贴息比例为百分之二');
    await utimes(path, atime, mtime);
    await settle();
    const second = await HashMemo.open(memoFile, RACY_MS);
    expect(await second.hash(path, '措施.txt')).toBe(sha256(Buffer.from('贴息比例为百分之二')));
    expect(second.read).toBe(1);
  });

  it('a file hashed right after it was written is read again next time', async () => {
    const path = join(dir, '规划.txt');
    const memoFile = join(dir, 'memo-racy.json');
    await writeFile(path, '第一版');
    const first = await HashMemo.open(memoFile, 60_000);
    await first.hash(path, '规划.txt');
    await first.save();

    const second = await HashMemo.open(memoFile, 60_000);
    expect(await second.hash(path, '规划.txt')).toBe(sha256(Buffer.from('第一版')));
    expect(second.read).toBe(1);
  });

  it('a damaged memo reads every file and gives the right hashes', async () => {
    const path = join(dir, '意见.txt');
    await writeFile(path, '意见全文');
    const memoFile = join(dir, 'memo-damaged.json');
    await writeFile(memoFile, '{"意见.txt": {"hash": "0000", "si');
    const memo = await HashMemo.open(memoFile, RACY_MS);
    expect(await memo.hash(path, '意见.txt')).toBe(sha256(Buffer.from('意见全文')));
    expect(memo.read).toBe(1);
  });
});
