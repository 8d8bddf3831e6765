// Writes a build into PostgreSQL (DATABASE_URL): the index ingest has just built in INDEX_DIR
// (which stays the build cache, so a re-ingest reuses parses, tokens and vectors) goes into a new
// schema of its own, its indexes are made, and the pointer pcs.current_build moves to it in one
// transaction. Servers see the new build id and swap; the build before it is kept for the
// requests still on it, older ones are dropped. A failed write leaves the served build untouched.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEYWORD_LEG, passageBoost, sectionGroups } from '../server/corpus-priors.ts';
import type { EmbeddedIndex } from '../server/load-index.ts';
import type { SqlClient, SqlQuery } from '../server/backends/postgres-client.ts';
import { buildIndexes, buildSchema, buildTables, FIELD, migrate, SCHEMA_VERSION } from '../server/backends/postgres-schema.ts';
import { yearOf } from '../server/search-filters.ts';
import { builtinFileToJSON } from './embedders/builtin-embedder.ts';
import { DEFAULT_VECTOR_PARAMS } from './vector-index.ts';
import { INDEX_FILES, readIndexFileSync } from './write-index.ts';

export interface PostgresWriteProgress {
  stage: 'documents' | 'passages' | 'postings' | 'sections' | 'indexes' | 'switch';
  done: number;
  total: number;
}

export interface PostgresWriteReport {
  buildId: string;
  schema: string;
  /** False when this build was already the one served (nothing written). */
  written: boolean;
  seconds: Record<PostgresWriteProgress['stage'], number>;
  rows: { documents: number; passages: number; terms: number; sectionTerms: number };
  dropped: string[];
}

// Rows per INSERT: large enough that a round trip is not the cost, small enough for one message.
const BATCH_ROWS = 500;
const BATCH_BYTES = 4 << 20;

