// Search reads questions as people write them: how they ask weighs nothing, long pasted questions
// are searched shortened, and fusion never lets the semantic leg push the keyword leg's best hit
// down when the two legs disagree.
import { describe, expect, it } from 'vitest';
import { MAX_QUERY_LENGTH, shortenQuery, vectorTrust, withoutAsking } from '../server/search.ts';

describe('question and function words', () => {
  it('are blanked out of the query, leaving what it asks about', () => {
    expect(withoutAsking('居住权人去世了怎么办？').replace(/\s+/gu, '')).toBe('居住权人去世？');
    expect(withoutAsking('请问个体工商户可以起字号吗').replace(/\s+/gu, '')).toBe('个体工商户可以起字号');
    expect(withoutAsking('哪些情形下合同是否有效').replace(/\s+/gu, '')).toBe('情形下合同有效');
  });
});

describe('long queries', () => {
  it('are kept whole up to the limit', () => {
    const q = '设备更新贴息。'.repeat(100);
    expect(shortenQuery(q)).toBe(q);
  });

  it('are shortened at sentence ends, keeping the question at the end', () => {
    const premise = '我公司去年购买了一批新设备，价值约三百万元。'.repeat(80);
    const question = '请问可以申请设备更新贴息吗？';
    const short = shortenQuery(premise + question);
    expect([...short].length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
    expect(short.endsWith(question)).toBe(true);
    expect(short.startsWith('我公司去年购买了一批新设备')).toBe(true);
  });
});

describe('trust in the vector leg', () => {
  it('is none when its first clauses are all unknown to the keyword leg, full when they all agree', () => {
    const keyword = Array.from({ length: 60 }, (_, i) => `k${i}`);
    expect(vectorTrust(keyword, ['v1', 'v2', 'v3'])).toBe(0);
    expect(vectorTrust(keyword, ['k5', 'k1', 'k9'])).toBe(1);
    // agreement is at the top of both legs: the keyword leg's 41st clause is not where answers are
    expect(vectorTrust(keyword, ['k5', 'k1', 'k40'])).toBeCloseTo(2 / 3, 9);
    expect(vectorTrust(keyword, ['k5', 'v1'])).toBe(0.5);
    expect(vectorTrust([], ['v1'])).toBe(1);
  });
});
