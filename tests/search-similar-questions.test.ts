// Articles that answered questions like this one cite: a question in people's words often shares
// few words with the article a lawyer cites, and many with questions asked and answered before.
// An article is suggested when at least two similar answered questions cite it; a question is
// never its own neighbour; the first places stay the ranking's.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { FUSION, search } from '../server/search.ts';
import { answeredTable, SIMILAR_QUESTIONS, similarArticles, useAnsweredQuestions } from '../server/similar-questions.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

const SCHOOL = '民法典.md\u0000第一千二百零一条';
const answered = (query: string, ...articles: [string, string][]) => ({ query, gold: articles.map(([file, article]) => ({ file, article })) });

const SUPPORT = SIMILAR_QUESTIONS.minQuestions;
const FEEDBACK_WORDS = FUSION.feedbackWords;
afterEach(() => {
  useAnsweredQuestions(undefined);
  SIMILAR_QUESTIONS.minQuestions = SUPPORT;
  FUSION.feedbackWords = FEEDBACK_WORDS;
});

// questions about other things, so that the words all questions share weigh little
const OTHERS = [
  answered('租的房子漏水，房东不修怎么办', ['民法典.md', '第七百一十二条']),
  answered('朋友借钱不还，可以起诉吗', ['民法典.md', '第六百七十五条']),
  answered('离婚时房子怎么分', ['民法典.md', '第一千零八十七条']),
  answered('公司拖欠工资，可以解除劳动合同吗', ['劳动合同法.md', '第三十八条']),
];

describe('similar answered questions', () => {
  const table = answeredTable([
    answered('孩子在学校被别的同学打伤了，学校要赔吗？', ['民法典.md', '第一千二百零一条']),
    answered('小孩在学校受伤，学校有没有责任？', ['民法典.md', '第一千二百零一条'], ['民法典.md', '第一千一百九十九条']),
    answered('学生在学校打架受伤，学校担责吗', ['民法典.md', '第一千二百零一条']),
    // one question alone: what its answer cites is never repeated
    answered('孩子在学校食堂吃坏了肚子怎么办', ['食品安全法.md', '第一百四十八条']),
    ...OTHERS,
  ]);

  it('suggests what several similar questions cite, not what one answer alone does', () => {
    useAnsweredQuestions(table);
    const found = similarArticles('孩子在学校受伤了，学校要不要赔偿？').map((f) => f.article);
    expect(found[0]).toBe(SCHOOL);
    expect(found).not.toContain('食品安全法.md\u0000第一百四十八条');
    expect(found).not.toContain('民法典.md\u0000第一千一百九十九条');
    expect(similarArticles('高铁票能退吗')).toEqual([]);
  });

  it('does not count a question as its own neighbour', () => {
    useAnsweredQuestions(
      answeredTable([
        answered('孩子在学校被别的同学打伤了，学校要赔吗？', ['民法典.md', '第一千二百零一条']),
        answered('孩子在学校受伤，学校要赔吗？', ['民法典.md', '第一千二百零一条']),
        ...OTHERS,
      ]),
    );
    expect(similarArticles('孩子在学校被别的同学打伤了学校要赔吗')).toEqual([]);
    const [suggested, ...more] = similarArticles('孩子在学校被打伤了，学校赔不赔？');
    expect(more).toEqual([]);
    expect(suggested).toEqual({
      article: SCHOOL,
      questions: ['孩子在学校被别的同学打伤了，学校要赔吗？', '孩子在学校受伤，学校要赔吗？'],
      score: expect.any(Number),
    });
    // the summed similarity of the two questions that cite it, each a cosine
    expect(suggested!.score).toBeGreaterThan(0);
    expect(suggested!.score).toBeLessThanOrEqual(2);
  });
});

// A law whose first twelve articles all speak of 学校 and 孩子, and whose thirteenth, the one
// answered questions cite, says neither (a law of its own: the shipped tables know nothing of it).
const LABELS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];
// and other articles, so that 学校 and 孩子 are not in nearly every article
const OTHER = `物业测试条例

${LABELS.map((n, i) => `第${n}条 物业服务人应当按照合同做好第${i + 1}项公共部位的维护，业主应当按时交纳费用。`).join('\n')}
`;
const LAW = `学校安全测试法

${LABELS.map((n, i) => `第${n}条 学校应当关心孩子的第${i + 1}项学习生活事务，孩子的家长可以向学校反映。`).join('\n')}
第十三条 教育机构未尽到管理职责的，承担相应的补充义务。
`;

// the same law at length: sixty articles on 学校 and 孩子, then twelve that say neither
const WIDE_LABELS = Array.from({ length: 72 }, (_, i) => i + 1).map(chineseNumber);
const WIDE = `学校扩展测试法

${WIDE_LABELS.map((n, i) => (i < 60 ? `第${n}条 学校应当关心孩子的第${i + 1}项学习生活事务，孩子的家长可以向学校反映。` : `第${n}条 教育机构应当完善第${i + 1}项管理制度。`)).join('\n')}
`;

