// A running server picks up a new build without a restart and without a failed request; it
// refuses a tampered build and keeps serving; staleness is judged by content, not modification
// times; `npm start` serves the index it has at once, also with a missing corpus folder.
import { execFileSync, spawn } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, indexIsStale } from '../ingest/build-index.ts';
import type { PackedPassages } from '../ingest/catalog-file.ts';
import { INDEX_FILES, readIndexJsonSync, writeJsonArray } from '../ingest/write-index.ts';
import { createApp } from '../server/app.ts';
import { LiveIndex } from '../server/live-index.ts';
import { IndexLoadError, loadIndex } from '../server/load-index.ts';
import { writeZipBombDocx } from './helpers/hostile-files.ts';
import { ensureTestModel } from './helpers/test-model.ts';
import { freePort } from '../scripts/lib/free-port.ts';
import { npmStartArgs } from '../scripts/lib/npm-start.ts';

let tmp: string;
let corpusDir: string;
let indexDir: string;
const SEEDS = ['yongzhou-gazette-2025-manufacturing-measures.txt', 'huzhou-manufacturing-opinions-interview.txt'];
const build = () => buildIndex({ corpusDir, indexDir, embedder: 'builtin', warn: () => {} });

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'live-'));
  corpusDir = join(tmp, 'corpus');
  indexDir = join(tmp, 'index');
  await mkdir(corpusDir);
  for (const f of SEEDS) await copyFile(join('corpus', f), join(corpusDir, f));
  await build();
  // a stand-in for web/dist, so that npm start does not build the web app
  await mkdir(join(tmp, 'web'));
  await writeFile(join(tmp, 'web', 'index.html'), '<!doctype html><title>test</title>');
}, 120_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('live reload', () => {
  it('swaps in a new build under load with no failed request', async () => {
    const live = new LiveIndex(await loadIndex(indexDir), { log: () => {} });
    const server: Server = createApp(live, { webDist: null }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const before = live.current().manifest.counts.documents;
    let total = 0;
    let failed = 0;
    let running = true;
    const client = async () => {
      for (let n = 0; running; n++) {
        const url = n % 2 ? `${base}/api/health` : `${base}/api/search?q=${encodeURIComponent('设备更新 贴息')}&mode=keyword`;
        try {
          const res = await fetch(url);
          await res.arrayBuffer();
          if (res.status !== 200) failed++;
        } catch {
          failed++;
        }
        total++;
      }
    };
    const clients = Array.from({ length: 8 }, client);
    try {
      await new Promise((r) => setTimeout(r, 300));
      await copyFile('corpus/hunan-guangdong-industry-reviews-2025.txt', join(corpusDir, 'reviews.txt'));
      await build();
      expect(await live.reload()).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      running = false;
      await Promise.all(clients);
      server.close();
    }
    expect(live.current().manifest.counts.documents).toBeGreaterThan(before);
    console.log(`[live-reload] ${total} requests during the swap, ${failed} failed`);
    expect(total).toBeGreaterThan(50);
    expect(failed).toBe(0);
  }, 120_000);

  it('refuses a tampered index, and a live server keeps the build it has', async () => {
    const copy = join(tmp, 'tampered');
    await cp(indexDir, copy, { recursive: true });
    const live = new LiveIndex(await loadIndex(copy), { log: () => {} });
    const passagesFile = join(copy, INDEX_FILES.passages);
    const lines = readIndexJsonSync<PackedPassages[]>(passagesFile);
    lines[0]!.doc[0] = lines[0]!.doc.length + 1000;
    await writeJsonArray(passagesFile, lines, (line) => line);
    const error = await loadIndex(copy).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexLoadError);
    expect((error as IndexLoadError).code).toBe('INDEX_CORRUPT');
    expect((error as Error).message).toMatch(/passage 0 points at a document or clause that is not there/);
    // a "new build" that is tampered: not swapped in
    const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8'));
    await writeFile(join(copy, 'manifest.json'), JSON.stringify({ ...manifest, buildId: 'tampered' }));
    const served = live.current();
    expect(await live.reload()).toBe(false);
    expect(live.current()).toBe(served);
  });

  it('sees a changed file whose modification time was kept (cp -p, rsync -a)', async () => {
    await build();
    expect(await indexIsStale(corpusDir, indexDir)).toBeNull();
    const file = join(corpusDir, SEEDS[1]!);
    const { atime, mtime } = await stat(file);
    await writeFile(file, (await readFile(file, 'utf8')).replace('湖州', '杭州'));
    await utimes(file, atime, mtime);
    expect(await indexIsStale(corpusDir, indexDir)).toMatch(/changed after the index was built/);
  }, 120_000);
});

