// The product's tables in PostgreSQL. Schema `pcs` holds what lasts across builds (the schema
// version, the builds, the pointer to the one being served); each build is a schema of its own,
// pcs_b_<id>, written whole by ingest before the pointer moves to it in one transaction, so a
// search never sees half a build and a failed build leaves the served one untouched.
import type { SqlQuery } from './postgres-client.ts';

/** Version of the `pcs` schema and of a build's tables; bumped with a migration below. */
export const SCHEMA_VERSION = 1;

/** Migrations: MIGRATIONS[n] takes the schema from version n to n + 1. */
const MIGRATIONS: string[][] = [
  [
  `CREATE EXTENSION IF NOT EXISTS vector`,
  `CREATE TABLE IF NOT EXISTS pcs.builds (
     build_id text PRIMARY KEY,
     schema_name text NOT NULL UNIQUE,
     layout int NOT NULL,
     written_at timestamptz NOT NULL DEFAULT now(),
     manifest jsonb NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS pcs.current_build (
     one boolean PRIMARY KEY DEFAULT true CHECK (one),
     build_id text NOT NULL REFERENCES pcs.builds (build_id),
     previous_build_id text,
     switched_at timestamptz NOT NULL DEFAULT now()
   )`,
  ],
];

export class SchemaError extends Error {
  override name = 'SchemaError';
}

/** The schema version the database is at (0: the product has never written to it). */
export async function schemaVersion(db: SqlQuery): Promise<number> {
  const { rows } = await db.query<{ exists: boolean }>(`SELECT to_regclass('pcs.schema_version') IS NOT NULL AS exists`);
  if (!rows[0]?.exists) return 0;
  const version = await db.query<{ version: number }>('SELECT version FROM pcs.schema_version');
  return version.rows[0]?.version ?? 0;
}

/** Creates or migrates the `pcs` schema to SCHEMA_VERSION; refuses a database written by a newer version. */
export async function migrate(db: SqlQuery): Promise<void> {
  await db.query('CREATE SCHEMA IF NOT EXISTS pcs');
  await db.query('CREATE TABLE IF NOT EXISTS pcs.schema_version (version int NOT NULL)');
  // one migrator at a time (two ingests started together)
  await db.query('LOCK TABLE pcs.schema_version IN EXCLUSIVE MODE');
  const { rows } = await db.query<{ version: number }>('SELECT version FROM pcs.schema_version');
  let version = rows[0]?.version ?? 0;
  if (rows.length === 0) await db.query('INSERT INTO pcs.schema_version (version) VALUES (0)');
  if (version > SCHEMA_VERSION) {
    throw new SchemaError(`The database's schema is at version ${version}; this version of the product knows ${SCHEMA_VERSION}. Upgrade the product.`);
  }
  for (; version < SCHEMA_VERSION; version++) {
    for (const statement of MIGRATIONS[version]!) await db.query(statement);
    await db.query('UPDATE pcs.schema_version SET version = $1', [version + 1]);
  }
}

/** A build's schema name: pcs_b_ and the build id's letters and digits (never from user input). */
export function buildSchema(buildId: string): string {
  const safe = buildId.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (safe.length < 8) throw new Error(`A build id needs at least 8 letters or digits; got "${buildId}".`);
  return `pcs_b_${safe.slice(0, 40)}`;
}

/** The filter columns of a build's passages: SearchFilters' names -> column. */
export const FILTER_COLUMNS = { doc: 'doc_id', type: 'type', issuer: 'issuer', region: 'region', year: 'year', status: 'status' } as const;

/** Field numbers in the postings tables. */
export const FIELD = { words: 0, bigrams: 1 } as const;

/** A build's tables (in its own schema, `s`), made by ingest before it fills them. */
export function buildTables(s: string, dims: number): string[] {
  return [
    `CREATE SCHEMA ${s}`,
    `-- key -> JSON: manifest, dictionary, built-in embedder, keyword parameters
    CREATE TABLE ${s}.meta (key text PRIMARY KEY, value text NOT NULL)`,
    `-- each document: its exact 文号 and title, its filter values, and (data, JSON) its text and clause tree as the reader shows them
    CREATE TABLE ${s}.documents (
      ord int PRIMARY KEY,
      id text NOT NULL UNIQUE,
      title text, doc_number text,
      type text, issuer text, region text, year text, status text,
      data text NOT NULL
    )`,
    `-- passage i is id i in every ranking; the document's filter values beside it, for filtered vector search
    CREATE TABLE ${s}.passages (
      id int PRIMARY KEY,
      doc_id text NOT NULL,
      clause_id text NOT NULL,
      passage_id text NOT NULL,
      start_offset int NOT NULL,
      end_offset int NOT NULL,
      type text, issuer text, region text, year text, status text,
      -- the corpus priors (citation of its document and of its article), multiplied into its keyword score
      boost real NOT NULL,
      -- its section: the passages of one document under one heading path
      section int NOT NULL,
      embedding halfvec(${dims}) NOT NULL
    )`,
    `-- BM25 postings, one row per term: passage ids ascending, and what each adds before weight x idf
    CREATE TABLE ${s}.keyword_terms (field smallint NOT NULL, term text NOT NULL, df int NOT NULL, passages int[] NOT NULL, parts real[] NOT NULL, PRIMARY KEY (field, term))`,
    `CREATE TABLE ${s}.section_terms (field smallint NOT NULL, term text NOT NULL, df int NOT NULL, sections int[] NOT NULL, parts real[] NOT NULL, PRIMARY KEY (field, term))`,
    `CREATE TABLE ${s}.keyword_labels (label text PRIMARY KEY, passages int[] NOT NULL)`,
    `CREATE TABLE ${s}.keyword_doc_numbers (key text NOT NULL, prefix text NOT NULL, passage int NOT NULL)`,
  ];
}

/** Indexes made after the rows are in (faster than keeping them up row by row). */
export function buildIndexes(s: string, params: { m: number; efConstruction: number }): string[] {
  return [
    `CREATE INDEX ON ${s}.keyword_doc_numbers (key)`,
    `CREATE INDEX ON ${s}.documents (doc_number)`,
    `CREATE INDEX ON ${s}.documents (title)`,
    ...Object.values(FILTER_COLUMNS).map((c) => `CREATE INDEX ON ${s}.passages (${c})`),
    // what keyword ranking reads of each matched passage, without visiting the wide rows (vectors)
    `CREATE INDEX passages_ranking ON ${s}.passages (id) INCLUDE (boost, section, ${Object.values(FILTER_COLUMNS).join(', ')})`,
    `CREATE INDEX passages_embedding ON ${s}.passages USING hnsw (embedding halfvec_ip_ops) WITH (m = ${params.m}, ef_construction = ${params.efConstruction})`,
  ];
}
