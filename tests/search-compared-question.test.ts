// A question often puts something before its question part. When that premise sets another case
// beside it ("湖州首次评上国家级绿色工厂奖50万元，永州评上国家级绿色工厂奖多少？": a figure to compare
// with, another region), the question part is what is asked and counts once more. When the
// premise states the asker's own facts, as most real questions do ("民间借贷中对保证方式没有约定的
// 情况下，保证人应该如何承担责任？"), the facts are what the answer turns on, and the question part
// (如何承担责任) is the least particular of the query: counted more, it put 第六百八十一条 (保证人…
// 承担责任的合同) before 第六百八十六条, which says what happens 对保证方式没有约定. Excerpt of
// ../shared/laws/corpus/民法典.md; the seeds' 湖州 and 永州 measures for the comparisons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparedFocus, search } from '../server/search.ts';
import { HUZHOU, YONGZHOU } from './fixtures/huzhou-yongzhou.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

const CIVIL_CODE = `# 中华人民共和国民法典

2020年5月28日 第十三届全国人民代表大会第三次会议通过

<!-- INFO END -->

## 第三编 合同

#### 第十三章  保证合同

##### 第一节  一般规定

第六百八十一条 保证合同是为保障债权的实现，保证人和债权人约定，当债务人不履行到期债务或者发生当事人约定的情形时，保证人履行债务或者承担责任的合同。

第六百八十六条 保证的方式包括一般保证和连带责任保证。

当事人在保证合同中对保证方式没有约定或者约定不明确的，按照一般保证承担保证责任。

第六百八十七条 当事人在保证合同中约定，债务人不能履行债务时，由保证人承担保证责任的，为一般保证。

一般保证的保证人在主合同纠纷未经审判或者仲裁，并就债务人财产依法强制执行仍不能履行债务前，有权拒绝向债权人承担保证责任，但是有下列情形之一的除外：

（一）债务人下落不明，且无财产可供执行；

（二）人民法院已经受理债务人破产案件；

（三）债权人有证据证明债务人的财产不足以履行全部债务或者丧失履行债务能力；

（四）保证人书面表示放弃本款规定的权利。

第六百八十八条 当事人在保证合同中约定保证人和债务人对债务承担连带责任的，为连带责任保证。

连带责任保证的债务人不履行到期债务或者发生当事人约定的情形时，债权人可以请求债务人履行债务，也可以请求保证人在其保证范围内承担保证责任。

#### 第二十二章  仓储合同

第九百一十四条 当事人对储存期限没有约定或者约定不明确的，存货人或者仓单持有人可以随时提取仓储物，保管人也可以随时请求存货人或者仓单持有人提取仓储物，但是应当给予必要的准备时间。

第九百一十五条 储存期限届满，存货人或者仓单持有人应当凭仓单、入库单等提取仓储物。存货人或者仓单持有人逾期提取的，应当加收仓储费；提前提取的，不减收仓储费。

第九百一十六条 储存期限届满，存货人或者仓单持有人不提取仓储物的，保管人可以催告其在合理期限内提取；逾期不提取的，保管人可以提存仓储物。

第九百一十七条 储存期内，因保管不善造成仓储物毁损、灭失的，保管人应当承担赔偿责任。因仓储物本身的自然性质、包装不符合约定或者超过有效储存期造成仓储物变质、损坏的，保管人不承担赔偿责任。
`;

let laws: ScratchIndex;
let seeds: ScratchIndex;

beforeAll(async () => {
  laws = await scratchIndex({ '民法典.md': CIVIL_CODE }, 'compared-laws-');
  seeds = await scratchIndex({ 'huzhou.txt': HUZHOU, 'yongzhou.txt': YONGZHOU }, 'compared-seeds-');
}, 60_000);
afterAll(async () => {
  await laws.remove();
  await seeds.remove();
});

describe('a question whose premise states the asker’s facts', () => {
  const q = '民间借贷中对保证方式没有约定的情况下，保证人应该如何承担责任？';

  it('is answered by the article on those facts, not by the one its question part names', async () => {
    for (const mode of ['keyword', 'hybrid'] as const) {
      const [first] = (await search(laws.index, { q, mode })).results;
      expect(first!.label, mode).toBe('第六百八十六条');
    }
  });

  it('does not count its question part more', () => {
    expect(comparedFocus(laws.index, q)).toBeNull();
    expect(comparedFocus(laws.index, '储存期限届满，存货人或者仓单持有人不提取仓储物怎么办？')).toBeNull();
    // a figure among the facts, and a question part that asks for none
    expect(comparedFocus(laws.index, '借款年利率超过4倍后，约定的律师费用还能否获得支持？')).toBeNull();
  });
});

describe('a question whose premise sets another case beside it', () => {
  it('counts its question part more when the premise states a figure or the query names two regions', () => {
    expect(comparedFocus(seeds.index, '湖州首次评上国家级绿色工厂奖50万元，永州评上国家级绿色工厂奖多少？')).toBe('永州评上国家级绿色工厂奖多少？');
    expect(comparedFocus(seeds.index, '湖州对国家级绿色工厂有奖励，换成永州，能拿多少？')).toBe('能拿多少？');
    // one region, the asker's own: its facts
    expect(comparedFocus(seeds.index, '永州那些扩产升级干得好的老厂，政府会帮它们去争取荣誉吗？')).toBeNull();
  });

  it('is answered from the region its question part asks about', async () => {
    const [first] = (await search(seeds.index, { q: '湖州首次评上国家级绿色工厂奖50万元，永州评上国家级绿色工厂奖多少？' })).results;
    expect(seeds.index.documentsById.get(first!.docId)!.region).toBe('永州市');
  });
});
