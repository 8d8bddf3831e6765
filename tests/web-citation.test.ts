import { describe, expect, it } from 'vitest';
import { citeClause, clauseLabels, formatCitation, type CitedClause } from '../web/src/citation.ts';

const measures = { title: '永州市推动先进制造业高质量发展若干措施', docNumber: '永政发〔2025〕2号' };

const clauses: CitedClause[] = [
  { id: 'preamble', parentId: null, label: null },
  { id: 'three', parentId: null, label: '三、' },
  { id: 'three-3', parentId: 'three', label: '（三）' },
  { id: 'three-3-1', parentId: 'three-3', label: '1.' },
  { id: 'para', parentId: 'three-3', label: null },
  { id: 'chapter', parentId: null, label: '第二章' },
  { id: 'article', parentId: 'chapter', label: ' 第五条 ' },
];

describe('formatCitation', () => {
  it('puts the title in 《》, the 文号 in full-width parentheses, then the labels', () => {
    expect(formatCitation(measures, ['三、', '（三）'])).toBe('《永州市推动先进制造业高质量发展若干措施》（永政发〔2025〕2号）三、（三）');
  });

  it('leaves out a missing 文号', () => {
    expect(formatCitation({ title: '湖南省推进新型工业化规划', docNumber: null }, ['一、'])).toBe('《湖南省推进新型工业化规划》一、');
  });

  it('cites a whole document without labels', () => {
    expect(formatCitation(measures)).toBe('《永州市推动先进制造业高质量发展若干措施》（永政发〔2025〕2号）');
  });

  it('turns book-title marks inside the title into 〈〉', () => {
    expect(formatCitation({ title: '《湖州市推动制造业高质量发展实施意见（2023—2025年）》解读', docNumber: null })).toBe(
      '《〈湖州市推动制造业高质量发展实施意见（2023—2025年）〉解读》',
    );
  });
});

describe('citations of every clause kind', () => {
  const law = { title: '中华人民共和国刑法', docNumber: null };
  it('cites an article’s items as 项, with the 款 when the article has paragraphs before them, and their sub-items as 目', () => {
    const clauses: CitedClause[] = [
      { id: 'a', parentId: null, label: '第二十条', kind: 'article', text: '第二十条 为了使国家、公共利益…' },
      { id: 'a1', parentId: 'a', label: '（一）', kind: 'numbered', text: '（一）…' },
      { id: 'b', parentId: null, label: '第二百二十四条', kind: 'article', text: '第二百二十四条 前款…\n有下列情形之一的：' },
      { id: 'b3', parentId: 'b', label: '（三）', kind: 'numbered', text: '（三）…' },
      { id: 'b3-2', parentId: 'b3', label: '2.', kind: 'numbered', text: '2. …' },
    ];
    expect(citeClause(law, 'a1', clauses)).toBe('《中华人民共和国刑法》第二十条第一项');
    expect(citeClause(law, 'b3', clauses)).toBe('《中华人民共和国刑法》第二百二十四条第二款第三项');
    expect(citeClause(law, 'b3-2', clauses)).toBe('《中华人民共和国刑法》第二百二十四条第二款第三项第2目');
  });

  it('cites the paragraphs after an article’s items as its 款, and the items of a later list under their 款', () => {
    const clauses: CitedClause[] = [
      { id: 'a', parentId: null, label: '第四十一条', kind: 'article', text: '第四十一条 有下列情形之一，需要裁减人员二十人以上的…：' },
      { id: 'a1', parentId: 'a', label: '（一）', kind: 'numbered', text: '（一）依照企业破产法规定进行重整的；' },
      { id: 'p2', parentId: 'a', label: null, kind: 'paragraph', text: '裁减人员时，应当优先留用下列人员：' },
      { id: 'p2-1', parentId: 'p2', label: '（一）', kind: 'numbered', text: '（一）与本单位订立较长期限的固定期限劳动合同的；' },
      { id: 'p3', parentId: 'a', label: null, kind: 'paragraph', text: '用人单位依照本条第一款规定裁减人员…' },
      { id: 'b', parentId: null, label: '第三百四十七条', kind: 'article', text: '第三百四十七条 走私、贩卖…\n走私、贩卖、运输、制造毒品，有下列情形之一的…：' },
      { id: 'b5', parentId: 'b', label: '（五）', kind: 'numbered', text: '（五）参与有组织的国际贩毒活动的。' },
      ...Array.from({ length: 10 }, (_, k) => ({ id: `bp${k}`, parentId: 'b', label: null, kind: 'paragraph', text: '…' })),
    ];
    expect(citeClause(law, 'p2', clauses)).toBe('《中华人民共和国刑法》第四十一条第二款');
    expect(citeClause(law, 'p2-1', clauses)).toBe('《中华人民共和国刑法》第四十一条第二款第一项');
    expect(citeClause(law, 'p3', clauses)).toBe('《中华人民共和国刑法》第四十一条第三款');
    expect(citeClause(law, 'b5', clauses)).toBe('《中华人民共和国刑法》第三百四十七条第二款第五项');
    expect(citeClause(law, 'bp0', clauses)).toBe('《中华人民共和国刑法》第三百四十七条第三款');
    expect(citeClause(law, 'bp9', clauses)).toBe('《中华人民共和国刑法》第三百四十七条第十二款');
  });

  it('cites a box’s items without running the numbers together, 问 by their order, and 一是 items apart', () => {
    const plan = { title: '永州市“十四五”工业发展规划（2021-2025年）', docNumber: null };
    const clauses: CitedClause[] = [
      { id: 'five', parentId: null, label: '五、', kind: 'numbered' },
      { id: 'five-3', parentId: 'five', label: '（三）', kind: 'numbered' },
      { id: 'box', parentId: 'five-3', label: '专栏 5', kind: 'box' },
      { id: 'box-2', parentId: 'box', label: '2.', kind: 'numbered' },
      { id: 'q1', parentId: null, label: '问', kind: 'qa' },
      { id: 'q2', parentId: null, label: '问', kind: 'qa' },
      { id: 'three', parentId: null, label: '三、', kind: 'numbered' },
      { id: 'three-3', parentId: 'three', label: '三是', kind: 'enumeration' },
    ];
    expect(citeClause(plan, 'box-2', clauses)).toBe('《永州市“十四五”工业发展规划（2021-2025年）》五、（三）专栏5第2项');
    expect(clauseLabels('q2', clauses)).toEqual(['问2']);
    expect(clauseLabels('three-3', clauses)).toEqual(['三、', '（三是）']);
  });
});

