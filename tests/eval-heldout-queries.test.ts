// The seeds' held-out query sets (scripts/queries/, `npm run eval -- --queries FILE`): queries
// written over corpus/ without sight of the search code or the dev queries. Each gold must be
// quoted from its file as the dev set's rule reads it (whitespace removed), or the set measures
// nothing.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readQueries } from '../scripts/lib/evaluate.ts';

const dir = path.resolve('scripts/queries');
const files = readdirSync(dir).filter((f) => f.startsWith('seeds-heldout-') && f.endsWith('.json'));
const corpusText = (file: string) => readFileSync(path.resolve('corpus', file), 'utf8').replace(/\s+/gu, '');

describe('the seeds’ held-out query sets', () => {
  it('are four sets of kinds the dev set has', async () => {
    expect(files.length).toBe(4);
    for (const file of files) {
      const queries = await readQueries(path.join(dir, file));
      expect(queries.length, file).toBeGreaterThanOrEqual(40);
      expect(new Set(queries.map((q) => q.id)).size, file).toBe(queries.length);
      for (const q of queries) expect(['keyword', 'question', 'paraphrase', 'cross'], q.id).toContain(q.kind);
    }
  });

  it('quote every gold from the file it names, whitespace removed', () => {
    for (const file of files) {
      const queries = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { id: string; file: string; gold: string[] }[];
      for (const q of queries) {
        const text = corpusText(q.file);
        for (const gold of q.gold) expect(text.includes(gold), `${q.id}: ${gold}`).toBe(true);
      }
    }
  });
});
