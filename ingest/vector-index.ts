// Approximate nearest-neighbour search over passage vectors: HNSW (hnswlib-node).
//
// Every embedder returns unit-length vectors, so cosine similarity equals the inner product and
// the index uses hnswlib's 'ip' space (no per-query normalization inside the library). hnswlib
// reports a distance of 1 - inner product; search() turns it back into cosine (higher = better).
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { compactHnswFile, expandHnswFile } from './hnsw-file.ts';
import type { ScoredId } from './types.ts';

export interface VectorIndexParams {
  /** Graph degree: links per node per layer. */
  M: number;
  /** Candidate list size while inserting. */
  efConstruction: number;
  /** Candidate list size while searching (raised to k when k is larger). */
  efSearch: number;
  /** Seed of the level generator: the same vectors give the same graph. */
  seed: number;
}

// Recall@10 against brute force, 200 held-out queries, 60,000 vectors of 256 dimensions:
//   clustered random (neighbours at cosine ~0.4):  M 16 efSearch 128: 0.9995; M 24: 0.9995
//   LSA vectors of recombined seed passages:       M 16 efSearch 128: 0.992;  M 24: 0.999
//   (M 24 efSearch 64: 0.987; 200: 0.9995.) M 24, efConstruction 200, efSearch 128 keeps 0.99
//   with a margin at ~0.35–0.5 ms a query (2 cores), builds 60,000 in ~30 s.
// On the laws corpus (63,844 LSA vectors of 256 dimensions; 150 of its questions and 150 of its
// passages as probes, ties with the exact 10th counted):
//   M 24 efC 200 efSearch 128: recall 0.9913 (worst probe 0.10), build 22.2 s, 0.36 ms a query
//   M 16 efC 100 efSearch 128: 0.9837 (0.10), 9.6 s;  M 16 efC 64 efSearch 96: 0.9550 (0.00), 6.3 s
//   M 12 efC 80 efSearch 128: 0.9773 (0.00), 7.7 s;  M 20 efC 150 efSearch 200: 0.9900 (0.00), 14.6 s
//   M 24 efC 120 efSearch 200: 0.9917 (0.10), 11.4 s
//   M 16 efC 100 efSearch 256: 0.9937 (0.60), 9.5 s, 0.37 ms a query
// A wide search list buys back more recall than a dense graph, at the same query time and less
// than half the build. On the seed corpus (a few hundred vectors) recall is 1.0.
// With the embedder learned from 10,000 passages in one power iteration (200 questions, 200
// passages as probes): M 16 efC 100 efSearch 256: 0.9865, and two questions on 仓储合同 at 0.00
// (their articles' region of the graph is reached through few links: the walk settles in a
// neighbouring one); efSearch 512: 0.9978 (worst 0.5), 0.70 ms a query; 1024: 0.9985 (0.5), 1.5 ms;
// M 16 efC 200: 0.9955 (0.5), build 19.6 s; M 24 efC 200: 0.9928 (0.00); M 32 efC 100: 0.9870 (0.00).
// Inserted in a shuffled order instead of the corpus's: 0.9983 (worst 0.8) at efSearch 512, but
// the build takes 20.9 s instead of 11.4 and a query 1.06 ms instead of 0.81 (neighbours no longer
// near in memory); not taken.
// The laws and three varied copies (256,761 vectors; bench:laws --copies 4): efSearch 512 0.9715
// with one question at 0.00 (民事诉讼 个体工商户 注销: the walk ends at cosine 0.44 while ten
// passages score 0.67) and five of the 仓储/保管 questions at 0.3-0.4; efSearch 2048: 0.9975,
// with one 保管 question at 0.00. Near-copies of a passage (the copies differ in
// sentence order and figures) prune each other's links to the rest of the graph, so their region
// is an island few links reach; hnswlib's neighbour heuristic cannot be told to keep pruned links.
export const DEFAULT_VECTOR_PARAMS: VectorIndexParams = { M: 16, efConstruction: 100, efSearch: 512, seed: 100 };

// v2: the graph file holds its vectors in 8 bits (ingest/hnsw-file.ts)
const FORMAT = 'vector-index-v2';
export const VECTOR_INDEX_FILE = 'vectors.hnsw8';
export const VECTOR_INDEX_META_FILE = 'vectors.json';

