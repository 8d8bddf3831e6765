// Officials and firms say where they are: "永州 绿色工厂 奖励", "湖州奖50万，永州奖多少？". A
// document of the region the query names (its 永州市, said 永州 or 永州市) weighs more, and a query
// that puts a premise first is asked about the region of its question part. Real clauses of the
// seeds' 湖州 and 永州 measures are the corpus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { FUSION, namedRegions, search } from '../server/search.ts';
import { HUZHOU, YONGZHOU } from './fixtures/huzhou-yongzhou.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';


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
