// The same searches against each engine behind the seam: the embedded one (index files), and
// PostgreSQL, both in process (PGlite) and over the wire (pglite-server reached with the `pg` Pool,
// as a real server would be). What a user sees must not depend on the engine: results, filters,
// facets, 文号 and title hits, degraded mode, errors and the seeds' quality. Then what only a
// database can do: new builds swapped in, the database going away, a search held past its limit.
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build-index.ts';
import { publishToPostgres, writePostgresBuild } from '../ingest/write-postgres.ts';
import { createApp } from '../server/app.ts';
import { connectPostgres, openPGlite, type SqlClient } from '../server/backends/postgres-client.ts';
import { currentBuild, loadPostgresIndex, postgresOrigin } from '../server/backends/postgres.ts';
import { migrate, SCHEMA_VERSION, SchemaError, schemaVersion } from '../server/backends/postgres-schema.ts';
import { LiveIndex } from '../server/live-index.ts';
import { IndexLoadError, loadIndex, type EmbeddedIndex, type LoadedIndex } from '../server/load-index.ts';
import { search, type SearchMode } from '../server/search.ts';
import { evaluateSystem, readQueries } from '../scripts/lib/evaluate.ts';
import { startPgliteServer, type PgliteServer } from './helpers/pglite-server.ts';

let scratch: string;
let indexDir: string;
let embedded: EmbeddedIndex;
let inProcess: SqlClient;
let server: PgliteServer;
let wire: SqlClient;
const engines = new Map<string, LoadedIndex>();

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'backends-'));
  indexDir = path.join(scratch, 'index');
  await buildIndex({ corpusDir: path.resolve('corpus'), indexDir, embedder: 'builtin', warn: () => {} });
  embedded = await loadIndex(indexDir);
  engines.set('embedded', embedded);

  inProcess = await openPGlite();
  await writePostgresBuild(embedded, inProcess);
  engines.set('postgres in process', await loadPostgresIndex(inProcess));

  server = await startPgliteServer(path.join(scratch, 'pgdata'));
  wire = connectPostgres(server.url);
  await publishToPostgres(indexDir, wire);
  engines.set('postgres over the wire', await loadPostgresIndex(wire, { statementTimeoutMs: 2500 }));
}, 240_000);

afterAll(async () => {
  await inProcess?.close();
  await wire?.close();
  await server?.stop();
  await rm(scratch, { recursive: true, force: true });
});

const ENGINES = ['embedded', 'postgres in process', 'postgres over the wire'];
const ids = (r: { results: { clauseId: string }[] }) => r.results.map((x) => x.clauseId);

