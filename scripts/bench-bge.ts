// npm run bench:bge [-- --passages N --files N --model DIR]
//
// bge-small-zh ingest throughput on this machine, with the random-weight twin (same architecture
// and cost as the real model; `npm run make-test-model`): passages of the laws corpus embedded
// one by one (the naive loop) against embedPassages' batches of similar length, per batch size,
// then the best batch size on 1, 2 and all cores' threads (EMBED_THREADS), as passages/s and
// their ratio, and the laws corpus's embedding time estimated from it.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { passageIndexText } from '../ingest/build-index.ts';
import { createBgeEmbedder } from '../ingest/embedders/bge-embedder.ts';
import { loadCorpus } from '../ingest/load-corpus.ts';
import { DEFAULT_OUT as TWIN_DIR } from './make-test-model.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    passages: { type: 'string', default: '256' },
    files: { type: 'string', default: '60' },
    corpus: { type: 'string', default: path.join(root, '../shared/laws/corpus') },
    model: { type: 'string', default: TWIN_DIR },
  },
});
const LAWS_PASSAGES = 63_824;

// a slice of the corpus, read in process: every 20th file up to --files
const names = (await readdir(args.corpus!)).filter((n) => n !== 'README.md').sort();
const picked = names.filter((_, i) => i % 20 === 0).slice(0, Number(args.files));
const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-bge-'));
let texts: string[];
try {
  for (const n of picked) await symlink(path.join(args.corpus!, n), path.join(dir, n));
  const corpus = await loadCorpus(dir, { inProcess: true, ocr: false });
  const docs = new Map(corpus.documents.map((d) => [d.id, d]));
  const clauses = new Map(corpus.documents.flatMap((d) => d.clauses.map((c) => [c.id, c] as const)));
  const all = corpus.passages.map((p) => passageIndexText(docs.get(p.docId)!, clauses.get(p.clauseId), p));
  const n = Math.min(Number(args.passages), all.length);
  texts = Array.from({ length: n }, (_, i) => all[Math.floor((i * all.length) / n)]!);
} finally {
  await rm(dir, { recursive: true, force: true });
}
const chars = texts.reduce((s, t) => s + t.length, 0) / texts.length;
console.log(`${texts.length} passages of ${picked.length} laws files, ${chars.toFixed(0)} characters on average; model ${path.relative(root, args.model!)}`);

const time = async (label: string, run: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await run();
  const rate = texts.length / ((performance.now() - started) / 1000);
  console.log(`${label.padEnd(36)} ${rate.toFixed(1).padStart(7)} passages/s`);
  return rate;
};

const warm = createBgeEmbedder({ modelDir: args.model!, batchSize: 1 });
await warm.embedPassages(texts.slice(0, 4)); // load the model and warm up before timing
const naive = await time('naive loop (one passage per call)', async () => {
  for (const t of texts) await warm.embedPassages([t]);
});
let best = { size: 0, rate: 0 };
for (const size of [8, 16, 32]) {
  const embedder = createBgeEmbedder({ modelDir: args.model!, batchSize: size });
  await embedder.embedPassages(texts.slice(0, size));
  const rate = await time(`batches of ${size}, by length`, () => embedder.embedPassages(texts));
  if (rate > best.rate) best = { size, rate };
}
// ONNX Runtime's threads per model call, at the best batch size (default: ONNX Runtime's own choice)
const cores = os.availableParallelism();
for (const threads of [...new Set([1, 2, cores])]) {
  const embedder = createBgeEmbedder({ modelDir: args.model!, batchSize: best.size, threads });
  await embedder.embedPassages(texts.slice(0, best.size));
  await time(`batches of ${best.size}, ${threads} thread${threads > 1 ? 's' : ''}`, () => embedder.embedPassages(texts));
}
console.log(
  `best: batches of ${best.size}, ${(best.rate / naive).toFixed(2)}x the naive loop; the laws corpus's ${LAWS_PASSAGES.toLocaleString('en')} passages would embed in about ${(LAWS_PASSAGES / best.rate / 60).toFixed(0)} minutes (naive loop: ${(LAWS_PASSAGES / naive / 60).toFixed(0)})`,
);