/** Waits for the server to print what matches (it checks the corpus once it listens). */
async function printed(output: () => string, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 300 && !pattern.test(output()); i++) await new Promise((r) => setTimeout(r, 100));
  return output();
}

let built = false;

/**
 * `npm start` as a child process: the server built as `npm start` builds it (build:server, the
 * prestart script), run as it runs it. Resolves when /api/health answers, with the seconds it took.
 */
async function start(env: Record<string, string>): Promise<{ seconds: number; output: () => string; stop: () => Promise<void>; base: string }> {
  if (!built) {
    execFileSync('npm', ['run', 'build:server', '--silent'], { stdio: 'inherit' });
    built = true;
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, npmStartArgs(), {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', WEB_DIST: join(tmp, 'web'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start ended: ${out}`);
    const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
    if (ok) return { seconds: (performance.now() - started) / 1000, output: () => out, stop, base };
    if (performance.now() - started > 60_000) {
      await stop();
      throw new Error(`npm start did not answer in 60 s: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start', () => {
  it('serves the index it has at once with a zip bomb added, and swaps in the rebuild when it is done', async () => {
    await build();
    await writeZipBombDocx(join(corpusDir, 'bomb.docx'), 300);
    const before = JSON.parse(await readFile(join(indexDir, 'manifest.json'), 'utf8')).builtAt;
    const server = await start({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, EMBEDDER: 'builtin' });
    try {
      console.log(`[npm start] answered in ${server.seconds.toFixed(1)} s with a stale index and a zip bomb in the corpus`);
      expect(await printed(server.output, /out of date/)).toMatch(/out of date \(bomb\.docx is new in the corpus\); serving it while a new one is built/);
      let builtAt = before;
      for (let i = 0; i < 600 && builtAt === before; i++) {
        await new Promise((r) => setTimeout(r, 200));
        builtAt = (await (await fetch(`${server.base}/api/health`)).json()).builtAt;
      }
      expect(builtAt).not.toBe(before);
      expect(server.output()).toMatch(/bomb\.docx was skipped.*MAX_UNZIPPED_MB/);
    } finally {
      await server.stop();
      await rm(join(corpusDir, 'bomb.docx'));
    }
  }, 150_000);

  it('embeds queries with bge-small-zh in the worker built beside the server', async () => {
    const modelDir = await ensureTestModel({ tiny: true });
    const bgeIndex = join(tmp, 'bge-index');
    await buildIndex({ corpusDir, indexDir: bgeIndex, embedder: 'bge-small-zh', modelDir, warn: () => {} });
    const server = await start({ CORPUS_DIR: corpusDir, INDEX_DIR: bgeIndex, MODEL_DIR: modelDir, EMBED_TIMEOUT_MS: '30000' });
    try {
      const health = await (await fetch(`${server.base}/api/health`)).json();
      expect(health).toMatchObject({ status: 'ok', embedder: { id: 'Xenova/bge-small-zh-v1.5', kind: 'transformers' } });
      const body = await (await fetch(`${server.base}/api/search?q=${encodeURIComponent('设备更新 贴息')}&mode=vector`)).json();
      expect(body.degraded).toBeUndefined();
      expect(body.results.length).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('npm run search on a bge-small-zh index prints its results and ends (the query worker does not hold the process)', async () => {
    const modelDir = await ensureTestModel({ tiny: true });
    const bgeIndex = join(tmp, 'bge-index');
    if (await indexIsStale(corpusDir, bgeIndex)) await buildIndex({ corpusDir, indexDir: bgeIndex, embedder: 'bge-small-zh', modelDir, warn: () => {} });
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli-search.ts', '--index', bgeIndex, '--k', '3', '设备更新', '贴息'], {
      env: { ...process.env, MODEL_DIR: modelDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // it ends by itself; a process held open by its worker is killed after a minute and fails here
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(killer);
    expect(output).toMatch(/3 of \d+ clauses, hybrid, .* embedder Xenova\/bge-small-zh-v1\.5/);
    expect(output).not.toMatch(/degraded/);
    expect(code).toBe(0);
  }, 120_000);

  it('serves a valid index with a warning when the corpus folder is missing', async () => {
    const server = await start({ CORPUS_DIR: join(tmp, 'no-such-corpus'), INDEX_DIR: indexDir });
    try {
      expect(await printed(server.output, /Warning/)).toMatch(/Warning: There is no corpus folder .*no-such-corpus.*Serving the index/);
    } finally {
      await server.stop();
    }
  }, 90_000);
});
