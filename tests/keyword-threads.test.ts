// Two threads for the keyword leg of a large index: the worker scores the upper half of the
// passages, the search the lower, and what a user sees is what one thread gives, to the last bit.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TERM_STRIDE } from '../ingest/bm25-kernel.ts';
import { buildIndex } from '../ingest/build-index.ts';
import { KeywordIndex, type RangeScorer } from '../ingest/keyword-index.ts';
import type { ScoredId } from '../ingest/types.ts';
import { ConfigError, readConfig } from '../server/config.ts';
import { balancedShare, startKeywordHelper, keywordThreadsSetting } from '../server/keyword-threads.ts';
import type { EmbeddedBackend } from '../server/backends/embedded.ts';
import { loadIndex, type EmbeddedIndex } from '../server/load-index.ts';
import { search } from '../server/search.ts';

const tokenizer = { tokenize: (text: string) => text.split(/[\s，。]+/u).filter((t) => t !== '') };

// every passage shares a common word, so that both halves have postings of it
const passages = [
  ...Array.from({ length: 400 }, (_, i) => ({
    text: `补贴 ${i % 3 === 0 ? '设备更新 贷款 贴息' : '以旧换新'} ${i % 7 === 0 ? '中小企业 贴息 贴息' : '消费品'} 编号${i % 50}`,
  })),
  { text: '第三条 补贴 按湘政发〔2026〕6号执行' },
];
const queries = ['设备更新 贴息', '补贴', '中小企业 以旧换新 编号7', '编号3 消费品 贷款'];

function sharedCopy(index: KeywordIndex, impacts?: boolean): KeywordIndex {
  const { header, postings } = index.serialize();
  return KeywordIndex.deserialize(header, postings, tokenizer, { shared: true, impacts });
}

/**
 * Waits until the helper's worker has started (until then searches score alone, as they should),
 * then counts the searches it takes part in: the returned function reads the count.
 */
async function whenReady(helper: RangeScorer): Promise<() => number> {
  for (let i = 0; i < 200 && !helper.start([], false, 1); i++) await new Promise((r) => setTimeout(r, 25));
  expect(helper.finish()).toEqual([]);
  let started = 0;
  const start = helper.start.bind(helper);
  helper.start = (...args) => {
    const ok = start(...args);
    if (ok) started++;
    return ok;
  };
  const startWithLevel = helper.startWithLevel?.bind(helper);
  if (startWithLevel !== undefined) {
    helper.startWithLevel = (...args) => {
      const ok = startWithLevel(...args);
      if (ok) started++;
      return ok;
    };
  }
  return () => started;
}