interface VectorIndexMeta {
  format: typeof FORMAT;
  space: 'ip';
  dims: number;
  count: number;
  params: VectorIndexParams;
  /** Present when the graph was updated in place or passages share a text: passage i is the graph's point labels[i] (else label = passage). */
  labelsFile?: string;
  /** Points marked deleted in the graph. */
  deleted?: number;
}

export const VECTOR_LABELS_FILE = 'vectors.labels';

// An update in place is given up for a fresh build once this share of the graph's points is deleted.
const MAX_DELETED_SHARE = 0.2;

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function isZero(v: Float32Array): boolean {
  return v.every((x) => x === 0);
}

/** Exact top-k by inner product (cosine for unit vectors), best first, ties by id. */
export function bruteForceSearch(vectors: readonly Float32Array[], query: Float32Array, k: number): ScoredId[] {
  return vectors
    .map((v, id) => ({ id, score: dot(v, query) }))
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, Math.max(0, k));
}

/**
 * The n best of a stream of (id, score), best first, ties by the lower id: a min-heap on the worst
 * kept, so an exact search over a few thousand passages makes no object per passage and sorts
 * only the n it keeps.
 */
class BestOf {
  private readonly ids: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(private readonly n: number) {
    this.ids = new Int32Array(n);
    this.scores = new Float64Array(n);
  }

  offer(id: number, score: number): void {
    const { ids, scores } = this;
    if (this.size < this.n) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(score, id, scores[parent]!, ids[parent]!)) break;
        ids[i] = ids[parent]!;
        scores[i] = scores[parent]!;
        i = parent;
      }
      ids[i] = id;
      scores[i] = score;
      return;
    }
    if (this.n === 0 || !this.worse(scores[0]!, ids[0]!, score, id)) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = -1;
      if (l < this.size && this.worse(scores[l]!, ids[l]!, score, id)) m = l;
      if (r < this.size && this.worse(scores[r]!, ids[r]!, m < 0 ? score : scores[l]!, m < 0 ? id : ids[l]!)) m = r;
      if (m < 0) break;
      ids[i] = ids[m]!;
      scores[i] = scores[m]!;
      i = m;
    }
    ids[i] = id;
    scores[i] = score;
  }

  sorted(): ScoredId[] {
    const out: ScoredId[] = [];
    for (let i = 0; i < this.size; i++) out.push({ id: this.ids[i]!, score: this.scores[i]! });
    return out.sort((a, b) => b.score - a.score || a.id - b.id);
  }

  /** a worse than b: a lower score, or the same score and a later id. */
  private worse(sa: number, ia: number, sb: number, ib: number): boolean {
    return sa < sb || (sa === sb && ia > ib);
  }
}

/**
 * Below this many passages every search is exact: scoring them all costs about what a graph walk
 * does (5,000 x 256 dimensions: ~1 ms), and a graph can leave a point no other links to (on the
 * seeds, the 任免 notice: its own vector finds it, a query at cosine 0.91 to it does not).
 */
export const EXACT_SEARCH_BELOW = 5000;

/** A 52-bit hash of a vector's float32 bits (two FNV-1a lanes): equal vectors, equal hashes. */
function vectorHash(vector: Float32Array): number {
  const words = new Uint32Array(vector.buffer, vector.byteOffset, vector.length);
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < words.length; i++) {
    a = Math.imul(a ^ words[i]!, 0x01000193);
    b = Math.imul(b ^ (words[i]! >>> 7), 0x01000193);
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
}

const sameValues = (stored: number[], vector: Float32Array): boolean =>
  stored.length === vector.length && stored.every((x, i) => x === vector[i]);

export class VectorIndex {
  /** label -> its passages, ascending: passages[start[label] .. start[label + 1]) (none: deleted); null when label = passage. */
  private readonly members: { start: Int32Array; passages: Int32Array } | null;
  /** Points that hold a passage (passages that share a text share one point). */
  private readonly points: number;
  /** Every vector, by passage, for exact search of a small index (read from the graph at the first search). */
  private flat: Float32Array | null = null;

