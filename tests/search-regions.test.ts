// Officials and firms say where they are: "永州 绿色工厂 奖励", "湖州奖50万，永州奖多少？". A
// document of the region the query names (its 永州市, said 永州 or 永州市) weighs more, and a query
// that puts a premise first is asked about the region of its question part. Real clauses of the
// seeds' 湖州 and 永州 measures are the corpus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { FUSION, namedRegions, search } from '../server/search.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

const HUZHOU = `湖州市人民政府关于推动制造业高质量发展的实施意见

三、推动绿色低碳引领
（一）鼓励企业节能降碳。对节能降碳技术改造项目，按设备及装置投资额的15%给予奖励，单个项目最高奖励300万元。
（二）打造绿色制造品牌。对首次被评为国家级绿色园区、绿色工厂（企业）、绿色供应链管理企业、工业产品绿色设计示范企业的，分别奖励100万元、50万元、50万元、50万元。
`;

const YONGZHOU = `永州市人民政府关于推动先进制造业高质量发展的若干措施

三、加快技术改造
（六）支持企业低碳转型。围绕重点行业和领域，培育绿色工厂、绿色园区，严控污染排放，加速循环化改造，力争每年打造1—2家省级绿色园区、创建5家省级以上绿色工厂，对评为国家级、省级绿色工厂的企业，由受益财政分别给予100万元、50万元一次性奖励。
（七）支持企业品牌提升。推动企业建立新型质量管理体系和品牌培育管理体系，鼓励企业参与标准制定。
`;

let scratch: ScratchIndex;
let index: EmbeddedIndex;

beforeAll(async () => {
  scratch = await scratchIndex({ 'huzhou.txt': HUZHOU, 'yongzhou.txt': YONGZHOU }, 'regions-');
  index = scratch.index;
}, 60_000);
afterAll(async () => {
  await scratch.remove();
});

const CROSS = '湖州首次评上国家级绿色工厂奖50万元，永州评上国家级绿色工厂奖多少？';
const regionOfFirst = async (q: string) => {
  const [first] = (await search(index, { q, mode: 'hybrid' })).results;
  return index.documentsById.get(first!.docId)!.region;
};

describe('a region the query names', () => {
  it('is read from the documents’ regions, by their names with or without 市', () => {
    expect([...namedRegions(index, '永州 绿色工厂 奖励')]).toEqual(['永州市']);
    expect([...namedRegions(index, '湖州市的绿色工厂奖多少')]).toEqual(['湖州市']);
    expect([...namedRegions(index, '绿色工厂奖多少')]).toEqual([]);
  });

  it('of a query with a premise first, is the one its question names', () => {
    expect([...namedRegions(index, CROSS)]).toEqual(['永州市']);
    // the question part names none: the premise's 永州 is no region asked about
    expect([...namedRegions(index, '永州属于湘南地区，省里让湘南承接哪些产业转移？')]).toEqual([]);
  });

  it('leads with its own document’s clause', async () => {
    expect(await regionOfFirst(CROSS)).toBe('永州市');
    expect(await regionOfFirst('湖州 国家级绿色工厂 奖励')).toBe('湖州市');
    expect(await regionOfFirst('永州 国家级绿色工厂 奖励')).toBe('永州市');
  });

  it('decides the cross question only because it is weighed', async () => {
    const weight = FUSION.regionWeight;
    FUSION.regionWeight = 0;
    try {
      expect(await regionOfFirst(CROSS)).toBe('湖州市');
    } finally {
      FUSION.regionWeight = weight;
    }
  });
});
