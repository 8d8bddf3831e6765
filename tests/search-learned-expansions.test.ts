// Expansions learned from answered questions: how people ask -> how the law says it.
import { afterEach, describe, expect, it } from 'vitest';
import { createChineseTokenizer } from '../ingest/chinese-tokenizer.ts';
import { DEFAULT_LEARN_PARAMS, expansionKeys, learnExpansions, learnedExpansions, useLearnedExpansions } from '../server/learned-expansions.ts';

const idf = (w: string) => (w === '规定' ? 1 : 6); // 规定 is in every other article: says nothing

describe('learned expansions', () => {
  afterEach(() => useLearnedExpansions(undefined));

  it('learns a pair that many answered questions share, never one from a single answer or a common word', () => {
    const ride = (extra: string[]) => ({ question: ['乘客', ...extra], answer: ['旅客', '承运人', '规定'] });
    const pairs = [
      ride(['受伤']),
      ride(['行李']),
      ride(['晚点']),
      { question: ['乘客', '座位'], answer: ['车票', '规定'] },
      // one question's answer alone: 宠物 -> 动物 is not learned
      { question: ['宠物', '咬伤'], answer: ['动物', '饲养人', '规定'] },
      ...Array.from({ length: 40 }, (_, i) => ({ question: [`词${i}`], answer: ['规定', `条${i}`] })),
    ];
    const table = learnExpansions(pairs, idf);
    expect(table['乘客']).toEqual(['承运人', '旅客']);
    expect(table['宠物']).toBeUndefined();
    expect(Object.values(table).flat()).not.toContain('规定');
    expect(DEFAULT_LEARN_PARAMS.minQuestions).toBeGreaterThanOrEqual(3);
  });

  it('looks up the words a question asks with, and adds only words it does not already hold', () => {
    useLearnedExpansions({ 乘客: ['旅客', '承运人'], 怎么办: ['不该有'] });
    const tokenizer = createChineseTokenizer();
    const q = '乘客在车上受伤了，承运人要赔吗？怎么办';
    expect(expansionKeys(tokenizer.tokenize(q))).not.toContain('怎么办');
    expect(learnedExpansions(q, tokenizer.tokenize(q))).toEqual(['旅客']);
    useLearnedExpansions(null);
    expect(learnedExpansions(q, tokenizer.tokenize(q))).toEqual([]);
  });

  it('ships a table learned from many questions, each entry from the laws index', async () => {
    useLearnedExpansions(undefined);
    const file = (await import('../server/learned-expansions.json', { with: { type: 'json' } })).default as {
      source: { count: number };
      params: typeof DEFAULT_LEARN_PARAMS;
      entries: Record<string, string[]>;
    };
    expect(file.source.count).toBeGreaterThan(1000);
    expect(file.params).toEqual(DEFAULT_LEARN_PARAMS);
    for (const [word, expansions] of Object.entries(file.entries)) {
      expect(expansions.length).toBeLessThanOrEqual(DEFAULT_LEARN_PARAMS.perWord);
      for (const a of expansions) expect(a.includes(word) || word.includes(a), `${word} -> ${a}`).toBe(false);
    }
  });
});
