// The held-out query sets (scripts/queries/): over the seeds (`npm run eval -- --queries FILE`)
// and over the laws (`npm run eval -- --set laws --queries FILE`), written without sight of the
// search code or the sets it was tuned on. Each gold must be quoted from its file as its set's rule
// reads it (whitespace removed), or the set measures nothing.
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

describe('the laws’ held-out question sets', () => {
  const lawFiles = readdirSync(dir).filter((f) => f.startsWith('laws-heldout-') && f.endsWith('.json'));
  const lawText = (file: string) => readFileSync(path.resolve('../shared/laws/corpus', file), 'utf8').replace(/\s+/gu, '');

  it('are questions with gold articles, as laws-train is', async () => {
    expect(lawFiles.length).toBeGreaterThanOrEqual(1);
    for (const file of lawFiles) {
      const questions = await readQueries(path.join(dir, file), 'gold-articles');
      expect(questions.length, file).toBeGreaterThanOrEqual(30);
      expect(new Set(questions.map((q) => q.id)).size, file).toBe(questions.length);
      for (const q of questions) for (const g of q.gold) expect(g.article, q.id).toMatch(/^第[零〇一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?$/u);
    }
  });

  it('quote every gold article from the law it names, under its label, whitespace removed', async () => {
    for (const file of lawFiles) {
      for (const q of await readQueries(path.join(dir, file), 'gold-articles')) {
        for (const g of q.gold) {
          const text = lawText(g.file);
          expect(text.includes(g.article + g.text), `${q.id}: ${g.file} ${g.article}`).toBe(true);
        }
      }
    }
  });
});
