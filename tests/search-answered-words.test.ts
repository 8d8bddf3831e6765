// The words of the articles similar answered questions cite join a hybrid query at a low weight:
// a question in people's words ("房子漏水") matches two articles almost alike, and the one that
// speaks of what similar questions were answered with (出租人, 租赁物, 维修) comes first.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { FUSION, search } from '../server/search.ts';
import { answeredTable, useAnsweredQuestions } from '../server/similar-questions.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

const LAW = `房屋使用测试条例

第一条 出租人应当维修租赁物。
第二条 房子漏水的，业主可以请求物业服务人检查。
第三条 房子漏水的，承租人可以请求出租人对租赁物进行维修。
`;
// a long law on something else, so that the words above are rare
const FILLER = `水文测试条例

${Array.from({ length: 90 }, (_, i) => `第${i + 1}条 水文监测站网第${i + 1}处站点的布设应当符合流域规划。`).join('\n')}
`;

const answered = (query: string, file: string, article: string) => ({ query, gold: [{ file, article }] });
const ROWS = answeredTable([
  answered('租的房子漏水了房东不管', '房屋使用测试条例.md', '第一条'),
  answered('租的房子漏水了找谁修', '房屋使用测试条例.md', '第一条'),
  // and questions about other things, so that the words all questions share weigh little
  answered('朋友借钱不还，可以起诉吗', '民法典.md', '第六百七十五条'),
  answered('公司拖欠工资，可以解除劳动合同吗', '劳动合同法.md', '第三十八条'),
  answered('离婚时财产怎么分', '民法典.md', '第一千零八十七条'),
]);
const QUERY = '房子漏水怎么办';

const FEEDBACK_WORDS = FUSION.feedbackWords;
afterEach(() => {
  useAnsweredQuestions(undefined);
  FUSION.feedbackWords = FEEDBACK_WORDS;
});

describe('the words of what similar answered questions cite', () => {
  let scratch: ScratchIndex;
  let index: EmbeddedIndex;
  beforeAll(async () => {
    scratch = await scratchIndex({ '房屋使用测试条例.md': LAW, '水文测试条例.md': FILLER }, 'answered-words-');
    index = scratch.index;
  }, 60_000);
  afterAll(async () => {
    await scratch.remove();
  });

  const labels = async (mode: 'hybrid' | 'keyword') =>
    (await search(index, { q: QUERY, mode, k: 5 })).results.filter((r) => r.docTitle === '房屋使用测试条例').map((r) => r.label);

  it('put the article that says what they were answered with before one that only shares the question’s words', async () => {
    useAnsweredQuestions(ROWS);
    const withWords = await labels('hybrid');
    expect(withWords.slice(0, 2)).toEqual(['第三条', '第二条']);

    // the same table without its words in the query: the other order
    FUSION.feedbackWords = 0;
    expect((await labels('hybrid')).slice(0, 2)).toEqual(['第二条', '第三条']);
  });

  it('leave keyword search to the query’s own words', async () => {
    useAnsweredQuestions(ROWS);
    expect((await labels('keyword')).slice(0, 2)).toEqual(['第二条', '第三条']);
  });
});