describe('the keyword leg on two threads', () => {
  const alone = KeywordIndex.build(passages, tokenizer);

  it.each([
    ['', false],
    [', keeping impacts as a large index does (a two-character word read with its bigram)', true],
  ])('gives every result and score one thread gives, with and without a boost%s', async (_, impacts) => {
    const { header, postings: bytes } = KeywordIndex.build(passages, tokenizer).serialize();
    const alone = KeywordIndex.deserialize(header, bytes, tokenizer, { impacts });
    const shared = sharedCopy(alone, impacts);
    const helper = startKeywordHelper(shared);
    try {
      const started = await whenReady(helper);
      helper.boost.forEach((_, i) => (helper.boost[i] = 1 + (i % 5) / 10));
      const boost = Float32Array.from(helper.boost);
      for (const q of queries) {
        const query = alone.queryTerms(q);
        expect(shared.searchWeighted(query, 30)).toEqual(alone.searchWeighted(query, 30));
        expect(shared.searchWeighted(query, 30, helper.boost)).toEqual(alone.searchWeighted(query, 30, boost));
      }
      expect(started()).toBe(2 * queries.length);
      // results from both halves of the passages
      const ids = shared.searchWeighted(alone.queryTerms('补贴'), 400).map((h) => h.id);
      expect(Math.min(...ids)).toBeLessThan(helper.from);
      expect(Math.max(...ids)).toBeGreaterThanOrEqual(helper.from);
    } finally {
      await helper.close();
    }
    // closed: the index scores alone again
    expect(shared.searchWeighted(alone.queryTerms('设备更新 贴息'), 10)).toEqual(alone.searchWeighted(alone.queryTerms('设备更新 贴息'), 10));
  });

  it('scores the helper’s half itself when the helper does not answer', () => {
    const shared = sharedCopy(alone);
    const asked: number[][] = [];
    const silent: RangeScorer = {
      from: 200,
      boost: new Float32Array(passages.length).fill(1),
      maxK: 1000,
      start: (terms) => (asked.push([...terms]), true),
      finish: (): ScoredId[] | null => null,
    };
    shared.useHelper(silent);
    for (const q of queries) expect(shared.searchWeighted(alone.queryTerms(q), 50)).toEqual(alone.searchWeighted(alone.queryTerms(q), 50));
    expect(asked).toHaveLength(queries.length);
    // what it was asked: postings of passages 200 on only
    expect(asked[1]!.length).toBe(TERM_STRIDE * 2); // 补贴: the word and its one bigram
  });

  it('scores a level (the sections) on the worker before its part, with the results of the level and then the passages on one thread', async () => {
    const groups = 7;
    const groupOf = Int32Array.from(passages, (_, i) => Math.floor((i * groups) / passages.length));
    const shared = sharedCopy(alone);
    const level = shared.grouped(groupOf, groups, { k1: 1.2, b: 0.75 }, { shared: true });
    const aloneLevel = alone.grouped(groupOf, groups, { k1: 1.2, b: 0.75 });
    // what a search does with the level's best: the passages of the best two groups count double
    const applyTo = (boost: Float32Array) => (best: ScoredId[]) => {
      for (const hit of best.slice(0, 2)) groupOf.forEach((g, i) => g === hit.id && (boost[i]! *= 2));
    };
    const expected = (q: string) => {
      const boost = new Float32Array(passages.length).fill(1);
      applyTo(boost)(aloneLevel.searchWeighted(alone.queryTerms(q), 3));
      return alone.searchWeighted(alone.queryTerms(q), 30, boost);
    };
    const helper = startKeywordHelper(shared);
    try {
      helper.holdLevel(level);
      const started = await whenReady(helper);
      for (const q of queries) {
        helper.boost.fill(1);
        let vector = 0;
        const hits = shared.searchLeveled(alone.queryTerms(q), 30, helper.boost, { index: level, k: 3, apply: applyTo(helper.boost) }, () => vector++);
        expect(hits, q).toEqual(expected(q));
        expect(vector).toBe(1);
      }
      expect(started()).toBe(queries.length);
      // a 文号 query is scored on this thread, level and all
      const exact = '湘政发〔2026〕6号 补贴';
      helper.boost.fill(1);
      expect(shared.searchLeveled(alone.queryTerms(exact), 30, helper.boost, { index: level, k: 3, apply: applyTo(helper.boost) })).toEqual(expected(exact));
      expect(started()).toBe(queries.length);
    } finally {
      await helper.close();
    }
    // a worker that answers neither the level nor its part: the search scores both itself
    const silent = sharedCopy(alone);
    const silentLevel = silent.grouped(groupOf, groups, { k1: 1.2, b: 0.75 });
    const boost = new Float32Array(passages.length).fill(1);
    let released = 0;
    silent.useHelper({
      from: 200,
      boost,
      maxK: 1000,
      level: silentLevel,
      start: () => false,
      startWithLevel: () => true,
      levelBest: () => null,
      boostReady: () => void released++,
      finish: () => null,
    });
    for (const q of queries) {
      boost.fill(1);
      expect(silent.searchLeveled(alone.queryTerms(q), 30, boost, { index: silentLevel, k: 3, apply: applyTo(boost) }), q).toEqual(expected(q));
    }
    expect(released).toBe(queries.length);
  });

  it('leaves 文号 and clause-label queries, and filtered ones asking for every match, to one thread', () => {
    const shared = sharedCopy(alone);
    let asked = 0;
    shared.useHelper({ from: 200, boost: new Float32Array(passages.length), maxK: 100, start: () => (asked++, false), finish: () => null });
    shared.searchWeighted(alone.queryTerms('湘政发〔2026〕6号 补贴'), 10);
    shared.searchWeighted(alone.queryTerms('第三条 补贴'), 10);
    shared.searchWeighted(alone.queryTerms('补贴'), 101);
    expect(asked).toBe(0);
  });

  it('moves the split toward where both threads finish together, a step at a time, within bounds', () => {
    // this thread took twice as long for the same share: it should score less next time
    const less = balancedShare(0.5, 4, 2);
    expect(less).toBeLessThan(0.5);
    expect(less).toBeGreaterThan(1 / 3); // a fifth of the way to 1/3, not all of it
    // repeated, it settles where the times would be equal
    let share = 0.5;
    for (let i = 0; i < 200; i++) share = balancedShare(share, 1 + 3 * share, 3 * (1 - share)); // 1 ms of other work on this thread
    expect(share).toBeCloseTo(1 / 3, 3);
    for (let i = 0, s = 0.5; i < 50; i++) expect((s = balancedShare(s, 100, 1))).toBeGreaterThanOrEqual(0.02);
    for (let i = 0, s = 0.5; i < 50; i++) expect((s = balancedShare(s, 0.1, 100))).toBeLessThanOrEqual(0.98);
    // no timing, no change
    expect(balancedShare(0.4, 0, 2)).toBe(0.4);
  });

  it('is set by KEYWORD_THREADS, 1 or 2, with a clear error otherwise', () => {
    expect(keywordThreadsSetting({})).toBeUndefined();
    expect(keywordThreadsSetting({ KEYWORD_THREADS: '2' })).toBe(2);
    expect(keywordThreadsSetting({ KEYWORD_THREADS: ' 1 ' })).toBe(1);
    expect(() => keywordThreadsSetting({ KEYWORD_THREADS: 'four' })).toThrow('KEYWORD_THREADS must be 1 or 2; got "four".');
    // the server refuses to start with it, before it loads anything
    expect(() => readConfig({ KEYWORD_THREADS: '3' })).toThrow(ConfigError);
  });
});

