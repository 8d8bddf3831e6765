// Building the index from the seed corpus: what the manifest says, that a rebuild embeds only
// what changed, that a killed build leaves the served index intact, and that a server refuses an
// index it cannot answer from correctly. The default model is the tiny random-weight twin of
// bge-small-zh-v1.5, loaded through MODEL_DIR; nothing reaches the network.
import { spawn } from 'node:child_process';
import { appendFile, cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCacheDir } from '../ingest/build-cache.ts';
import { buildIndex, indexIsStale, passageIndexText, previousPositions } from '../ingest/build-index.ts';
import { bruteForceSearch } from '../ingest/vector-index.ts';
import { INDEX_FILES, SEGMENTATION_VERSION, TOKENIZER_ID } from '../ingest/write-index.ts';
import { IndexLoadError, loadIndex } from '../server/load-index.ts';
import { ensureTestModel } from './helpers/test-model.ts';

const seeds = path.resolve('corpus');
let scratch: string;
let tinyModel: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'index-build-'));
  tinyModel = await ensureTestModel({ tiny: true });
  vi.stubGlobal('fetch', async () => {
    throw new TypeError('fetch failed: network access in a test');
  });
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await rm(scratch, { recursive: true, force: true });
});

async function corpusCopy(name: string): Promise<string> {
  const dir = path.join(scratch, name);
  await cp(seeds, dir, { recursive: true });
  return dir;
}

const quiet = { warn: () => {} };

describe('which previous passage a rebuilt passage takes over', () => {
  it('matches texts in order, each previous passage once, repeats occurrence by occurrence', () => {
    const ids = (s: string) => s.split(' ');
    // one passage edited, one removed, one added
    expect(Array.from(previousPositions(ids('a b c d e'), ids('a b2 c e f')))).toEqual([0, -1, 2, 4, -1]);
    // the same text in three copies of a law; the first copy's is edited: the second copy's takes
    // its own previous passage, not the edited one's, so kept passages keep their order
    expect(Array.from(previousPositions(ids('x p y p z p'), ids('x p2 y p z p')))).toEqual([0, -1, 2, 3, 4, 5]);
    // an edit that makes a passage read like another: the repeat is new, the rest keep their place
    expect(Array.from(previousPositions(ids('x p y q'), ids('x p y p q')))).toEqual([0, 1, 2, -1, 3]);
    // a file moved before another: what moved is read again rather than break the order
    expect(Array.from(previousPositions(ids('a b c d'), ids('c d a b')))).toEqual([2, 3, -1, -1]);
  });

  it('takes, for each passage, the first previous passage with its text after the last one taken', () => {
    // corpora of few distinct texts, edited at random: repeats, runs kept in order, moves
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const before = Array.from({ length: Math.floor(random() * 30) }, () => String.fromCharCode(97 + Math.floor(random() * 6)));
      const after = before.flatMap((t) => (random() < 0.15 ? [] : random() < 0.1 ? [t, String.fromCharCode(97 + Math.floor(random() * 8))] : [t]));
      if (random() < 0.3 && after.length > 2) after.push(...after.splice(0, Math.floor(random() * after.length)));
      let last = -1;
      const expected = after.map((t) => {
        for (let i = last + 1; i < before.length; i++) if (before[i] === t) return (last = i);
        return -1;
      });
      expect(Array.from(previousPositions(before, after))).toEqual(expected);
    }
  });
});

describe('re-ingest of a corpus holding the same text twice', () => {
  it('keeps every repeated passage in the vector graph instead of dropping and adding it again', async () => {
    const corpusDir = await corpusCopy('twice-corpus');
    // the same notice published under two names: every passage of it is there twice
    await cp(path.join(corpusDir, 'yongzhou-gazette-2025-manufacturing-measures.txt'), path.join(corpusDir, 'yongzhou-measures-reprint.txt'));
    const indexDir = path.join(scratch, 'twice-index');
    await buildIndex({ corpusDir, indexDir, embedder: 'builtin', ...quiet });
    const again = await buildIndex({ corpusDir, indexDir, embedder: 'builtin', ...quiet });
    expect(again.embedded).toBe(0);
    const meta = JSON.parse(await readFile(path.join(indexDir, 'vectors.json'), 'utf8')) as { deleted?: number };
    expect(meta.deleted ?? 0).toBe(0);
    const index = await loadIndex(indexDir);
    expect(index.vectors.allVectors().length).toBe(index.passages.length * index.manifest.embedder.dims);
  });
});

