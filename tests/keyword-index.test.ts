import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TERM_STRIDE, TermKind } from '../ingest/bm25-kernel.ts';
import { createCachingTokenizer, createChineseTokenizer } from '../ingest/chinese-tokenizer.ts';
import { KeywordIndex, findClauseLabels } from '../ingest/keyword-index.ts';

const { passages } = JSON.parse(readFileSync(new URL('./fixtures/passages-sample.json', import.meta.url), 'utf8')) as {
  passages: { source: string; text: string }[];
};
const find = (needle: string) => passages.findIndex((p) => p.text.includes(needle));

/**
 * n queries made of the passages' own phrases (every fifth with a clause label, with `labels`),
 * their words weighted unevenly and some bigrams at half weight, and a boost per passage: a
 * seeded stream, the same on every run.
 */
function unevenQueries(seed: number, n: number, labels: boolean) {
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const boost = Float32Array.from(passages, () => 1 + random());
  const queries = Array.from({ length: n }, (_, i) => {
    const text = passages[Math.floor(random() * passages.length)]!.text;
    const from = Math.floor(random() * Math.max(1, text.length - 30));
    const phrase = text.slice(from, from + 4 + Math.floor(random() * 40));
    const query = index.queryTerms(labels && i % 5 === 0 ? `${phrase} 第三条` : phrase);
    for (const t of query.words.keys()) query.words.set(t, 0.2 + 2 * random());
    for (const t of query.bigrams.keys()) if (random() < 0.3) query.bigrams.set(t, 0.5);
    return { phrase, query };
  });
  return { boost, queries };
}

// No policy dictionary here: these tests are about jieba's default segmentation (and jieba's
// dictionary is process-wide, so adding terms would change every later test in this file).
const tokenizer = createChineseTokenizer();
const index = KeywordIndex.build(passages, tokenizer);

