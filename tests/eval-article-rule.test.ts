// The laws-train counting rule: a result counts for a gold article when it comes from the
// article's file and shares min(20, shorter) characters with it; cited@1 also asks for its label.
import { describe, expect, it } from 'vitest';
import { scoreArticleQuery, summarize } from '../scripts/lib/eval-metrics.ts';

const gold = { file: '民法典.md', article: '第五十四条', text: '自然人从事工商业经营，经依法登记，为个体工商户。个体工商户可以起字号。' };
const other = { file: '民法典.md', article: '第五十六条', text: '个体工商户的债务，个人经营的，以个人财产承担；家庭经营的，以家庭财产承担。' };
const query = { id: 's0', query: '谁可以成为个体工商户？', kind: 'question', gold: [gold, other] };

describe('the article rule', () => {
  it('counts a result from the gold file sharing 20 characters, and cites it when its label names the article', () => {
    const hit = { text: '第五十四条 自然人从事工商业经营，经依法登记，为个体工商户。', source: '民法典.md', label: '第五十四条', path: [], answer: '自然人从事工商业经营，经依法登记，为个体工商户。' };
    const o = scoreArticleQuery(query, [hit], true);
    expect(o.rank).toBe(1);
    expect(o.cited).toBe(true);
    expect(o.answerHit).toBe(true);
    expect(o.recall).toEqual({ 1: 0.5, 5: 0.5, 10: 0.5, 50: 0.5 });
  });

  it('does not count the same text from another file, nor cite a hit labelled with another article', () => {
    const elsewhere = { text: '自然人从事工商业经营，经依法登记，为个体工商户。', source: '个体工商户条例.md', label: '第二条' };
    expect(scoreArticleQuery(query, [elsewhere], false).rank).toBeNull();
    const mislabelled = { text: '自然人从事工商业经营，经依法登记，为个体工商户。', source: '民法典.md', label: '第五十四条之一' };
    const o = scoreArticleQuery(query, [mislabelled], false);
    expect(o.rank).toBe(1);
    expect(o.cited).toBe(false);
  });

  it('leaves cited@1 undefined for systems without labels, and gives hit@1 beside per-gold recall', () => {
    const chunk = { text: '自然人从事工商业经营，经依法登记，为个体工商户。', source: '民法典.md' };
    const m = summarize([scoreArticleQuery(query, [chunk], false)]);
    expect(m.cited1).toBeNull();
    expect(m.hit1).toBe(1);
    expect(m.recall1).toBe(0.5);
  });
});
