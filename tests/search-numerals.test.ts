// People type numbers in digits (满10年, 4倍, 5%); laws write them in Chinese numerals (满十年, 四倍,
// 百分之五) and policies write amounts in digits again (50万元). A query's numbers are searched
// written both ways, so the article whose number it asks about is found and its number marked.
// Real articles of the 民法典 and the 劳动合同法 (from ../shared/laws) are the corpus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { chineseNumeral, numeralVariants } from '../server/numerals.ts';
import { FUSION, search } from '../server/search.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

const CIVIL = `中华人民共和国民法典（节选）

第十七条 十八周岁以上的自然人为成年人。不满十八周岁的自然人为未成年人。
第十九条 八周岁以上的未成年人为限制民事行为能力人，实施民事法律行为由其法定代理人代理或者经其法定代理人同意、追认；但是，可以独立实施纯获利益的民事法律行为或者与其年龄、智力相适应的民事法律行为。
第二十条 不满八周岁的未成年人为无民事行为能力人，由其法定代理人代理实施民事法律行为。
第一百八十八条 向人民法院请求保护民事权利的诉讼时效期间为三年。法律另有规定的，依照其规定。
第五百九十四条 因国际货物买卖合同和技术进出口合同争议提起诉讼或者申请仲裁的时效期间为四年。
`;

const LABOUR = `中华人民共和国劳动合同法（节选）

第十四条 无固定期限劳动合同，是指用人单位与劳动者约定无确定终止时间的劳动合同。
用人单位与劳动者协商一致，可以订立无固定期限劳动合同。有下列情形之一，劳动者提出或者同意续订、订立劳动合同的，除劳动者提出订立固定期限劳动合同外，应当订立无固定期限劳动合同：
（一）劳动者在该用人单位连续工作满十年的；
（二）用人单位初次实行劳动合同制度或者国有企业改制重新订立劳动合同时，劳动者在该用人单位连续工作满十年且距法定退休年龄不足十年的；
（三）连续订立二次固定期限劳动合同，且劳动者没有本法第三十九条和第四十条第一项、第二项规定的情形，续订劳动合同的。
第十九条 劳动合同期限三个月以上不满一年的，试用期不得超过一个月；劳动合同期限一年以上不满三年的，试用期不得超过二个月；三年以上固定期限和无固定期限的劳动合同，试用期不得超过六个月。
`;

let scratch: ScratchIndex;
let index: EmbeddedIndex;

beforeAll(async () => {
  scratch = await scratchIndex({ '民法典.md': CIVIL, '劳动合同法.md': LABOUR }, 'numerals-');
  index = scratch.index;
}, 60_000);
afterAll(async () => {
  await scratch.remove();
});

const first = async (q: string) => (await search(index, { q, mode: 'hybrid' })).results[0];

describe('numbers typed in digits', () => {
  it('find the article that writes them in Chinese numerals', async () => {
    expect((await first('时效期间是4年的是哪些争议？'))?.label).toBe('第五百九十四条');
    expect((await first('孩子不满8周岁，签的合同算数吗'))?.label).toBe('第二十条');
    expect((await first('不满8周岁'))?.label).toBe('第二十条');
    expect((await first('在单位连续干满10年了，能要求签无固定期限合同吗'))?.label).toBe('第十四条');
  });

  it('are marked where the article writes them', async () => {
    const result = await first('时效期间是4年的是哪些争议？');
    const marked = result!.highlights.map(([from, to]) => result!.text.slice(from, to));
    expect(marked).toContain('四年');
  });

  it('are searched as typed alone when the other way is switched off, and miss', async () => {
    const weight = FUSION.numeralWeight;
    FUSION.numeralWeight = 0;
    try {
      // 不满八周岁 is 第二十条; 第十七条's 不满十八周岁 shares 不满 and 周岁 and is shorter
      expect((await first('不满8周岁'))?.label).toBe('第十七条');
    } finally {
      FUSION.numeralWeight = weight;
    }
  });
});

describe('a query’s numbers written the other way', () => {
  it('go from digits to numerals with their unit, and back', () => {
    expect(numeralVariants('劳动者在用人单位连续工作满10年')).toEqual(['十年']);
    expect(numeralVariants('利率达到4倍后')).toEqual(['四倍']);
    expect(numeralVariants('税率5%')).toEqual(['百分之五']);
    expect(numeralVariants('十八周岁')).toEqual(['18周岁']);
    expect(numeralVariants('补贴五十万元')).toEqual(['50万元']);
    expect(numeralVariants('最高补贴50万元')).toEqual(['五十万元']);
    expect(numeralVariants('百分之五的股份')).toEqual(['5%']);
  });

  it('leave years, 文号, article numbers, decimals, bare numbers and words alone', () => {
    expect(numeralVariants('2020年施行的规定')).toEqual([]);
    expect(numeralVariants('湘政发〔2026〕6号')).toEqual([]);
    expect(numeralVariants('民法典第5条')).toEqual([]);
    expect(numeralVariants('1.5倍的工资')).toEqual([]);
    expect(numeralVariants('拨打了120和119')).toEqual([]);
    expect(numeralVariants('一般情况统一处理')).toEqual([]);
  });

  it('are written as laws write them', () => {
    expect([10, 12, 20, 105, 110, 120, 1005, 30000, 35000, 120000].map(chineseNumeral)).toEqual([
      '十', '十二', '二十', '一百零五', '一百一十', '一百二十', '一千零五', '三万', '三万五千', '十二万',
    ]);
  });
});
