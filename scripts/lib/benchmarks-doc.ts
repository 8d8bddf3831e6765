// docs/BENCHMARKS.md, written from a bench run: machine, targets, every table, the charts.
import type { BenchResults } from './bench-results.ts';
import { CHART_FILES } from './bench-charts.ts';
import { benchTables, benchTargets } from './bench-tables.ts';
import { checkQualityTargets, metText, type TargetCheck } from './quality-targets.ts';
import { markdownTable } from './text-table.ts';

export function allTargets(r: BenchResults): TargetCheck[] {
  const hybrid = r.quality.find((q) => q.kind === 'product' && q.system === 'hybrid');
  const baselines = r.quality.filter((q) => q.kind === 'baseline').map((q) => ({ name: q.system, metrics: q.metrics }));
  return [...(hybrid ? checkQualityTargets(hybrid.metrics, baselines) : []), ...benchTargets(r)];
}

export function renderBenchmarksDoc(r: BenchResults, chartDir: string): string {
  const m = r.machine;
  const minutes = (r.durationSeconds / 60).toFixed(1);
  const tables = new Map(benchTables(r).map((t) => [t.id, t]));
  const section = (id: string, heading: string, chart?: { file: string; alt: string }) => {
    const t = tables.get(id);
    if (!t) return '';
    return [
      `## ${heading}`,
      '',
      `${t.title}.`,
      '',
      markdownTable(t.header, t.rows),
      '',
      ...t.notes.map((n) => `${n}\n`),
      ...(chart ? [`![${chart.alt}](${chartDir}/${chart.file})`, ''] : []),
    ].join('\n');
  };
  const targets = allTargets(r);

  return [
    '# Benchmarks',
    '',
    `<!-- Written by \`npm run bench\` (scripts/bench.ts); edits here are overwritten on the next run. -->`,
    '',
    `Measured ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC${r.quick ? ' with `--quick` (fewer runs, no 100x step)' : ''}; the run took ${minutes} minutes.`,
    `Raw figures: \`bench/results/latest.json\` (git-ignored; rerun to get your own).`,
    '',
    '## Machine',
    '',
    markdownTable(['CPU', 'cores', 'memory', 'Node.js', 'platform'], [[m.cpu, m.cores, `${m.memoryGB.toFixed(0)} GB`, m.node, m.platform]]),
    '',
    'A shared machine with noisy neighbours: ingest times are medians of several runs (counts in each table), latencies are percentiles over hundreds of searches.',
    '',
    '## Embedders',
    '',
    `- **${r.embedders.builtin}**: the built-in embedder, latent semantic analysis learned from the corpus at ingest; what runs when no model is installed, and the one every quality figure comes from.`,
    `- **${r.embedders.twin}**: a random-weight twin of bge-small-zh-v1.5 (\`scripts/make-test-model.ts\`: same architecture, 4 layers, hidden 512, int8-quantized like the published model), loaded through \`MODEL_DIR\`. Its vectors carry no meaning, so it gives the real model's *cost* (time, memory, size), never its quality.`,
    '',
    'Every figure below names the embedder it comes from.',
    '',
    '## Targets (issue 6)',
    '',
    markdownTable(['target', 'value', 'met'], targets.map((t) => [t.target, t.value, t.met === false ? '**no**' : metText(t.met)])),
    '',
    section('quality', 'Quality'),
    section('ingest', 'Ingest'),
    section('reingest', 'Re-ingest after a change'),
    section('stages', 'Where the ingest time goes'),
    section('latency', 'Search latency in process', { file: CHART_FILES.latency, alt: 'search latency per embedder and mode' }),
    section('http', 'Search over HTTP'),
    section('hnsw', 'HNSW recall'),
    section('scale', 'Scale series', { file: CHART_FILES.scale, alt: 'ingest time, latency and memory against corpus size' }),
    '## Rerun',
    '',
    '```sh',
    'npm run bench              # everything (about ' + minutes + ' minutes here)',
    'npm run bench -- --quick   # 1x and 10x only, fewer runs',
    'npm run bench -- --json    # print the results as JSON instead of tables',
    'npm run eval               # quality alone, on index/',
    '```',
    '',
    'Results land in `bench/results/bench-<time>.json` and `bench/results/latest.json`; the charts in `docs/bench/`; this file is rewritten.',
    '',
  ].join('\n');
}