  private constructor(
    private readonly index: hnswlib.HierarchicalNSW | null,
    readonly dims: number,
    readonly count: number,
    readonly params: VectorIndexParams,
    /** passage -> the graph's label (after an update in place, or where passages share a text); null: label = passage. */
    private readonly labels: Int32Array | null = null,
    private readonly deleted = 0,
  ) {
    if (labels === null) {
      this.members = null;
      this.points = count;
    } else {
      const size = labels.reduce((m, l) => Math.max(m, l), -1) + 1;
      const start = new Int32Array(size + 1);
      for (const label of labels) start[label + 1]!++;
      let points = 0;
      for (let l = 0; l < size; l++) {
        if (start[l + 1]! > 0) points++;
        start[l + 1]! += start[l]!;
      }
      const passages = new Int32Array(labels.length);
      const at = start.slice(0, size);
      labels.forEach((label, passage) => (passages[at[label]!++] = passage));
      this.members = { start, passages };
      this.points = points;
    }
  }

  /** Whether update() can bring the previous graph up to date for passages taken from `from` (else: build afresh). */
  static canUpdate(previous: VectorIndex, from: Int32Array): boolean {
    return VectorIndex.updatePlan(previous, from) !== null;
  }

  /** What update() keeps, adds and deletes; null when it cannot (other parameters, too many deleted points). */
  private static updatePlan(previous: VectorIndex, from: Int32Array): { labels: Int32Array; dropped: number[]; added: number; deleted: number } | null {
    const index = previous.index;
    if (index === null || from.length === 0 || JSON.stringify(previous.params) !== JSON.stringify(DEFAULT_VECTOR_PARAMS)) return null;
    const labels = new Int32Array(from.length);
    const keep = new Uint8Array(index.getCurrentCount());
    let added = 0;
    for (let i = 0; i < from.length; i++) {
      const old = from[i]!;
      const label = old >= 0 && old < previous.count ? previous.labelOf(old) : -1;
      // passages that share a text share its point (a text kept twice keeps one)
      if (label >= 0) {
        keep[label] = 1;
        labels[i] = label;
      } else {
        labels[i] = -1;
        added++;
      }
    }
    const dropped = previous.usedLabels().filter((label) => keep[label] === 0);
    const deleted = previous.deleted + dropped.length;
    if (deleted > MAX_DELETED_SHARE * (index.getCurrentCount() + added)) return null;
    return { labels, dropped, added, deleted };
  }

  /** The labels that hold a passage, ascending. */
  private usedLabels(): number[] {
    if (this.members === null) return Array.from({ length: this.count }, (_, i) => i);
    const { start } = this.members;
    const used: number[] = [];
    for (let l = 0; l + 1 < start.length; l++) if (start[l + 1]! > start[l]!) used.push(l);
    return used;
  }

  /**
   * The graph of a previous build brought up to date in place: passage i keeps the point of the
   * previous passage from[i] (same text, same model: same vector), or is added; points no passage
   * keeps are marked deleted. Null when that would leave too many deleted points (or the graph
   * was built with other parameters): build afresh then.
   */
  static update(
    previous: VectorIndex,
    vectors: readonly (Float32Array | undefined)[],
    from: Int32Array,
    keys?: readonly string[],
  ): VectorIndex | null {
    const plan = VectorIndex.updatePlan(previous, from);
    const index = previous.index;
    if (plan === null || index === null || vectors.length !== from.length) return null;
    const p = { ...DEFAULT_VECTOR_PARAMS };
    const dims = previous.dims;
    const { labels, dropped, added, deleted } = plan;
    for (const label of dropped) index.markDelete(label);
    let next = index.getCurrentCount();
    if (next + added > index.getMaxElements()) index.resizeIndex(next + added);
    // a new passage whose text another passage has (by `keys`) shares that passage's point
    const pointOf = new Map<string, number>();
    if (keys !== undefined) labels.forEach((label, i) => label >= 0 && !pointOf.has(keys[i]!) && pointOf.set(keys[i]!, label));
    for (let i = 0; i < vectors.length; i++) {
      if (labels[i] !== -1) continue;
      const shared = keys === undefined ? undefined : pointOf.get(keys[i]!);
      if (shared !== undefined) {
        labels[i] = shared;
        continue;
      }
      const v = vectors[i] ?? previous.vector(from[i]!);
      if (v.length !== dims) throw new Error(`Vector ${i} has ${v.length} dimensions; the index has ${dims}.`);
      index.addPoint(Array.from(v), next);
      if (keys !== undefined) pointOf.set(keys[i]!, next);
      labels[i] = next++;
    }
    index.setEf(p.efSearch);
    const identity = deleted === 0 && labels.every((l, i) => l === i);
    return new VectorIndex(index, dims, vectors.length, p, identity ? null : labels, deleted);
  }

