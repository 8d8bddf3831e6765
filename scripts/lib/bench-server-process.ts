// The server as `npm start` runs it (the bundle in build/, a process of its own, checking the
// corpus once it listens): how long until /api/health answers, and its memory then, once it has
// been idle a while, and after some searches over HTTP. Memory is the process's resident set
// (/proc/<pid>/status, Linux); null where that cannot be read.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.ts';
import { npmStartArgs } from './npm-start.ts';

export interface ServerProcessResult {
  /** From spawning the process to the first answer of /api/health. */
  readySeconds: number;
  rssAtReadyMB: number | null;
  /** After IDLE_MS with nothing asked (the corpus check done, V8's memory reducer run). */
  rssIdleMB: number | null;
  rssAfterSearchesMB: number | null;
  searches: number;
  /** The first search over HTTP after the idle wait, and the median of the others (ms, round trip). */
  firstSearchMs: number;
  medianSearchMs: number;
}

const IDLE_MS = 45_000;

function rssOf(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/u.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

export async function measureServerProcess(root: string, indexDir: string, corpusDir: string, queries: readonly string[]): Promise<ServerProcessResult> {
  execFileSync('npm', ['run', 'build:server', '--silent'], { cwd: root, stdio: 'inherit' });
  // a stand-in for the web app, so that the server does not build it
  const web = await mkdtemp(path.join(os.tmpdir(), 'policy-bench-web-'));
  await writeFile(path.join(web, 'index.html'), '<!doctype html><title>bench</title>');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, npmStartArgs(root), {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', INDEX_DIR: indexDir, CORPUS_DIR: corpusDir, WEB_DIST: web },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited: ${output}`);
      if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
      if (performance.now() - started > 120_000) throw new Error(`the server did not answer in 120 s: ${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const readySeconds = (performance.now() - started) / 1000;
    const rssAtReadyMB = rssOf(child.pid!);
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const rssIdleMB = rssOf(child.pid!);
    const times: number[] = [];
    for (const q of queries) {
      const t = performance.now();
      const res = await fetch(`${base}/api/search?q=${encodeURIComponent(q)}`);
      if (!res.ok) throw new Error(`search failed with ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      times.push(performance.now() - t);
    }
    const rest = times.slice(1).sort((a, b) => a - b);
    return {
      readySeconds,
      rssAtReadyMB,
      rssIdleMB,
      rssAfterSearchesMB: rssOf(child.pid!),
      searches: queries.length,
      firstSearchMs: times[0] ?? 0,
      medianSearchMs: rest[Math.floor(rest.length / 2)] ?? 0,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    await rm(web, { recursive: true, force: true });
  }
}
