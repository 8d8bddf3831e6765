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
    expect(citeClause({ title: '中华人民共和国民法典', docNumber: null }, 'item', code)).toBe('《中华人民共和国民法典》第九百零九条（一）');
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
