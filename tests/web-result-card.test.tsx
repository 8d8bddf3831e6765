// What a result card shows for a clause of a law: its place down to the 款 that has no printed
// label of its own, and the citation 复制引用 copies. Real search over an excerpt of the 刑法
// (../shared/laws/corpus/刑法.md, 第三百四十七条 and 第三百四十八条), rendered as the page renders it.
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withInterpretations, type ApiSearchResult } from '../server/document-card.ts';
import { search } from '../server/search.ts';
import { ResultCard } from '../web/src/components/ResultCard.tsx';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

const CRIMINAL_LAW = `# 中华人民共和国刑法

1979年7月1日 第五届全国人民代表大会第二次会议通过

<!-- INFO END -->

## 第二编 分则

### 第六章 妨害社会管理秩序罪

#### 第七节 走私、贩卖、运输、制造毒品罪

第三百四十七条 走私、贩卖、运输、制造毒品，无论数量多少，都应当追究刑事责任，予以刑事处罚。

走私、贩卖、运输、制造毒品，有下列情形之一的，处十五年有期徒刑、无期徒刑或者死刑，并处没收财产：

（一）走私、贩卖、运输、制造鸦片一千克以上、海洛因或者甲基苯丙胺五十克以上或者其他毒品数量大的；

（二）走私、贩卖、运输、制造毒品集团的首要分子；

（三）武装掩护走私、贩卖、运输、制造毒品的；

（四）以暴力抗拒检查、拘留、逮捕，情节严重的；

（五）参与有组织的国际贩毒活动的。

走私、贩卖、运输、制造鸦片二百克以上不满一千克、海洛因或者甲基苯丙胺十克以上不满五十克或者其他毒品数量较大的，处七年以上有期徒刑，并处罚金。

走私、贩卖、运输、制造鸦片不满二百克、海洛因或者甲基苯丙胺不满十克或者其他少量毒品的，处三年以下有期徒刑、拘役或者管制，并处罚金；情节严重的，处三年以上七年以下有期徒刑，并处罚金。

单位犯第二款、第三款、第四款罪的，对单位判处罚金，并对其直接负责的主管人员和其他直接责任人员，依照各该款的规定处罚。

利用、教唆未成年人走私、贩卖、运输、制造毒品，或者向未成年人出售毒品的，从重处罚。

对多次走私、贩卖、运输、制造毒品，未经处理的，毒品数量累计计算。

第三百四十八条 非法持有鸦片一千克以上、海洛因或者甲基苯丙胺五十克以上或者其他毒品数量大的，处七年以上有期徒刑或者无期徒刑，并处罚金；非法持有鸦片二百克以上不满一千克、海洛因或者甲基苯丙胺十克以上不满五十克或者其他毒品数量较大的，处三年以下有期徒刑、拘役或者管制，并处罚金；情节严重的，处三年以上七年以下有期徒刑，并处罚金。
`;

let scratch: ScratchIndex;
beforeAll(async () => {
  scratch = await scratchIndex({ '刑法.md': CRIMINAL_LAW }, 'result-card-');
}, 60_000);
afterAll(async () => {
  await scratch.remove();
});

/** The card of the result the search finds with this citation, as the page renders it. */
const cardOf = async (q: string, citation: string) => {
  const results: ApiSearchResult[] = withInterpretations(scratch.index, await search(scratch.index, { q, k: 20 })).results;
  const result = results.find((r) => r.citation === citation);
  expect(result, `${q} finds ${citation}`).toBeDefined();
  const html = renderToStaticMarkup(
    <MemoryRouter>
      <ResultCard result={result!} />
    </MemoryRouter>,
  );
  return { result: result!, crumbs: [...html.matchAll(/<li>([^<]*)<\/li>/gu)].map((m) => m[1]), html };
};

describe('a result card of a law', () => {
  it('places a 款 under its article by its number, and offers its citation to copy', async () => {
    const { result, crumbs, html } = await cardOf('利用、教唆未成年人走私毒品 从重处罚', '《中华人民共和国刑法》第三百四十七条第六款');
    expect(result.label).toBeNull();
    expect(crumbs.slice(-2)).toEqual(['第三百四十七条', '第六款']);
    expect(html).toContain('复制引用');
  });

  it('places an item by its own label, its citation by the 款 its list stands in', async () => {
    const { result, crumbs } = await cardOf('参与有组织的国际贩毒活动', '《中华人民共和国刑法》第三百四十七条第二款第五项');
    expect(result.label).toBe('（五）');
    expect(crumbs.slice(-2)).toEqual(['第三百四十七条', '（五）参与有组织的国际贩毒活动的']);
  });
});
