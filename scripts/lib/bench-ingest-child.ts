// Child process of the bench: one ingest (buildIndex), timed, with the process's peak memory.
import { buildIndex } from '../../ingest/build-index.ts';
import { childInput, peakRssMB, reply } from './child.ts';

export interface IngestBenchInput {
  corpusDir: string;
  indexDir: string;
  embedder: 'builtin' | 'bge-small-zh';
  modelDir?: string;
}

export interface IngestBenchResult {
  seconds: number;
  passages: number;
  documents: number;
  embedded: number;
  reused: number;
  embedderId: string;
  peakRssMB: number;
  /** Seconds from the start of each build stage to the start of the next (the first from the start of the build). */
  stages: Record<string, number>;
  /** The process's peak RSS (MB) by the end of each stage: the largest of these past a stage's predecessor is that stage's. */
  stagePeakRssMB?: Record<string, number>;
}

const input = childInput<IngestBenchInput>();
const started = performance.now();
const marks: { stage: string; at: number }[] = [];
const peaks: number[] = [];
const report = await buildIndex({
  ...input,
  warn: (m) => process.stderr.write(m + '\n'),
  onProgress: ({ stage }) => {
    if (marks.at(-1)?.stage === stage) return;
    if (marks.length > 0) peaks.push(peakRssMB());
    marks.push({ stage, at: marks.length === 0 ? started : performance.now() });
  },
});
const ended = performance.now();
const result: IngestBenchResult = {
  seconds: (ended - started) / 1000,
  passages: report.manifest.counts.passages,
  documents: report.manifest.counts.documents,
  embedded: report.embedded,
  reused: report.reused,
  embedderId: report.manifest.embedder.id,
  peakRssMB: peakRssMB(),
  stages: Object.fromEntries(marks.map((m, i) => [m.stage, ((marks[i + 1]?.at ?? ended) - m.at) / 1000])),
  stagePeakRssMB: Object.fromEntries(marks.map((m, i) => [m.stage, Math.round(peaks[i] ?? peakRssMB())])),
};
reply(result);
