// The PostgreSQL backend (DATABASE_URL): the build that pcs.current_build points at. Its
// catalogue (documents, clauses, passages) is read into memory as the embedded engine reads its
// files; the two top-k questions are asked in SQL:
//   keyword - the same BM25 as the embedded engine (ingest/keyword-index.ts), over postings
//             stored one row per term (passage ids and each posting's tf part), with the same
//             corpus priors (a column) and section level (postings of their own), so both
//             engines rank alike;
//   vector  - pgvector's HNSW over halfvec (inner product). A filter that keeps few passages is
//             searched exactly; one that keeps many walks the graph with iterative index scans,
//             and falls back to exact search rather than return fewer results than asked.
// Every search runs in one transaction with its statement_timeout and ef_search set locally.
import { format } from 'node:util';
import { createChineseTokenizer } from '../../ingest/chinese-tokenizer.ts';
import { BuiltinEmbedder, type BuiltinEmbedderJSON } from '../../ingest/embedders/builtin-embedder.ts';
import { findClauseLabels, sameIssuer, type KeywordIndexParams, type WeightedQuery } from '../../ingest/keyword-index.ts';
import { findDocNumbers } from '../../ingest/policy-patterns.ts';
import type { Passage, PolicyDocument, ScoredId } from '../../ingest/types.ts';
import { DEFAULT_VECTOR_PARAMS, EXACT_SEARCH_BELOW } from '../../ingest/vector-index.ts';
import { INDEX_FORMAT_VERSION, type IndexManifest } from '../../ingest/write-index.ts';
import { KEYWORD_LEG, SECTION_DEPTH, sectionFactors } from '../corpus-priors.ts';
import { ApiError } from '../errors.ts';
import { checkReferences, IndexLoadError, openEmbedder, type LoadedIndex, type LoadIndexOptions } from '../load-index.ts';
import { matchesFilters, type SearchFilters } from '../search-filters.ts';
import type { Catalog, SearchBackend, TermStats } from './backend.ts';
import { isConnectionError, isTimeoutError, type SqlClient, type SqlQuery } from './postgres-client.ts';
import { FIELD, FILTER_COLUMNS, SCHEMA_VERSION, schemaVersion } from './postgres-schema.ts';

export interface PostgresOptions {
  /** Longest a search's statements may run (statement_timeout); default 10 s. */
  statementTimeoutMs?: number;
  /** hnsw.ef_search for vector search (at least k); default as the embedded engine's efSearch. */
  efSearch?: number;
  /** A filter that keeps at most this many passages is searched exactly, not through the graph. */
  exactLimit?: number;
}

interface KeywordMeta {
  params: KeywordIndexParams;
  count: number;
  sectionCount: number;
}

/** The build being served: its id and schema, or null when the database holds none. */
export async function currentBuild(db: SqlQuery): Promise<{ buildId: string; schema: string } | null> {
  if ((await schemaVersion(db)) === 0) return null;
  const { rows } = await db.query<{ build_id: string; schema_name: string }>(
    'SELECT c.build_id, b.schema_name FROM pcs.current_build c JOIN pcs.builds b USING (build_id)',
  );
  return rows[0] ? { buildId: rows[0].build_id, schema: rows[0].schema_name } : null;
}