describe.each(ENGINES)('search on %s', (name) => {
  const engine = () => engines.get(name)!;

  it('answers a question in everyday words with the clause that answers it', async () => {
    const res = await search(engine(), { q: '我们买了新设备，贷款利息能补吗？' });
    expect(res.results).toHaveLength(10);
    expect(res.results.slice(0, 2).map((r) => r.text).join('\n')).toMatch(/贴息/);
    expect(res.results[0]!.answer).toMatch(/贴息/);
    expect(res.results[0]!.highlights.length).toBeGreaterThan(0);
  });

  it('ranks as the embedded engine does, in every mode', async () => {
    for (const mode of ['keyword', 'vector', 'hybrid'] as SearchMode[]) {
      for (const q of ['设备更新 贴息', '高校毕业生 就业 补贴', '永州 先进制造业', '数字化转型', 'qwxz']) {
        const mine = await search(engine(), { q, mode });
        const reference = await search(embedded, { q, mode });
        expect(ids(mine).slice(0, 5), `${mode} ${q}`).toEqual(ids(reference).slice(0, 5));
        expect(mine.total).toBe(reference.total);
      }
    }
  });

  it("keeps the seeds' quality: MRR@10 within 0.01 of the embedded engine's", async () => {
    const queries = await readQueries(path.resolve('../shared/eval/queries.dev.json'), 'gold-strings');
    const mrr = async (index: LoadedIndex) =>
      (
        await evaluateSystem('hybrid', queries, async (q) => (await search(index, { q, k: 10 })).results.map((r) => ({ text: r.text, answer: r.answer, docTitle: r.docTitle ?? r.docId, label: r.label, path: r.path })), {
          hasAnswers: true,
        })
      ).metrics.mrr10;
    const mine = await mrr(engine());
    expect(mine).toBeGreaterThan(0.85);
    expect(Math.abs(mine - (await mrr(embedded)))).toBeLessThanOrEqual(0.01);
  }, 120_000);

  it('finds by meaning a passage unlike any other (a 任免 notice among industrial policy)', async () => {
    const res = await search(engine(), { q: '李序军任什么职务？', mode: 'vector' });
    expect(res.results[0]!.text).toMatch(/李序军/);
  });

  it('finds a document by its 文号 and by its title', async () => {
    const byNumber = await search(engine(), { q: '湘政发〔2026〕6号' });
    expect(byNumber.results[0]!.docNumber).toBe('湘政发〔2026〕6号');
    const titled = embedded.documents.find((d) => d.title !== null && d.title.length >= 10 && d.type !== '解读')!;
    const byTitle = await search(engine(), { q: titled.title! });
    expect(byTitle.results[0]!.docId).toBe(titled.id);
  });

  it('filters by document fields and counts facets over the unfiltered matches', async () => {
    const doc = embedded.documents.find((d) => d.type !== null && d.issuer !== null && d.clauses.length > 20)!;
    for (const filters of [{ type: doc.type! }, { issuer: doc.issuer! }, { doc: doc.id }, { status: doc.status }]) {
      const res = await search(engine(), { q: '支持 企业', filters });
      const reference = await search(embedded, { q: '支持 企业', filters });
      expect(res.results.length).toBeGreaterThan(0);
      expect(ids(res)).toEqual(ids(reference));
      expect(res.facets).toEqual(reference.facets);
      for (const r of res.results) {
        if (filters.doc) expect(r.docId).toBe(doc.id);
        if (filters.type) expect(r.type).toBe(doc.type);
      }
    }
  });

  it('never gives fewer semantic results than asked when enough clauses pass a filter', async () => {
    const big = embedded.documents.find((d) => d.clauses.length >= 30)!;
    const res = await search(engine(), { q: '资金 支持', mode: 'vector', k: 20, filters: { doc: big.id } });
    expect(res.results).toHaveLength(20);
    expect(res.results.every((r) => r.docId === big.id)).toBe(true);
  });

  it('answers from keywords, and says so, when the model cannot run', async () => {
    const res = await search({ ...engine(), embedderProblem: 'the embedding model could not be loaded on the server' }, { q: '设备更新 贴息' });
    expect(res.degraded).toMatch(/semantic search is unavailable/);
    expect(res.results[0]!.text).toMatch(/设备|贴息/);
  });

  it('answers bad requests with a 4xx and a code, and serves documents and clauses', async () => {
    const app = createApp(engine(), { webDist: null });
    expect((await request(app).get('/api/search').query({ q: '贴息', type: '没有这种类型' })).body.error.code).toBe('INVALID_FILTER');
    expect((await request(app).get('/api/search').query({ q: '贴息', k: '0' })).status).toBe(400);
    expect((await request(app).get('/api/search')).body.error.code).toBe('QUERY_MISSING');
    const hit = (await request(app).get('/api/search').query({ q: '设备更新 贴息' })).body.results[0];
    const clause = await request(app).get(`/api/clauses/${hit.clauseId}`);
    expect(clause.status).toBe(200);
    expect((await request(app).get(`/api/docs/${hit.docId}`)).status).toBe(200);
    expect((await request(app).get('/api/docs/none-such')).body.error.code).toBe('DOCUMENT_NOT_FOUND');
  });
});

