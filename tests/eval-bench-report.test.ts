import { describe, expect, it } from 'vitest';
import type { BenchResults, ScaleStep } from '../scripts/lib/bench-results.ts';
import { benchTables } from '../scripts/lib/bench-tables.ts';
import { allTargets, renderBenchmarksDoc } from '../scripts/lib/benchmarks-doc.ts';
import { percentile, summarizeLatencies } from '../scripts/lib/stats.ts';
import { markdownTable, textTable } from '../scripts/lib/text-table.ts';

const latency = summarizeLatencies([1, 2, 3, 4]);
const metrics = (mrr10: number, recall1: number, answer1: number | null) => ({ queries: 40, mrr10, recall1, recall5: 0.95, recall10: 1, answer1 });
const step = (scale: number, p50: number, recall: number): ScaleStep => ({
  scale,
  files: 5 * scale,
  corpusMB: 0.2 * scale,
  passages: 237 * scale,
  ingestRuns: 1,
  ingestSeconds: 2 * scale,
  passagesPerSecond: 118,
  indexBytes: 8e6 * scale,
  ingestPeakRssMB: 300,
  ingestStageSeconds: { read: 0.2 * scale, train: scale, embed: 0.1 * scale, keyword: 0.2 * scale, hnsw: 0.3 * scale, write: 0.2 * scale },
  loadSeconds: 0.5,
  searchRssAfterLoadMB: 250,
  hybrid: { ...latency, p50 },
  keyword: latency,
  vector: latency,
  hnswRecall: recall,
  hnswMinRecall: 0.9,
  hnswProbes: 240,
  twinIngestSeconds: scale === 1 ? 6 : null,
  twinIngestSecondsExtrapolated: scale === 1 ? null : 6 * scale,
});

function results(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    version: 1,
    startedAt: '2026-11-26T12:00:00.000Z',
    durationSeconds: 300,
    quick: false,
    machine: { cpu: 'Test CPU', cores: 2, memoryGB: 8, node: 'v20.0.0', platform: 'linux' },
    embedders: { builtin: 'built-in (LSA)', twin: 'bge-small-zh twin' },
    queries: { file: 'queries.json', count: 40 },
    quality: [
      { system: 'hybrid', kind: 'product', metrics: metrics(0.9, 0.8, 0.75) },
      { system: 'BM25 baseline (jieba)', kind: 'baseline', metrics: metrics(0.75, 0.65, null) },
    ],
    ingest: [{ embedder: 'builtin', runs: 5, seconds: [2, 2, 2, 2, 2], medianSeconds: 2, passages: 237, documents: 8, passagesPerSecond: 118.5, indexBytes: 8e6, peakRssMB: 300, stageSeconds: { read: 0.5, train: 1, embed: 0.1, keyword: 0.1, hnsw: 0.2, write: 0.1 } }],
    reingest: [
      { embedder: 'builtin', corpus: 'seeds', passages: 237, changedFile: 'a.txt', runs: 3, seconds: [0.6], medianSeconds: 0.6, shareOfFull: 0.3, embedded: 1, reused: 236, stageSeconds: { read: 0.3, embed: 0.01, keyword: 0.1, hnsw: 0.1, write: 0.09 } },
      { embedder: 'builtin', corpus: '100x', passages: 23700, changedFile: 'a.txt', runs: 1, seconds: [10], medianSeconds: 10, shareOfFull: 0.05, embedded: 1, reused: 23699, stageSeconds: { read: 5, embed: 0.1, keyword: 2, hnsw: 2, write: 0.9 } },
    ],
    latency: [{ embedder: 'builtin', mode: 'hybrid', ...latency }],
    latencySamples: { builtin: { hybrid: [1, 2, 3, 4] }, twin: {} },
    repeats: 10,
    http: [],
    hnsw: [{ embedder: 'builtin', passages: 237, probes: 240, recall: 1, minRecall: 1 }],
    scale: [step(1, 1, 1), step(10, 2, 0.999), step(100, 4, 0.995)],
    ...overrides,
  };
}

describe('bench targets', () => {
  it('checks quality, HNSW recall, 100x latency and every re-ingest', () => {
    const byTarget = new Map(allTargets(results()).map((t) => [t.target, t.met]));
    expect(byTarget.get('hybrid MRR@10 >= 0.85')).toBe(true);
    expect(byTarget.get('MRR@10 above BM25 baseline (jieba)')).toBe(true);
    expect(byTarget.get('HNSW recall@10 >= 0.99 at every step')).toBe(true);
    expect(byTarget.get('hybrid p50 in process < 10 ms at 100x')).toBe(true);
    expect(byTarget.get('re-ingest after one changed file < 10% of full ingest (seeds, built-in (LSA))')).toBe(false);
    expect(byTarget.get('re-ingest after one changed file < 10% of full ingest (100x, built-in (LSA))')).toBe(true);
  });

  it('says a target was not measured rather than missed when 100x did not run', () => {
    const quick = results({ quick: true, scale: [step(1, 1, 1), step(10, 2, 0.98)] });
    const targets = allTargets(quick);
    expect(targets.find((t) => t.target.startsWith('hybrid p50'))!.met).toBeNull();
    expect(targets.find((t) => t.target.startsWith('HNSW'))!.met).toBe(false);
  });
});

describe('docs/BENCHMARKS.md', () => {
  it('has the machine, every table, the charts and the extrapolation labelled', () => {
    const doc = renderBenchmarksDoc(results(), 'bench');
    expect(doc).toContain('| Test CPU | 2 | 8 GB | v20.0.0 | linux |');
    for (const t of benchTables(results())) expect(doc).toContain(t.header.join(' | '));
    expect(doc).toContain('![search latency per embedder and mode](bench/latency.png)');
    expect(doc).toContain('![ingest time, latency and memory against corpus size](bench/scale.png)');
    expect(doc).toContain('~600 (extrapolated)');
  });
});

describe('tables and percentiles', () => {
  it('uses nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });

  it('lines up Chinese text and right-aligns figures', () => {
    const lines = textTable(['系统', 'MRR@10'], [['混合检索', '0.900'], ['BM25', null]]).split('\n');
    // column 1 is 8 wide (4 CJK characters), column 2 is 6 (its header)
    expect(lines[2]).toBe(`混合检索${' '.repeat(2 + 1)}0.900`);
    expect(lines[3]).toBe(`BM25${' '.repeat(4 + 2 + 5)}—`);
    expect(markdownTable(['a', 'n'], [['x | y', 1]])).toBe('| a | n |\n|---|---:|\n| x \\| y | 1 |');
  });
});