describe('clauseLabels', () => {
  it('lists ancestors outermost first, then the clause itself', () => {
    expect(clauseLabels('three-3-1', clauses)).toEqual(['三、', '（三）', '1.']);
  });

  it('cites a law from its article down: articles are numbered through the whole law', () => {
    expect(clauseLabels('article', clauses)).toEqual(['第五条']);
    const code: CitedClause[] = [
      { id: 'part', parentId: null, label: '第三编' },
      { id: 'chapter', parentId: 'part', label: '第二十二章' },
      { id: 'a909', parentId: 'chapter', label: '第九百零九条' },
      { id: 'item', parentId: 'a909', label: '（一）' },
      { id: 'a177-1', parentId: 'chapter', label: '第一百七十七条之一' },
    ];
    expect(citeClause({ title: '中华人民共和国民法典', docNumber: null }, 'item', code)).toBe('《中华人民共和国民法典》第九百零九条第一项');
    expect(clauseLabels('a177-1', code)).toEqual(['第一百七十七条之一']);
    expect(clauseLabels('chapter', code)).toEqual(['第三编', '第二十二章']);
  });

  it('skips unnumbered clauses', () => {
    expect(clauseLabels('para', clauses)).toEqual(['三、', '（三）']);
    expect(clauseLabels('preamble', clauses)).toEqual([]);
  });

  it('returns nothing for an unknown id and stops on a parent loop', () => {
    expect(clauseLabels('nope', clauses)).toEqual([]);
    const loop: CitedClause[] = [
      { id: 'a', parentId: 'b', label: '一、' },
      { id: 'b', parentId: 'a', label: '（一）' },
    ];
    expect(clauseLabels('a', loop)).toEqual(['（一）', '一、']);
  });
});

describe('citeClause', () => {
  it('cites the example from the brief', () => {
    expect(citeClause(measures, 'three-3', clauses)).toBe('《永州市推动先进制造业高质量发展若干措施》（永政发〔2025〕2号）三、（三）');
  });

  it('with no clause cites the document', () => {
    expect(citeClause(measures, null, clauses)).toBe('《永州市推动先进制造业高质量发展若干措施》（永政发〔2025〕2号）');
  });
});

describe('citations over the real corpora', () => {
  it('reads unambiguously for every clause of the seeds and of the law excerpts', async () => {
    const { loadCorpus } = await import('../ingest/load-corpus.ts');
    const { parseText } = await import('../ingest/parse-corpus.ts');
    const { readFileSync, readdirSync } = await import('node:fs');
    const seeds = (await loadCorpus('corpus', { today: '2026-11-26' })).documents;
    const laws = readdirSync('tests/fixtures/golden')
      .filter((f) => f.startsWith('law-') && f.endsWith('.raw.md'))
      .flatMap((f) => parseText(f, readFileSync(`tests/fixtures/golden/${f}`, 'utf8'), '2026-11-26').documents);
    let checked = 0;
    for (const doc of [...seeds, ...laws]) {
      for (const c of doc.clauses) {
        const labels = clauseLabels(c.id, doc.clauses);
        for (let k = 1; k < labels.length; k++) {
          // two numbers never run together ("专栏 5" + "2." read as 专栏52)
          expect(/\d$/.test(labels[k - 1]!) && /^\d/.test(labels[k]!), `${doc.id} ${labels.join('')}`).toBe(false);
        }
        expect(labels).not.toContain('问');
        if (c.kind === 'qa' && c.label === '问') expect(labels.at(-1)).toMatch(/^问\d+$/);
        // under an article, the citation starts at the article
        const articleAbove = c.path.some((p) => /^第.+条(?:之.+)?$/.test(p)) || c.kind === 'article';
        if (articleAbove) expect(labels[0], `${doc.id} ${labels.join('')}`).toMatch(/^第.+条/);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
});