/** Loads the current build from the database: the catalogue into memory, the backend over the connection. */
export async function loadPostgresIndex(db: SqlClient, options: LoadIndexOptions & PostgresOptions = {}): Promise<LoadedIndex> {
  const where = db.description;
  const version = await schemaVersion(db).catch((error: unknown) => {
    throw new IndexLoadError('INDEX_CORRUPT', [where, `the database cannot be read (${(error as Error).message})`], { cause: error });
  });
  if (version !== 0 && version !== SCHEMA_VERSION) throw new IndexLoadError('INDEX_FORMAT', [where, `schema ${version}`, SCHEMA_VERSION]);
  const build = await currentBuild(db);
  if (build === null) throw new IndexLoadError('INDEX_MISSING', [where]);
  const s = build.schema;

  // one snapshot: a build is never changed after it is written, but it may be dropped two builds later
  const { meta, documents, passages } = await db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const metaRows = await tx.query<{ key: string; value: string }>(`SELECT key, value FROM ${s}.meta`);
    const docRows = await tx.query<{ data: string }>(`SELECT data FROM ${s}.documents ORDER BY ord`);
    const passageRows = await tx.query<{ id: number; passage_id: string; clause_id: string; doc_id: string; start_offset: number; end_offset: number }>(
      `SELECT id, passage_id, clause_id, doc_id, start_offset, end_offset FROM ${s}.passages ORDER BY id`,
    );
    return {
      meta: new Map(metaRows.rows.map((r) => [r.key, r.value])),
      documents: docRows.rows.map((r) => JSON.parse(r.data) as PolicyDocument),
      passages: passageRows.rows.map((r, i): Passage => {
        if (r.id !== i) throw new IndexLoadError('INDEX_CORRUPT', [where, `passage ${i} is missing`]);
        return { id: r.passage_id, clauseId: r.clause_id, docId: r.doc_id, text: '', start: r.start_offset, end: r.end_offset };
      }),
    };
  });
  const json = <T>(key: string): T => {
    const value = meta.get(key);
    if (value === undefined) throw new IndexLoadError('INDEX_CORRUPT', [where, `the build has no ${key}`]);
    return JSON.parse(value) as T;
  };
  const manifest = json<IndexManifest>('manifest');
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) throw new IndexLoadError('INDEX_FORMAT', [where, String(manifest.formatVersion), INDEX_FORMAT_VERSION]);
  if (documents.length !== manifest.counts.documents || passages.length !== manifest.counts.passages) {
    throw new IndexLoadError('INDEX_CORRUPT', [where, 'document or passage counts differ from the manifest']);
  }
  const { documentsById, clausesById } = checkReferences(where, documents, passages);
  const tokenizer = createChineseTokenizer({ dictionary: json<string[]>('dictionary') });
  const keyword = json<KeywordMeta>('keyword');
  const catalog: Catalog = { documents, documentsById, clausesById, passages };
  const embedded = await openEmbedder(where, manifest, tokenizer, options, () => BuiltinEmbedder.fromJSON(json<BuiltinEmbedderJSON>('builtinEmbedder'), tokenizer));
  return {
    dir: where,
    manifest: { ...manifest, buildId: build.buildId },
    ...catalog,
    tokenizer,
    backend: new PostgresBackend(db, s, catalog, keyword, options),
    ...embedded,
  };
}

export class PostgresBackend implements SearchBackend {
  readonly kind = 'postgres';
  private readonly matchingCounts = new Map<string, number>();

  constructor(
    private readonly db: SqlClient,
    /** The build's schema (pcs_b_…, made by buildSchema: letters, digits and _ only). */
    readonly schema: string,
    private readonly catalog: Catalog,
    private readonly keyword: KeywordMeta,
    private readonly options: PostgresOptions = {},
  ) {}

