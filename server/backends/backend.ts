// The seam between search and the engine that holds the index. Search (fusion, answers,
// highlights, validation, errors: server/search.ts) is written once against SearchBackend; an
// engine answers the two top-k questions and the term statistics that highlighting needs.
//   embedded.ts - index files in INDEX_DIR: our BM25 postings and an hnswlib graph, in memory
//   postgres.ts - a PostgreSQL database (DATABASE_URL): postings and pgvector's HNSW, in SQL
// Both keep the catalogue (documents, clauses, passages) in memory beside it: see LoadedIndex.
import type { WeightedQuery } from '../../ingest/keyword-index.ts';
import type { Clause, Passage, PolicyDocument, ScoredId } from '../../ingest/types.ts';
import type { SearchFilters } from '../search-filters.ts';

/** The documents, their clauses and the indexed passages (passage i is id i in both top-k lists), in memory. */
export interface Catalog {
  documents: PolicyDocument[];
  documentsById: Map<string, PolicyDocument>;
  clausesById: Map<string, Clause>;
  passages: Passage[];
}

export type BackendKind = 'embedded' | 'postgres';

/** What the keyword side knows about a query's terms, for highlighting and answers. */
export interface TermStats {
  /** The query's terms that occur in the index (words, 文号, clause labels), longest first. */
  matched: string[];
  /** idf of each word of the query that the index holds (absent: unknown, 0). */
  wordIdf: Map<string, number>;
  /** idf of each character bigram of the query that the index holds. */
  bigramIdf: Map<string, number>;
  /** Weight of the bigram field against the word field. */
  bigramWeight: number;
}

export interface SearchBackend {
  readonly kind: BackendKind;
  /**
   * The k passages that best match a weighted keyword query, best first: BM25 over words and
   * bigrams, clause labels and 文号, times the corpus priors and the query's section level. With
   * filters, the k best of the passages whose documents pass them.
   */
  keywordTopK(query: WeightedQuery, k: number, filters: SearchFilters | null): Promise<ScoredId[]>;
  /** The k passages nearest the query vector (cosine, higher is nearer); with filters, of the passages that pass them, never fewer than k when k pass. */
  vectorTopK(vector: Float32Array, k: number, filters: SearchFilters | null): Promise<ScoredId[]>;
  /**
   * Both legs at once, where the backend can overlap them (the embedded one runs the vector search
   * beside the keyword leg's second thread): the same lists as keywordTopK and vectorTopK.
   */
  bothTopK?(query: WeightedQuery, vector: Float32Array, k: number, filters: SearchFilters | null): Promise<[ScoredId[], ScoredId[]]>;
  /** Index statistics of the query's terms (one round trip). */
  termStats(query: string, words: readonly string[], bigrams: readonly string[]): Promise<TermStats>;
  /** Releases what the backend holds (connections); the embedded one holds nothing to release. */
  close(): Promise<void>;
}
