// The articles and laws that answered questions keep citing are lifted for new questions: of two
// articles that share a question's words alike, the one several people's questions were answered
// by comes first, and so do the articles of a law they keep citing. The tables are learned from
// answered questions; what one question cites is not in them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { learnPriors, useLearnedPriors } from '../server/learned-priors.ts';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { search } from '../server/search.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

// Two laws alike: each has two articles that share the question's words (房屋租赁合同) alike.
const LAW = `中华人民共和国房屋测试法

第一条 房屋租赁合同应当采用书面形式。
第二条 房屋租赁合同应当载明租赁期限。
第三条 出租人应当按照约定交付房屋。
`;
const OTHER = `某市房屋管理规定

第一条 房屋租赁合同应当办理登记备案。
第二条 房屋租赁合同应当约定维修责任。
第三条 承租人应当按照约定使用房屋。
`;

let scratch: ScratchIndex;
let index: EmbeddedIndex;

beforeAll(async () => {
  scratch = await scratchIndex({ '房屋测试法.md': LAW, '房屋管理规定.md': OTHER }, 'learned-priors-');
  index = scratch.index;
}, 60_000);
afterAll(async () => {
  useLearnedPriors(undefined);
  await scratch.remove();
});
afterEach(() => useLearnedPriors(undefined));

const first = async (q: string) => {
  const top = (await search(index, { q })).results[0]!;
  return `${top.docTitle} ${top.label}`;
};
const results = async (q: string) => (await search(index, { q })).results.map((r) => `${r.docTitle} ${r.label}`);
const asked = (file: string, article: string) => ({ gold: [{ file, article }] });

describe('learned priors', () => {
  it('lists an article or a law only when at least two different questions cite it', () => {
    const twice = { gold: [asked('房屋测试法.md', '第 二 条').gold[0]!, asked('房屋测试法.md', '第二条').gold[0]!] };
    expect(learnPriors([asked('房屋测试法.md', '第二条'), asked('房屋测试法.md', '第二条'), asked('房屋管理规定.md', '第一条'), twice])).toEqual({
      articles: [['房屋测试法.md', '第二条', 3]],
      documents: [['房屋测试法.md', 3]],
    });
  });

  it('puts the article answered questions cite first among articles that match alike', async () => {
    useLearnedPriors(null);
    const without = await results('房屋租赁合同');
    // of the law's two articles on leases, the one that came later, asked about by three questions
    const later = without.filter((r) => /^中华人民共和国房屋测试法 第[一二]条$/u.test(r))[1]!;
    expect(without.indexOf(later)).toBeGreaterThan(0);
    const article = later.split(' ')[1]!;
    useLearnedPriors({ articles: learnPriors([1, 2, 3].map(() => asked('房屋测试法.md', article))).articles, documents: [] });
    expect(await first('房屋租赁合同')).toBe(later);
  });

  it("lifts the articles of a law answered questions keep citing", async () => {
    useLearnedPriors(null);
    const without = await results('房屋租赁合同');
    const other = without[0]!.startsWith('某市') ? '房屋测试法.md' : '房屋管理规定.md';
    useLearnedPriors({ articles: [], documents: learnPriors([1, 2, 3].map(() => asked(other, '第九条'))).documents });
    expect(await first('房屋租赁合同')).toMatch(other === '房屋测试法.md' ? /^中华人民共和国房屋测试法/ : /^某市房屋管理规定/);
  });

  it('does nothing for the files of another corpus', async () => {
    useLearnedPriors(null);
    const without = await results('房屋租赁合同');
    useLearnedPriors(learnPriors([1, 2].map(() => asked('另一部法律.md', '第一条'))));
    expect(await results('房屋租赁合同')).toEqual(without);
  });
});