  async keywordTopK(query: WeightedQuery, k: number, filters: SearchFilters | null): Promise<ScoredId[]> {
    const s = this.schema;
    const { params, count } = this.keyword;
    const fields: number[] = [];
    const terms: string[] = [];
    const weights: number[] = [];
    const add = (field: number, map: Map<string, number>, weight: number) => {
      if (!(weight > 0)) return;
      for (const [term, w] of map) {
        if (w > 0) fields.push(field), terms.push(term), weights.push(weight * w);
      }
    };
    add(FIELD.words, query.words, 1);
    add(FIELD.bigrams, query.bigrams, params.bigramWeight);
    const labels = [...new Set(findClauseLabels(query.exact))];
    const wanted = findDocNumbers(query.exact);
    if (fields.length === 0 && labels.length === 0 && wanted.length === 0) return [];

    return this.run(async (tx) => {
      let factors: ScoredId[] = [];
      if (KEYWORD_LEG.sectionLevel > 0 && fields.length > 0) {
        const sections = await tx.query<{ id: number; score: number }>(
          `WITH t AS (${termWeights(`${s}.section_terms`, 'sections')})
           SELECT u.id, sum(t.wi * u.part) AS score
           FROM t CROSS JOIN LATERAL unnest(t.ids, t.parts) AS u(id, part)
           GROUP BY u.id ORDER BY score DESC, u.id LIMIT $5`,
          [fields, terms, weights, this.keyword.sectionCount, SECTION_DEPTH],
        );
        factors = sectionFactors(sections.rows.map((r) => ({ id: r.id, score: Number(r.score) })));
      }
      const values: unknown[] = [fields, terms, weights, count, factors.map((f) => f.id), factors.map((f) => f.score), k];
      const param = (value: unknown) => (values.push(value), `$${values.length}`);
      // the parts of the query that it has: labels and 文号 are rare, and cost a join each
      const labelBranch =
        labels.length === 0
          ? ''
          : `UNION ALL
             SELECT u.id, ${param(params.labelWeight)}::float8 * ln(1 + ($4::float8 - cardinality(l.passages) + 0.5) / (cardinality(l.passages) + 0.5))
             FROM ${s}.keyword_labels l CROSS JOIN LATERAL unnest(l.passages) AS u(id)
             WHERE l.label = ANY(${param(labels)}::text[])`;
      const numbered =
        wanted.length === 0
          ? ''
          : `, numbered AS (
               SELECT DISTINCT n.passage AS id
               FROM ${s}.keyword_doc_numbers n JOIN unnest(${param(wanted.map((d) => d.key))}::text[], ${param(wanted.map((d) => d.prefix))}::text[]) AS w(key, prefix) ON n.key = w.key
               WHERE CASE WHEN length(n.prefix) <= length(w.prefix) THEN right(w.prefix, length(n.prefix)) = n.prefix
                          ELSE right(n.prefix, length(w.prefix)) = w.prefix END
             )`;
      const where = this.filterSql(filters, values, 'p');
      const { rows } = await tx.query<{ id: number; score: number }>(
        `WITH t AS (${termWeights(`${s}.keyword_terms`, 'passages')}),
         matched AS (
           SELECT u.id, t.wi * u.part AS s FROM t CROSS JOIN LATERAL unnest(t.ids, t.parts) AS u(id, part)
           ${labelBranch}
         ),
         scored AS (SELECT id, s FROM (SELECT id, sum(s) AS s FROM matched GROUP BY id) AS summed WHERE s > 0)
         ${numbered},
         boosted AS (
           SELECT p.id, ${Object.values(FILTER_COLUMNS).map((c) => `p.${c}`).join(', ')}, coalesce(sc.s, 0) * p.boost * coalesce(f.factor, 1) AS s${wanted.length > 0 ? ', nb.id IS NOT NULL AS numbered' : ''}
           FROM ${
             wanted.length > 0
               ? `(SELECT id FROM scored UNION SELECT id FROM numbered) AS hit JOIN ${s}.passages p ON p.id = hit.id
                  LEFT JOIN scored sc ON sc.id = hit.id LEFT JOIN numbered nb ON nb.id = hit.id`
               : `scored sc JOIN ${s}.passages p ON p.id = sc.id`
           }
           LEFT JOIN unnest($5::int[], $6::float8[]) AS f(section, factor) ON f.section = p.section
         ),
         -- a passage holding a 文号 from the query ranks above every passage that does not
         ranked AS (SELECT *, ${wanted.length > 0 ? 's + CASE WHEN numbered THEN max(s) OVER () + 1 ELSE 0 END' : 's'} AS score FROM boosted)
         SELECT p.id, p.score FROM ranked p WHERE p.score > 0 ${where} ORDER BY p.score DESC, p.id LIMIT $7`,
        values,
      );
      return rows.map((r) => ({ id: r.id, score: Number(r.score) }));
    });
  }