describe('search over the seeds with the keyword leg on two threads', () => {
  let scratch: string;
  let one: EmbeddedIndex;
  let two: EmbeddedIndex;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'policy-threads-'));
    const indexDir = path.join(scratch, 'index');
    await buildIndex({ corpusDir: path.resolve('corpus'), indexDir, embedder: 'builtin', warn: () => {} });
    one = await loadIndex(indexDir, { keywordThreads: 1 });
    two = await loadIndex(indexDir, { keywordThreads: 2 });
  }, 120_000);

  afterAll(async () => {
    await two?.backend.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('answers the dev queries with the same clauses, scores and answers as one thread', async () => {
    const dev = JSON.parse(await readFile(path.resolve('../shared/eval/queries.dev.json'), 'utf8')) as { query: string }[];
    expect(dev.length).toBeGreaterThan(10);
    const qs = [...dev.map((q) => q.query), '设备更新 贴息', '我们买了新设备，贷款利息能补吗？'];
    const started = await whenReady((two.backend as unknown as { helper: RangeScorer }).helper);
    for (const mode of ['keyword', 'hybrid'] as const) {
      for (const q of qs) {
        const a = await search(one, { q, mode });
        const b = await search(two, { q, mode });
        expect(b.results.map((r) => [r.clauseId, r.score, r.answer])).toEqual(a.results.map((r) => [r.clauseId, r.score, r.answer]));
      }
    }
    expect(started()).toBeGreaterThan(qs.length);

    // the section level is scored by the same worker, before its part of the passages
    const helper = (two.backend as unknown as { helper: RangeScorer }).helper;
    let withLevel = 0;
    const startWithLevel = helper.startWithLevel!.bind(helper);
    helper.startWithLevel = (...args) => {
      const ok = startWithLevel(...args);
      if (ok) withLevel++;
      return ok;
    };
    try {
      for (const q of qs.slice(0, 5)) {
        const a = await search(one, { q, mode: 'hybrid' });
        const b = await search(two, { q, mode: 'hybrid' });
        expect(b.results.map((r) => [r.clauseId, r.score])).toEqual(a.results.map((r) => [r.clauseId, r.score]));
      }
    } finally {
      helper.startWithLevel = startWithLevel;
    }
    expect(withLevel).toBe(5);
  });

  it('searches the vector leg while the second thread scores, and gives both legs their own results', async () => {
    const backend = two.backend as EmbeddedBackend;
    const helper = (two.backend as unknown as { helper: RangeScorer }).helper;
    await whenReady(helper);
    const steps: string[] = [];
    const trace = <K extends 'startWithLevel' | 'levelBest' | 'boostReady' | 'finish'>(name: K) => {
      const original = helper[name]! as (...args: unknown[]) => unknown;
      helper[name] = ((...args: unknown[]) => (steps.push(name), original.apply(helper, args))) as RangeScorer[K];
    };
    for (const name of ['startWithLevel', 'levelBest', 'boostReady', 'finish'] as const) trace(name);
    const vectors = backend.vectors;
    const nearest = vectors.search.bind(vectors);
    vectors.search = (...args: Parameters<typeof vectors.search>) => (steps.push('vector'), nearest(...args));
    try {
      for (const q of ['设备更新 贴息', '我们买了新设备，贷款利息能补吗？']) {
        const query = backend.keyword.queryTerms(q);
        const vector = await two.embedder.embedQuery(q);
        steps.length = 0;
        const [keywordHits, vectorHits] = await backend.bothTopK(query, vector, 200, null);
        // the vector search ran once, while the worker scored the sections and its part of the passages
        expect(steps).toEqual(['startWithLevel', 'vector', 'levelBest', 'boostReady', 'finish']);
        expect(keywordHits).toEqual(await backend.keywordTopK(query, 200, null));
        expect(vectorHits).toEqual(await backend.vectorTopK(vector, 200, null));
        expect(keywordHits.length).toBeGreaterThan(0);
        expect(vectorHits.length).toBeGreaterThan(0);
      }
    } finally {
      vectors.search = nearest;
    }
  });

  it('answers as it did with the legs searched one after the other', async () => {
    const backend = one.backend as { bothTopK?: unknown };
    for (const q of ['设备更新 贴息', '我们买了新设备，贷款利息能补吗？', '湘政发〔2026〕6号']) {
      const together = await search(one, { q, mode: 'hybrid' });
      const both = backend.bothTopK;
      backend.bothTopK = undefined;
      try {
        const apart = await search(one, { q, mode: 'hybrid' });
        expect(together.results.map((r) => [r.clauseId, r.score, r.answer])).toEqual(apart.results.map((r) => [r.clauseId, r.score, r.answer]));
        expect(together.facets).toEqual(apart.facets);
      } finally {
        backend.bothTopK = both;
      }
    }
  });
});