  /** One passage's vector, read back from the graph. */
  vector(passage: number): Float32Array {
    if (this.index === null || passage < 0 || passage >= this.count) throw new Error(`No vector for passage ${passage}.`);
    return Float32Array.from(this.index.getPoint(this.labelOf(passage)));
  }

  private labelOf(passage: number): number {
    return this.labels === null ? passage : this.labels[passage]!;
  }

  /** Vectors must be unit length (or all zeros, for a passage the embedder knows nothing of). */
  static build(vectors: readonly Float32Array[], params: Partial<VectorIndexParams> = {}): VectorIndex {
    const graph = VectorIndex.builder(vectors.length, params);
    for (const v of vectors) graph.add(v);
    return graph.finish();
  }

  /**
   * A graph filled a vector at a time, passage 0 first: a build adds each slice of vectors as it
   * is embedded and never holds them all (a million 256-dimension vectors: 1 GB beside the
   * graph's own copy). The same vectors in the same order make the same graph as build().
   */
  static builder(
    count: number,
    params: Partial<VectorIndexParams> = {},
  ): { add(vector: Float32Array, key?: string): void; share(key: string): void; finish(): VectorIndex } {
    const p = { ...DEFAULT_VECTOR_PARAMS, ...params };
    let index: hnswlib.HierarchicalNSW | null = null;
    let dims = 0;
    let next = 0;
    // Passages with the same key (their text's hash) or the same vector share one point. Many
    // equal points break a graph: each links to the others at distance 0, and searches lose the
    // region (on the laws with three near-copies, 212,000 of 257,000 passages: a query found 0 of
    // its 10 nearest). Vectors are matched by a hash of their bits, then compared.
    const labels = new Int32Array(count);
    const pointOf = new Map<string, number>();
    const sameVector = new Map<number, number[]>();
    let points = 0;
    /** The next passage is one whose key was added before: it takes that point, no vector needed. */
    const share = (key: string) => {
      const shared = pointOf.get(key);
      if (shared === undefined) throw new Error(`No point was added for key ${key}.`);
      if (next >= count) throw new Error(`The graph was made for ${count} vectors.`);
      labels[next++] = shared;
    };
    return {
      add(vector, key) {
        if (key !== undefined && pointOf.has(key)) return share(key);
        if (next >= count) throw new Error(`The graph was made for ${count} vectors.`);
        if (index === null) {
          dims = vector.length;
          index = new hnswlib.HierarchicalNSW('ip', dims);
          index.initIndex(count, p.M, p.efConstruction, p.seed);
        }
        if (vector.length !== dims) throw new Error(`Vector ${next} has ${vector.length} dimensions; the first has ${dims}.`);
        const bits = vectorHash(vector);
        const candidates = sameVector.get(bits);
        const equal = candidates?.find((label) => sameValues(index!.getPoint(label), vector));
        if (equal !== undefined) {
          if (key !== undefined) pointOf.set(key, equal);
          labels[next++] = equal;
          return;
        }
        if (candidates === undefined) sameVector.set(bits, [points]);
        else candidates.push(points);
        if (key !== undefined) pointOf.set(key, points);
        index.addPoint(Array.from(vector), points);
        labels[next++] = points++;
      },
      share,
      finish() {
        if (next !== count) throw new Error(`The graph holds ${next} of its ${count} vectors.`);
        index?.setEf(p.efSearch);
        pointOf.clear();
        sameVector.clear();
        return new VectorIndex(index, dims, count, p, points === count ? null : labels);
      },
    };
  }

