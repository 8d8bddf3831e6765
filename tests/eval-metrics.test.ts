import { describe, expect, it } from 'vitest';
import {
  answerMatches,
  firstCorrectRank,
  isCorrect,
  normalize,
  scoreQuery,
  summarize,
  summarizeByKind,
  type QueryOutcome,
} from '../scripts/lib/eval-metrics.ts';

const GOLD = ['对当年新入统规模以上工业企业，给予不低于5万元的一次性奖励'];

describe('normalize', () => {
  it('removes every kind of whitespace and every |', () => {
    expect(normalize(' 对当年 新入统\n规模以上\u3000工业企业\t| x ')).toBe('对当年新入统规模以上工业企业x');
  });
});

describe('isCorrect', () => {
  it('finds the gold across line breaks and spaces', () => {
    expect(isCorrect('（三）对当年新入统规模以上\n工业企业，给予不低于 5 万元的一次性奖励。', GOLD)).toBe(true);
  });

  it('joins a table row written with | into the gold', () => {
    const gold = ['省级以上绿色工厂产值占制造业总产值比重%/≥35'];
    expect(isCorrect('指标 | 单位 | 目标\n省级以上绿色工厂产值占制造业总产值比重 | % | / | ≥35', gold)).toBe(true);
    // cells out of order do not count
    expect(isCorrect('省级以上绿色工厂产值占制造业总产值比重 | / | % | ≥35', gold)).toBe(false);
  });

  it('counts a passage of exactly 800 normalized characters and not one of 801', () => {
    const g = GOLD[0]!;
    const pad = (n: number) => '啊'.repeat(n - g.length);
    expect(isCorrect(g + pad(800), GOLD)).toBe(true);
    expect(isCorrect(g + pad(801), GOLD)).toBe(false);
    // whitespace does not count toward the cap
    expect(isCorrect(g + pad(800) + ' \n'.repeat(50), GOLD)).toBe(true);
  });

  it('needs one gold string verbatim, not just its words', () => {
    expect(isCorrect('给予不低于5万元的一次性奖励，对当年新入统规模以上工业企业', GOLD)).toBe(false);
    expect(isCorrect('x李序军同志任市强制隔离戒毒所所长。', ['不在这里', '李序军同志任市强制隔离戒毒所所长'])).toBe(true);
  });
});

describe('firstCorrectRank', () => {
  const wrong = { text: '无关的段落' };
  const right = { text: GOLD[0]! };

  it('is 1-based and looks at the first ten only', () => {
    expect(firstCorrectRank([wrong, wrong, right], GOLD)).toBe(3);
    expect(firstCorrectRank([...Array(9).fill(wrong), right], GOLD)).toBe(10);
    expect(firstCorrectRank([...Array(10).fill(wrong), right], GOLD)).toBeNull();
    expect(firstCorrectRank([], GOLD)).toBeNull();
  });
});

describe('answerMatches', () => {
  it('needs a common substring of 10 characters with a gold string', () => {
    expect(answerMatches('按规定给予不低于5万元的一次性奖励。', GOLD)).toBe(true); // 给予不低于5万元的一 ...
    expect(answerMatches('不低于5万元的一次', GOLD)).toBe(false); // 9 characters
    expect(answerMatches('不低于5万元的一次性', GOLD)).toBe(true); // 10
  });

  it('needs the whole gold when the gold is shorter than 10', () => {
    expect(answerMatches('奖励5万元。', ['奖励5万元'])).toBe(true);
    expect(answerMatches('奖励5万', ['奖励5万元'])).toBe(false);
  });

  it('normalizes the answer and caps it at 200 characters', () => {
    expect(answerMatches('给予不低于 5 万元的\n一次性奖励', GOLD)).toBe(true);
    expect(answerMatches(GOLD[0]! + '啊'.repeat(200 - GOLD[0]!.length), GOLD)).toBe(true);
    expect(answerMatches(GOLD[0]! + '啊'.repeat(201 - GOLD[0]!.length), GOLD)).toBe(false);
  });

  it('is false without an answer', () => {
    expect(answerMatches(null, GOLD)).toBe(false);
    expect(answerMatches(undefined, GOLD)).toBe(false);
    expect(answerMatches('', GOLD)).toBe(false);
  });
});

describe('summarize', () => {
  const q = (id: string, kind: string) => ({ id, kind, query: id, gold: GOLD });
  const hit = { text: GOLD[0]!, answer: GOLD[0]! };
  const miss = { text: '无关', answer: '无关' };

  it('computes MRR@10, Recall@1/5/10 and answer@1', () => {
    const outcomes: QueryOutcome[] = [
      scoreQuery(q('a', 'keyword'), [hit], true), // rank 1, answer hit
      scoreQuery(q('b', 'keyword'), [miss, hit], true), // rank 2
      scoreQuery(q('c', 'question'), [...Array(6).fill(miss), hit], true), // rank 7
      scoreQuery(q('d', 'question'), [miss], true), // none
    ];
    const m = summarize(outcomes);
    expect(m.queries).toBe(4);
    expect(m.mrr10).toBeCloseTo((1 + 1 / 2 + 1 / 7) / 4, 10);
    expect(m.recall1).toBe(0.25);
    expect(m.recall5).toBe(0.5);
    expect(m.recall10).toBe(0.75);
    expect(m.answer1).toBe(0.25);

    const { byKind } = summarizeByKind(outcomes);
    expect(Object.keys(byKind)).toEqual(['keyword', 'question']);
    expect(byKind.keyword!.mrr10).toBeCloseTo(0.75, 10);
    expect(byKind.question!.recall10).toBe(0.5);
  });

  it('leaves answer@1 undefined for a system without answers', () => {
    const m = summarize([scoreQuery(q('a', 'keyword'), [{ text: GOLD[0]! }], false)]);
    expect(m.answer1).toBeNull();
    expect(m.mrr10).toBe(1);
  });
});