  async vectorTopK(vector: Float32Array, k: number, filters: SearchFilters | null): Promise<ScoredId[]> {
    const s = this.schema;
    // a query the embedder knows nothing of is near nothing (as in the embedded engine), not near everything at 0
    if (k <= 0 || vector.every((x) => x === 0)) return [];
    const literal = `[${Array.from(vector, (v) => v.toPrecision(7)).join(',')}]`;
    const dims = vector.length;
    const efSearch = Math.max(k, this.options.efSearch ?? DEFAULT_VECTOR_PARAMS.efSearch);
    const read = (rows: { id: number; score: number }[]) => rows.map((r) => ({ id: r.id, score: Number(r.score) }));
    if (filters === null && this.catalog.passages.length >= EXACT_SEARCH_BELOW) {
      return this.run(async (tx) => {
        await tx.query(`SELECT set_config('hnsw.ef_search', $1, true)`, [String(Math.min(efSearch, 1000))]);
        const { rows } = await tx.query<{ id: number; score: number }>(
          `SELECT id, -(embedding <#> $1::halfvec(${dims})) AS score FROM ${s}.passages ORDER BY embedding <#> $1::halfvec(${dims}) LIMIT $2`,
          [literal, k],
        );
        return read(rows);
      });
    }
    // a small build is searched exactly, as the embedded engine searches it
    const matching = filters === null ? this.catalog.passages.length : this.matching(filters);
    if (matching === 0) return [];
    const values: unknown[] = [literal, k];
    const where = this.filterSql(filters, values, 'p');
    const exact = () =>
      this.run(async (tx) => {
        // MATERIALIZED: the filtered rows first, every one of them scored (the graph is not used)
        const { rows } = await tx.query<{ id: number; score: number }>(
          `WITH f AS MATERIALIZED (SELECT p.id, p.embedding FROM ${s}.passages p WHERE true ${where})
           SELECT id, -(embedding <#> $1::halfvec(${dims})) AS score FROM f ORDER BY embedding <#> $1::halfvec(${dims}), id LIMIT $2`,
          values,
        );
        return read(rows);
      });
    if (filters === null || matching <= (this.options.exactLimit ?? EXACT_LIMIT)) return exact();
    // iterative index scan: the graph is walked further until k rows pass the filter, from a wider
    // candidate list the more the filter removes (laws, type=法律, 37% kept: recall@10 0.983 with
    // the unfiltered 256, worst query 0.1; 1.000 at 700, worst 1.0; 29 -> 36 ms a search in PGlite)
    const share = matching / this.catalog.passages.length;
    const found = await this.run(async (tx) => {
      await tx.query(
        `SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'strict_order', true), set_config('hnsw.max_scan_tuples', $2, true)`,
        [String(Math.min(Math.max(2 * k, Math.ceil(efSearch / share)), 1000)), String(Math.max(20_000, Math.ceil((k * this.catalog.passages.length) / matching) * 20))],
      );
      const { rows } = await tx.query<{ id: number; score: number }>(
        `SELECT p.id, -(p.embedding <#> $1::halfvec(${dims})) AS score FROM ${s}.passages p WHERE true ${where}
         ORDER BY p.embedding <#> $1::halfvec(${dims}) LIMIT $2`,
        values,
      );
      return read(rows);
    });
    // never fewer than asked when enough passages pass the filter
    return found.length < Math.min(k, matching) ? exact() : found;
  }

  async termStats(query: string, words: readonly string[], bigrams: readonly string[]): Promise<TermStats> {
    const s = this.schema;
    const labels = query === '' ? [] : [...new Set(findClauseLabels(query))];
    const numbers = query === '' ? [] : findDocNumbers(query);
    const { rows } = await this.run((tx) =>
      tx.query<{ kind: string; field: number; term: string; df: number; prefix: string | null }>(
        `SELECT 'term' AS kind, t.field, t.term, t.df, NULL::text AS prefix
         FROM ${s}.keyword_terms t JOIN unnest($1::int2[], $2::text[]) AS q(field, term) ON t.field = q.field AND t.term = q.term
         UNION ALL SELECT 'label', 0, label, 0, NULL FROM ${s}.keyword_labels WHERE label = ANY($3::text[])
         UNION ALL SELECT DISTINCT 'number', 0, key, 0, prefix FROM ${s}.keyword_doc_numbers WHERE key = ANY($4::text[])`,
        [
          [...words.map(() => FIELD.words), ...bigrams.map(() => FIELD.bigrams)],
          [...words, ...bigrams],
          labels,
          numbers.map((d) => d.key),
        ],
      ),
    );
    const { count } = this.keyword;
    const idf = (df: number) => Math.log(1 + (count - df + 0.5) / (df + 0.5));
    const wordIdf = new Map<string, number>();
    const bigramIdf = new Map<string, number>();
    const knownLabels = new Set<string>();
    const prefixes = new Map<string, string[]>();
    for (const r of rows) {
      if (r.kind === 'term') (r.field === FIELD.words ? wordIdf : bigramIdf).set(r.term, idf(r.df));
      else if (r.kind === 'label') knownLabels.add(r.term);
      else prefixes.set(r.term, [...(prefixes.get(r.term) ?? []), r.prefix ?? '']);
    }
    // as the embedded engine's matchedTerms: words, then 文号 and labels found, longest first
    const matched = query === '' ? [] : words.filter((w) => wordIdf.has(w));
    for (const d of numbers) if ((prefixes.get(d.key) ?? []).some((p) => sameIssuer(p, d.prefix))) matched.push(d.normalized);
    for (const label of labels) if (knownLabels.has(label)) matched.push(label);
    return { matched: [...new Set(matched)].sort((a, b) => b.length - a.length), wordIdf, bigramIdf, bigramWeight: this.keyword.params.bigramWeight };
  }