describe('an index with a damaged file', () => {
  it('is refused with INDEX_CORRUPT naming the file, whichever file it is, and leaves nothing behind', async () => {
    const corpusDir = await corpusCopy('damaged-corpus');
    const indexDir = path.join(scratch, 'damaged-index');
    await buildIndex({ corpusDir, indexDir, embedder: 'builtin', ...quiet });
    const graphs = async () => (await readdir(tmpdir())).filter((f) => f.startsWith(`policy-search-${process.pid}-`));
    const before = await graphs();
    const damaged = path.join(scratch, 'damaged-copy');
    // the files read on the thread pool while others are parsed: each named when it is the damaged one
    for (const name of [INDEX_FILES.documents, INDEX_FILES.texts, INDEX_FILES.passages, INDEX_FILES.keywordPostings, INDEX_FILES.builtinEmbedder, 'vectors.hnsw8']) {
      await rm(damaged, { recursive: true, force: true });
      await cp(indexDir, damaged, { recursive: true });
      const bytes = await readFile(path.join(damaged, name));
      await writeFile(path.join(damaged, name), bytes.subarray(0, Math.floor(bytes.length / 2)));
      const error = await loadIndex(damaged).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(IndexLoadError);
      expect((error as IndexLoadError).code, name).toBe('INDEX_CORRUPT');
      expect((error as Error).message, name).toContain(name === 'vectors.hnsw8' ? 'vectors' : name);
    }
    // no expanded graph is left in the temporary folder, whichever step failed
    expect(await graphs()).toEqual(before);
    expect((await loadIndex(indexDir)).passages.length).toBeGreaterThan(0);
  });
});

