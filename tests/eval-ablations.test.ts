// `npm run eval -- --ablate` switches each step of the ranking off in turn, the rest as shipped, to
// show what each brings on every query set. A step switched off must really be off (search
// answers otherwise where the step applies), and switched on again it must leave search exactly
// as shipped, or every later row of the table would measure something else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYWORD_LEG } from '../server/corpus-priors.ts';
import { hasFirstPlaceModel } from '../server/first-place.ts';
import { learnedExpansions } from '../server/learned-expansions.ts';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { QUERY_MAP } from '../server/query-map.ts';
import { FUSION, search } from '../server/search.ts';
import { ABLATIONS } from '../scripts/lib/ablations.ts';
import { HUZHOU, YONGZHOU } from './fixtures/huzhou-yongzhou.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

/** What the steps are weighed by: the settings, and whether the learned tables they read are in use. */
const state = () =>
  JSON.stringify({
    FUSION,
    KEYWORD_LEG,
    QUERY_MAP,
    firstPlace: hasFirstPlaceModel(),
    expansions: learnedExpansions('乘客', ['乘客']),
  });

describe('each step of the ranking switched off in turn', () => {
  it('changes what the step is weighed by, and switched on again leaves everything as shipped', () => {
    const shipped = state();
    expect(JSON.parse(shipped).expansions.length).toBeGreaterThan(0);
    for (const ablation of ABLATIONS) {
      const switchOn = ablation.off();
      expect(state(), ablation.name).not.toBe(shipped);
      switchOn();
      expect(state(), ablation.name).toBe(shipped);
    }
  });

  it('names each step once', () => {
    expect(new Set(ABLATIONS.map((a) => a.name)).size).toBe(ABLATIONS.length);
  });
});

describe('a step switched off changes the answer where it applies', () => {
  // the seeds' 湖州 and 永州 measures: a query about 永州 after a premise about 湖州
  let scratch: ScratchIndex;
  let index: EmbeddedIndex;
  beforeAll(async () => {
    scratch = await scratchIndex({ 'huzhou.txt': HUZHOU, 'yongzhou.txt': YONGZHOU }, 'ablations-');
    index = scratch.index;
  }, 60_000);
  afterAll(async () => {
    await scratch.remove();
  });

  it('without the named region, the premise’s region comes first again', async () => {
    const q = '湖州首次评上国家级绿色工厂奖50万元，永州评上国家级绿色工厂奖多少？';
    const firstRegion = async () => index.documentsById.get((await search(index, { q, mode: 'hybrid' })).results[0]!.docId)!.region;
    expect(await firstRegion()).toBe('永州市');
    const region = ABLATIONS.find((a) => a.name === 'a named region weighs more')!;
    const switchOn = region.off();
    try {
      expect(await firstRegion()).toBe('湖州市');
    } finally {
      switchOn();
    }
    expect(await firstRegion()).toBe('永州市');
  });
});
