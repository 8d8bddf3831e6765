// Honest relevance: a result counts as related only when it holds enough of what the query asks.
import { describe, expect, it } from 'vitest';
import { contentUnits, judgeResults, relevanceOf, RELEVANCE_LINE, resultRelevanceText } from '../server/relevance.ts';

describe('relevance of a result to a query', () => {
  const clause = '（三）支持企业设备更新。抢抓政策机遇，引导企业开展工业领域大规模设备更新，对项目一年期以上设备购置贷款，由受益财政按贷款本金的1%给予贴息。';
  it('reads what is asked, not how: question and function words count for nothing', () => {
    expect(contentUnits('我们买了新设备，贷款利息能补吗？')).toEqual(['买', '新设', '设备', '贷款', '款利', '利息', '补']);
    expect(relevanceOf('设备更新 贴息', clause)).toBe(1);
  });
  it('puts an off-topic query below the line and a real question above it', () => {
    expect(relevanceOf('量子纠缠 火星殖民', clause)).toBeLessThan(RELEVANCE_LINE);
    expect(relevanceOf('我们买了新设备，贷款利息能补吗？', clause)).toBeGreaterThanOrEqual(RELEVANCE_LINE);
  });
  it('gives the empty state to a query whose results hold one word of it and nothing else', () => {
    // each result shares 太阳 with the question, none says anything of cats or basking
    const results = ['第十二条 国家鼓励开发利用太阳能、风能等可再生能源。', '太阳能热水系统应当与建筑主体同步设计。', '（三）支持企业设备更新。'];
    const offTopic = judgeResults('猫咪为什么喜欢晒太阳', results);
    expect(offTopic.relevance[0]).toBeGreaterThanOrEqual(RELEVANCE_LINE);
    expect(offTopic.weak).toEqual([true, true, true]);
    // keywords whose words the results hold keep the well-matching result
    const real = judgeResults('设备更新 贴息', [clause, results[0]!]);
    expect(real.weak).toEqual([false, true]);
  });
  it('counts an everyday word as held where the text says it officially, but not a way of asking', () => {
    const article = '第七百二十六条 出租人出卖租赁房屋的，应当在出卖之前的合理期限内通知承租人，承租人享有以同等条件优先购买的权利。';
    // 房东 and 租客 are the 出租人 and the 承租人
    expect(relevanceOf('房东 租客', article)).toBe(1);
    expect(relevanceOf('房东 租客', '第一条 为了规范房地产市场，制定本条例。')).toBe(0);
    expect(relevanceOf('房东要卖房，租客能优先买吗？', article)).toBeGreaterThan(relevanceOf('房东要卖房，租客能优先买吗？', article.replace(/出租人|承租人/gu, '他')));
    // 什么时候 asks; the 时间 of a text does not answer it
    expect(relevanceOf('专辑什么时候发行', '申报时间为每年三月。')).toBe(0);
  });
  it('judges a clause suggested by similar answered questions on its text and those questions, which are shown with it', () => {
    const result = { docTitle: '民法典', path: ['第七编 侵权责任'], label: '第一千二百零一条', heading: null, text: '第一千二百零一条 教育机构未尽到管理职责的，承担相应的补充责任。' };
    const q = '孩子在学校被同学打伤了怎么办';
    expect(relevanceOf(q, resultRelevanceText(result))).toBeLessThan(RELEVANCE_LINE);
    expect(relevanceOf(q, resultRelevanceText({ ...result, similarQuestions: ['孩子在学校被别的同学打伤了，学校要赔吗？'] }))).toBeGreaterThan(0.5);
  });
});