describe('KeywordIndex', () => {
  it('finds 专精特新 in a passage that jieba segments as 专精 / 特新', () => {
    const target = find('支持中小微企业走专精特新发展之路');
    const words = tokenizer.words(passages[target]!.text);
    expect(words).toContain('专精');
    expect(words).toContain('特新');
    expect(words).not.toContain('专精特新');

    const holders = passages.flatMap((p, i) => (p.text.includes('专精特新') ? [i] : []));
    const results = index.search('专精特新', 10);
    expect(results.map((r) => r.id)).toContain(target);
    // every passage holding the term ranks above every passage that does not
    expect(new Set(results.slice(0, holders.length).map((r) => r.id))).toEqual(new Set(holders));
  });

  it('finds a word jieba segments one way in the query and another in the passage, through bigrams', () => {
    // Alone, 超算智算 is one (HMM) word; in the passage jieba cuts 超算 / 与 / 智算.
    const target = find('推进超算与智算融合网络');
    expect(tokenizer.tokenize('超算智算')).toEqual(['超算智算']);
    expect(tokenizer.tokenize(passages[target]!.text)).not.toContain('超算智算');

    const wordsOnly = KeywordIndex.build(passages, tokenizer, { bigramWeight: 0 });
    expect(wordsOnly.search('超算智算', 5)).toEqual([]);
    expect(index.search('超算智算', 5)[0]?.id).toBe(target);
  });

  it('answers a question about adults with the article on adults, not the one on minors', () => {
    // 民法典 第二十七条, 第二十八条, 第二百零九条, 第二百二十四条 (../shared/laws/corpus/民法典.md)
    const articles = [
      '父母是未成年子女的监护人。未成年人的父母已经死亡或者没有监护能力的，由下列有监护能力的人按顺序担任监护人：（一）祖父母、外祖父母；（二）兄、姐；（三）其他愿意担任监护人的个人或者组织，但是须经未成年人住所地的居民委员会、村民委员会或者民政部门同意。',
      '无民事行为能力或者限制民事行为能力的成年人，由下列有监护能力的人按顺序担任监护人：（一）配偶；（二）父母、子女；（三）其他近亲属；（四）其他愿意担任监护人的个人或者组织，但是须经被监护人住所地的居民委员会、村民委员会或者民政部门同意。',
      '不动产物权的设立、变更、转让和消灭，经依法登记，发生效力；未经登记，不发生效力，但是法律另有规定的除外。依法属于国家所有的自然资源，所有权可以不登记。',
      '动产物权的设立和转让，自交付时发生效力，但是法律另有规定的除外。',
    ].map((text) => ({ text }));
    const civil = KeywordIndex.build(articles, tokenizer);
    expect(civil.search('成年人需要被监护时，谁来担任监护人？', 4)[0]?.id).toBe(1);
    expect(civil.search('未成年人的监护人', 4)[0]?.id).toBe(0);
    expect(civil.search('动产物权的转让什么时候发生效力', 4)[0]?.id).toBe(3);
  });

  it('ranks the passage citing a 文号 first, whatever the brackets', () => {
    const cites = passages.flatMap((p, i) => (p.text.includes('湘发〔2024〕4号') ? [i] : []));
    expect(cites.length).toBe(2);
    for (const q of ['湘发〔2024〕4号', '湘发[2024]4号', '湘发（2024）4号', '湘发 (2024) 4 号', '湘发【2024】4号 若干措施']) {
      expect(new Set(index.search(q, 5).slice(0, 2).map((r) => r.id)), q).toEqual(new Set(cites));
    }
    const notice = find('湘政发〔2026〕6号');
    expect(index.search('湘政发[2026]6号', 5)[0]?.id).toBe(notice);
    expect(index.matchedTerms('湘政发（2026）6号')).toContain('湘政发〔2026〕6号');
    // same year and number, another issuer: no exact match
    expect(index.matchedTerms('永政发〔2024〕4号')).not.toContain('永政发〔2024〕4号');
  });

  it('boosts the passage carrying a clause label from the query', () => {
    const label = find('（三）支持企业设备更新');
    const summary = find('三是支持企业设备更新');
    const plain = index.search('设备更新', 5).map((r) => r.id);
    expect(plain).toContain(label);
    expect(plain).toContain(summary);
    expect(index.search('（三）设备更新', 5)[0]?.id).toBe(label);
    expect(index.search('(三) 设备更新', 5)[0]?.id).toBe(label);
    expect(findClauseLabels('第五条 （三） (十二) 第12条')).toEqual(['第五条', '（三）', '（十二）', '第12条']);
  });

  it('answers an enterprise question with the 贴息 clauses', () => {
    const top = index.search('我们买了新设备，贷款利息能补吗？', 3).map((r) => passages[r.id]!.text);
    expect(top.some((t) => t.includes('贴息'))).toBe(true);
  });

  it('returns [] for empty, blank, punctuation-only and all-stopword queries', () => {
    for (const q of ['', '   ', '？？！', '的了吗', '我们可以吗']) expect(index.search(q, 10), q).toEqual([]);
    expect(index.search('设备更新', 0)).toEqual([]);
    expect(KeywordIndex.build([], tokenizer).search('设备更新', 10)).toEqual([]);
  });

  it('gives finite scores, best first, at most k', () => {
    const odd = KeywordIndex.build([{ text: '' }, { text: '，。' }, { text: '设备更新' }, { text: '设备更新 设备更新 设备更新' }], tokenizer);
    for (const ix of [index, odd]) {
      for (const q of ['设备更新 贴息', '专精特新 小巨人', '湘发〔2024〕4号', '（三）', 'ai 5g']) {
        const results = ix.search(q, 4);
        expect(results.length).toBeLessThanOrEqual(4);
        for (const r of results) expect(Number.isFinite(r.score) && r.score > 0).toBe(true);
        for (let i = 1; i < results.length; i++) expect(results[i - 1]!.score).toBeGreaterThanOrEqual(results[i]!.score);
      }
    }
  });

  it('matchedTerms lists the query terms found in the index, longest first', () => {
    expect(index.matchedTerms('设备更新 贴息 量子纠缠')).toEqual(['设备', '更新', '贴息']);
    expect(index.matchedTerms('')).toEqual([]);
  });

  it('gives identical results after a round trip through its files', () => {
    const { header, postings } = index.serialize();
    const loaded = KeywordIndex.deserialize(JSON.parse(JSON.stringify(header)) as typeof header, Uint8Array.from(postings), tokenizer);
    for (const q of ['专精特新', '设备更新 贴息', '湘发[2024]4号', '（三）设备更新', '超算智算', '我们买了新设备，贷款利息能补吗？']) {
      expect(loaded.search(q, 10), q).toEqual(index.search(q, 10));
      expect(loaded.matchedTerms(q)).toEqual(index.matchedTerms(q));
    }
    expect(() => KeywordIndex.deserialize({ ...header, format: 'other' } as never, postings, tokenizer)).toThrow();
  });

  it('finds passages numbered past 65,536, before and after a round trip and an update', () => {
    // posting lists hold 16-bit passage numbers up to 65,536 passages, 32-bit past that
    const count = 70_000;
    const simple = { tokenize: (text: string) => text.split(' ') };
    const texts = Array.from({ length: count }, (_, i) => (i % 1000 === 0 ? `通用 条款 编号${i}` : `通用 其他 编号${i}`));
    const big = KeywordIndex.build(texts.map((text) => ({ text })), simple);
    expect(big.search('编号69999', 1)[0]?.id).toBe(69_999);
    expect(big.search('条款', 100).map((h) => h.id).slice(-3)).toEqual([67_000, 68_000, 69_000]);
    const { header, postings } = big.serialize();
    const loaded = KeywordIndex.deserialize(JSON.parse(JSON.stringify(header)) as typeof header, Uint8Array.from(postings), simple);
    expect(loaded.search('编号69999', 1)[0]?.id).toBe(69_999);
    expect(loaded.search('条款', 100)).toEqual(big.search('条款', 100));
    // the first passage removed: every other one moves down by one
    const updated = big.update(Int32Array.from({ length: count - 1 }, (_, i) => i + 1), texts.slice(1), simple)!;
    expect(updated.search('编号69999', 1)[0]?.id).toBe(69_998);
  });

  it('keeps every term frequency past a million postings, one over 255 included, through its files', () => {
    // pairs are gathered in chunks of a million, a tf in a byte with larger ones kept aside
    const simple = { tokenize: (text: string) => text.split(' ') };
    const texts = Array.from({ length: 400_000 }, (_, i) => `a b c${i % 7}`);
    const repeated = (n: number) => [...Array<string>(n).fill('x'), ...Array<string>(400 - n).fill('f')].join(' ');
    texts.push(repeated(255), repeated(300), repeated(200));
    const big = KeywordIndex.build(texts.map((text) => ({ text })), simple);
    expect(big.search('x', 3).map((h) => h.id)).toEqual([400_001, 400_000, 400_002]);
    expect(big.search('c3', 400_000)).toHaveLength(57_143);
    expect(big.search('c3', 1)[0]?.id).toBe(3);
    // the postings file is written in chunks of a megabyte: read back whole, it answers the same
    const { header, postings } = big.serialize();
    expect(postings.length).toBeGreaterThan(2 ** 21);
    const loaded = KeywordIndex.deserialize(JSON.parse(JSON.stringify(header)) as typeof header, postings, simple);
    expect(loaded.search('x', 3)).toEqual(big.search('x', 3));
    expect(loaded.search('c6', 5000)).toEqual(big.search('c6', 5000));
  });

  it("is the same index when built from a build's token ids as from the words themselves", () => {
    // ingest builds it through the caching tokenizer (term ids, no string per token)
    const cached = createCachingTokenizer(tokenizer);
    cached.tokenize(passages[3]!.text); // ids handed out in another order than the passages'
    const fromIds = KeywordIndex.build(passages, cached).serialize();
    const fromWords = index.serialize();
    expect(fromIds.header).toEqual(fromWords.header);
    expect(Buffer.from(fromIds.postings).equals(Buffer.from(fromWords.postings))).toBe(true);
  });

  it('updated for changed, removed and added passages, answers every query as an index built from nothing', () => {
    // a rebuild after a few files changed: two passages edited, three removed, one added, one moved in
    const before = passages.slice(0, 24);
    const after = [
      ...before.slice(0, 5),
      { ...before[5]!, text: before[5]!.text.replace(/支持/gu, '扶持') + '设立数字化转型专项贷款贴息' },
      ...before.slice(6, 13),
      ...before.slice(16, 20),
      { source: 'new', text: '（九）对购置新设备的企业按贷款利息给予贴息，湘政发〔2026〕6号另有规定的从其规定。' },
      ...before.slice(20, 23),
      { ...before[23]!, text: '第九十九条 本办法自公布之日起施行。' },
      passages[27]!,
    ];
    const old = KeywordIndex.build(before, tokenizer);
    const textAt = new Map(before.map((p, i) => [p.text, i]));
    const from = Int32Array.from(after, (p) => textAt.get(p.text) ?? -1);
    const updated = old.update(from, after.map((p) => p.text))!;
    expect(updated).not.toBeNull();
    const fresh = KeywordIndex.build(after, tokenizer);
    expect(updated.count).toBe(after.length);
    const queries = ['专精特新', '设备更新 贴息', '扶持', '数字化转型专项贷款', '湘政发〔2026〕6号', '（九）', '第九十九条', '本办法自公布之日起施行', '我们买了新设备，贷款利息能补吗？', '超算智算'];
    for (const q of queries) {
      const got = updated.search(q, 20);
      const want = fresh.search(q, 20);
      expect(got.map((h) => h.id), q).toEqual(want.map((h) => h.id));
      got.forEach((h, i) => expect(h.score, q).toBeCloseTo(want[i]!.score, 9));
      expect(updated.matchedTerms(q), q).toEqual(fresh.matchedTerms(q));
    }
    // and it is written and read back like any index
    const { header, postings } = updated.serialize();
    expect(KeywordIndex.deserialize(header, postings, tokenizer).search('设备更新 贴息', 10)).toEqual(fresh.search('设备更新 贴息', 10));
    // kept passages out of their order: not an update
    expect(old.update(Int32Array.from([1, 0]), ['', ''])).toBeNull();
  });

  it('ranks as before when it keeps impacts, as a large index does, and reads a two-character word with its bigram', () => {
    const { header, postings } = index.serialize();
    const large = KeywordIndex.deserialize(header, postings, tokenizer, { impacts: true });
    expect(large.keepsImpacts).toBe(true);
    expect(index.keepsImpacts).toBe(false);
    const { boost, queries } = unevenQueries(11, 120, false);
    let paired = 0;
    for (const { query } of queries) {
      // a word also asked for as a bigram is one list (TermKind.pair) in the large index's term list
      const list = (large as unknown as { termList(q: typeof query): number[] }).termList(query);
      for (let t = 0; t < list.length; t += TERM_STRIDE) if (list[t] === TermKind.pair) paired++;
      for (const b of [undefined, boost]) {
        const before = index.searchWeighted(query, 40, b);
        const now = large.searchWeighted(query, 40, b);
        expect(now).toHaveLength(before.length);
        now.forEach((hit, i) => {
          // the same score but for rounding (impacts in 16 bits), and the same passage but where two tie that closely
          expect(Math.abs(hit.score - before[i]!.score)).toBeLessThan(1e-4 * before[i]!.score);
          if (hit.id !== before[i]!.id) expect(Math.abs(before[i]!.score - before[i + (before[i + 1]?.id === hit.id ? 1 : -1)]!.score)).toBeLessThan(2e-4 * hit.score);
        });
      }
    }
    expect(paired).toBeGreaterThan(100);
  });

  it('prunes without changing a score or a rank: the same k best as scoring every posting', () => {
    // queries made of passages' own phrases, weighted unevenly, with and without a per-passage boost
    const { boost, queries } = unevenQueries(7, 120, true);
    let compared = 0;
    for (const { phrase, query } of queries) {
      for (const k of [1, 3, 10, 40]) {
        for (const b of [undefined, boost]) {
          const exhaustive = index.searchWeighted(query, k, b);
          expect(index.searchWeighted(query, k, b, { prune: true }), `${phrase} k=${k}`).toEqual(exhaustive);
          compared++;
        }
      }
    }
    expect(compared).toBe(120 * 8);
  });
});
