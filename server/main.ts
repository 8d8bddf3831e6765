// npm start: build the index if it is missing or older than the corpus, build the web app if it
// is missing, then serve both on PORT (default 3000) until interrupted.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { indexIsStale } from '../ingest/build-index.ts';
import { answerClientErrors, createApp } from './app.ts';
import { ConfigError, readConfig, type Config } from './config.ts';
import { loadIndex } from './load-index.ts';

async function ensureIndex(config: Config): Promise<void> {
  const stale = await indexIsStale(config.corpusDir, config.indexDir);
  if (stale === null) return;
  console.log(`Building the index: ${stale}.`);
  // The same command as `npm run ingest`, with its progress bars and summary.
  const args = ['--import', 'tsx', 'ingest/cli.ts', '--corpus', config.corpusDir, '--index', config.indexDir, '--embedder', config.embedder];
  if (config.modelDir) args.push('--model-dir', config.modelDir);
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (run.status !== 0) {
    if (existsSync(join(config.indexDir, 'manifest.json'))) {
      console.error('Ingest failed; serving the previous index.');
      return;
    }
    throw new Error('Ingest failed and there is no previous index to serve.');
  }
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
  await ensureIndex(config);
  await ensureWeb(config);
  const index = await loadIndex(config.indexDir, { modelDir: config.modelDir });
  if (index.embedderProblem) console.warn(`Semantic search is off: ${index.embedderProblem}`);
  const app = createApp(index, {
    webDist: config.webDist,
    corsOrigin: config.corsOrigin,
    embedTimeoutMs: config.embedTimeoutMs,
    allowedHosts: config.allowedHosts,
    trustProxy: config.trustProxy,
  });
  const server = app.listen(config.port, config.host, () => {
    const { counts, embedder } = index.manifest;
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
  const close = () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', close);
  process.on('SIGTERM', close);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
  process.exit(1);
});
