import { describe, expect, it } from 'vitest';
import type { Clause } from '../ingest/types.ts';
import { clauseParts, clauseTitle, outlineTree, segmentDocument } from '../web/src/reader/segments.ts';

// A document as the index gives it: a masthead, a heading-only parent, a child with a table, a closing line.
const text = [
  '永州市人民政府', //                          0..7
  '某某措施', //                                8..12
  '一、总体要求', //                            13..19
  '（一）支持设备更新。给予贴息。', //          20..35
  '类别 | 金额', //                             36..43
  '贴息 | 100', //                              44..52
  '以上为示例。', //                            53..59
  '永州市人民政府办公室', //                     60..70
].join('\n');

function clause(c: Partial<Clause> & Pick<Clause, 'id' | 'start' | 'end'>): Clause {
  return {
    docId: 'd',
    parentId: null,
    kind: 'numbered',
    level: 1,
    label: null,
    heading: null,
    path: [],
    text: text.slice(c.start, c.end),
    tables: [],
    childIds: [],
    ...c,
  };
}

const parent = clause({ id: 'p', start: 13, end: 19, label: '一、', heading: '总体要求', childIds: ['c'] });
const child = clause({
  id: 'c',
  parentId: 'p',
  level: 2,
  start: 20,
  end: 59,
  label: '（一）',
  heading: '支持设备更新',
  tables: [{ rows: [['类别', '金额'], ['贴息', '100']], start: 36, end: 52 }],
});
const clauses = [child, parent]; // deliberately out of order

describe('segmentDocument', () => {
  it('lays out masthead gaps and clauses in text order', () => {
    const segments = segmentDocument(text, clauses);
    expect(segments.map((s) => (s.kind === 'clause' ? s.clause.id : s.lines))).toEqual([
      ['永州市人民政府', '某某措施'],
      'p',
      'c',
      ['永州市人民政府办公室'],
    ]);
  });
});

describe('clauseParts', () => {
  it('replaces table lines with the table', () => {
    const parts = clauseParts(text, child);
    expect(parts.map((p) => (p.kind === 'table' ? p.table.rows : p.lines))).toEqual([
      ['（一）支持设备更新。给予贴息。'],
      [['类别', '金额'], ['贴息', '100']],
      ['以上为示例。'],
    ]);
  });

  it('ignores a table whose offsets fall outside the clause', () => {
    const odd = { ...child, tables: [{ rows: [['x']], start: 0, end: 5 }] };
    expect(clauseParts(text, odd).every((p) => p.kind === 'text')).toBe(true);
  });
});

describe('outlineTree', () => {
  it('nests children and lifts the children of clauses with nothing to show', () => {
    const preamble = clause({ id: 'pre', start: 8, end: 12, kind: 'preamble' });
    const tree = outlineTree([preamble, parent, child]);
    expect(tree.map((n) => [n.clause.id, n.children.map((c) => c.clause.id)])).toEqual([['p', ['c']]]);
  });
});

describe('clauseTitle', () => {
  it('uses label and heading, or the start of the text', () => {
    expect(clauseTitle(parent)).toBe('一、总体要求');
    const bare = clause({ id: 'b', start: 20, end: 35, label: '（一）' });
    expect(clauseTitle(bare, 6)).toBe('（一）支持设备更新…');
  });
});
