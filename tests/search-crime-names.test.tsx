// A crime named in a query (合同诈骗罪) leads with the 刑法 article that defines it, read from the
// corpus's own 罪名 documents, as a 文号 leads with its document. Excerpts of ../shared/laws/corpus:
// 刑法.md, 最高人民检察院关于适用刑法分则规定的犯罪的罪名的意见 and 确定罪名的补充规定（六）.
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crimeNameTable } from '../server/crime-names.ts';
import { withInterpretations } from '../server/document-card.ts';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { search } from '../server/search.ts';
import { ResultCard } from '../web/src/components/ResultCard.tsx';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

const CRIMINAL_LAW = `# 中华人民共和国刑法

1979年7月1日 第五届全国人民代表大会第二次会议通过

<!-- INFO END -->

## 第二编 分则

### 第三章 破坏社会主义市场经济秩序罪

第一百九十二条 以非法占有为目的，使用诈骗方法非法集资，数额较大的，处三年以上七年以下有期徒刑，并处罚金；数额巨大或者有其他严重情节的，处七年以上有期徒刑或者无期徒刑，并处罚金或者没收财产。

第二百二十四条 有下列情形之一，以非法占有为目的，在签订、履行合同过程中，骗取对方当事人财物，数额较大的，处三年以下有期徒刑或者拘役，并处或者单处罚金；数额巨大或者有其他严重情节的，处三年以上十年以下有期徒刑，并处罚金；数额特别巨大或者有其他特别严重情节的，处十年以上有期徒刑或者无期徒刑，并处罚金或者没收财产：

（一）以虚构的单位或者冒用他人名义签订合同的；

（二）以伪造、变造、作废的票据或者其他虚假的产权证明作担保的；

（三）没有实际履行能力，以先履行小额合同或者部分履行合同的方法，诱骗对方当事人继续签订和履行合同的；

（四）收受对方当事人给付的货物、货款、预付款或者担保财产后逃匿的；

（五）以其他方法骗取对方当事人财物的。

### 第五章 侵犯财产罪

第二百六十六条 诈骗公私财物，数额较大的，处三年以下有期徒刑、拘役或者管制，并处或者单处罚金；数额巨大或者有其他严重情节的，处三年以上十年以下有期徒刑，并处罚金；数额特别巨大或者有其他特别严重情节的，处十年以上有期徒刑或者无期徒刑，并处罚金或者没收财产。本法另有规定的，依照规定。

### 第六章 妨害社会管理秩序罪

第二百八十七条之二 明知他人利用信息网络实施犯罪，为其犯罪提供互联网接入、服务器托管、网络存储、通讯传输等技术支持，或者提供广告推广、支付结算等帮助，情节严重的，处三年以下有期徒刑或者拘役，并处或者单处罚金。
`;

const OPINION = `# 最高人民检察院关于适用刑法分则规定的犯罪的罪名的意见

1997年12月17日 最高人民检察院检察委员会第八届第八十一次会议通过

<!-- INFO END -->

为保证正确、统一执法，根据修订的《中华人民共和国刑法》，现对检察工作中适用刑法分则规定的犯罪的罪名提出如下意见：

## 第三章 破坏社会主义市场经济秩序罪

110．集资诈骗罪（第192条） 111．贷款诈骗罪（第193条） 140．合同诈骗罪（第224条）

## 第五章 侵犯财产罪

186．抢劫罪（第263条） 187．盗窃罪（第264条） 188．诈骗罪（第266条）
`;

const SUPPLEMENT = `# 最高人民法院、最高人民检察院关于执行《中华人民共和国刑法》确定罪名的补充规定（六）

2015年10月19日 最高人民法院审判委员会第1664次会议、2015年10月21日最高人民检察院第十二届检察委员会第四十三次会议通过

<!-- INFO END -->

根据《中华人民共和国刑法修正案（九）》（以下简称《刑法修正案（九）》）的有关规定，现对罪名作如下补充、修改：

<!-- TABLE -->
| 刑法条文 |罪名 |
|-----|-----|
| 第一百二十条之一 （《刑法修正案（九）》第六条） |帮助恐怖活动罪 （取消资助恐怖活动罪罪名） |
| 第二百八十七条之二 （《刑法修正案（九）》第二十九条） |帮助信息网络犯罪活动罪 |
`;

