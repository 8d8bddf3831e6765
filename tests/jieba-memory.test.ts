// jieba's dictionary is built in its WebAssembly memory at first use (half a second); the memory
// kept after that build is copied into the next process's jieba instead. Each case runs in
// processes of their own, as the server and ingest do: a process has one jieba.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const child = path.join(root, 'tests/helpers/jieba-child.ts');
const usedChild = path.join(root, 'tests/helpers/jieba-used-child.ts');
// real text of a seed: the tokens must be the same whichever way jieba started
const text = readFileSync(path.join(root, 'corpus', readSeed()), 'utf8').slice(0, 3000);

function readSeed(): string {
  const names = readdirSync(path.join(root, 'corpus'));
  return names.filter((n) => !n.startsWith('.') && n !== 'README.md').sort()[0]!;
}

interface Started {
  how: string;
  tokens: string[];
  words: string[];
}
const run = (file: string): Started =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', child, file, text], { cwd: root, encoding: 'utf8' })) as Started;

let dir: string;
let built: Started;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'jieba-memory-'));
  built = run(path.join(dir, 'jieba.memory'));
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('jieba started from its kept memory', () => {
  it('builds the dictionary the first time and keeps the memory', () => {
    expect(built.how).toBe('built');
    expect(statSync(path.join(dir, 'jieba.memory')).size % 65536).toBe(0);
    expect(built.tokens).toContain('专精特新');
  });

  it('starts from the kept memory next time, with the same tokens and words', () => {
    const restored = run(path.join(dir, 'jieba.memory'));
    expect(restored.how).toBe('restored');
    expect(restored.tokens).toEqual(built.tokens);
    expect(restored.words).toEqual(built.words);
  }, 30_000);

  it('a kept memory cut short is removed, and jieba builds its dictionary as before', () => {
    const file = path.join(dir, 'jieba.memory');
    truncateSync(file, statSync(file).size - 1000);
    const again = run(file);
    expect(again.how).toBe('built');
    expect(again.tokens).toEqual(built.tokens);
    expect(statSync(file).size % 65536).toBe(0);
  }, 30_000);

  it('a kept memory that does not answer the probe as jieba did is put aside, and the fresh instance builds', () => {
    const file = path.join(dir, 'jieba.memory');
    const kept = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { probe: string };
    writeFileSync(`${file}.json`, JSON.stringify({ ...kept, probe: `${kept.probe} 不同` }));
    const again = run(file);
    expect(again.how).toBe('built');
    expect(again.tokens).toEqual(built.tokens);
    expect(again.words).toEqual(built.words);
    expect(existsSync(file)).toBe(true);
    expect(run(file).how).toBe('restored');
  }, 60_000);

  it('a memory kept by a process that had used jieba before is put aside (its tokens would come back without their word)', () => {
    const file = path.join(dir, 'used.memory');
    expect(execFileSync(process.execPath, ['--import', 'tsx', usedChild, file], { cwd: root, encoding: 'utf8' }).trim()).toBe('built');
    const again = run(file);
    expect(again.how).toBe('built');
    expect(again.tokens).toEqual(built.tokens);
    expect(run(file).how).toBe('restored');
  }, 60_000);
});
