// Which of the first results of one law comes first: articles of one law that a question matches
// are often alike, and a model learned from answered questions (server/first-place.ts) tells the
// cited one from its neighbour by what the question's words and bigrams, length, score, rank and
// similar questions say of each. Hybrid mode only; an article the query names stays first.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_PLACE_FEATURES, fitFirstPlace, useFirstPlaceModel, type FirstPlaceModel } from '../server/first-place.ts';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { search } from '../server/search.ts';
import { useAnsweredQuestions } from '../server/similar-questions.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

const LAW = `中华人民共和国担保测试法

第一章 质权

第一条 为担保债务的履行，债务人或者第三人将其动产出质给债权人占有的，债务人不履行到期债务，债权人有权就该动产优先受偿。
第二条 质权人负有妥善保管质押财产的义务；因保管不善致使质押财产毁损、灭失的，应当承担赔偿责任。质权人的行为可能使质押财产毁损、灭失的，出质人可以请求质权人将质押财产提存，或者请求提前清偿债务并返还质押财产。
第三条 质权人在质权存续期间，未经出质人同意，擅自使用、处分质押财产，造成出质人损害的，应当承担赔偿责任。
第四条 质权人在质权存续期间，未经出质人同意转质，造成质押财产毁损、灭失的，应当承担赔偿责任。
第五条 出质人可以请求质权人在债务履行期限届满后及时行使质权。
`;

/** A model that deems the other result cited when it holds more of the question's bigrams than the first. */
const bigramModel = (bias: number): FirstPlaceModel => ({
  about: 'test',
  source: { questions: 'test', count: 0, pairs: 0, learnedAt: '' },
  features: [...FIRST_PLACE_FEATURES],
  mean: FIRST_PLACE_FEATURES.map(() => 0),
  scale: FIRST_PLACE_FEATURES.map(() => 1),
  weights: FIRST_PLACE_FEATURES.map((f) => (f === 'bigramCover' ? 40 : 0)),
  bias,
});

let scratch: ScratchIndex;
let index: EmbeddedIndex;

beforeAll(async () => {
  scratch = await scratchIndex({ '担保测试法.md': LAW }, 'first-place-');
  index = scratch.index;
  // the shipped answered questions cite other corpora; none here
  useAnsweredQuestions(null);
}, 60_000);
afterAll(async () => {
  useAnsweredQuestions(undefined);
  useFirstPlaceModel(undefined);
  await scratch.remove();
});
afterEach(() => useFirstPlaceModel(undefined));

const labels = async (q: string, mode: 'hybrid' | 'keyword' = 'hybrid') => (await search(index, { q, mode })).results.slice(0, 3).map((r) => r.label);

// the pledgee's duty of care says 保管, 质押财产 and 毁损 over and over; the article on using and
// disposing of the pledge without consent holds more of what is asked (擅自, 处分)
const QUESTION = '质权人保管的质押财产毁损了，擅自处分质押财产要赔偿吗';

describe('first place among one law\'s results', () => {
  it('puts first the article the model deems cited, in exchange for the first, the rest in their places', async () => {
    useFirstPlaceModel(null);
    const without = await labels(QUESTION);
    expect(without[0]).toBe('第二条');
    useFirstPlaceModel(bigramModel(-1));
    const withModel = await labels(QUESTION);
    expect(withModel[0]).toBe('第三条');
    const exchanged = [...without];
    const at = without.indexOf('第三条');
    [exchanged[0], exchanged[at]] = [exchanged[at]!, exchanged[0]!];
    expect(withModel).toEqual(exchanged);
  });

  it('keeps the first result when no other is more likely the cited one than not', async () => {
    useFirstPlaceModel(null);
    const without = await labels(QUESTION);
    useFirstPlaceModel(bigramModel(-50));
    expect(await labels(QUESTION)).toEqual(without);
  });

  it('leaves keyword mode in the keyword order and an article the query names first', async () => {
    useFirstPlaceModel(null);
    const keyword = await labels(QUESTION, 'keyword');
    const named = await labels(`担保测试法第二条 ${QUESTION}`);
    useFirstPlaceModel(bigramModel(-1));
    expect(await labels(QUESTION, 'keyword')).toEqual(keyword);
    expect((await labels(`担保测试法第二条 ${QUESTION}`))[0]).toBe(named[0]);
    expect(named[0]).toBe('第二条');
  });

  it('learns from answered questions which of two results was cited', () => {
    // the cited one held more of the question's bigrams; the first result's score says nothing
    const pairs = Array.from({ length: 40 }, (_, i) => {
      const cover = ((i % 10) - 4.5) / 10;
      return { features: [0.8, 2 + (i % 4), 0, cover, 0, 0], otherCited: cover > 0 };
    });
    const model = fitFirstPlace(pairs);
    const bigram = FIRST_PLACE_FEATURES.indexOf('bigramCover');
    expect(model.weights[bigram]).toBeGreaterThan(1);
    for (const [j, w] of model.weights.entries()) if (j !== bigram) expect(Math.abs(w)).toBeLessThan(Math.abs(model.weights[bigram]!) / 2);
    // with nothing to tell apart, no model: the first result stays first
    expect(fitFirstPlace(pairs.map((p) => ({ ...p, otherCited: false }))).weights).toEqual([]);
  });
});