describe('PostgreSQL over the wire', () => {
  it('serves a new build once the pointer moves to it, keeps the one before, drops older ones', async () => {
    const first = await currentBuild(wire);
    const live = new LiveIndex(engines.get('postgres over the wire')!, { origin: postgresOrigin(wire), log: () => {} });
    const before = live.current().documents.length;

    const smallCorpus = path.join(scratch, 'small-corpus');
    await mkdir(smallCorpus, { recursive: true });
    const files = (await import('node:fs')).readdirSync('corpus').filter((f) => !f.startsWith('.') && f !== 'README.md');
    await cp(path.join('corpus', files[0]!), path.join(smallCorpus, files[0]!));
    const smallIndex = path.join(scratch, 'small-index');
    await buildIndex({ corpusDir: smallCorpus, indexDir: smallIndex, embedder: 'builtin', warn: () => {} });
    const second = await publishToPostgres(smallIndex, wire);
    expect(second.written).toBe(true);
    expect(await live.reload()).toBe(true);
    expect(live.current().documents.length).toBeLessThan(before);
    expect((await search(live.current(), { q: '支持' })).results.every((r) => live.current().documentsById.has(r.docId))).toBe(true);
    // the build before is kept for requests still on it
    const schemas = (await wire.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pcs_b_%'`)).rows.map((r) => r.nspname);
    expect(schemas).toContain(first!.schema);

    // publishing the same build again writes nothing; a third build drops the first
    expect((await publishToPostgres(smallIndex, wire)).written).toBe(false);
    await cp(path.join('corpus', files[1]!), path.join(smallCorpus, files[1]!));
    await buildIndex({ corpusDir: smallCorpus, indexDir: smallIndex, embedder: 'builtin', warn: () => {} });
    const third = await publishToPostgres(smallIndex, wire);
    expect(third).toMatchObject({ written: true, dropped: [first!.schema] });
    expect(await live.reload()).toBe(true);
    expect(live.current().manifest.buildId).toBe(third.buildId);
    // back to the full seed corpus for the tests after this one
    await publishToPostgres(indexDir, wire);
  }, 120_000);

  it('npm run ingest with DATABASE_URL writes the build and serves it', async () => {
    const { execFile } = await import('node:child_process');
    const run = (await import('node:util')).promisify(execFile);
    const before = await currentBuild(wire);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'ingest/cli.ts', '--corpus', 'corpus', '--index', path.join(scratch, 'cli-index'), '--quiet'], {
      env: { ...process.env, DATABASE_URL: server.url },
    });
    expect(stdout).toMatch(/PostgreSQL: build .* (written to pcs_b_\w+ .* now served|is already the one served)/);
    const after = await currentBuild(wire);
    expect(after).not.toBeNull();
    expect(after!.buildId === before!.buildId || stdout.includes(after!.buildId)).toBe(true);
    const served = await loadPostgresIndex(wire);
    expect((await search(served, { q: '设备更新 贴息' })).results[0]!.text).toMatch(/设备|贴息/);
  }, 120_000);

  it('creates and migrates its own schema, and refuses one from a newer version', async () => {
    const db = await openPGlite();
    try {
      expect(await schemaVersion(db)).toBe(0);
      await expect(loadPostgresIndex(db)).rejects.toMatchObject({ code: 'INDEX_MISSING' });
      await db.transaction((tx) => migrate(tx));
      expect(await schemaVersion(db)).toBe(SCHEMA_VERSION);
      await db.query('UPDATE pcs.schema_version SET version = 99');
      await expect(db.transaction((tx) => migrate(tx))).rejects.toBeInstanceOf(SchemaError);
      await expect(loadPostgresIndex(db)).rejects.toBeInstanceOf(IndexLoadError);
    } finally {
      await db.close();
    }
  });

  it('answers 504 DATABASE_TIMEOUT when the database holds a search past its limit', async () => {
    const app = createApp(await loadPostgresIndex(wire, { statementTimeoutMs: 500 }), { webDist: null });
    // another connection holds a transaction open: pglite-server runs one transaction at a time
    // (a busy real server, or a lock, holds a search the same way), so the search waits
    const blocker = new pg.Client({ connectionString: server.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1');
      const res = await request(app).get('/api/search').query({ q: '设备更新 贴息', mode: 'keyword' });
      expect(res.status).toBe(504);
      expect(res.body.error.code).toBe('DATABASE_TIMEOUT');
    } finally {
      await blocker.query('ROLLBACK').catch(() => {});
      await blocker.end();
    }
  }, 60_000);

  it('answers 503 DATABASE_UNAVAILABLE while the database is gone, and recovers when it is back', async () => {
    const app = createApp(engines.get('postgres over the wire')!, { webDist: null, logError: () => {} });
    expect((await request(app).get('/api/search').query({ q: '设备更新 贴息' })).status).toBe(200);
    await server.stop();
    const down = await request(app).get('/api/search').query({ q: '设备更新 贴息' });
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('DATABASE_UNAVAILABLE');
    // the catalogue is in memory: documents are still served
    expect((await request(app).get(`/api/docs/${embedded.documents[0]!.id}`)).status).toBe(200);
    await server.start();
    let status = 0;
    for (let attempt = 0; attempt < 10 && status !== 200; attempt++) {
      status = (await request(app).get('/api/search').query({ q: '设备更新 贴息' })).status;
    }
    expect(status).toBe(200);
  }, 120_000);
});
