// Child process of the bench: loads an index the way the server does and measures, in process,
// search() latency per mode and the HNSW graph's recall@10 against exact search.
import { bruteForceSearch } from '../../ingest/vector-index.ts';
import { loadIndex, type EmbeddedIndex } from '../../server/load-index.ts';
import { search, type SearchMode } from '../../server/search.ts';
import { childInput, peakRssMB, reply } from './child.ts';
import { seededRandom } from './synthetic-corpus.ts';

export interface SearchBenchInput {
  indexDir: string;
  modelDir?: string;
  queries: string[];
  modes: SearchMode[];
  /** Passes over the queries per mode, after one warm-up pass. */
  repeats: number;
  /** Passage vectors used as extra HNSW probe queries, besides the queries' own vectors. */
  passageProbes: number;
  /**
   * Another index (the seeds') and its queries, searched in hybrid mode in the same passes as the
   * hybrid ones here, as many searches as a pass here: how search time grows with the corpus,
   * measured under one load.
   */
  seeds?: { indexDir: string; queries: string[] };
}

export interface SearchBenchResult {
  loadSeconds: number;
  /** Heap and RSS right after loading: what the index costs a server before any traffic. */
  rssAfterLoadMB: number;
  peakRssMB: number;
  /** Threads of the keyword leg (server/keyword-threads.ts): 2 for a large index. */
  keywordThreads: number;
  /** Milliseconds per search() call, per mode. */
  latencies: Record<string, number[]>;
  /** Milliseconds per hybrid search() of the seeds' index (input.seeds), in the hybrid passes. */
  seedsLatencies?: number[];
  degraded: number;
  hnsw: { k: number; probes: number; recall: number; minRecall: number };
}

const K = 10;
const input = childInput<SearchBenchInput>();

let started = performance.now();
const index = await loadIndex(input.indexDir, { modelDir: input.modelDir });
const loadSeconds = (performance.now() - started) / 1000;
const rssAfterLoadMB = process.memoryUsage().rss / 2 ** 20;

const seeds = input.seeds === undefined ? null : { index: await loadIndex(input.seeds.indexDir), queries: input.seeds.queries, times: [] as number[] };
const latencies: Record<string, number[]> = {};
let degraded = 0;
for (const mode of input.modes) {
  const times: number[] = (latencies[mode] = []);
  for (let pass = 0; pass <= input.repeats; pass++) {
    if (seeds !== null && mode === 'hybrid') {
      for (let i = 0; i < input.queries.length; i++) {
        started = performance.now();
        await search(seeds.index, { q: seeds.queries[i % seeds.queries.length]!, k: K, mode });
        if (pass > 0) seeds.times.push(performance.now() - started);
      }
    }
    for (const q of input.queries) {
      started = performance.now();
      const res = await search(index, { q, k: K, mode });
      const ms = performance.now() - started;
      if (pass === 0) continue; // warm-up: JIT, lazily built caches
      times.push(ms);
      if (res.degraded !== undefined) degraded++;
    }
  }
}

reply({
  loadSeconds,
  rssAfterLoadMB,
  peakRssMB: peakRssMB(),
  keywordThreads: index.keyword.sharedPostings() === null ? 1 : 2,
  latencies,
  ...(seeds !== null ? { seedsLatencies: seeds.times } : {}),
  degraded,
  hnsw: await hnswRecall(index),
} satisfies SearchBenchResult);

/**
 * Recall@10 of the HNSW graph against exact inner-product search over the same vectors (the
 * vectors the graph holds), probed with the queries' embeddings and a seeded
 * sample of passage vectors. A neighbour tied with the exact 10th (near-identical passages in the
 * synthetic corpora) counts as found.
 */
async function hnswRecall(loaded: EmbeddedIndex): Promise<SearchBenchResult['hnsw']> {
  const dims = loaded.manifest.embedder.dims;
  const flat = loaded.vectors.allVectors();
  const vectors = Array.from({ length: flat.length / dims }, (_, i) => flat.subarray(i * dims, (i + 1) * dims));

  const probes: Float32Array[] = [];
  if (loaded.embedderProblem === null) for (const q of input.queries) probes.push(await loaded.embedder.embedQuery(q));
  const random = seededRandom(42);
  for (let i = 0; i < Math.min(input.passageProbes, vectors.length); i++) probes.push(vectors[Math.floor(random() * vectors.length)]!);

  const recalls = probes
    .filter((p) => p.some((x) => x !== 0))
    .map((probe) => {
      const exact = bruteForceSearch(vectors, probe, K);
      const want = Math.min(K, exact.length);
      if (want === 0) return 1;
      const ids = new Set(exact.map((h) => h.id));
      const kth = exact[want - 1]!.score;
      const found = loaded.vectors.search(probe, K).filter((h) => ids.has(h.id) || h.score >= kth - 1e-6).length;
      return Math.min(found, want) / want;
    });
  return {
    k: K,
    probes: recalls.length,
    recall: recalls.reduce((s, r) => s + r, 0) / Math.max(1, recalls.length),
    minRecall: Math.min(...recalls),
  };
}
