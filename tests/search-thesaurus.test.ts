// People name a dispute in their own words (房东, 老公, 偷); the law names it in its own (出租人,
// 配偶, 盗窃). The thesaurus adds the law's words to such a question, so the article that answers
// it is found although it shares none of the question's words. Real articles of the 民法典 and
// the 刑法 (from ../shared/laws) are the corpus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { expandQuery } from '../server/policy-thesaurus.ts';
import { search } from '../server/search.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

const CIVIL = `中华人民共和国民法典（节选）

第七百二十五条 租赁物在承租人按照租赁合同占有期限内发生所有权变动的，不影响租赁合同的效力。
第七百二十六条 出租人出卖租赁房屋的，应当在出卖之前的合理期限内通知承租人，承租人享有以同等条件优先购买的权利；但是，房屋按份共有人行使优先购买权或者出租人将房屋出卖给近亲属的除外。
第一千零六十四条 夫妻双方共同签名或者夫妻一方事后追认等共同意思表示所负的债务，以及夫妻一方在婚姻关系存续期间以个人名义为家庭日常生活需要所负的债务，属于夫妻共同债务。
第一千零六十五条 男女双方可以约定婚姻关系存续期间所得的财产以及婚前财产归各自所有、共同所有或者部分各自所有、部分共同所有。约定应当采用书面形式。
`;

const CRIMINAL = `中华人民共和国刑法（节选）

第二百零一条 纳税人采取欺骗、隐瞒手段进行虚假纳税申报或者不申报，逃避缴纳税款数额较大并且占应纳税额百分之十以上的，处三年以下有期徒刑或者拘役，并处罚金；数额巨大并且占应纳税额百分之三十以上的，处三年以上七年以下有期徒刑，并处罚金。
第二百六十四条 盗窃公私财物，数额较大的，或者多次盗窃、入户盗窃、携带凶器盗窃、扒窃的，处三年以下有期徒刑、拘役或者管制，并处或者单处罚金；数额巨大或者有其他严重情节的，处三年以上十年以下有期徒刑，并处罚金；数额特别巨大或者有其他特别严重情节的，处十年以上有期徒刑或者无期徒刑，并处罚金或者没收财产。
第三百二十二条 违反国（边）境管理法规，偷越国（边）境，情节严重的，处一年以下有期徒刑、拘役或者管制，并处罚金；为参加恐怖活动组织、接受恐怖活动培训或者实施恐怖活动，偷越国（边）境的，处一年以上三年以下有期徒刑，并处罚金。
`;

let scratch: ScratchIndex;
let index: EmbeddedIndex;

beforeAll(async () => {
  scratch = await scratchIndex({ '民法典.md': CIVIL, '刑法.md': CRIMINAL }, 'thesaurus-');
  index = scratch.index;
}, 60_000);
afterAll(async () => {
  await scratch.remove();
});

const first = async (q: string) => (await search(index, { q, mode: 'keyword' })).results[0]?.label;

describe('everyday words for what the law names otherwise', () => {
  it('find the article in the law’s words', async () => {
    expect(await first('房东要把房子卖了，租客能优先买吗？')).toBe('第七百二十六条');
    expect(await first('老公在外面欠的钱，我要一起还吗？')).toBe('第一千零六十四条');
    expect(await first('东西被偷了，小偷会坐牢吗？')).toBe('第二百六十四条');
  });

  it('are read as the longest word they stand in: 偷税 is not theft', () => {
    expect(expandQuery('小偷偷了我的手机')).toContain('盗窃');
    expect(expandQuery('企业偷税怎么处罚')).not.toContain('盗窃');
    expect(expandQuery('偷渡出境会被判刑吗')).not.toContain('盗窃');
  });

  it('know how a firm says what a policy names otherwise', () => {
    expect(expandQuery('工信部认定的智能工厂奖多少')).toContain('工业和信息化部');
    expect(expandQuery('厂子想省水，有什么补贴')).toEqual(expect.arrayContaining(['节水', '企业']));
    expect(expandQuery('怎么让运货便宜一点')).toEqual(expect.arrayContaining(['物流', '降低成本']));
    expect(expandQuery('不想一直给大牌代工')).toContain('贴牌');
  });

  it('add nothing the question already says', () => {
    expect(expandQuery('出租人卖房，承租人有优先购买权吗')).not.toContain('出租人');
    expect(expandQuery('房东卖房，出租人要通知吗')).not.toContain('出租人');
  });
});
