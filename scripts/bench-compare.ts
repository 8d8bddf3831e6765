// npm run bench:compare -- --base REV [--index DIR] [--queries laws|dev] [--count N] [--passes N] [--mode hybrid,keyword]
//
// Search time of this checkout against an earlier commit's, side by side in one process: the
// commit is checked out in a temporary worktree, both load the same index and answer the same
// questions, query by query in turn (the order swapped each pass), so that the machine's other
// load, which on a shared machine moves single runs by a third, falls on both alike. Prints p50 /
// p95 per mode and side and this checkout's p50 as a multiple of the base's: how much a change,
// or a run of them, costs a search (the quality issue allows 20% over the scale issue's code).
//
// The worktree uses this checkout's node_modules, but for its own copy of jieba-wasm: jieba keeps
// one dictionary per WebAssembly instance, and two products sharing one would each see the other's
// added words. The index must be one the base's code can read (index format of its day); the
// default is the laws index `npm run eval` builds.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { LoadedIndex } from '../server/load-index.ts';
import type { SearchRequest, SearchResponse } from '../server/search.ts';
import { benchQuestions } from './lib/bench-questions.ts';
import { percentile } from './lib/stats.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    index: { type: 'string', default: path.join(os.tmpdir(), 'policy-search-eval', 'laws-index') },
    queries: { type: 'string', default: 'laws' },
    count: { type: 'string', default: '200' },
    passes: { type: 'string', default: '3' },
    mode: { type: 'string', default: 'hybrid' },
  },
});
if (args.base === undefined) throw new Error('--base REV is needed: the commit to compare this checkout with (e.g. a50346b)');
const questions = benchQuestions(root, args.queries!, Number(args.count));
const modes = args.mode!.split(',') as NonNullable<SearchRequest['mode']>[];
const git = (...a: string[]) => execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
const base = git('rev-parse', '--short', `${args.base}^{commit}`);

interface Side {
  name: string;
  search: (index: LoadedIndex, request: SearchRequest) => Promise<SearchResponse>;
  index: LoadedIndex;
  times: Map<string, number[]>;
}

/** The product's search as the code at `dir` has it, over the index. */
async function side(name: string, dir: string): Promise<Side> {
  const at = (file: string) => pathToFileURL(path.join(dir, file)).href;
  const { loadIndex } = (await import(at('server/load-index.ts'))) as typeof import('../server/load-index.ts');
  const { search, warmUp } = (await import(at('server/search.ts'))) as typeof import('../server/search.ts');
  const index = await loadIndex(args.index!);
  await warmUp(index);
  return { name, search, index, times: new Map(modes.map((m) => [m, []])) };
}

const worktree = mkdtempSync(path.join(os.tmpdir(), 'policy-search-base-'));
try {
  git('worktree', 'add', '--detach', worktree, base);
  const modules = path.join(worktree, 'node_modules');
  mkdirSync(modules);
  for (const entry of readdirSync(path.join(root, 'node_modules'))) {
    if (entry === '.cache') continue;
    if (entry === 'jieba-wasm') cpSync(path.join(root, 'node_modules', entry), path.join(modules, entry), { recursive: true });
    else symlinkSync(path.join(root, 'node_modules', entry), path.join(modules, entry));
  }
  const sides = [await side(`base ${base}`, worktree), await side('this checkout', root)];
  console.log(`${sides[1]!.index.passages.length} passages, ${questions.length} ${args.queries} questions, ${args.passes} passes after one unmeasured`);
  for (let pass = 0; pass <= Number(args.passes); pass++) {
    for (const mode of modes) {
      for (const q of questions) {
        for (let k = 0; k < sides.length; k++) {
          const s = sides[(k + pass) % sides.length]!;
          const started = performance.now();
          await s.search(s.index, { q, mode });
          if (pass > 0) s.times.get(mode)!.push(performance.now() - started);
        }
      }
    }
    if (pass > 0) process.stdout.write(`\rpass ${pass} of ${args.passes}`);
  }
  process.stdout.write('\n');
  for (const mode of modes) {
    const [was, now] = sides.map((s) => s.times.get(mode)!) as [number[], number[]];
    for (const s of sides) console.log(`${mode.padEnd(8)} ${s.name.padEnd(16)} p50 ${percentile(s.times.get(mode)!, 50).toFixed(2)} ms  p95 ${percentile(s.times.get(mode)!, 95).toFixed(2)} ms`);
    console.log(`${mode.padEnd(8)} this checkout's p50 is ${(percentile(now, 50) / percentile(was, 50)).toFixed(3)} times the base's (p95 ${(percentile(now, 95) / percentile(was, 95)).toFixed(3)})`);
  }
} finally {
  try {
    git('worktree', 'remove', '--force', worktree);
  } catch {
    rmSync(worktree, { recursive: true, force: true });
    git('worktree', 'prune');
  }
}
// the products' worker threads (a keyword helper, the embedder's) would hold the process open
process.exit();
