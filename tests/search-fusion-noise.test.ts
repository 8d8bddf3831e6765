// Fusion that gives a leg only the say it has earned: with an embedder whose vectors are noise
// (bge-small-zh's random-weight twin, real tokenizer and shape), the vector leg agrees with the
// keyword leg on nothing and is given no say. On the seeds' dev queries and the four held-out sets,
// hybrid search ranks as it does with no vector leg at all (the embedder unavailable), and on the
// dev queries above keyword search. docs/SEARCH.md has the same measurement on the laws.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build-index.ts';
import { loadIndex, type LoadedIndex } from '../server/load-index.ts';
import { search, type SearchMode } from '../server/search.ts';
import { firstCorrectRank } from '../scripts/lib/eval-metrics.ts';
import { readQueries } from '../scripts/lib/evaluate.ts';
import { ensureTestModel } from './helpers/test-model.ts';

let scratch: string;
let index: LoadedIndex;
let withoutVectors: LoadedIndex;

beforeAll(async () => {
  const modelDir = await ensureTestModel({ tiny: true });
  scratch = await mkdtemp(path.join(tmpdir(), 'fusion-noise-'));
  const indexDir = path.join(scratch, 'index');
  await buildIndex({ corpusDir: path.resolve('corpus'), indexDir, embedder: 'bge-small-zh', modelDir, warn: () => {} });
  index = await loadIndex(indexDir, { modelDir });
  withoutVectors = await loadIndex(indexDir, { withoutEmbedder: true });
}, 180_000);
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const SETS = [
  '../shared/eval/queries.dev.json',
  'scripts/queries/seeds-heldout-a.json',
  'scripts/queries/seeds-heldout-b.json',
  'scripts/queries/seeds-heldout-c.json',
  'scripts/queries/seeds-heldout-d.json',
];

async function ranks(mode: SearchMode, queries: { query: string; gold: string[] }[], on: LoadedIndex = index): Promise<(number | null)[]> {
  const out: (number | null)[] = [];
  for (const q of queries) {
    const res = await search(on, { q: q.query, mode, k: 10, embedTimeoutMs: 60_000 });
    expect(res.degraded !== undefined, q.query).toBe(on === withoutVectors);
    out.push(firstCorrectRank(res.results, q.gold));
  }
  return out;
}

const mrr = (r: (number | null)[]) => r.reduce((s: number, x) => s + (x === null ? 0 : 1 / x), 0) / r.length;

describe('fusion with an embedder that knows nothing', () => {
  it('the vector leg alone finds little (the twin’s vectors are noise)', async () => {
    const queries = await readQueries(path.resolve(SETS[0]!), 'gold-strings');
    expect(mrr(await ranks('vector', queries as { query: string; gold: string[] }[]))).toBeLessThan(0.3);
  }, 120_000);

  it('hybrid search ranks as it does with no vector leg: no query loses its correct first clause', async () => {
    for (const file of SETS) {
      const queries = (await readQueries(path.resolve(file), 'gold-strings')) as { query: string; gold: string[] }[];
      const noise = await ranks('hybrid', queries);
      const none = await ranks('hybrid', queries, withoutVectors);
      expect(mrr(noise), file).toBeGreaterThanOrEqual(mrr(none) - 0.005);
      const lost = queries.filter((_, i) => none[i] === 1 && noise[i] !== 1).map((q) => q.query);
      expect(lost, file).toEqual([]);
    }
  }, 180_000);

  it('hybrid search ranks above keyword search on the dev queries', async () => {
    const queries = (await readQueries(path.resolve(SETS[0]!), 'gold-strings')) as { query: string; gold: string[] }[];
    const hybrid = await ranks('hybrid', queries);
    const keyword = await ranks('keyword', queries);
    expect(mrr(hybrid)).toBeGreaterThanOrEqual(mrr(keyword));
    expect(hybrid.filter((r) => r === 1).length).toBeGreaterThanOrEqual(keyword.filter((r) => r === 1).length);
  }, 120_000);
});
