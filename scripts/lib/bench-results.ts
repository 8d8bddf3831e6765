// The shape of bench/results/*.json: what `npm run bench` measured, raw enough to redraw the charts
// and regenerate docs/BENCHMARKS.md from a saved run.
import type { Metrics } from './eval-metrics.ts';
import type { HttpLoadResult } from './http-load.ts';
import type { LatencySummary } from './stats.ts';

export const RESULTS_VERSION = 1;

export type EmbedderKey = 'builtin' | 'twin';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  node: string;
  platform: string;
}

export interface IngestFigures {
  embedder: EmbedderKey;
  runs: number;
  /** Every run's wall time, seconds. */
  seconds: number[];
  medianSeconds: number;
  passages: number;
  documents: number;
  passagesPerSecond: number;
  indexBytes: number;
  /** Largest peak RSS over the runs. */
  peakRssMB: number;
  /** Seconds per build stage, of the run nearest the median. */
  stageSeconds: Record<string, number>;
}

export interface ReingestFigures {
  embedder: EmbedderKey;
  /** 'seeds', or a scale step such as '100x'. */
  corpus: string;
  passages: number;
  changedFile: string;
  runs: number;
  seconds: number[];
  medianSeconds: number;
  /** Median re-ingest over median full ingest of the same embedder. */
  shareOfFull: number;
  embedded: number;
  reused: number;
  stageSeconds: Record<string, number>;
}

export interface LatencyFigures extends LatencySummary {
  embedder: EmbedderKey;
  mode: string;
}

export interface HttpFigures extends HttpLoadResult {
  embedder: EmbedderKey;
  mode: string;
  /** Server child process: RSS after loading the index, and peak RSS over all its load runs. */
  serverRssAfterLoadMB: number;
  serverPeakRssMB: number;
}

export interface ScaleStep {
  scale: number;
  files: number;
  corpusMB: number;
  passages: number;
  ingestRuns: number;
  ingestSeconds: number;
  passagesPerSecond: number;
  indexBytes: number;
  ingestPeakRssMB: number;
  ingestStageSeconds: Record<string, number>;
  loadSeconds: number;
  searchRssAfterLoadMB: number;
  hybrid: LatencySummary;
  keyword: LatencySummary;
  vector: LatencySummary;
  hnswRecall: number;
  hnswMinRecall: number;
  hnswProbes: number;
  /** The twin's ingest time at this size where it was measured (one run), else null. */
  twinIngestSeconds: number | null;
  /** The twin's ingest time extrapolated from its seed throughput, where it was not measured. */
  twinIngestSecondsExtrapolated: number | null;
}

export interface BenchResults {
  version: typeof RESULTS_VERSION;
  startedAt: string;
  durationSeconds: number;
  quick: boolean;
  machine: Machine;
  embedders: Record<EmbedderKey, string>;
  queries: { file: string; count: number };
  /** From npm run eval on the seed index built with the built-in embedder. */
  quality: { system: string; kind: 'product' | 'baseline'; metrics: Metrics }[];
  ingest: IngestFigures[];
  reingest: ReingestFigures[];
  latency: LatencyFigures[];
  /** Raw in-process latencies (ms) on the seed index, per embedder and mode, for the chart. */
  latencySamples: Record<EmbedderKey, Record<string, number[]>>;
  repeats: number;
  http: HttpFigures[];
  hnsw: { embedder: EmbedderKey; passages: number; probes: number; recall: number; minRecall: number }[];
  scale: ScaleStep[];
}
