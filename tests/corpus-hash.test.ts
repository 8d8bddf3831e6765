// A file's content hash decides whether the index is stale and whether a cached parse is reused:
// it must be the sha256 of every byte, for an empty file and for one read in several pieces.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFile } from '../ingest/corpus-files.ts';

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