  /** The k passages nearest the query, best first; score = cosine similarity. `accept` limits the passages considered. */
  search(query: Float32Array, k: number, accept?: (id: number) => boolean): ScoredId[] {
    const n = Math.min(k, this.count);
    if (this.index === null || n <= 0 || isZero(query)) return [];
    if (query.length !== this.dims) {
      throw new Error(`Query vector has ${query.length} dimensions; the index has ${this.dims}.`);
    }
    if (this.count < EXACT_SEARCH_BELOW) return this.exactSearch(query, n, accept);
    this.index.setEf(Math.max(this.params.efSearch, n));
    const point = Array.from(query);
    const members = this.members;
    if (members === null) {
      const { neighbors, distances } = accept ? this.index.searchKnn(point, n, accept) : this.index.searchKnn(point, n);
      return neighbors.map((id, i) => ({ id, score: 1 - distances[i]! }));
    }
    // points, then their passages (those of one point in order, at its score)
    const { start, passages } = members;
    const held = (label: number) => label + 1 < start.length && start[label + 1]! > start[label]!;
    const labels = Math.min(n, this.points);
    const { neighbors, distances } = accept
      ? this.index.searchKnn(point, labels, (label: number) => {
          if (!held(label)) return false;
          for (let i = start[label]!; i < start[label + 1]!; i++) if (accept(passages[i]!)) return true;
          return false;
        })
      : this.index.searchKnn(point, labels);
    const out: ScoredId[] = [];
    for (let j = 0; j < neighbors.length && out.length < n; j++) {
      const label = neighbors[j]!;
      const score = 1 - distances[j]!;
      for (let i = start[label]!; i < start[label + 1]! && out.length < n; i++) {
        if (accept === undefined || accept(passages[i]!)) out.push({ id: passages[i]!, score });
      }
    }
    return out;
  }

  /** Every passage scored (those `accept` allows), the n best: best first, ties by id. */
  private exactSearch(query: Float32Array, n: number, accept?: (id: number) => boolean): ScoredId[] {
    const flat = (this.flat ??= this.allVectors());
    const dims = this.dims;
    const best = new BestOf(n);
    const whole = dims - (dims % 4);
    for (let id = 0; id < this.count; id++) {
      if (accept && !accept(id)) continue;
      // four products a step, added in the same order as one at a time (the same score to the bit)
      const at = id * dims;
      let score = 0;
      let d = 0;
      for (; d < whole; d += 4) {
        score += flat[at + d]! * query[d]!;
        score += flat[at + d + 1]! * query[d + 1]!;
        score += flat[at + d + 2]! * query[d + 2]!;
        score += flat[at + d + 3]! * query[d + 3]!;
      }
      for (; d < dims; d++) score += flat[at + d]! * query[d]!;
      best.offer(id, score);
    }
    return best.sorted();
  }

  /**
   * Every vector, by passage id, as one float32 array (passages x dims): read back from the graph,
   * which holds them as given ('ip' space), so they are stored only there (on disk in 8 bits: a
   * loaded graph gives back the 8-bit values, and writing those again gives the same bytes).
   */
  allVectors(): Float32Array {
    const flat = new Float32Array(this.count * this.dims);
    if (this.index === null) return flat;
    for (let id = 0; id < this.count; id++) flat.set(this.index.getPoint(this.labelOf(id)), id * this.dims);
    return flat;
  }

  /** Writes vectors.hnsw8 (the graph, its vectors in 8 bits) and vectors.json (format, dimensions, count, parameters) into dir. */
  save(dir: string): void {
    if (this.index !== null) {
      const full = join(dir, `${VECTOR_INDEX_FILE}.full`);
      this.index.writeIndexSync(full);
      this.compact(full, dir);
    }
    this.saveRest(dir);
  }

  /** save(), with hnswlib's file written on the thread pool while this thread goes on. */
  async saveAsync(dir: string): Promise<void> {
    if (this.index !== null) {
      const full = join(dir, `${VECTOR_INDEX_FILE}.full`);
      try {
        await this.index.writeIndex(full);
      } catch (error) {
        rmSync(full, { force: true });
        throw error;
      }
      this.compact(full, dir);
    }
    this.saveRest(dir);
  }

