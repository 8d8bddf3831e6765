// The bench's two charts as Vega-Lite specs, drawn into docs/bench/: the scale series (ingest time,
// search latency, memory and index size against passages) and the distribution of in-process
// search latencies per embedder and mode.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { BenchResults } from './bench-results.ts';
import { renderChart } from './charts.ts';

const PANEL = { width: 250, height: 190 };

type Panel = Extract<TopLevelSpec, { hconcat: unknown }>['hconcat'][number];

interface Point {
  passages: number;
  series: string;
  value: number;
  measured: string;
}

function panel(title: string, yTitle: string, values: Point[], logY: boolean): Panel {
  return {
    ...PANEL,
    title,
    data: { values },
    mark: { type: 'line', point: { size: 40 } },
    encoding: {
      x: { field: 'passages', type: 'quantitative', scale: { type: 'log', nice: false, padding: 14 }, title: 'passages (log)' },
      y: { field: 'value', type: 'quantitative', scale: logY ? { type: 'log' } : { zero: true }, title: yTitle },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 1, labelLimit: 300 } },
      strokeDash: { field: 'measured', type: 'nominal', title: null, legend: null, scale: { domain: ['measured', 'extrapolated'], range: [[1, 0], [4, 3]] } },
      tooltip: [{ field: 'series' }, { field: 'value', format: '.2f' }],
    },
  };
}

export function scaleChart(r: BenchResults): TopLevelSpec {
  const ingest: Point[] = [];
  const latency: Point[] = [];
  const memory: Point[] = [];
  for (const s of r.scale) {
    const at = (series: string, value: number, measured = 'measured') => ({ passages: s.passages, series, value, measured });
    ingest.push(at('built-in', s.ingestSeconds));
    if (s.twinIngestSeconds !== null) ingest.push(at('bge twin', s.twinIngestSeconds));
    if (s.twinIngestSecondsExtrapolated !== null) {
      ingest.push(at('bge twin, extrapolated', s.twinIngestSecondsExtrapolated, 'extrapolated'));
    }
    latency.push(at('hybrid p50', s.hybrid.p50), at('hybrid p95', s.hybrid.p95), at('keyword p50', s.keyword.p50), at('vector p50', s.vector.p50));
    memory.push(at('ingest peak RSS', s.ingestPeakRssMB), at('RSS with index loaded', s.searchRssAfterLoadMB), at('index on disk', s.indexBytes / 2 ** 20));
  }
  // The extrapolated line starts from the last measured twin point, so it reads as a continuation.
  const lastTwin = ingest.filter((p) => p.series === 'bge twin').at(-1);
  if (lastTwin && ingest.some((p) => p.measured === 'extrapolated')) ingest.push({ ...lastTwin, series: 'bge twin, extrapolated', measured: 'extrapolated' });

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Scale series (built-in embedder unless noted), ${r.machine.cores} cores`, anchor: 'start' },
    hconcat: [
      panel('Ingest time', 'seconds (log)', ingest, true),
      panel('Search latency in process', 'ms', latency, false),
      panel('Memory and index size', 'MB', memory, false),
    ],
    resolve: { scale: { color: 'independent', strokeDash: 'independent' } },
  };
}

export function latencyChart(r: BenchResults): TopLevelSpec {
  const values: { run: string; ms: number }[] = [];
  for (const [embedder, modes] of Object.entries(r.latencySamples)) {
    for (const [mode, samples] of Object.entries(modes)) {
      const run = `${embedder === 'builtin' ? 'built-in' : 'bge twin'} / ${mode}`;
      for (const ms of samples) values.push({ run, ms: Math.max(ms, 0.01) });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `search() latency on the seed corpus: ${r.queries.count} queries x ${r.repeats} passes per row`, anchor: 'start' },
    width: 560,
    height: { step: 26 },
    data: { values },
    mark: { type: 'boxplot', extent: 'min-max', size: 16 },
    encoding: {
      y: { field: 'run', type: 'nominal', title: null },
      x: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms per search (log); box: quartiles, whiskers: min-max' },
      color: { field: 'run', type: 'nominal', legend: null },
    },
  };
}

export const CHART_FILES = { scale: 'scale.png', latency: 'latency.png' } as const;

export async function drawBenchCharts(r: BenchResults, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await renderChart(scaleChart(r), join(dir, CHART_FILES.scale));
  await renderChart(latencyChart(r), join(dir, CHART_FILES.latency));
}
