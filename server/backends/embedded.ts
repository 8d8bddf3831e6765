// The embedded engine: the index files of INDEX_DIR in this process's memory. Keyword top-k is our
// BM25 over binary postings (ingest/keyword-index.ts), times the corpus priors and the query's
// section level; vector top-k is an hnswlib graph. No server, nothing to connect to.
import type { KeywordIndex, WeightedQuery } from '../../ingest/keyword-index.ts';
import type { ScoredId } from '../../ingest/types.ts';
import type { VectorIndex } from '../../ingest/vector-index.ts';
import type { KeywordHelper } from '../keyword-threads.ts';
import { KEYWORD_LEG, passageBoost, SECTION_DEPTH, sectionFactors, sectionGroups } from '../corpus-priors.ts';
import { matchesFilters, type SearchFilters } from '../search-filters.ts';
import type { Catalog, SearchBackend, TermStats } from './backend.ts';

export class EmbeddedBackend implements SearchBackend {
  readonly kind = 'embedded';
  private sections: {
    key: string;
    index: KeywordIndex;
    /** The boost of the last search: the static priors (`holds`) between searches. */
    scratch: Float32Array;
    holds: Float32Array | 'ones' | null;
  } | null = null;

  constructor(
    private readonly catalog: Catalog,
    readonly keyword: KeywordIndex,
    readonly vectors: VectorIndex,
    /** A second thread for the keyword leg (keyword-threads.ts); it reads its own boost array. */
    private readonly helper: KeywordHelper | null = null,
  ) {}

  async keywordTopK(query: WeightedQuery, k: number, filters: SearchFilters | null): Promise<ScoredId[]> {
    return this.keywordHits(query, k, filters);
  }

  async vectorTopK(vector: Float32Array, k: number, filters: SearchFilters | null): Promise<ScoredId[]> {
    return this.vectorHits(vector, k, filters);
  }

  /**
   * Both legs in one go: the vector search runs while the keyword leg's second thread scores its
   * share (for an index without one, simply before the keyword leg), so on two cores it costs the
   * search little more than the keyword leg alone. The results are the two legs' own.
   */
  async bothTopK(query: WeightedQuery, vector: Float32Array, k: number, filters: SearchFilters | null): Promise<[ScoredId[], ScoredId[]]> {
    let vectorHits: ScoredId[] = [];
    const keywordHits = this.keywordHits(query, k, filters, () => (vectorHits = this.vectorHits(vector, k, filters)));
    return [keywordHits, vectorHits];
  }

  private keywordHits(query: WeightedQuery, k: number, filters: SearchFilters | null, alongside?: () => void): ScoredId[] {
    // every match scored when filtered, then the accepted ones: a filter never empties what the first k filled
    const depth = filters === null ? k : this.catalog.passages.length;
    const hits = this.withBoost(query, depth, alongside);
    if (filters === null) return hits;
    const accept = this.acceptor(filters);
    return hits.filter((h) => accept(h.id)).slice(0, k);
  }

  private vectorHits(vector: Float32Array, k: number, filters: SearchFilters | null): ScoredId[] {
    return filters === null ? this.vectors.search(vector, k) : this.vectors.search(vector, k, this.acceptor(filters));
  }

  async termStats(query: string, words: readonly string[], bigrams: readonly string[]): Promise<TermStats> {
    const wordIdf = new Map<string, number>();
    for (const w of words) {
      const idf = this.keyword.idf(w, 'words');
      if (idf > 0) wordIdf.set(w, idf);
    }
    const bigramIdf = new Map<string, number>();
    for (const b of bigrams) {
      const idf = this.keyword.idf(b, 'bigrams');
      if (idf > 0) bigramIdf.set(b, idf);
    }
    return { matched: query === '' ? [] : this.keyword.matchedTerms(query), wordIdf, bigramIdf, bigramWeight: this.keyword.params.bigramWeight };
  }

  async close(): Promise<void> {
    await this.helper?.close();
  }

  private acceptor(filters: SearchFilters): (id: number) => boolean {
    const { passages, documentsById } = this.catalog;
    return (id) => matchesFilters(documentsById.get(passages[id]!.docId)!, filters);
  }

  /**
   * The passages' k best with the static priors times the section level for this query: each
   * passage of the query's best sections multiplied by its section's factor. The scratch array
   * holds the static priors between searches; only the passages of those sections are changed,
   * and put back after, so a search costs no pass over every passage. `alongside` runs while the
   * second thread, where there is one, scores (KeywordIndex.searchLeveled).
   */
  private withBoost(query: WeightedQuery, k: number, alongside?: () => void): ScoredId[] {
    const base = passageBoost(this.catalog);
    if (!(KEYWORD_LEG.sectionLevel > 0)) return this.keyword.searchWeighted(query, k, base, { alongside });
    const groups = sectionGroups(this.catalog);
    const key = `${KEYWORD_LEG.levelK1}/${KEYWORD_LEG.levelB}`;
    if (this.sections === null || this.sections.key !== key) {
      const index = this.keyword.grouped(groups.groupOf, groups.count, { k1: KEYWORD_LEG.levelK1, b: KEYWORD_LEG.levelB }, { shared: this.helper !== null });
      this.helper?.holdLevel(index);
      this.sections = { key, index, scratch: this.helper?.boost ?? new Float32Array(groups.groupOf.length), holds: null };
    }
    const sections = this.sections;
    const boost = sections.scratch;
    if (sections.holds !== (base ?? 'ones')) {
      if (base !== undefined) boost.set(base);
      else boost.fill(1);
      sections.holds = base ?? 'ones';
    }
    // (the scratch holds the static priors now: the array the keyword worker reads)
    let factors: ScoredId[] = [];
    const apply = (best: ScoredId[]) => {
      factors = sectionFactors(best);
      for (const f of factors) {
        for (let i = groups.offsets[f.id]!; i < groups.offsets[f.id + 1]!; i++) boost[groups.members[i]!]! *= f.score;
      }
    };
    try {
      return this.keyword.searchLeveled(query, k, boost, { index: sections.index, k: SECTION_DEPTH, apply }, alongside);
    } finally {
      for (const f of factors) {
        for (let i = groups.offsets[f.id]!; i < groups.offsets[f.id + 1]!; i++) {
          const m = groups.members[i]!;
          boost[m] = base === undefined ? 1 : base[m]!;
        }
      }
    }
  }
}