describe('crime names read from the corpus', () => {
  it("reads the 意见's numbered list and the rules' tables, the amending acts' articles left out", () => {
    const table = crimeNameTable([
      { title: '最高人民检察院关于适用刑法分则规定的犯罪的罪名的意见', text: OPINION },
      { title: '最高人民法院、最高人民检察院关于执行《中华人民共和国刑法》确定罪名的补充规定（六）', text: SUPPLEMENT },
      { title: '中华人民共和国刑法', text: CRIMINAL_LAW },
    ]);
    expect(table.get('合同诈骗罪')).toEqual({ name: '合同诈骗罪', articles: ['224'] });
    expect(table.get('诈骗罪')?.articles).toEqual(['266']);
    expect(table.get('帮助信息网络犯罪活动罪')?.articles).toEqual(['287之二']);
    expect(table.get('帮助恐怖活动罪')?.articles).toEqual(['120之一']);
    // a note on a replaced name is no name of this article
    expect(table.has('资助恐怖活动罪')).toBe(false);
    expect([...table.keys()].every((name) => name.endsWith('罪'))).toBe(true);
  });
});

describe('a query that names a crime', () => {
  let scratch: ScratchIndex;
  let index: EmbeddedIndex;
  beforeAll(async () => {
    scratch = await scratchIndex({ '刑法.md': CRIMINAL_LAW, '罪名的意见.md': OPINION, '确定罪名的补充规定（六）.md': SUPPLEMENT }, 'crime-');
    index = scratch.index;
  }, 60_000);
  afterAll(async () => {
    await scratch.remove();
  });

  it('leads with the article that defines it, and says so', async () => {
    const { results } = await search(index, { q: '以伪造的票据作担保签订借款合同，构成合同诈骗罪吗？' });
    expect(results[0]).toMatchObject({ label: '第二百二十四条', crimeName: '合同诈骗罪' });
    // the answer is the item of the article that holds the question, not its lead "有下列情形之一…"
    expect(results[0]!.answer).toBe('（二）以伪造、变造、作废的票据或者其他虚假的产权证明作担保的；');
    // 合同诈骗罪, not the 诈骗罪 inside it
    expect(results.filter((r) => r.crimeName !== undefined)).toHaveLength(1);
    const general = await search(index, { q: '冒充公安人员打电话骗钱，构成诈骗罪吗？' });
    expect(general.results[0]).toMatchObject({ label: '第二百六十六条', crimeName: '诈骗罪' });
  });

  it('shows the crime on the result card, a result that counts as relevant', async () => {
    const response = withInterpretations(index, await search(index, { q: '什么情形构成合同诈骗罪？' }));
    const first = response.results[0]!;
    expect(first).toMatchObject({ label: '第二百二十四条', crimeName: '合同诈骗罪', weak: false });
    const card = renderToStaticMarkup(
      <MemoryRouter>
        <ResultCard result={first} />
      </MemoryRouter>,
    );
    expect(card).toContain('罪名：合同诈骗罪');
    expect(card).toContain('第二百二十四条');
    // and the citation to copy, as the reader gives it
    expect(first.citation).toBe('《中华人民共和国刑法》第二百二十四条');
    expect(card).toContain('复制引用');
    expect(card).toContain('《中华人民共和国刑法》第二百二十四条');
  });

  it('finds an article whose text shares few of the words of its name', async () => {
    const { results } = await search(index, { q: '帮助信息网络犯罪活动罪会判多久', mode: 'keyword' });
    expect(results[0]).toMatchObject({ label: '第二百八十七条之二', crimeName: '帮助信息网络犯罪活动罪' });
  });

  it('leaves a query that names no crime as it was', async () => {
    const { results } = await search(index, { q: '以伪造的票据作担保签订借款合同' });
    expect(results.some((r) => r.crimeName !== undefined)).toBe(false);
  });
});

describe('a corpus without 罪名 documents', () => {
  let scratch: ScratchIndex;
  beforeAll(async () => {
    scratch = await scratchIndex({ '刑法.md': CRIMINAL_LAW }, 'crime-none-');
  }, 60_000);
  afterAll(async () => {
    await scratch.remove();
  });

  it('knows no crime names', async () => {
    const { results } = await search(scratch.index, { q: '构成合同诈骗罪吗？' });
    expect(results.some((r) => r.crimeName !== undefined)).toBe(false);
  });
});
