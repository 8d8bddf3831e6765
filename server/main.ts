// npm start: serve the index there is (INDEX_DIR's files, or with DATABASE_URL the database's build) at once; when it is missing, build it first; when the
// corpus has changed since it was built, build a new one in the background and swap it in when it
// is ready (requests in flight finish on the old one). Builds the web app when it is missing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { indexIsStale, manifestStaleness } from '../ingest/index-staleness.ts';
import type { IndexManifest } from '../ingest/write-index.ts';
import { connectPostgres } from './backends/postgres-client.ts';
import { currentBuild, loadPostgresIndex, postgresOrigin } from './backends/postgres.ts';
import { CorpusError } from '../ingest/corpus-files.ts';
import { answerClientErrors, createApp } from './app.ts';
import { ConfigError, readConfig, type Config } from './config.ts';
import { LiveIndex, type IndexOrigin } from './live-index.ts';
import { IndexLoadError, loadIndex, type LoadedIndex } from './load-index.ts';
import { warmUp } from './search.ts';

/** Search's lazily built parts are made this long after the server listens (search.ts, warmUp). */
const WARM_UP_AFTER_MS = 1000;

/** `npm run ingest` for this configuration, as a child process with its progress on our terminal. */
function startIngest(config: Config): ChildProcess {
  const args = ['--import', 'tsx', 'ingest/cli.ts', '--corpus', config.corpusDir, '--index', config.indexDir, '--embedder', config.embedder];
  if (config.modelDir) args.push('--model-dir', config.modelDir);
  return spawn(process.execPath, args, { stdio: 'inherit' });
}

const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });

/** Why the index should be rebuilt, or null; a missing corpus folder is a warning when there is an index to serve. */
async function staleness(stale: () => Promise<string | null>): Promise<{ stale: string | null; corpusProblem: string | null }> {
  try {
    return { stale: await stale(), corpusProblem: null };
  } catch (error) {
    if (error instanceof CorpusError) return { stale: null, corpusProblem: error.message };
    throw error;
  }
}

/** Where the server's index lives: INDEX_DIR's files, or the PostgreSQL of DATABASE_URL. */
interface Engine {
  where: string;
  load(): Promise<LoadedIndex>;
  stale(): Promise<string | null>;
  origin?: IndexOrigin;
  close(): Promise<void>;
}

function openEngine(config: Config): Engine {
  if (config.databaseUrl === undefined) {
    return {
      where: config.indexDir,
      load: () => loadIndex(config.indexDir, { modelDir: config.modelDir }),
      stale: () => indexIsStale(config.corpusDir, config.indexDir),
      close: async () => {},
    };
  }
  const db = connectPostgres(config.databaseUrl);
  const options = { modelDir: config.modelDir, statementTimeoutMs: config.databaseTimeoutMs };
  return {
    where: db.description,
    load: () => loadPostgresIndex(db, options),
    stale: async () => {
      const build = await currentBuild(db);
      if (build === null) return 'there is no build in the database yet';
      const { rows } = await db.query<{ manifest: IndexManifest }>('SELECT manifest FROM pcs.builds WHERE build_id = $1', [build.buildId]);
      return rows[0] ? manifestStaleness(config.corpusDir, rows[0].manifest) : 'the database has no manifest for its build';
    },
    origin: postgresOrigin(db, options),
    close: () => db.close(),
  };
}

async function ensureWeb(config: Config): Promise<void> {
  if (existsSync(join(config.webDist, 'index.html'))) return;
  console.log('Building the web app…');
  try {
    const { build } = await import('vite');
    await build({ configFile: 'web/vite.config.ts', logLevel: 'warn' });
  } catch (error) {
    console.error(`The web app could not be built (${(error as Error).message}); serving the API alone.`);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const engine = openEngine(config);
  // The index there is is served first; whether the corpus has changed since (every file hashed)
  // is asked once the server listens.
  let index: LoadedIndex | null = null;
  try {
    index = await engine.load();
  } catch (error) {
    if (!(error instanceof IndexLoadError)) throw error;
    const { corpusProblem } = await staleness(engine.stale);
    if (corpusProblem) throw new Error(`${error.message} ${corpusProblem}`);
    console.log(`${error.message.replace(/ Build it with.*$| Rebuild it with.*$/, '')} Building it now.`);
  }
  let justBuilt = false;
  if (index === null) {
    // Nothing to serve yet: the build comes first.
    const code = await exited(startIngest(config));
    if (code !== 0) throw new Error('Ingest failed and there is no previous index to serve.');
    index = await engine.load();
    justBuilt = true; // from the corpus as it is
  }
  void ensureWeb(config);
  if (index.embedderProblem) console.warn(`Semantic search is off: ${index.embedderProblemDetail ?? index.embedderProblem}`);

  const live = new LiveIndex(index, { modelDir: config.modelDir, ...(engine.origin ? { origin: engine.origin } : {}) });
  live.watch(1000);
  const app = createApp(live, {
    webDist: config.webDist,
    corsOrigin: config.corsOrigin,
    embedTimeoutMs: config.embedTimeoutMs,
    allowedHosts: config.allowedHosts,
    trustProxy: config.trustProxy,
  });
  const server = app.listen(config.port, config.host, () => {
    // a moment after the first requests can be answered (a health check is not kept waiting)
    setTimeout(() => void warmUp(live.current()), WARM_UP_AFTER_MS).unref();
    const { counts, embedder } = live.current().manifest;
    console.log(
      `政策条款知识库: ${counts.documents} documents, ${counts.clauses} clauses, embedder ${embedder.id}. ` +
        `Open http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/`,
    );
  });
  answerClientErrors(server);
  server.on('error', (error) => {
    console.error(`Cannot listen on ${config.host}:${config.port}: ${error.message}`);
    process.exit(1);
  });

  let builder: ChildProcess | null = null;
  let closing = false;
  const close = () => {
    closing = true;
    builder?.kill('SIGTERM');
    live.stop();
    server.close(() => void engine.close().finally(() => process.exit(0)));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', close);
  process.on('SIGTERM', close);

  // A stale index is served while its successor is built beside it.
  const { stale, corpusProblem } = justBuilt ? { stale: null, corpusProblem: null } : await staleness(engine.stale);
  if (closing) return;
  if (corpusProblem) console.warn(`Warning: ${corpusProblem} Serving the index in ${engine.where} as it is.`);
  const explicitIndexOnly = process.env.INDEX_DIR !== undefined && process.env.CORPUS_DIR === undefined;
  if (stale !== null && explicitIndexOnly) {
    console.warn(`Warning: ${stale}, but CORPUS_DIR is not set: serving INDEX_DIR as it is, not rebuilding it from ${config.corpusDir}. Set CORPUS_DIR to keep it up to date.`);
  } else if (stale !== null) {
    console.log(`The index is out of date (${stale}); serving it while a new one is built in the background.`);
    builder = startIngest(config);
    void exited(builder).then(async (code) => {
      builder = null;
      if (code === 0) await live.reload();
      else console.error('The background build failed; still serving the previous index.');
    });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
  process.exit(1);
});
