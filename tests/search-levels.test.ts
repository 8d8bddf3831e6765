// Hierarchical ranking and the article prior: a group of passages is scored as the one text its
// passages make, and the articles the corpus refers to by number are known from its text alone.
import { describe, expect, it } from 'vitest';
import { KeywordIndex } from '../ingest/keyword-index.ts';
import type { Clause, Passage, PolicyDocument } from '../ingest/types.ts';
import type { LoadedIndex } from '../server/load-index.ts';
import { articlePriors } from '../server/search.ts';

const tokenizer = { tokenize: (text: string) => text.split(/[\s。]+/u).filter((t) => t !== '') };

describe('a keyword index grouped by document', () => {
  it('scores each group as the concatenation of its passages', () => {
    const passages = ['居住权 设立', '居住权 登记 消灭', '监视居住 期限', '合同 解除', '合同 违约 责任'];
    const groups = [[0, 1], [2], [3, 4]];
    const groupOf = new Int32Array(passages.length);
    groups.forEach((members, g) => members.forEach((p) => (groupOf[p] = g)));
    const grouped = KeywordIndex.build(passages.map((text) => ({ text })), tokenizer).grouped(groupOf, groups.length);
    const whole = KeywordIndex.build(
      groups.map((members) => ({ text: members.map((p) => passages[p]).join('。') })),
      tokenizer,
    );
    for (const q of ['居住权 登记', '合同 责任', '监视居住']) {
      const a = grouped.search(q, 3);
      const b = whole.search(q, 3);
      expect(a.map((h) => h.id)).toEqual(b.map((h) => h.id));
      a.forEach((h, i) => expect(h.score).toBeCloseTo(b[i]!.score, 4));
    }
    expect(grouped.count).toBe(3);
  });
});

function fakeIndex(docs: { id: string; title: string; articles: string[] }[]): LoadedIndex {
  const documents: PolicyDocument[] = [];
  const clausesById = new Map<string, Clause>();
  const passages: Passage[] = [];
  for (const d of docs) {
    let text = '';
    const clauses: Clause[] = [];
    d.articles.forEach((body, i) => {
      const label = `第${'一二三四五六七八九'[i]}条`;
      const start = text.length;
      text += `${label} ${body}\n`;
      const clause = {
        id: `${d.id}-${i}`, docId: d.id, parentId: null, kind: 'article', level: 1, label, heading: null, path: [],
        text: text.slice(start), start, end: text.length, tables: [], childIds: [],
      } as Clause;
      clauses.push(clause);
      clausesById.set(clause.id, clause);
      passages.push({ id: `${clause.id}-p`, clauseId: clause.id, docId: d.id, text: clause.text, start, end: clause.end });
    });
    documents.push({ id: d.id, title: d.title, source: `${d.id}.md`, text, clauses } as unknown as PolicyDocument);
  }
  return { documents, clausesById, passages } as unknown as LoadedIndex;
}

describe('the article prior', () => {
  it('counts references by name, by 本法 and bare numbers, and not an article heading itself', () => {
    const index = fakeIndex([
      { id: 'a', title: '中华人民共和国甲法', articles: ['总则。', '依照本法第一条处理。', '违反第一条的，罚款。'] },
      { id: 'b', title: '关于适用《甲法》的解释', articles: ['依照甲法第三条、《中华人民共和国甲法》第一条审理。', '该法第二条不计。'] },
    ]);
    const priors = articlePriors(index);
    const byClause = new Map(index.passages.map((p, i) => [p.clauseId, priors[i]!]));
    // 甲法 第一条: 本法第一条, 第一条 (bare, own law), 《甲法》第一条 -> 3, the most: 1
    expect(byClause.get('a-0')).toBeCloseTo(1, 5);
    // 甲法 第三条: 甲法第三条 -> 1;  第二条: none (该法 names no law)
    expect(byClause.get('a-2')).toBeGreaterThan(0);
    expect(byClause.get('a-2')).toBeLessThan(1);
    expect(byClause.get('a-1')).toBe(0);
    // the interpretation's articles are referred to by nobody
    expect(byClause.get('b-0')).toBe(0);
  });
});
