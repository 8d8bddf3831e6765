// npm run eval measures laws-train, the set the shipped tables were learned from, by
// cross-validation: each question is searched with the expansions, priors, answered questions and
// first-place model learned from the other folds, so none of them knows its answer, as none knows
// a new question's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_PLACE_FEATURES } from '../server/first-place.ts';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { similarArticles } from '../server/similar-questions.ts';
import type { ArticleQuery } from '../scripts/lib/eval-metrics.ts';
import { foldOf, tableLearner, useTables } from '../scripts/lib/learned-tables.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

const LAW = `中华人民共和国房屋测试法

第一条 房屋租赁合同应当采用书面形式。
第二条 房屋租赁合同应当载明租赁期限。
第三条 出租人应当按照约定交付房屋，逾期交付的，承租人可以解除合同。
`;

const question = (id: string, query: string, article: string, text: string): ArticleQuery => ({
  id,
  query,
  kind: 'question',
  gold: [{ file: '房屋测试法.md', article, text }],
});
const HANDOVER = '出租人应当按照约定交付房屋，逾期交付的，承租人可以解除合同。';
const TERM = '房屋租赁合同应当载明租赁期限。';
const WRITTEN = '房屋租赁合同应当采用书面形式。';
// q2, q4, a and b fall in fold 0 of two, q1, q3, q5 and q6 in fold 1 (md5 of the id)
const QUESTIONS = [
  question('q2', '房东一直不交房，可以退租吗', '第三条', HANDOVER),
  question('q4', '房东拖着不交房子，能解除合同吗', '第三条', HANDOVER),
  question('a', '租房合同必须是纸质的吗', '第一条', WRITTEN),
  question('b', '合同里没写租期有效吗', '第二条', TERM),
  question('q1', '租房合同要写租多久吗', '第二条', TERM),
  question('q3', '房东迟迟不交房怎么办，能不能退租', '第三条', HANDOVER),
  question('q5', '口头约定租房算数吗', '第一条', WRITTEN),
  question('q6', '签租约要写明期限吗', '第二条', TERM),
];

let scratch: ScratchIndex;
let index: EmbeddedIndex;
let learn: Awaited<ReturnType<typeof tableLearner>>;

beforeAll(async () => {
  scratch = await scratchIndex({ '房屋测试法.md': LAW }, 'cross-validation-');
  index = scratch.index;
  learn = await tableLearner(index, QUESTIONS);
}, 60_000);
afterAll(async () => {
  useTables(undefined);
  await scratch.remove();
});

const outside = (fold: number) => QUESTIONS.filter((q) => foldOf(q.id, 2) !== fold);

describe('eval cross-validation', () => {
  it('puts every question in one fold, the same on every run', () => {
    expect(QUESTIONS.map((q) => foldOf(q.id, 2))).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    for (const q of QUESTIONS) expect(foldOf(q.id, 10)).toBe(foldOf(q.id, 10));
  });

  it("learns a fold's tables from the other folds only", async () => {
    for (const fold of [0, 1]) {
      const tables = await learn(outside(fold));
      const asked = tables.answered.map(([q]) => q);
      for (const q of QUESTIONS) expect(asked.includes(q.query)).toBe(foldOf(q.id, 2) !== fold);
    }
    // of the three questions citing 第三条, the other fold holds one (fold 0's) or two (fold 1's)
    expect((await learn(outside(0))).priors.articles.filter(([, article]) => article === '第三条')).toEqual([]);
    expect((await learn(outside(1))).priors.articles.filter(([, article]) => article === '第三条')).toEqual([['房屋测试法.md', '第三条', 2]]);
  });

  it("does not suggest a question's answer that only its own fold's questions know", async () => {
    // with every question's table, q2 would find 第三条, cited by q3 and by q4 of its own fold
    useTables(await learn(QUESTIONS));
    expect(similarArticles('房东一直不交房，可以退租吗').map((a) => a.article)).toEqual(['房屋测试法.md\u0000第三条']);
    // with its fold's tables, only q3 cites it: one answer alone is not suggested
    useTables(await learn(outside(0)));
    expect(similarArticles('房东一直不交房，可以退租吗')).toEqual([]);
    // q3's fold's tables hold q2 and q4, both like it
    useTables(await learn(outside(1)));
    expect(similarArticles('房东迟迟不交房怎么办，能不能退租').map((a) => a.article)).toEqual(['房屋测试法.md\u0000第三条']);
  });

  it("learns a fold's first-place model from pairs that tables without the fold ranked", async () => {
    const similar = FIRST_PLACE_FEATURES.indexOf('similarQuestions');
    // with every question, q3's pairs are ranked with q2's and q4's answers, which suggest 第三条
    // to it, and the model weighs what similar questions suggest
    expect((await learn(QUESTIONS)).firstPlace.weights[similar]).not.toBe(0);
    // fold 1's questions alone: 第三条 is q3's answer and no other's, so none of the pairs that
    // fold 0's model is learned from heard of similar questions (fold 0 holds q2 and q4)
    const fold0 = (await learn(outside(0))).firstPlace;
    expect(fold0.source.count).toBe(4);
    expect(fold0.source.pairs).toBeGreaterThan(0);
    expect(fold0.mean[similar]).toBe(0);
    expect(fold0.weights[similar]).toBe(0);
  });
});