describe('index build with the built-in embedder', () => {
  let indexDir: string;
  let corpusDir: string;

  beforeAll(async () => {
    corpusDir = await corpusCopy('builtin-corpus');
    indexDir = path.join(scratch, 'builtin-index');
    await buildIndex({ corpusDir, indexDir, embedder: 'builtin', ...quiet });
  });

  it('writes a manifest naming format, embedder, tokenizer and counts', async () => {
    const manifest = JSON.parse(await readFile(path.join(indexDir, 'manifest.json'), 'utf8'));
    expect(manifest.formatVersion).toBe(8);
    expect(manifest.embedder).toMatchObject({ id: 'builtin-lsa-v1', kind: 'builtin' });
    expect(manifest.embedder.dims).toBeGreaterThan(100);
    expect(manifest.tokenizer.id).toMatch(/jieba/);
    expect(manifest.tokenizer.dictionaryTerms).toBeGreaterThan(100);
    expect(manifest.counts).toEqual({ documents: 8, clauses: 211, passages: 237, files: 5, skippedFiles: 0 });
    expect(new Date(manifest.builtAt).getTime()).toBeGreaterThan(Date.now() - 600_000);
  });

  it('re-ingest with no change embeds nothing and gives the same vectors', async () => {
    const before = (await loadIndex(indexDir)).vectors.allVectors();
    const again = await buildIndex({ corpusDir, indexDir, embedder: 'builtin', ...quiet });
    expect(again.embedded).toBe(0);
    expect(again.reused).toBe(237);
    expect((await loadIndex(indexDir)).vectors.allVectors()).toEqual(before);
  });

  it('re-ingest after a sentence changed updates the keyword index, which answers as one built from nothing', async () => {
    const file = path.join(corpusDir, 'yongzhou-gazette-2025-manufacturing-measures.txt');
    const text = await readFile(file, 'utf8');
    const sentence = text.match(/[^。\n]*贴息[^。\n]*。/u)![0];
    await writeFile(file, text.replace(sentence, `${sentence}对购置国产工业母机的企业另行给予设备更新奖补。`));
    try {
      const updated = await buildIndex({ corpusDir, indexDir, embedder: 'builtin', ...quiet });
      expect(updated.keyword).toBe('updated');
      expect(updated.embedded).toBeGreaterThan(0);
      const freshDir = path.join(scratch, 'builtin-index-fresh');
      const fresh = await buildIndex({ corpusDir, indexDir: freshDir, embedder: 'builtin', ...quiet });
      expect(fresh.keyword).toBe('built');
      const [a, b] = [await loadIndex(indexDir), await loadIndex(freshDir)];
      for (const q of ['工业母机 奖补', '设备更新 贴息', '我们买了新设备，贷款利息能补吗？', '永政发〔2025〕2号', '专精特新']) {
        expect(a.keyword.search(q, 10), q).toEqual(b.keyword.search(q, 10));
      }
      expect(a.keyword.search('工业母机', 1)[0]!.id).toBe(a.passages.findIndex((p) => p.text.includes('工业母机')));
    } finally {
      await writeFile(file, text);
      await buildIndex({ corpusDir, indexDir, embedder: 'builtin', ...quiet });
    }
  });

  it('re-ingest over a damaged keyword index builds it afresh, as one built from nothing', async () => {
    const file = path.join(corpusDir, 'yongzhou-gazette-2025-manufacturing-measures.txt');
    const text = await readFile(file, 'utf8');
    const postings = path.join(indexDir, INDEX_FILES.keywordPostings);
    const bytes = await readFile(postings);
    // the index's own copy is replaced, not written into: a loaded index may be reading it
    await rm(postings);
    await writeFile(postings, bytes.subarray(0, bytes.length >> 1));
    await writeFile(file, text.replace('贴息', '贴息补助'));
    try {
      const rebuilt = await buildIndex({ corpusDir, indexDir, embedder: 'builtin', ...quiet });
      expect(rebuilt.keyword).toBe('built');
      const freshDir = path.join(scratch, 'builtin-index-fresh-2');
      await buildIndex({ corpusDir, indexDir: freshDir, embedder: 'builtin', ...quiet });
      for (const name of [INDEX_FILES.keyword, INDEX_FILES.keywordPostings]) {
        expect(await readFile(path.join(indexDir, name)), name).toEqual(await readFile(path.join(freshDir, name)));
      }
    } finally {
      await writeFile(file, text);
      await buildIndex({ corpusDir, indexDir, embedder: 'builtin', ...quiet });
    }
  });

  it('HNSW recall@10 against exact search is at least 0.99 on the seeds’ vectors', async () => {
    const index = await loadIndex(indexDir);
    const dims = index.manifest.embedder.dims;
    const all = index.vectors.allVectors();
    const vectors = Array.from({ length: index.passages.length }, (_, i) => all.subarray(i * dims, (i + 1) * dims));
    const queries = ['设备更新 贴息', '专精特新 小巨人 奖励', '我们买了新设备，贷款利息能补吗？', '绿色工厂', '人才引进', '5G基站', '飞地经济', '上市公司'];
    const probes = [...(await Promise.all(queries.map((q) => index.embedder.embedQuery(q)))), ...vectors.filter((_, i) => i % 10 === 0)];
    let found = 0;
    for (const probe of probes) {
      const exact = new Set(bruteForceSearch(vectors, probe, 10).map((h) => h.id));
      found += index.vectors.search(probe, 10).filter((h) => exact.has(h.id)).length;
    }
    expect(found / (probes.length * 10)).toBeGreaterThanOrEqual(0.99);
  });

  it('puts the document title and the clause’s headings before the passage text it indexes', async () => {
    const index = await loadIndex(indexDir);
    const passage = index.passages.find((p) => p.text.includes('贴息期限1年'))!;
    const doc = index.documentsById.get(passage.docId)!;
    const text = passageIndexText(doc, index.clausesById.get(passage.clauseId), passage);
    expect(text.startsWith(doc.title!)).toBe(true);
    expect(text.endsWith(passage.text)).toBe(true);
  });

  it('says when the index is older than the corpus', async () => {
    expect(await indexIsStale(corpusDir, indexDir)).toBeNull();
    const file = (await readdir(corpusDir))[0]!;
    await appendFile(path.join(corpusDir, file), '\n');
    expect(await indexIsStale(corpusDir, indexDir)).toMatch(file);
    await writeFile(path.join(corpusDir, 'new.txt'), '关于印发某某办法的通知');
    expect(await indexIsStale(corpusDir, indexDir)).toMatch('new.txt');
    expect(await indexIsStale(corpusDir, path.join(scratch, 'nowhere'))).toMatch(/no index/);
  });

  it('says when the index was segmented into clauses by an earlier version', async () => {
    const file = path.join(indexDir, INDEX_FILES.manifest);
    const written = await readFile(file, 'utf8');
    const manifest = JSON.parse(written) as { segmentationVersion?: number };
    expect(manifest.segmentationVersion).toBe(SEGMENTATION_VERSION);
    try {
      delete manifest.segmentationVersion;
      await writeFile(file, JSON.stringify(manifest));
      expect(await indexIsStale(corpusDir, indexDir)).toMatch(/segmented into clauses by version 1 .* segments by 2/);
    } finally {
      await writeFile(file, written);
    }
  });

  it('says when the index was tokenized by another tokenizer', async () => {
    const file = path.join(indexDir, INDEX_FILES.manifest);
    const written = await readFile(file, 'utf8');
    const manifest = JSON.parse(written) as { tokenizer: { id: string } };
    expect(manifest.tokenizer.id).toBe(TOKENIZER_ID);
    try {
      manifest.tokenizer.id = 'jieba-wasm-2 search mode + policy dictionary + CJK bigrams';
      await writeFile(file, JSON.stringify(manifest));
      expect(await indexIsStale(corpusDir, indexDir)).toMatch(/tokenized by "jieba-wasm-2 search mode \+ policy dictionary/);
    } finally {
      await writeFile(file, written);
    }
  });
});

describe('index build with the default model (tiny twin through MODEL_DIR)', () => {
  let indexDir: string;
  let corpusDir: string;

  beforeAll(async () => {
    corpusDir = await corpusCopy('twin-corpus');
    indexDir = path.join(scratch, 'twin-index');
    await buildIndex({ corpusDir, indexDir, embedder: 'bge-small-zh', modelDir: tinyModel, ...quiet });
  });

  it('records the model and its weights in the manifest', async () => {
    const index = await loadIndex(indexDir, { modelDir: tinyModel });
    expect(index.manifest.embedder).toMatchObject({ id: 'Xenova/bge-small-zh-v1.5', kind: 'transformers', dims: 512 });
    expect(index.manifest.embedder.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(index.embedderProblem).toBeNull();
  });

  it('re-ingest with no change embeds nothing', async () => {
    const again = await buildIndex({ corpusDir, indexDir, embedder: 'bge-small-zh', modelDir: tinyModel, ...quiet });
    expect(again.embedded).toBe(0);
  });

  it('a rebuild from the kept parses, tokens and graph gives what a build from nothing gives', async () => {
    const file = path.join(corpusDir, 'huzhou-manufacturing-opinions-interview.txt');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('湖州', '湖州市'));
    const cached = await buildIndex({ corpusDir, indexDir, embedder: 'bge-small-zh', modelDir: tinyModel, ...quiet });
    expect(await readdir(path.join(scratch, '.twin-index-cache', 'parsed'))).toHaveLength(5);
    const freshDir = path.join(scratch, 'twin-index-fresh');
    await buildIndex({ corpusDir, indexDir: freshDir, embedder: 'bge-small-zh', modelDir: tinyModel, ...quiet });
    for (const name of [INDEX_FILES.documents, INDEX_FILES.texts, INDEX_FILES.passages, INDEX_FILES.keyword, INDEX_FILES.keywordPostings, INDEX_FILES.embeddingCache]) {
      expect(await readFile(path.join(indexDir, name)), name).toEqual(await readFile(path.join(freshDir, name)));
    }
    const [a, b] = [await loadIndex(indexDir, { modelDir: tinyModel }), await loadIndex(freshDir, { modelDir: tinyModel })];
    // (a kept vector was embedded in another batch than a fresh one, so vectors agree only so far)
    const va = a.vectors.allVectors();
    expect(va.length).toBe(b.vectors.allVectors().length);
    // the graph updated in place finds each passage's own vector (stored in 8 bits: its length is 1 to within 0.005)
    const dims = a.manifest.embedder.dims;
    for (const id of [0, 50, a.passages.length - 1]) {
      const own = a.vectors.search(va.subarray(id * dims, (id + 1) * dims), 1)[0]!;
      expect(own.id).toBe(id);
      expect(own.score).toBeCloseTo(1, 2);
    }
    expect(cached.embedded).toBeGreaterThan(0);
    await writeFile(file, text);
    await buildIndex({ corpusDir, indexDir, embedder: 'bge-small-zh', modelDir: tinyModel, ...quiet });
  });

  it('re-ingest after one file changed embeds only that file’s new passages', async () => {
    const file = path.join(corpusDir, 'huzhou-manufacturing-opinions-interview.txt');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('绿色是湖州的底色', '绿色是湖州最亮的底色'));
    const again = await buildIndex({ corpusDir, indexDir, embedder: 'bge-small-zh', modelDir: tinyModel, ...quiet });
    expect(again.embedded).toBeGreaterThan(0);
    expect(again.embedded).toBeLessThan(10);
    expect(again.reused).toBe(again.manifest.counts.passages - again.embedded);
  });

  it('refuses to serve it with a different model, naming both', async () => {
    const other = await ensureTestModel({ tiny: false });
    const error = await loadIndex(indexDir, { modelDir: other }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexLoadError);
    expect((error as IndexLoadError).code).toBe('INDEX_EMBEDDER');
  });

  it('serves keyword search, marked degraded, when the model has gone missing', async () => {
    const index = await loadIndex(indexDir, { modelDir: path.join(scratch, 'no-model-here') });
    // the full reason is the server's; clients get one without its paths
    expect(index.embedderProblemDetail).toMatch(/MODEL_DIR/);
    expect(index.embedderProblem).toMatch(/embedding model/);
    expect(index.embedderProblem).not.toContain(scratch);
  });

  it('a second ingest killed half-way leaves the previous index loadable', async () => {
    const before = JSON.parse(await readFile(path.join(indexDir, 'manifest.json'), 'utf8'));
    // Force a full re-embedding so the child is still embedding when it is killed.
    await rm(path.join(indexDir, INDEX_FILES.embeddingCache));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'ingest/cli.ts', '--corpus', corpusDir, '--index', indexDir, '--embedder', 'bge-small-zh', '--model-dir', tinyModel],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    const killed = new Promise<string>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (/embedded \d+\/\d+/.test(log) && child.exitCode === null) child.kill('SIGKILL');
      });
      child.on('exit', (_code, signal) => resolve(String(signal)));
    });
    expect(await killed).toBe('SIGKILL');
    expect(log).toMatch(/embedded \d+\/\d+/);

    const index = await loadIndex(indexDir, { modelDir: tinyModel });
    expect(index.manifest.builtAt).toBe(before.builtAt);
    expect(index.passages.length).toBe(before.counts.passages);
    // the dead build had written its keyword postings ahead, into the build cache
    const spooled = async () => (await readdir(buildCacheDir(indexDir))).filter((f) => f.endsWith('.spool'));
    expect(await spooled()).toEqual([expect.stringMatching(/^keyword-index\.bin\.\d+\.spool$/)]);
    // and the next build cleans up after the dead one
    await buildIndex({ corpusDir, indexDir, embedder: 'bge-small-zh', modelDir: tinyModel, ...quiet });
    const leftovers = (await readdir(scratch)).filter((f) => f.startsWith('twin-index.'));
    expect(leftovers).toEqual([]);
    expect(await spooled()).toEqual([]);
  });
});