/** Writes the index in `index` (loaded from its folder) to the database as a new build and serves it. */
export async function writePostgresBuild(
  index: EmbeddedIndex,
  db: SqlClient,
  onProgress: (p: PostgresWriteProgress) => void = () => {},
): Promise<PostgresWriteReport> {
  await db.transaction((tx) => migrate(tx));
  const buildId = index.manifest.buildId ?? randomUUID();
  const current = await db.query<{ build_id: string }>('SELECT build_id FROM pcs.current_build');
  const seconds = { documents: 0, passages: 0, postings: 0, sections: 0, indexes: 0, switch: 0 };
  const rows = { documents: index.documents.length, passages: index.passages.length, terms: 0, sectionTerms: 0 };
  const s = buildSchema(buildId);
  if (current.rows[0]?.build_id === buildId) return { buildId, schema: s, written: false, seconds, rows, dropped: [] };
  // a build still in the database (the one before): complete, so it is switched back to, not rewritten
  const kept = await db.query<{ build_id: string }>('SELECT build_id FROM pcs.builds WHERE build_id = $1', [buildId]);
  if (kept.rows.length > 0) {
    const dropped = await db.transaction((tx) => switchTo(tx, buildId, null));
    return { buildId, schema: s, written: false, seconds, rows, dropped };
  }

  // what an earlier, interrupted write of this build left
  await db.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  const dims = index.manifest.embedder.dims;
  for (const statement of buildTables(s, dims)) await db.query(statement);
  let started = performance.now();
  const lap = (stage: keyof typeof seconds) => {
    seconds[stage] = Math.round(performance.now() - started) / 1000;
    started = performance.now();
  };

  // meta: what a server needs besides the rows to answer as the embedded engine does
  const meta: [string, string][] = [
    ['manifest', JSON.stringify(index.manifest)],
    ['dictionary', readIndexFileSync(join(index.dir, INDEX_FILES.dictionary)).toString('utf8')],
    ['keyword', JSON.stringify({ params: index.keyword.params, count: index.passages.length, sectionCount: sectionGroups(index).count, levelK1: KEYWORD_LEG.levelK1, levelB: KEYWORD_LEG.levelB })],
  ];
  if (index.manifest.embedder.kind === 'builtin') {
    meta.push(['builtinEmbedder', JSON.stringify(builtinFileToJSON(readFileSync(join(index.dir, INDEX_FILES.builtinEmbedder))))]);
  }
  await insertRows(db, `${s}.meta`, ['key', 'value'], meta);

  const documents = index.documents.map((d, ord) => [
    ord,
    d.id,
    d.title,
    d.docNumber,
    d.type,
    d.issuer,
    d.region,
    yearOf(d),
    d.status,
    // each text stored once, in its document (clause texts are slices of it)
    JSON.stringify({ ...d, clauses: d.clauses.map(({ text: _text, ...c }) => c) }),
  ]);
  await insertRows(db, `${s}.documents`, ['ord', 'id', 'title', 'doc_number', 'type', 'issuer', 'region', 'year', 'status', 'data'], documents, (n) =>
    onProgress({ stage: 'documents', done: n, total: documents.length }),
  );
  lap('documents');

  const boost = passageBoost(index);
  const { groupOf } = sectionGroups(index);
  const flat = index.vectors.allVectors();
  const passages = index.passages.map((p, i) => {
    const d = index.documentsById.get(p.docId)!;
    return [i, p.docId, p.clauseId, p.id, p.start, p.end, d.type, d.issuer, d.region, yearOf(d), d.status, boost?.[i] ?? 1, groupOf[i]!, vectorLiteral(flat.subarray(i * dims, (i + 1) * dims))];
  });
  await insertRows(
    db,
    `${s}.passages`,
    ['id', 'doc_id', 'clause_id', 'passage_id', 'start_offset', 'end_offset', 'type', 'issuer', 'region', 'year', 'status', 'boost', 'section', 'embedding'],
    passages,
    (n) => onProgress({ stage: 'passages', done: n, total: passages.length }),
  );
  lap('passages');

  rows.terms = await insertPostings(db, `${s}.keyword_terms`, 'passages', index.keyword.postingLists(), (n) => onProgress({ stage: 'postings', done: n, total: n }));
  const { labels, docNumbers } = index.keyword.exactTerms();
  await insertRows(db, `${s}.keyword_labels`, ['label', 'passages'], [...labels].map(([label, docs]) => [label, intArray(docs)]));
  await insertRows(db, `${s}.keyword_doc_numbers`, ['key', 'prefix', 'passage'], [...docNumbers].flatMap(([key, list]) => list.map((e) => [key, e.prefix, e.doc])));
  lap('postings');

  const groups = sectionGroups(index);
  const sectionIndex = index.keyword.grouped(groups.groupOf, groups.count, { k1: KEYWORD_LEG.levelK1, b: KEYWORD_LEG.levelB });
  rows.sectionTerms = await insertPostings(db, `${s}.section_terms`, 'sections', sectionIndex.postingLists(), (n) => onProgress({ stage: 'sections', done: n, total: n }));
  lap('sections');

  // HNSW wants its graph in maintenance_work_mem while it builds
  await db.transaction(async (tx) => {
    await tx.query(`SET LOCAL maintenance_work_mem = '512MB'`);
    const statements = buildIndexes(s, { m: DEFAULT_VECTOR_PARAMS.M, efConstruction: DEFAULT_VECTOR_PARAMS.efConstruction });
    for (const [n, sql] of statements.entries()) {
      onProgress({ stage: 'indexes', done: n, total: statements.length });
      await tx.query(sql);
    }
  });
  // statistics for the planner, and the visibility map that lets the ranking index answer alone
  for (const table of ['passages', 'keyword_terms', 'section_terms', 'documents']) await db.query(`VACUUM ANALYZE ${s}.${table}`);
  lap('indexes');

  const dropped = await db.transaction((tx) => switchTo(tx, buildId, { schema: s, manifest: index.manifest }));
  lap('switch');
  onProgress({ stage: 'switch', done: 1, total: 1 });
  return { buildId, schema: s, written: true, seconds, rows, dropped };
}

/**
 * Points pcs.current_build at the build (registering it first when `written` is given), in the
 * caller's transaction; the build it replaces becomes the previous one. Returns the schemas dropped.
 */
async function switchTo(tx: SqlQuery, buildId: string, written: { schema: string; manifest: unknown } | null): Promise<string[]> {
  await tx.query('LOCK TABLE pcs.current_build IN EXCLUSIVE MODE');
  if (written !== null) {
    await tx.query('INSERT INTO pcs.builds (build_id, schema_name, layout, manifest) VALUES ($1, $2, $3, $4)', [buildId, written.schema, SCHEMA_VERSION, JSON.stringify(written.manifest)]);
  }
  const before = await tx.query<{ build_id: string }>('SELECT build_id FROM pcs.current_build');
  const previous = before.rows[0]?.build_id ?? null;
  await tx.query(
    `INSERT INTO pcs.current_build (one, build_id, previous_build_id, switched_at) VALUES (true, $1, $2, now())
     ON CONFLICT (one) DO UPDATE SET build_id = EXCLUDED.build_id, previous_build_id = EXCLUDED.previous_build_id, switched_at = now()`,
    [buildId, previous],
  );
  return dropOldBuilds(tx, [buildId, previous]);
}