  /** The connection belongs to whoever opened it (it serves every build loaded through it): not closed here. */
  async close(): Promise<void> {}

  /** How many passages a filter keeps (from the catalogue in memory; once per filter). */
  private matching(filters: SearchFilters): number {
    const key = JSON.stringify(filters);
    let n = this.matchingCounts.get(key);
    if (n === undefined) {
      n = 0;
      const { passages, documentsById } = this.catalog;
      const perDoc = new Map<string, boolean>();
      for (const p of passages) {
        let ok = perDoc.get(p.docId);
        if (ok === undefined) perDoc.set(p.docId, (ok = matchesFilters(documentsById.get(p.docId)!, filters)));
        if (ok) n++;
      }
      if (this.matchingCounts.size > 1000) this.matchingCounts.clear();
      this.matchingCounts.set(key, n);
    }
    return n;
  }

  /** " AND p.type = $n …" for the filters given, their values appended to `values`. */
  private filterSql(filters: SearchFilters | null, values: unknown[], alias: string): string {
    if (filters === null) return '';
    let sql = '';
    for (const [name, column] of Object.entries(FILTER_COLUMNS) as [keyof SearchFilters, string][]) {
      const value = filters[name];
      if (value === undefined) continue;
      values.push(value);
      sql += ` AND ${alias}.${column} = $${values.length}`;
    }
    return sql;
  }

  /** One search step in a transaction with its time limit; connection loss and timeouts become API errors. */
  private async run<T>(fn: (tx: SqlQuery) => Promise<T>): Promise<T> {
    try {
      // statement_timeout stops the statement on the server; the client gives up a little later
      // in case the server cannot answer at all
      const limit = this.options.statementTimeoutMs ?? 10_000;
      return await this.db.transaction(
        async (tx) => {
          await tx.query(`SELECT set_config('statement_timeout', $1, true)`, [String(limit)]);
          return fn(tx);
        },
        { timeoutMs: limit + 250 },
      );
    } catch (error) {
      if (isTimeoutError(error)) throw new ApiError('DATABASE_TIMEOUT');
      if (isConnectionError(error)) {
        console.error(format('Search database unreachable (%s):', this.db.description), (error as Error).message);
        throw new ApiError('DATABASE_UNAVAILABLE');
      }
      throw error;
    }
  }
}

/**
 * The query's terms that the index holds, each with its weight times its idf (once per term, in
 * float8) and its postings: $1 fields, $2 terms, $3 weights, $4 the number of units (passages or
 * sections).
 */
function termWeights(table: string, ids: 'passages' | 'sections'): string {
  return `SELECT t.${ids} AS ids, t.parts, q.w * ln(1 + ($4::float8 - t.df + 0.5) / (t.df + 0.5)) AS wi
          FROM unnest($1::int2[], $2::text[], $3::float8[]) AS q(field, term, w)
          JOIN ${table} t ON t.field = q.field AND t.term = q.term`;
}

// A filter that keeps this many passages or fewer is searched exactly. Slower than a graph walk in
// PGlite (laws: 45 ms at 12% kept, 98 ms at 28%, against ~7 ms), but the walk loses neighbours when
// a filter removes most of the graph (recall@10 0.88 at 6% kept, 0.96 at 12%, worst queries 0.0-0.1;
// npm run bench:postgres). Lower it on a native server if exact scans take too long there.
const EXACT_LIMIT = 20_000;

/** Where LiveIndex finds the next build: the pointer row, and a load through the same connection. */
export function postgresOrigin(db: SqlClient, options: LoadIndexOptions & PostgresOptions = {}): { where: string; buildId(): Promise<string | null>; load(): Promise<LoadedIndex> } {
  return {
    where: db.description,
    buildId: async () => (await currentBuild(db).catch(() => null))?.buildId ?? null,
    load: () => loadPostgresIndex(db, options),
  };
}
