// Golden tests: real excerpts of the seed files in, the exact cleaned text and clause tree out.
// After a deliberate change: npx tsx scripts/update-golden.ts, then review the diff of the .expected.json.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseText } from '../ingest/parse-corpus.ts';
import { GOLDEN_TODAY, goldenView } from './helpers/golden-view.ts';

const dir = 'tests/fixtures/golden';
const cases = readdirSync(dir).filter((f) => /\.raw\.(?:txt|md)$/.test(f));

describe('cleaning and clause segmentation on seed excerpts', () => {
  it('has golden cases', () => expect(cases.length).toBeGreaterThanOrEqual(7));

  for (const name of cases) {
    const raw = readFileSync(join(dir, name), 'utf8');
    it(`${name}: cleaned text and clause tree match the golden file`, () => {
      const expected = JSON.parse(readFileSync(join(dir, name.replace(/\.raw\.(?:txt|md)$/, '.expected.json')), 'utf8'));
      expect(goldenView(name, raw)).toEqual(expected);
    });

    it(`${name}: every clause and passage is an exact slice of its document, ids are stable`, () => {
      const first = parseText(name, raw, GOLDEN_TODAY);
      const again = parseText(name, raw, GOLDEN_TODAY);
      for (const doc of first.documents) {
        for (const c of doc.clauses) {
          expect(doc.text.slice(c.start, c.end)).toBe(c.text);
          for (const t of c.tables) expect(t.start >= c.start && t.end <= c.end).toBe(true);
        }
        const ids = doc.clauses.map((c) => c.id);
        expect(new Set(ids).size).toBe(ids.length);
      }
      expect(again.documents.flatMap((d) => d.clauses.map((c) => c.id))).toEqual(first.documents.flatMap((d) => d.clauses.map((c) => c.id)));
      for (const p of first.passages) {
        const doc = first.documents.find((d) => d.id === p.docId)!;
        expect(doc.text.slice(p.start, p.end)).toBe(p.text);
        // a passage lies within its clause and the clause's items
        const clause = doc.clauses.find((c) => c.id === p.clauseId)!;
        const subtreeEnd = (c: typeof clause): number => Math.max(c.end, ...c.childIds.map((id) => subtreeEnd(doc.clauses.find((x) => x.id === id)!)));
        expect(p.start >= clause.start && p.end <= subtreeEnd(clause)).toBe(true);
      }
    });
  }
});
