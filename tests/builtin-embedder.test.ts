import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createChineseTokenizer } from '../ingest/chinese-tokenizer.ts';
import { BuiltinEmbedder, builtinFileToJSON } from '../ingest/embedders/builtin-embedder.ts';
import { TrainingThread } from '../ingest/build-index.ts';
import { createCachingTokenizer } from '../ingest/chinese-tokenizer.ts';

const { passages } = JSON.parse(readFileSync(new URL('./fixtures/passages-sample.json', import.meta.url), 'utf8')) as {
  passages: { source: string; text: string }[];
};
const texts = passages.map((p) => p.text);
const tokenizer = createChineseTokenizer();
const embedder = BuiltinEmbedder.train(texts, tokenizer);
const vectors = await embedder.embedPassages(texts);

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
async function rank(query: string): Promise<number[]> {
  const q = await embedder.embedQuery(query);
  return vectors
    .map((v, id) => ({ id, score: cosine(v, q) }))
    .sort((a, b) => b.score - a.score)
    .map((r) => r.id);
}
const holding = (needle: string) => passages.flatMap((p, i) => (p.text.includes(needle) ? [i] : []));

describe('BuiltinEmbedder', () => {
  it.skipIf(availableParallelism() < 2)('learned and used on a second thread (as ingest does) is the model learned and used on this one', async () => {
    const thread = TrainingThread.start(texts, [], 0)!;
    try {
      const file = await thread.model;
      expect(file).not.toBeNull();
      const there = BuiltinEmbedder.fromFile(file!, tokenizer);
      expect(await there.fingerprint()).toBe(await embedder.fingerprint());
      expect(await there.embedQuery('设备更新 贴息')).toEqual(await embedder.embedQuery('设备更新 贴息'));
      // the passages embedded there, in two requests, from the tokens this thread made
      const tokens = createCachingTokenizer(createChineseTokenizer());
      const half = Math.floor(texts.length / 2);
      const first = await thread.embed(texts.slice(0, half), tokens);
      const second = await thread.embed(texts.slice(half), tokens);
      expect([...first, ...second]).toEqual(vectors);
    } finally {
      thread.close();
    }
    await expect(thread.embed(texts.slice(0, 1), createCachingTokenizer(tokenizer))).rejects.toThrow(/closed/);
  });

  it('describes itself; dimensions are capped by the corpus size', () => {
    expect(embedder.info).toEqual({ id: 'builtin-lsa-v1', kind: 'builtin', dims: passages.length - 1 });
    expect(vectors).toHaveLength(passages.length);
  });

  it('returns unit vectors for passages and queries', async () => {
    for (const v of vectors) expect(norm(v)).toBeCloseTo(1, 5);
    expect(norm(await embedder.embedQuery('买设备贷款贴息'))).toBeCloseTo(1, 5);
  });

  it('returns a zero vector for a query it has no feature for', async () => {
    const v = await embedder.embedQuery('量子纠缠');
    expect(v).toHaveLength(embedder.info.dims);
    expect(norm(v)).toBe(0);
  });

  it('is deterministic: the same corpus gives the same model and vectors', async () => {
    const again = BuiltinEmbedder.train(texts, tokenizer);
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(embedder.toJSON()));
    expect(await again.embedPassages(texts)).toEqual(vectors);
  });

  it('ranks the 设备更新 clauses first for paraphrased questions about equipment loans', async () => {
    const clauses = holding('支持企业设备更新'); // （三） in the measures, 三是 in their explanation
    expect(clauses).toHaveLength(2);
    for (const q of ['买设备贷款贴息', '我们买了新设备，贷款利息能补吗？']) {
      expect(new Set((await rank(q)).slice(0, 2)), q).toEqual(new Set(clauses));
    }
  });

  it('ranks the low-carbon clauses first for 节能减排, a phrase none of them uses', async () => {
    expect(holding('节能减排')).toEqual([]);
    const green = new Set([...holding('低碳转型'), ...holding('绿色制造专项行动')]);
    expect(green.size).toBe(3);
    expect(new Set((await rank('企业节能减排')).slice(0, 3))).toEqual(green);
  });

  it('gives identical vectors after a JSON round trip', async () => {
    const json = JSON.parse(JSON.stringify(embedder.toJSON())) as ReturnType<BuiltinEmbedder['toJSON']>;
    const loaded = BuiltinEmbedder.fromJSON(json, tokenizer);
    expect(loaded.info).toEqual(embedder.info);
    expect(await loaded.embedPassages(texts)).toEqual(vectors);
    expect(await loaded.embedQuery('银行贷款支持小企业')).toEqual(await embedder.embedQuery('银行贷款支持小企业'));
    expect(() => BuiltinEmbedder.fromJSON({ ...json, projection: '' }, tokenizer)).toThrow();
  });

  it('gives identical vectors after a round trip through its index file, and refuses a damaged one', async () => {
    const file = embedder.toFile();
    // as the file is read from disk: a Buffer that need not start on a four-byte boundary
    const odd = Buffer.alloc(file.length + 1);
    odd.set(file, 1);
    for (const bytes of [file, odd.subarray(1)]) {
      const loaded = BuiltinEmbedder.fromFile(bytes, tokenizer);
      expect(loaded.info).toEqual(embedder.info);
      expect(await loaded.fingerprint()).toBe(await embedder.fingerprint());
      expect(await loaded.embedPassages(texts)).toEqual(vectors);
    }
    expect(builtinFileToJSON(file)).toEqual(embedder.toJSON());
    expect(() => BuiltinEmbedder.fromFile(file.subarray(0, file.length - 1), tokenizer)).toThrow(/inconsistent/);
    expect(() => BuiltinEmbedder.fromFile(Buffer.from('{"format":"builtin-lsa-v1"}'), tokenizer)).toThrow(/not a built-in embedder file/);
  });

  it('reports progress and refuses a corpus it cannot learn from', async () => {
    const calls: [number, number][] = [];
    await embedder.embedPassages(texts.slice(0, 3), (done, total) => calls.push([done, total]));
    expect(calls).toEqual([[3, 3]]);
    expect(() => BuiltinEmbedder.train(['只有一段'], tokenizer)).toThrow();
  });
});