// and a long law on something else, so that 学校 and 孩子 are rare words again
const FILLER = `水文测试条例

${Array.from({ length: 150 }, (_, i) => `第${chineseNumber(i + 1)}条 水文监测站网第${i + 1}处站点的布设应当符合流域规划。`).join('\n')}
`;

/** 1 to 199 as article labels write them (十四, 六十一, 一百零五, 一百二十). */
function chineseNumber(n: number): string {
  const digits = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
  const belowHundred = (m: number, leading: boolean) => (m < 10 ? digits[m]! : `${m < 20 && leading ? '' : digits[Math.floor(m / 10)]}十${digits[m % 10]}`);
  if (n < 100) return belowHundred(n, true);
  const rest = n % 100;
  return `一百${rest === 0 ? '' : rest < 10 ? `零${digits[rest]}` : belowHundred(rest, false)}`;
}

describe('in the ranking', () => {
  let scratch: ScratchIndex;
  let index: EmbeddedIndex;
  beforeAll(async () => {
    scratch = await scratchIndex({ '学校测试法.md': LAW, '物业测试条例.md': OTHER, '学校扩展测试法.md': WIDE, '水文测试条例.md': FILLER }, 'similar-questions-');
    index = scratch.index;
  }, 60_000);
  afterAll(async () => {
    await scratch.remove();
  });

  const rows = answeredTable([
    answered('孩子在学校被别的同学打伤了，学校要赔吗？', ['学校测试法.md', '第十三条']),
    answered('孩子在学校被打伤了，学校有没有责任？', ['学校测试法.md', '第十三条']),
    ...OTHERS,
  ]);
  const q = '孩子在学校被人打伤，学校要负责吗';

  it('puts the article similar questions cite third, after the first two of the legs, marked, in hybrid search', async () => {
    useAnsweredQuestions(rows);
    // the places alone (the words of what they cite join the query too: search-answered-words.test.ts)
    FUSION.feedbackWords = 0;
    const hybrid = (await search(index, { q, mode: 'hybrid', k: 10 })).results;
    expect(hybrid).toHaveLength(10);
    expect(hybrid[2]!.label).toBe('第十三条');
    // shown with the questions it was suggested by
    expect([...hybrid[2]!.similarQuestions!].sort()).toEqual(['孩子在学校被别的同学打伤了，学校要赔吗？', '孩子在学校被打伤了，学校有没有责任？'].sort());
    expect(hybrid.filter((r) => r.similarQuestions !== undefined)).toHaveLength(1);

    // the same table with no article cited often enough to be suggested (the legs hear the
    // table too: the vector leg's query map is learned from it)
    SIMILAR_QUESTIONS.minQuestions = 99;
    const without = (await search(index, { q, mode: 'hybrid', k: 10 })).results;
    expect(without.map((r) => r.label)).not.toContain('第十三条');
    // the legs' order around it as it was
    const ids = (results: typeof hybrid) => results.map((r) => r.clauseId);
    expect(ids(hybrid.slice(0, 2))).toEqual(ids(without.slice(0, 2)));
    expect(ids(hybrid.slice(3))).toEqual(ids(without.slice(2, 9)));
  });

  it('gives the last ten of the first fifty to what many similar questions cite', async () => {
    // twelve articles, each cited by two questions like the query: the third place, the tenth and
    // the last places of the fifty take them, best first; the rest of the fifty stays the legs'
    // (one that the legs already rank among the first forty stays there: the vector leg's query
    // map is learned from the same table, and brings some of them up)
    const cited = WIDE_LABELS.slice(60).map((n) => `第${n}条`);
    useAnsweredQuestions(
      answeredTable([
        ...cited.flatMap((article, i) => [
          answered(`孩子在学校被人打伤了${'，真的很着急'.repeat(i)}，学校要负责吗？`, ['学校扩展测试法.md', article]),
          answered(`孩子在学校被同学打伤${'，怎么办才好'.repeat(i)}，学校负责吗`, ['学校扩展测试法.md', article]),
        ]),
        ...OTHERS,
      ]),
    );
    const results = (await search(index, { q, mode: 'hybrid', k: 50 })).results;
    expect(results).toHaveLength(50);
    const places = results.flatMap((r, i) => (r.similarQuestions !== undefined ? [i + 1] : []));
    const found = results.flatMap((r, i) => (cited.includes(r.label!) && r.similarQuestions === undefined ? [i + 1] : []));
    expect(found.every((place) => place <= 40 && place !== 3 && place !== 10)).toBe(true);
    expect(found.length).toBeLessThan(3);
    const last = cited.length - 2 - found.length;
    expect(places).toEqual([3, 10, ...Array.from({ length: last }, (_, i) => 51 - last + i)]);
    expect(results.filter((r) => cited.includes(r.label!)).map((r) => r.label).sort()).toEqual([...cited].sort());
  });

  it('leaves keyword search to the keyword leg', async () => {
    useAnsweredQuestions(rows);
    const keyword = (await search(index, { q, mode: 'keyword', k: 10 })).results;
    expect(keyword.map((r) => r.label)).not.toContain('第十三条');
  });
});