describe('choosing the embedder', () => {
  it('falls back to the built-in embedder, loudly, when the default model cannot be loaded', async () => {
    const warnings: string[] = [];
    vi.stubEnv('HF_HUB_OFFLINE', '1');
    const report = await buildIndex({
      corpusDir: seeds,
      indexDir: path.join(scratch, 'fallback-index'),
      modelDir: path.join(scratch, 'no-model-here'),
      warn: (m) => warnings.push(m),
    });
    vi.unstubAllEnvs();
    expect(report.manifest.embedder.kind).toBe('builtin');
    expect(report.manifest.embedder.fallbackReason).toMatch(/MODEL_DIR/);
    expect(warnings.join('\n')).toMatch(/built-in embedder/);
    expect(warnings.join('\n')).toMatch(/HF_ENDPOINT/);
  });

  it('fails, rather than falls back, when bge-small-zh is asked for by name and cannot be loaded', async () => {
    await expect(
      buildIndex({ corpusDir: seeds, indexDir: path.join(scratch, 'named-index'), embedder: 'bge-small-zh', modelDir: path.join(scratch, 'none'), ...quiet }),
    ).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });

  it('refuses an index of another format with a clear message', async () => {
    const indexDir = path.join(scratch, 'old-format');
    await buildIndex({ corpusDir: seeds, indexDir, embedder: 'builtin', ...quiet });
    const manifestPath = path.join(indexDir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    await writeFile(manifestPath, JSON.stringify({ ...manifest, formatVersion: 1 }));
    await expect(loadIndex(indexDir)).rejects.toMatchObject({ code: 'INDEX_FORMAT' });
    await expect(loadIndex(path.join(scratch, 'absent'))).rejects.toMatchObject({ code: 'INDEX_MISSING' });
  });
});