/**
 * Drops every build but the ones kept (the new one and the one before it, which requests in
 * flight may still read), and any pcs_b_ schema no build owns (a write that was interrupted).
 */
async function dropOldBuilds(tx: SqlQuery, keep: (string | null)[]): Promise<string[]> {
  const kept = keep.filter((b): b is string => b !== null);
  const old = await tx.query<{ build_id: string; schema_name: string }>('SELECT build_id, schema_name FROM pcs.builds WHERE NOT (build_id = ANY($1))', [kept]);
  const keptSchemas = (await tx.query<{ schema_name: string }>('SELECT schema_name FROM pcs.builds WHERE build_id = ANY($1)', [kept])).rows.map((r) => r.schema_name);
  const orphans = await tx.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pcs\\_b\\_%' AND NOT (nspname = ANY($1)) AND NOT (nspname = ANY($2))`,
    [keptSchemas, old.rows.map((r) => r.schema_name)],
  );
  const dropped: string[] = [];
  for (const schema of [...old.rows.map((r) => r.schema_name), ...orphans.rows.map((r) => r.nspname)]) {
    await tx.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    dropped.push(schema);
  }
  await tx.query('DELETE FROM pcs.builds WHERE NOT (build_id = ANY($1))', [kept]);
  return dropped;
}

/** One field's postings as rows: field, term, df, ids, parts. */
async function insertPostings(
  db: SqlQuery,
  table: string,
  idColumn: 'passages' | 'sections',
  lists: Iterable<{ field: 'words' | 'bigrams'; term: string; docs: Int32Array; parts: Float32Array }>,
  onProgress: (n: number) => void,
): Promise<number> {
  let count = 0;
  let batch: unknown[][] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await insertRows(db, table, ['field', 'term', 'df', idColumn, 'parts'], batch);
    count += batch.length;
    onProgress(count);
    batch = [];
    bytes = 0;
  };
  for (const list of lists) {
    const ids = intArray(list.docs);
    const parts = floatArray(list.parts);
    batch.push([FIELD[list.field], list.term, list.docs.length, ids, parts]);
    bytes += ids.length + parts.length;
    if (batch.length >= BATCH_ROWS * 4 || bytes >= BATCH_BYTES) await flush();
  }
  await flush();
  return count;
}

/** Multi-row INSERTs of `rows` (values in `columns` order), in batches. */
async function insertRows(db: SqlQuery, table: string, columns: string[], rows: unknown[][], onProgress?: (n: number) => void): Promise<void> {
  let at = 0;
  while (at < rows.length) {
    let bytes = 0;
    let end = at;
    while (end < rows.length && end - at < BATCH_ROWS && bytes < BATCH_BYTES) {
      for (const v of rows[end]!) bytes += typeof v === 'string' ? v.length * 3 : 8;
      end++;
    }
    const params: unknown[] = [];
    const values = rows.slice(at, end).map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`);
    await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, params);
    at = end;
    onProgress?.(at);
  }
}

const intArray = (values: Int32Array): string => `{${values.join(',')}}`;
const floatArray = (values: Float32Array): string => `{${Array.from(values, (v) => v.toPrecision(7)).join(',')}}`;
const vectorLiteral = (values: Float32Array): string => `[${Array.from(values, (v) => v.toPrecision(6)).join(',')}]`;

/**
 * `npm run ingest` with DATABASE_URL: the index just built in indexDir, written to the database as
 * its new build. Loads no query embedder (only the vectors are copied).
 */
export async function publishToPostgres(
  indexDir: string,
  db: SqlClient,
  onProgress?: (p: PostgresWriteProgress) => void,
): Promise<PostgresWriteReport> {
  const { loadIndex } = await import('../server/load-index.ts');
  const index = await loadIndex(indexDir, { withoutEmbedder: true });
  return writePostgresBuild(index, db, onProgress);
}
