// npm run bench:threads -- --index DIR [--queries laws|dev] [--count N] [--passes N] [--seeds DIR]
//
// The keyword leg on one thread and on two (server/keyword-threads.ts), side by side: one process
// loads the index both ways and runs the questions through each in turn, pass after pass, so
// that the machine's other load falls on both alike. Prints p50 / p95 per mode and setting, and
// whether both gave the same results (a checksum of every result's clause and score). With
// --seeds (the seeds' index, e.g. index/), the dev queries over it run in the same passes, and
// the p50 of each setting is given as a multiple of the seeds': how search time grows with the
// corpus, measured under one load.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadIndex, type LoadedIndex } from '../server/load-index.ts';
import { search } from '../server/search.ts';
import { benchQuestions } from './lib/bench-questions.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    index: { type: 'string', default: path.join(root, 'index') },
    queries: { type: 'string', default: 'laws' },
    count: { type: 'string', default: '300' },
    passes: { type: 'string', default: '4' },
    seeds: { type: 'string' },
  },
});
const questions = benchQuestions(root, args.queries!, Number(args.count));

const seeds =
  args.seeds === undefined
    ? null
    : { index: await loadIndex(args.seeds), questions: benchQuestions(root, 'dev', Infinity), times: [] as number[] };
const loaded: [string, LoadedIndex][] = [
  ['one thread', await loadIndex(args.index!, { keywordThreads: 1 })],
  ['two threads', await loadIndex(args.index!, { keywordThreads: 2 })],
];
console.log(`${loaded[0]![1].passages.length} passages, ${questions.length} ${args.queries} questions, ${args.passes} passes`);
const modes = ['hybrid', 'keyword'] as const;
const times = new Map<string, number[]>();
const sums = new Map<string, string>();
// a first pass unmeasured: it builds what search makes once per index, and lets the worker start
for (const [name, index] of loaded) {
  for (const mode of modes) {
    const hash = createHash('md5');
    for (const q of questions) hash.update((await search(index, { q, mode })).results.map((r) => `${r.clauseId}:${r.score}`).join(','));
    sums.set(`${mode}, ${name}`, hash.digest('hex').slice(0, 12));
  }
}
if (seeds !== null) for (const q of seeds.questions) await search(seeds.index, { q, mode: 'hybrid' });
for (let pass = 0; pass < Number(args.passes); pass++) {
  if (seeds !== null) {
    // the dev queries are few: as many searches as one mode's pass here
    for (let i = 0; i < questions.length; i++) {
      const started = performance.now();
      await search(seeds.index, { q: seeds.questions[i % seeds.questions.length]!, mode: 'hybrid' });
      seeds.times.push(performance.now() - started);
    }
  }
  for (const [name, index] of loaded) {
    for (const mode of modes) {
      const key = `${mode}, ${name}`;
      const list = times.get(key) ?? [];
      for (const q of questions) {
        const started = performance.now();
        await search(index, { q, mode });
        list.push(performance.now() - started);
      }
      times.set(key, list);
    }
  }
}
const at = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!.toFixed(2);
for (const [key, list] of times) {
  list.sort((a, b) => a - b);
  console.log(`${key.padEnd(22)} p50 ${at(list, 0.5)} ms  p95 ${at(list, 0.95)} ms  results ${sums.get(key)}`);
}
if (seeds !== null) {
  const p50 = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  const base = p50(seeds.times);
  console.log(`seeds (${seeds.index.passages.length} passages), hybrid, dev queries: p50 ${base.toFixed(2)} ms`);
  for (const name of ['one thread', 'two threads']) console.log(`hybrid p50, ${name}: ${(p50(times.get(`hybrid, ${name}`)!) / base).toFixed(1)} times the seeds'`);
}
for (const mode of modes) {
  const same = sums.get(`${mode}, one thread`) === sums.get(`${mode}, two threads`);
  console.log(`${mode}: ${same ? 'the same results on both' : 'RESULTS DIFFER'}`);
}
await Promise.all([...loaded.map(([, index]) => index.backend.close()), seeds?.index.backend.close()]);
