// Words of a question that stand together in one sentence of a clause lift that clause: "维修 费用"
// asks about who pays for repairs, which one sentence of an article says, above an article that
// says much about repairs and mentions a cost elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { FUSION, search } from '../server/search.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

const LAW = `中华人民共和国租赁测试法

第一条 出租人应当履行租赁物的维修义务。维修期间租赁物不能使用的，应当相应减少租金。维修完成后，出租人应当及时通知承租人。因维修发生争议的，当事人可以协商解决。有关费用的负担，当事人可以另行约定；费用的数额，按照实际发生计算。
第二条 承租人应当妥善保管租赁物，因保管不善造成租赁物毁损、灭失的，应当承担赔偿责任。承租人垫付维修费用的，可以向出租人追偿。租赁期限届满，承租人应当返还租赁物。
第三条 承租人应当按照约定的期限支付租金。对支付租金的期限没有约定或者约定不明确的，租赁期限不满一年的，应当在租赁期限届满时支付。
第四条 承租人经出租人同意，可以将租赁物转租给第三人。承租人转租的，承租人与出租人之间的租赁合同继续有效。
`;

let scratch: ScratchIndex;
let index: EmbeddedIndex;

beforeAll(async () => {
  scratch = await scratchIndex(
    {
      '租赁测试法.md': LAW,
      '其他规定.md': '某市物业服务规定\n\n第一条 物业服务企业应当按照合同约定提供服务。\n第二条 业主应当按时交纳物业费。\n第三条 公共部位的维修由物业服务企业负责。\n',
    },
    'sentence-',
  );
  index = scratch.index;
}, 60_000);
afterAll(async () => {
  await scratch.remove();
});

const first = async (q: string) => (await search(index, { q, mode: 'keyword' })).results[0]?.label;

describe('a question answered in one sentence', () => {
  it('puts the clause whose one sentence holds the query words first', async () => {
    expect(await first('维修 费用')).toBe('第二条');
    const { results } = await search(index, { q: '租赁物维修的费用谁来出？' });
    expect(results[0]?.label).toBe('第二条');
    expect(results[0]?.answer).toBe('承租人垫付维修费用的，可以向出租人追偿。');
  });

  it("answers with the sentence itself, not the article's number before it", async () => {
    const { results } = await search(index, { q: '承租人可以转租吗？' });
    expect(results[0]?.label).toBe('第四条');
    expect(results[0]?.text.startsWith('第四条')).toBe(true);
    expect(results[0]?.answer).toBe('承租人经出租人同意，可以将租赁物转租给第三人。');
  });

  it('is what lifts it: BM25 alone prefers the article that says most about repairs', async () => {
    const weight = FUSION.sentenceWeight;
    try {
      FUSION.sentenceWeight = 0;
      expect(await first('维修 费用')).toBe('第一条');
    } finally {
      FUSION.sentenceWeight = weight;
    }
  });
});
