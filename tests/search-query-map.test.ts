// The built-in embedder's query map: a question in people's words, moved toward where the articles
// that answered questions like it cite lie. Learned from the table of answered questions at first
// use; a query with no answered question like it, or a corpus the table does not cite, keeps its
// own vector; one of the table's own questions is moved by the map learned without it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { learnQueryMap, mapQuery } from '../server/query-map.ts';
import { search } from '../server/search.ts';
import { answeredTable, useAnsweredQuestions } from '../server/similar-questions.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

// 第一条 says 房子 as people do; 第二条, the one a lawyer cites for a leaking rented house, says
// 出租人 and 租赁物
const LAW = `住房租赁测试条例

第一条 房子的买卖应当签订书面合同，房子的产权登记由不动产登记机构办理。
第二条 出租人应当履行租赁物的维修义务，承租人可以请求出租人在合理期限内维修。
第三条 物业服务人应当及时答复业主对物业服务的询问。
第四条 租赁合同的期限不得超过二十年，超过部分无效。
第五条 买卖合同的标的物交付后，毁损、灭失的风险由买受人承担。
`;
const OTHER = `水文测试条例

第一条 水文监测站网的布设应当符合流域规划。
第二条 水文资料应当按照规定汇交，任何单位不得擅自发布。
第三条 水文监测设施受法律保护，任何单位和个人不得侵占、毁坏。
`;

const answered = (query: string, article: string) => ({ query, gold: [{ file: '住房租赁测试条例.md', article }] });
const ROWS = answeredTable([
  answered('租的房子漏水了，一直不修怎么办', '第二条'),
  answered('租的房子坏了找谁修', '第二条'),
  answered('房子墙面开裂，租了房子的人能要求维修吗', '第二条'),
  answered('租的房子水管坏了谁来修', '第二条'),
  answered('租房子住，屋顶漏水要谁负责维修', '第二条'),
  answered('买房子要不要签合同', '第一条'),
  answered('房子过户去哪里办', '第一条'),
]);
const QUERY = '租的房子漏水';

afterEach(() => useAnsweredQuestions(undefined));

describe('the query map of the built-in embedder', () => {
  let scratch: ScratchIndex;
  let index: EmbeddedIndex;
  beforeAll(async () => {
    scratch = await scratchIndex({ '住房租赁测试条例.md': LAW, '水文测试条例.md': OTHER }, 'query-map-');
    index = scratch.index;
  }, 60_000);
  afterAll(async () => {
    await scratch.remove();
  });

  const first = async () => (await search(index, { q: QUERY, mode: 'vector', k: 5 })).results[0]!;

  it('puts the article answered questions cite for such a question first in semantic search', async () => {
    useAnsweredQuestions(null);
    const before = await first();
    expect(before.label).not.toBe('第二条');

    useAnsweredQuestions(ROWS);
    const after = await first();
    expect(after.docTitle).toBe('住房租赁测试条例');
    expect(after.label).toBe('第二条');
  });

  it('is learned from the table in use, and from nothing the corpus does not hold', async () => {
    // the same questions citing another corpus's file teach this index nothing
    useAnsweredQuestions(answeredTable(ROWS.map(([query, articles]) => ({ query, gold: articles.map(([, article]) => ({ file: '另一部法律.md', article })) }))));
    const unlearned = await first();
    useAnsweredQuestions(null);
    expect(unlearned.clauseId).toBe((await first()).clauseId);
  });

  it('moves one of its own questions by what the other questions taught (leave one out)', async () => {
    const leaking = { question: '租的房子漏水了，一直不修怎么办', articles: ['出租人应当履行租赁物的维修义务，承租人可以请求出租人在合理期限内维修。'] };
    const others = [
      { question: '租的房子坏了找谁修', articles: ['出租人应当履行租赁物的维修义务，承租人可以请求出租人在合理期限内维修。'] },
      { question: '买房子要不要签合同', articles: ['房子的买卖应当签订书面合同，房子的产权登记由不动产登记机构办理。'] },
    ];
    const map = await learnQueryMap(index.embedder, [leaking, ...others]);
    const without = await learnQueryMap(index.embedder, others);
    const x = await index.embedder.embedQuery(leaking.question);
    const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
    expect(cosine(mapQuery(map, x, leaking.question), mapQuery(without, x))).toBeGreaterThan(0.99999);
    // a new question in the same words is moved by all of them
    expect(cosine(mapQuery(map, x), mapQuery(without, x))).toBeLessThan(0.9999);
  });

  it('keeps a vector where the answered questions say nothing', async () => {
    const map = await learnQueryMap(index.embedder, [{ question: '租的房子漏水了，一直不修怎么办', articles: ['出租人应当履行租赁物的维修义务'] }]);
    expect(map).not.toBeNull();
    // a text none of whose features the question has: its vector only scaled back to unit length
    const unrelated = await index.embedder.embedQuery('水文监测站网的布设');
    const mapped = mapQuery(map, unrelated);
    const cosine = mapped.reduce((s, v, i) => s + v * unrelated[i]!, 0);
    expect(cosine).toBeGreaterThan(0.9);
    expect(await learnQueryMap(index.embedder, [{ question: '房子', articles: [] }])).toBeNull();
  });
});
