// Laws and regulations as published (markdown from the national database): the head is metadata,
// every 第X条 is an article of its own under its 编/章/节, an article's paragraphs and items stay
// in it, appended lists stay in the document, and validity comes only from the text's own words.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../ingest/parse-corpus.ts';
import type { Clause, PolicyDocument } from '../ingest/types.ts';

const TODAY = '2026-11-26';
const parse = (fixture: string, name = fixture) => parseText(name.replace(/^.*\//, ''), readFileSync(fixture, 'utf8'), TODAY);
const article = (doc: PolicyDocument, label: string): Clause => {
  const found = doc.clauses.filter((c) => c.kind === 'article' && c.label === label);
  expect(found, label).toHaveLength(1);
  return found[0]!;
};

describe('laws: masthead and metadata', () => {
  it('reads the title, issuer, dates and history from the head, and keeps the head out of every clause', () => {
    const { documents } = parse('tests/fixtures/golden/law-civil-code-1000.raw.md');
    expect(documents).toHaveLength(1);
    const [code] = documents as [PolicyDocument];
    expect(code).toMatchObject({ title: '中华人民共和国民法典', issuer: '全国人民代表大会', date: '2020-05-28', validFrom: '2021-01-01', type: '法律', status: '现行有效' });
    expect(code.history.map((h) => h.event)).toEqual(['通过', '施行']);
    for (const c of code.clauses) {
      for (const field of [c.text, c.heading ?? '', ...c.path]) {
        expect(field).not.toMatch(/<!--|INFO END|#|2020年5月28日/);
      }
    }
  });

  it('lists the amendment history of a law amended many times', () => {
    const [law] = parse('tests/fixtures/golden/law-criminal-code-177-1.raw.md').documents as [PolicyDocument];
    expect(law.history[0]).toMatchObject({ date: '1979-07-01', event: '通过' });
    expect(law.history[1]).toMatchObject({ date: '1997-03-14', event: '修订' });
    expect(law.history.filter((h) => h.event === '修正').length).toBeGreaterThanOrEqual(12);
  });

  it('does not take a period granted to a licence for the law’s own validity', () => {
    const [law] = parse('tests/fixtures/laws-trademark-validity.md', '商标法(2019-04-23).md').documents as [PolicyDocument];
    expect(law.validUntil).toBeNull();
    expect(law.validFrom).toBe('1983-03-01');
    expect(law.status).toBe('现行有效');
  });

  it('keeps a 印发 notice as text and its signature and 文号 as metadata', () => {
    const [rule] = parse('tests/fixtures/golden/law-wage-payment-notice.raw.md').documents as [PolicyDocument];
    expect(rule).toMatchObject({ title: '工资支付暂行规定', issuer: '劳动部', date: '1994-12-06', docNumber: '劳部发〔1994〕489号', validFrom: '1995-01-01' });
    expect(rule.clauses[0]!.text).toContain('现印发给你们');
  });
});

describe('laws: clause grammar', () => {
  it('makes 第一千条 and later articles clauses of their own under 编 and 章', () => {
    const [code] = parse('tests/fixtures/golden/law-civil-code-1000.raw.md').documents as [PolicyDocument];
    expect(article(code, '第一千条').path).toEqual(['第四编 人格权', '第一章 一般规定']);
    expect(article(code, '第一千零一条').text).toMatch(/^第一千零一条 对自然人因婚姻家庭关系/);
  });

  it('knows 第X条之一 and a 第X编 heading, and keeps "第二编 分则" out of the article before it', () => {
    const [law] = parse('tests/fixtures/golden/law-criminal-code-177-1.raw.md').documents as [PolicyDocument];
    const card = article(law, '第一百七十七条之一');
    expect(card.text).toContain('妨害信用卡管理');
    expect(card.path).toEqual(['第二编 分则', '第三章 破坏社会主义市场经济秩序罪', '第四节 破坏金融管理秩序罪']);
    expect(article(law, '第一百七十七条').text).not.toContain('妨害信用卡管理');
    expect(article(law, '第一百零一条').text).not.toContain('分则');
    expect(article(law, '第一百零二条').path[0]).toBe('第二编 分则');
  });

  it('puts the articles after a new 编 under it', () => {
    const [law] = parse('tests/fixtures/golden/law-criminal-procedure-part-4.raw.md').documents as [PolicyDocument];
    expect(article(law, '第二百五十九条').path).toEqual(['第四编 执行']);
    expect(article(law, '第二百五十八条').path).toEqual([]);
  });

  it('reads an article label with or without a space, in a law without chapters', () => {
    const [law] = parse('tests/fixtures/golden/law-eez-no-chapters.raw.md').documents as [PolicyDocument];
    const articles = law.clauses.filter((c) => c.kind === 'article');
    expect(articles.map((c) => c.label)).toHaveLength(16);
    expect(article(law, '第二条').text).toMatch(/^第二条 中华人民共和国的专属经济区/);
    expect(articles.every((c) => c.path.length === 0)).toBe(true);
    // unspaced, as plain text often prints it: still the article, not a citation
    const [plain] = parseText('eez.txt', '第一条 为保障主权权利，制定本法。\n第二条中华人民共和国的专属经济区从基线量起延至二百海里。\n第一条规定的权利由国家行使。', TODAY).documents as [PolicyDocument];
    expect(plain.clauses.filter((c) => c.kind === 'article').map((c) => c.label)).toEqual(['第一条', '第二条']);
    expect(article(plain, '第二条').text).toContain('第一条规定的权利');
  });

  it('keeps definition paragraphs (本条例所称…) in their article, and a closing article under 附则', () => {
    const [law] = parse('tests/fixtures/golden/law-organ-donation-definitions.raw.md').documents as [PolicyDocument];
    expect(article(law, '第二条').text).toContain('本条例所称人体器官移植');
    expect(law.clauses.some((c) => c.kind === 'closing')).toBe(false);
    expect(article(law, '第五十条').path).toEqual(['附则']);
  });

  it('keeps a list appended after the last article in the same document, as its appendix', () => {
    const { documents } = parse('tests/fixtures/golden/law-mining-appendix.raw.md');
    expect(documents).toHaveLength(1);
    const appendix = documents[0]!.clauses.find((c) => c.kind === 'appendix')!;
    expect(appendix.heading).toBe('附录');
    expect(appendix.text).toContain('34 矿泉水');
    expect(article(documents[0]!, '第三十四条').text).not.toContain('石油');
  });

  it('holds articles under the 一、 headings of a judicial interpretation, and titles it by its head', () => {
    const [interp] = parse('tests/fixtures/golden/law-guarantee-interpretation.raw.md').documents as [PolicyDocument];
    expect(interp.title).toBe('最高人民法院关于适用《中华人民共和国民法典》有关担保制度的解释');
    expect(interp).toMatchObject({ issuer: '最高人民法院', type: '司法解释' });
    expect(article(interp, '第一条').path).toEqual(['一、关于一般规定']);
  });
});

describe('laws: items and the headings above articles', () => {
  it('keeps an article’s items in it when the headings above use the same labels', () => {
    const text = [
      '# 最高人民法院关于适用《中华人民共和国民法典》有关担保制度的解释',
      '## 三、关于担保物权',
      '### （三）动产与权利担保',
      '第五十四条 动产抵押合同订立后未办理抵押登记，动产抵押权的效力按照下列情形分别处理：',
      '（一）抵押人转让抵押财产，受让人占有抵押财产后，抵押权人向受让人请求行使抵押权的，人民法院不予支持；',
      '（二）抵押人将抵押财产出租给他人并移转占有的，人民法院不予支持；',
      '（三）抵押人的其他债权人向人民法院申请保全或者执行抵押财产的，人民法院不予支持；',
      '（四）抵押人破产，抵押权人主张对抵押财产优先受偿的，人民法院不予支持。',
      '第五十五条 债权人、出质人与监管人订立三方协议，人民法院应当认定质权于监管人实际控制货物之日起设立。',
      '### （四）非典型担保',
      '第六十八条 债务人或者第三人与债权人约定将财产形式上转移至债权人名下的，人民法院应当认定该约定有效。',
    ].join('\n\n');
    const [doc] = parseText('interpretation.md', text, TODAY).documents as [PolicyDocument];
    const a54 = article(doc, '第五十四条');
    expect(a54.childIds.map((id) => doc.clauses.find((c) => c.id === id)!.label)).toEqual(['（一）', '（二）', '（三）', '（四）']);
    expect(article(doc, '第五十五条').path).toEqual(['三、关于担保物权', '（三）动产与权利担保']);
    expect(article(doc, '第六十八条').path).toEqual(['三、关于担保物权', '（四）非典型担保']);
  });
});

describe('laws: an article’s paragraphs after its list', () => {
  const clauseOf = (doc: PolicyDocument, id: string) => doc.clauses.find((c) => c.id === id)!;

  it('gives the paragraph after an article’s last item to the article, not to that item', () => {
    const [law] = parse('tests/fixtures/golden/law-criminal-code-177-1.raw.md').documents as [PolicyDocument];
    const a177 = article(law, '第一百七十七条');
    const children = a177.childIds.map((id) => clauseOf(law, id));
    expect(children.map((c) => c.label)).toEqual(['（一）', '（二）', '（三）', '（四）', null]);
    expect(children[3]!.text).toBe('（四）伪造信用卡的。');
    const after = children[4]!;
    expect(after).toMatchObject({ kind: 'paragraph', parentId: a177.id });
    expect(after.text).toMatch(/^单位犯前款罪的/);
    expect(after.path.at(-1)).toBe('第一百七十七条');
  });

  it('puts the items of a second list under the paragraph that leads them, and keeps a heading item’s own paragraphs', () => {
    const text = [
      '# 中华人民共和国劳动合同法',
      '第四十一条 有下列情形之一，需要裁减人员二十人以上的，用人单位提前三十日向工会说明情况后，可以裁减人员：',
      '（一）依照企业破产法规定进行重整的；',
      '（二）生产经营发生严重困难的。',
      '裁减人员时，应当优先留用下列人员：',
      '（一）与本单位订立较长期限的固定期限劳动合同的；',
      '（二）家庭无其他就业人员，有需要扶养的老人或者未成年人的。',
      '用人单位依照本条第一款规定裁减人员，在六个月内重新招用人员的，应当通知被裁减的人员。',
      '第四十二条 本办法的支持措施如下：',
      '（一）财政补贴。',
      '对新招用人员的企业给予补贴。',
    ].join('\n\n');
    const [law] = parseText('劳动合同法.md', text, TODAY).documents as [PolicyDocument];
    const a41 = article(law, '第四十一条');
    const children = a41.childIds.map((id) => clauseOf(law, id));
    expect(children.map((c) => c.label ?? c.text.slice(0, 6))).toEqual(['（一）', '（二）', '裁减人员时，', '用人单位依照']);
    expect(children[1]!.text).toBe('（二）生产经营发生严重困难的。');
    const second = children[2]!.childIds.map((id) => clauseOf(law, id));
    expect(second.map((c) => c.label)).toEqual(['（一）', '（二）']);
    expect(second[1]!.text).toBe('（二）家庭无其他就业人员，有需要扶养的老人或者未成年人的。');
    const subsidy = clauseOf(law, article(law, '第四十二条').childIds[0]!);
    expect(subsidy.text).toBe('（一）财政补贴。\n对新招用人员的企业给予补贴。');
  });
});

describe('laws: passages', () => {
  it('puts an article’s lead sentence in a passage with its items', () => {
    const { documents, passages } = parse('tests/fixtures/golden/law-civil-code-1000.raw.md');
    const lead = article(documents[0]!, '第九百零九条');
    const found = passages.filter((p) => p.text.includes('仓单包括下列事项'));
    expect(found).toHaveLength(1);
    expect(found[0]!.clauseId).toBe(lead.id);
    expect(found[0]!.text).toContain('（八）填发人、填发地和填发日期。');
  });

  it('leaves no words of an article out of the passages', () => {
    for (const fixture of ['law-civil-code-1000', 'law-criminal-code-177-1', 'law-eez-no-chapters', 'law-mining-appendix']) {
      const { documents, passages } = parse(`tests/fixtures/golden/${fixture}.raw.md`);
      const indexed = passages.map((p) => p.text).join('\n');
      for (const c of documents[0]!.clauses.filter((x) => x.kind === 'article' || x.kind === 'numbered')) {
        expect(indexed, `${fixture} ${c.label}`).toContain(c.text.split('\n')[0]!);
      }
    }
  });
});

describe('laws as plain text', () => {
  it('reads a law pasted as text: title line, history in parentheses, full-width spaces, a table of contents', () => {
    const [law] = parse('tests/fixtures/laws-plain-text-contents.txt', '个人信息保护法.txt').documents as [PolicyDocument];
    expect(law).toMatchObject({ title: '中华人民共和国个人信息保护法', issuer: '全国人民代表大会常务委员会', date: '2021-08-20', validFrom: '2021-11-01', type: '法律' });
    // the contents list no chapters of their own: each chapter once, holding its articles
    expect(law.clauses.filter((c) => c.kind === 'chapter').map((c) => `${c.label} ${c.heading}`)).toEqual(['第一章 总则', '第二章 个人信息处理规则', '第八章 附则']);
    expect(article(law, '第十三条').path).toEqual(['第二章 个人信息处理规则', '第一节 一般规定']);
    expect(law.clauses.some((c) => c.text.includes('目录') || c.text.includes('2021年8月20日'))).toBe(false);
  });
});
