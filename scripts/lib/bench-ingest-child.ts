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
}

const input = childInput<IngestBenchInput>();
const started = performance.now();
const report = await buildIndex({ ...input, warn: (m) => process.stderr.write(m + '\n') });
const result: IngestBenchResult = {
  seconds: (performance.now() - started) / 1000,
  passages: report.manifest.counts.passages,
  documents: report.manifest.counts.documents,
  embedded: report.embedded,
  reused: report.reused,
  embedderId: report.manifest.embedder.id,
  peakRssMB: peakRssMB(),
};
reply(result);