  // hnswlib writes only to a path: its file is written beside, compacted, and removed
  private compact(full: string, dir: string): void {
    try {
      compactHnswFile(full, join(dir, VECTOR_INDEX_FILE));
    } finally {
      rmSync(full, { force: true });
    }
  }

  private saveRest(dir: string): void {
    const meta: VectorIndexMeta = {
      format: FORMAT,
      space: 'ip',
      dims: this.dims,
      count: this.count,
      params: this.params,
      ...(this.labels !== null ? { labelsFile: VECTOR_LABELS_FILE, deleted: this.deleted } : {}),
    };
    if (this.labels !== null) writeFileSync(join(dir, VECTOR_LABELS_FILE), new Uint8Array(this.labels.buffer, this.labels.byteOffset, this.labels.byteLength));
    writeFileSync(join(dir, VECTOR_INDEX_META_FILE), JSON.stringify(meta, null, 2) + '\n');
  }

  /** Loads what save() wrote; refuses an index whose dimensions or count differ from the manifest's. */
  static load(dir: string, dims: number, count: number): VectorIndex {
    const opened = VectorIndex.open(dir, dims, count);
    if (opened instanceof VectorIndex) return opened;
    try {
      opened.index.readIndexSync(opened.full);
    } finally {
      rmSync(opened.full, { force: true });
    }
    return VectorIndex.opened(dir, count, opened.meta, opened.index);
  }

  /** load(), with the graph read on the thread pool while this thread does other work. */
  static async loadAsync(dir: string, dims: number, count: number): Promise<VectorIndex> {
    const opened = VectorIndex.open(dir, dims, count);
    if (opened instanceof VectorIndex) return opened;
    try {
      await opened.index.readIndex(opened.full);
    } finally {
      rmSync(opened.full, { force: true });
    }
    return VectorIndex.opened(dir, count, opened.meta, opened.index);
  }

  /** The graph's settings checked and its file expanded for hnswlib (an empty index: done). */
  private static open(
    dir: string,
    dims: number,
    count: number,
  ): VectorIndex | { meta: VectorIndexMeta; index: hnswlib.HierarchicalNSW; full: string } {
    const meta = JSON.parse(readFileSync(join(dir, VECTOR_INDEX_META_FILE), 'utf8')) as VectorIndexMeta;
    if (meta.format !== FORMAT) {
      throw new Error(`Vector index format is ${String(meta.format)}; this build reads ${FORMAT}. Run ingest again.`);
    }
    if (meta.count !== count || (count > 0 && meta.dims !== dims)) {
      throw new Error(
        `Vector index holds ${meta.count} vectors of ${meta.dims} dimensions; expected ${count} of ${dims}. Run ingest again.`,
      );
    }
    if (count === 0) return new VectorIndex(null, dims, 0, meta.params);
    const index = new hnswlib.HierarchicalNSW('ip', dims);
    // hnswlib reads only from a path: the expanded graph goes through a temporary file
    const full = join(tmpdir(), `policy-search-${process.pid}-${randomUUID().slice(0, 8)}.hnsw`);
    try {
      expandHnswFile(join(dir, VECTOR_INDEX_FILE), full);
    } catch (error) {
      rmSync(full, { force: true });
      throw error;
    }
    return { meta, index, full };
  }

  /** The graph read: its labels and size checked against the index's passages. */
  private static opened(dir: string, count: number, meta: VectorIndexMeta, index: hnswlib.HierarchicalNSW): VectorIndex {
    let labels: Int32Array | null = null;
    if (meta.labelsFile !== undefined) {
      const bytes = readFileSync(join(dir, meta.labelsFile));
      labels = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      if (labels.length !== count || labels.some((l) => l < 0 || l >= index.getCurrentCount())) {
        throw new Error(`${meta.labelsFile} does not match ${VECTOR_INDEX_FILE}. Run ingest again.`);
      }
    }
    const deleted = meta.deleted ?? 0;
    const graph = new VectorIndex(index, meta.dims, count, meta.params, labels, deleted);
    if (index.getCurrentCount() !== graph.points + deleted) {
      throw new Error(`${VECTOR_INDEX_FILE} holds ${index.getCurrentCount()} vectors; expected ${graph.points + deleted}. Run ingest again.`);
    }
    index.setEf(meta.params.efSearch);
    return graph;
  }
}
