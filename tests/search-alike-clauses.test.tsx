// Articles of one law written alike: 民法典 第四百三十二条 and 第四百三十四条 both end
// "质押财产毁损、灭失的，应当承担赔偿责任", and a question about a pledge damaged may come first on
// either. Each result names the other, so that the official about to quote one checks its
// neighbour; 第四百三十三条, which shares no such wording, names none. Excerpt of
// ../shared/laws/corpus/民法典.md, searched through the API and rendered as the page renders it.
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALIKE_RUN, alikeClauses, sharedRun } from '../server/alike-clauses.ts';
import { createApp } from '../server/app.ts';
import type { ApiSearchResponse } from '../server/document-card.ts';
import { ResultCard } from '../web/src/components/ResultCard.tsx';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

const CIVIL_CODE = `# 中华人民共和国民法典

2020年5月28日 第十三届全国人民代表大会第三次会议通过

<!-- INFO END -->

## 第二编 物权

### 第四分编 担保物权

#### 第十八章 质权

##### 第一节 动产质权

第四百三十二条 质权人负有妥善保管质押财产的义务；因保管不善致使质押财产毁损、灭失的，应当承担赔偿责任。

质权人的行为可能使质押财产毁损、灭失的，出质人可以请求质权人将质押财产提存，或者请求提前清偿债务并返还质押财产。

第四百三十三条 因不可归责于质权人的事由可能使质押财产毁损或者价值明显减少，足以危害质权人权利的，质权人有权请求出质人提供相应的担保；出质人不提供的，质权人可以拍卖、变卖质押财产，并与出质人协议将拍卖、变卖所得的价款提前清偿债务或者提存。

第四百三十四条 质权人在质权存续期间，未经出质人同意转质，造成质押财产毁损、灭失的，应当承担赔偿责任。
`;

let scratch: ScratchIndex;
let body: ApiSearchResponse;

beforeAll(async () => {
  scratch = await scratchIndex({ '民法典.md': CIVIL_CODE }, 'alike-');
  body = (await request(createApp(scratch.index, { webDist: null })).get('/api/search').query({ q: '质权人把质押的东西弄坏了要赔偿吗' })).body as ApiSearchResponse;
}, 60_000);
afterAll(async () => {
  await scratch.remove();
});

const resultOf = (label: string) => body.results.find((r) => r.label === label);

describe('results written alike', () => {
  it('name each other with the wording they share, and a clause that shares none names nothing', () => {
    const [a432, a433, a434] = ['第四百三十二条', '第四百三十三条', '第四百三十四条'].map(resultOf);
    expect(a432 && a433 && a434).toBeTruthy();
    expect(a432!.alike?.map((a) => a.label)).toEqual(['第四百三十四条']);
    expect(a432!.alike![0]!.name).toBe('第四百三十四条');
    expect(a434!.alike?.map((a) => a.label)).toEqual(['第四百三十二条']);
    expect(a432!.alike![0]!.shared).toMatch(/^质押财产毁损、灭失的，应当承担赔偿责任/u);
    expect(a432!.alike![0]!.url).toBe(a434!.url);
    expect(a433!.alike).toBeUndefined();
  });

  it('are shown on the card with a link to the neighbour and a word to check before quoting', () => {
    const card = body.results.find((r) => r.label === '第四百三十二条')!;
    const html = renderToStaticMarkup(
      <MemoryRouter>
        <ResultCard result={card} />
      </MemoryRouter>,
    );
    const link = /<p class="result-alike">.*?<a href="([^"]+)"[^>]*>第四百三十四条<\/a>/u.exec(html);
    expect(link).not.toBeNull();
    expect(decodeURIComponent(link![1]!)).toBe(decodeURIComponent(card.alike![0]!.url));
    expect(html).toMatch(/与本条写有相同文字（“质押财产毁损、灭失的，应当承担赔偿责任/u);
    expect(html).toContain('引用前请核对');
  });

  it('are of one document: the same wording in another document names nothing', () => {
    const wording = '造成质押财产毁损、灭失的，应当承担赔偿责任。';
    const result = (docId: string, clauseId: string, label: string) => ({ docId, clauseId, label, text: `${label} 质权人${wording}`, url: `/doc/${docId}#${clauseId}`, citation: `《${docId}》${label}` });
    const [a, b, c] = alikeClauses([result('甲法', 'a', '第一条'), result('乙法', 'b', '第二条'), result('甲法', 'c', '第三条')]);
    expect(a?.map((x) => x.name)).toEqual(['第三条']);
    expect(b).toBeUndefined();
    expect(c?.map((x) => x.name)).toEqual(['第一条']);
    expect(a![0]!.shared).toBe(`质权人${wording}`);
  });

  it('need a run of 20 characters: 19 in common are not alike', () => {
    const a = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥';
    expect(sharedRun(a, `一二${a.slice(0, ALIKE_RUN)}三`)).toBe(a.slice(0, ALIKE_RUN));
    expect(sharedRun(a, `一二${a.slice(0, ALIKE_RUN - 1)}三`)).toBeNull();
    expect(sharedRun(a, `${a.slice(2)}`)).toBe(a.slice(2));
  });
});
