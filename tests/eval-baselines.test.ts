import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { add_word, cut_for_search } from 'jieba-wasm';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../ingest/load-corpus.ts';
import { chunkDocuments, createBaselineTokenizer, createBm25Baseline, createOramaBaseline, naiveChunks, type Baseline } from '../scripts/lib/baselines.ts';
import { evaluateSystem, readQueries } from '../scripts/lib/evaluate.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('naiveChunks', () => {
  it('removes whitespace and packs whole sentences up to the size', () => {
    expect(naiveChunks('一二三。四五\n六！七八；九', 6)).toEqual(['一二三。', '四五六！', '七八；九']);
    expect(naiveChunks('一。二。三。四五六七八九十', 6)).toEqual(['一。二。三。', '四五六七八九', '十']);
  });

  it('cuts a sentence longer than the size hard', () => {
    expect(naiveChunks('甲。一二三四五六七八九十。乙', 4)).toEqual(['甲。', '一二三四', '五六七八', '九十。乙']);
  });

  it('never exceeds the size', () => {
    const text = '这是一句话。'.repeat(100) + '长'.repeat(700) + '。';
    for (const chunk of naiveChunks(text)) expect([...chunk].length).toBeLessThanOrEqual(300);
  });
});

// The README's figures were measured on the same 40 queries with the same recipe; the rebuilt
// baselines must land near them for a comparison with the product to mean anything.
describe('baselines on the seed corpus', async () => {
  const queries = await readQueries(path.join(root, '../shared/eval/queries.dev.json'));
  const { documents } = await loadCorpus(path.join(root, 'corpus'));
  const chunks = chunkDocuments(documents);
  const evaluate = (b: Baseline) => evaluateSystem(b.name, queries, (q) => b.search(q, 10), { hasAnswers: false });

  it('BM25 over jieba search-mode tokens: near MRR@10 0.766, R@5 0.925, R@10 0.950', async () => {
    const { metrics } = await evaluate(createBm25Baseline(chunks));
    expect(metrics.mrr10).toBeGreaterThan(0.72);
    expect(metrics.mrr10).toBeLessThan(0.81);
    expect(metrics.recall5).toBeGreaterThanOrEqual(0.875);
    expect(metrics.recall10).toBeGreaterThanOrEqual(0.9);
    expect(metrics.answer1).toBeNull();
  });

  it('Orama with the Mandarin tokenizer: near MRR@10 0.639, R@10 0.875', async () => {
    const { metrics } = await evaluate(await createOramaBaseline(chunks));
    expect(metrics.mrr10).toBeGreaterThan(0.59);
    expect(metrics.mrr10).toBeLessThan(0.69);
    expect(metrics.recall10).toBeGreaterThanOrEqual(0.825);
  });

});

describe('createBaselineTokenizer', () => {
  it("keeps jieba's stock dictionary when the product has added words to the shared one", () => {
    const before = createBaselineTokenizer();
    add_word('李序军任');
    expect(cut_for_search('李序军任什么职务？', true)).toContain('李序军任');
    for (const tokenize of [before, createBaselineTokenizer()]) {
      expect(tokenize('李序军任什么职务？')).toEqual(['李序', '军任', '什么', '职务']);
    }
  });
});
