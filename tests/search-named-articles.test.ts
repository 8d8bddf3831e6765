// An article named with its law leads, in Chinese or Arabic numerals, before an article that only
// refers to it, and before the rest of a law the query names in full; a search inside the law
// finds it by its number alone. Excerpts of ../shared/laws/corpus: 劳动合同法(2012-12-28).md,
// 民法典.md.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../server/app.ts';
import type { ApiSearchResponse } from '../server/document-card.ts';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { namedArticles } from '../server/named-articles.ts';
import { search } from '../server/search.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

const LABOUR_CONTRACT_LAW = `# 中华人民共和国劳动合同法

2007年6月29日 第十届全国人民代表大会常务委员会第二十八次会议通过

<!-- INFO END -->

## 第四章 劳动合同的解除和终止

第四十七条 经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资的标准向劳动者支付。六个月以上不满一年的，按一年计算；不满六个月的，向劳动者支付半个月工资的经济补偿。

劳动者月工资高于用人单位所在直辖市、设区的市级人民政府公布的本地区上年度职工月平均工资三倍的，向其支付经济补偿的标准按职工月平均工资三倍的数额支付，向其支付经济补偿的年限最高不超过十二年。

本条所称月工资是指劳动者在劳动合同解除或者终止前十二个月的平均工资。

## 第七章 法律责任

第八十七条 用人单位违反本法规定解除或者终止劳动合同的，应当依照本法第四十七条规定的经济补偿标准的二倍向劳动者支付赔偿金。
`;

const CIVIL_CODE = `# 中华人民共和国民法典

2020年5月28日 第十三届全国人民代表大会第三次会议通过

<!-- INFO END -->

## 第七编 侵权责任

### 第一章 一般规定

第一千一百六十五条 行为人因过错侵害他人民事权益造成损害的，应当承担侵权责任。

依照法律规定推定行为人有过错，其不能证明自己没有过错的，应当承担侵权责任。

第一千一百六十六条 行为人造成他人民事权益损害，不论行为人有无过错，法律规定应当承担侵权责任的，依照其规定。
`;

let scratch: ScratchIndex;
let index: EmbeddedIndex;
beforeAll(async () => {
  scratch = await scratchIndex({ '劳动合同法(2012-12-28).md': LABOUR_CONTRACT_LAW, '民法典.md': CIVIL_CODE }, 'named-articles-');
  index = scratch.index;
}, 60_000);
afterAll(async () => {
  await scratch.remove();
});

const first = async (q: string) => (await search(index, { q })).results[0];

describe('an article named with its law', () => {
  it('is read in Chinese or Arabic numerals, the law by the name its documents are cited by', () => {
    const labels = (q: string) => namedArticles(index, q).map((a) => a.label);
    expect(labels('民法典第1165条')).toEqual(['第一千一百六十五条']);
    expect(labels('《中华人民共和国民法典》第一千一百六十六条和劳动合同法第８７条')).toEqual(['第一千一百六十六条', '第八十七条']);
    // no law before the number, or a law the corpus does not hold: nothing is named
    expect(labels('第四十七条')).toEqual([]);
    expect(labels('刑法第四十七条')).toEqual([]);
  });

  it('leads before an article that refers to it, and before the rest of a law named in full', async () => {
    expect((await first('劳动合同法第四十七条'))?.label).toBe('第四十七条');
    expect((await first('《中华人民共和国劳动合同法》第47条规定的经济补偿'))?.label).toBe('第四十七条');
    expect((await first('民法典第1166条 过错'))?.label).toBe('第一千一百六十六条');
  });

  it('is found by its number alone in a search inside its law, as the page asks when a query names the law', async () => {
    const app = createApp(index, { webDist: null });
    const res = await request(app).get('/api/search').query({ q: '劳动合同法第47条' });
    expect(res.status).toBe(200);
    const body = res.body as ApiSearchResponse;
    expect(body.results[0]).toMatchObject({ label: '第四十七条', citation: '《中华人民共和国劳动合同法》第四十七条' });
  });
});

describe('a law asked for by its name alone', () => {
  it('opens at its first article, in search and through the API', async () => {
    for (const q of ['劳动合同法', '《中华人民共和国劳动合同法》', '劳动合同法全文']) {
      const result = await first(q);
      expect(result?.docTitle, q).toBe('中华人民共和国劳动合同法');
      expect(result?.label, q).toBe('第四十七条');
    }
    const res = await request(createApp(index, { webDist: null })).get('/api/search').query({ q: '民法典' });
    const body = res.body as ApiSearchResponse;
    expect(body.document?.title).toBe('中华人民共和国民法典');
    expect(body.results[0]).toMatchObject({ label: '第一千一百六十五条', weak: false });
    expect(body.results.every((r) => !r.weak)).toBe(true);
  });
});
