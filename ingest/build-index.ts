// corpus/ -> index/: documents and passages, the policy dictionary, the keyword index, the
// passage vectors and their HNSW graph, and a manifest that says how they were made.
//
// Builds are incremental: every passage vector is kept beside the index with the hash of the text
// it was made from, and a rebuild embeds only texts it has not seen with the same model. The
// built-in embedder is learned from the corpus; a rebuild keeps the learned model (folding new
// passages into it) while most passages are unchanged, and learns it again otherwise.
import * as crypto from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createCachingTokenizer, createChineseTokenizer, extractPolicyTerms, loadJieba, type CachingTokenizer } from './chinese-tokenizer.ts';
import type { TokenizeReply, TokenizeRequest } from './tokenize-worker.ts';
import { BuiltinEmbedder, DEFAULT_BUILTIN_OPTIONS, evenSample } from './embedders/builtin-embedder.ts';
import type { EmbedRequest, TrainReply, TrainRequest } from './train-worker.ts';
import { buildCacheDir, readTokenTable, removeSpooled, spoolPath, writeTokenTable } from './build-cache.ts';
import { createBgeEmbedder, ModelLoadError } from './embedders/bge-embedder.ts';
import { DEFAULT_KEYWORD_PARAMS, KeywordIndex, type KeywordIndexFiles, type KeywordIndexHeader } from './keyword-index.ts';
import { loadCorpus, type CorpusFileReport } from './load-corpus.ts';
import { EMBEDDER_CHOICES, type Clause, type Embedder, type EmbedderChoice, type EmbedderKind, type Passage, type PolicyDocument, type Tokenizer } from './types.ts';
import { VectorIndex } from './vector-index.ts';
import { indexIsStale, manifestStaleness } from './index-staleness.ts';
import { INDEX_FILES, INDEX_FORMAT_VERSION, TOKENIZER_ID, readIndexFileSync, readIndexJsonSync, recoverIndex, writeIndex, type IndexContents, type IndexManifest } from './write-index.ts';

export type BuildStage = 'read' | 'train' | 'embed' | 'keyword' | 'hnsw' | 'write';

export interface BuildProgress {
  stage: BuildStage;
  done: number;
  total: number;
  /** The file being read, in the read stage. */
  file?: string;
}

export interface BuildIndexOptions {
  corpusDir: string;
  indexDir: string;
  /** auto (default): the bge-small-zh model, or the built-in embedder when it cannot be loaded. */
  embedder?: EmbedderChoice;
  /** A folder with the model files (see README); default: the MODEL_DIR environment variable. */
  modelDir?: string;
  /** Learn the built-in embedder again even when the previous one could be kept. */
  retrain?: boolean;
  /** The date statuses (现行有效/已失效) are judged on; default: today. */
  today?: string;
  onProgress?: (progress: BuildProgress) => void;
  /** Warnings for a person: model fallback, skipped files. Default: console.warn. */
  warn?: (message: string) => void;
}

export interface BuildReport {
  manifest: IndexManifest;
  documents: PolicyDocument[];
  files: CorpusFileReport[];
  /** File names that would have shared a document id, and the id each got. */
  collisions: string[];
  seconds: number;
  /** Passages embedded in this build. */
  embedded: number;
  /** Passages whose vectors came from the previous index. */
  reused: number;
  /** How the keyword index was made: updated from the previous build's (kept passages not tokenized again) or built from nothing. */
  keyword: 'updated' | 'built';
  /** Why the default model was not used, when ingest fell back to the built-in embedder. */
  fallback?: string;
}

// The built-in model is learned again when more than this share of passages is new: LSA folds new
// text into an existing space well while the vocabulary is mostly the same, not beyond.
const BUILTIN_RELEARN_SHARE = 0.25;

/**
 * What the keyword index and the embedder see of a passage: the document title and the clause's
 * place (its ancestors' headings and its own) before its text, so a passage deep in a clause is
 * still found by the words of the heading it stands under. Results show only the passage text.
 */
export function passageIndexText(doc: PolicyDocument, clause: Clause | undefined, passage: Passage): string {
  const context: string[] = [];
  if (doc.title) context.push(doc.title);
  if (clause) {
    context.push(...clause.path);
    const own = `${clause.label ?? ''}${clause.heading ?? ''}`;
    if (own !== '' && !passage.text.startsWith(own.slice(0, 8))) context.push(own);
  }
  return context.length > 0 ? `${context.join(' ')}\n${passage.text}` : passage.text;
}

// crypto.hash (Node 20.12+) is the same SHA-1 without a Hash object per text: on the laws' 63,824
// passages 45–65 ms instead of 120–270 ms, a part of every re-ingest
// (read from the namespace: a named import of it would not load on an older Node 20)
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;
const sha1: (text: string) => string =
  oneShotHash !== undefined ? (text) => oneShotHash('sha1', text) : (text) => crypto.createHash('sha1').update(text).digest('hex');

interface PreviousIndex {
  manifest: IndexManifest;
  hashes: string[];
  /** The previous HNSW graph, which holds the previous vectors; brought up to date in place when few passages changed. */
  graph: VectorIndex;
  /** The built-in model's file as it is on disk, written again as it is when the model is kept. */
  builtinFile: Uint8Array | null;
}

/**
 * For each passage, the previous build's passage with the same text that it takes over (-1:
 * none). Passages are matched in order, each previous passage to one new one at most, and never to
 * one before a passage matched earlier: kept passages keep their order, as an update of the
 * keyword index needs. A text found several times (a document published twice, a repeated
 * paragraph) is matched occurrence by occurrence; an occurrence left over, or one that would break
 * the order, is -1 here and is read again.
 */
export function previousPositions(previousHashes: readonly string[], hashes: readonly string[]): Int32Array {
  // Most passages follow the one before as they did: the next previous passage is taken without
  // a lookup (it is the first one after the last match with that text). The lists of where each
  // text was are made at the first passage that is not.
  let at: Map<string, number[]> | null = null;
  const positions = () => {
    const lists = new Map<string, number[]>();
    for (let i = 0; i < previousHashes.length; i++) {
      const list = lists.get(previousHashes[i]!);
      if (list === undefined) lists.set(previousHashes[i]!, [i]);
      else list.push(i);
    }
    return lists;
  };
  const next = new Map<string, number>(); // per text, the first of its previous passages not yet passed
  let last = -1;
  return Int32Array.from(hashes, (h) => {
    if (previousHashes[last + 1] === h) return ++last;
    const list = (at ??= positions()).get(h);
    if (list === undefined) return -1;
    let k = next.get(h) ?? 0;
    while (k < list.length && list[k]! <= last) k++;
    if (k === list.length) {
      next.set(h, k);
      return -1;
    }
    next.set(h, k + 1);
    return (last = list[k]!);
  });
}

/** previousPositions, and where it gave -1 for a text the previous build held, any passage with it: a vector is the same whoever made it. */
function previousVectors(previousHashes: readonly string[], hashes: readonly string[]): Int32Array {
  const from = previousPositions(previousHashes, hashes);
  const any = new Map(previousHashes.map((h, i) => [h, i]));
  return from.map((at, i) => (at >= 0 ? at : (any.get(hashes[i]!) ?? -1)));
}

/** The previous build's manifest and the hash of each passage's text, when it is of this format. */
async function readPreviousHashes(indexDir: string): Promise<{ manifest: IndexManifest; hashes: string[] } | null> {
  try {
    const manifest = JSON.parse(await readFile(join(indexDir, INDEX_FILES.manifest), 'utf8')) as IndexManifest;
    if (manifest.formatVersion !== INDEX_FORMAT_VERSION) return null;
    return { manifest, hashes: readIndexJsonSync<{ hashes: string[] }>(join(indexDir, INDEX_FILES.embeddingCache)).hashes };
  } catch {
    return null;
  }
}

/** The previous build's keyword index, when it tokenized and scored as this build does; else null. */
function readPreviousKeyword(indexDir: string, manifest: IndexManifest, dictionary: string[], tokenizer: Tokenizer): KeywordIndex | null {
  try {
    if (manifest.tokenizer.id !== TOKENIZER_ID) return null;
    const before = readIndexJsonSync<string[]>(join(indexDir, INDEX_FILES.dictionary));
    if (before.length !== dictionary.length || before.some((t, i) => t !== dictionary[i])) return null;
    const header = readIndexJsonSync<KeywordIndexHeader>(join(indexDir, INDEX_FILES.keyword));
    if (JSON.stringify(header.params) !== JSON.stringify(DEFAULT_KEYWORD_PARAMS)) return null;
    const index = KeywordIndex.deserialize(header, readIndexFileSync(join(indexDir, INDEX_FILES.keywordPostings)), tokenizer);
    return index.count === manifest.counts.passages ? index : null;
  } catch {
    return null;
  }
}

/** The previous build's vectors and built-in model, beside its manifest and hashes (readPreviousHashes). */
async function readPrevious(indexDir: string, base: { manifest: IndexManifest; hashes: string[] } | null): Promise<PreviousIndex | null> {
  if (base === null) return null;
  const { manifest, hashes } = base;
  try {
    // the vectors live in the HNSW graph only
    const graph = await VectorIndex.loadAsync(indexDir, manifest.embedder.dims, hashes.length);
    const builtinFile = manifest.embedder.kind === 'builtin' ? await readFile(join(indexDir, INDEX_FILES.builtinEmbedder)) : null;
    return { manifest, hashes, graph, builtinFile };
  } catch {
    // No previous index, or one this version cannot read: everything is embedded afresh.
    return null;
  }
}

async function openDefaultModel(modelDir: string | undefined): Promise<{ embedder: Embedder; fingerprint: string }> {
  const embedder = createBgeEmbedder({ modelDir });
  return { embedder, fingerprint: await embedder.fingerprint() };
}

export async function buildIndex(options: BuildIndexOptions): Promise<BuildReport> {
  const threads: TrainingThread[] = [];
  try {
    return await build(options, threads);
  } finally {
    for (const t of threads) t.close();
  }
}

async function build(options: BuildIndexOptions, threads: TrainingThread[]): Promise<BuildReport> {
  const started = performance.now();
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const progress = options.onProgress ?? (() => {});
  const choice = options.embedder ?? 'auto';
  if (!EMBEDDER_CHOICES.includes(choice)) {
    throw new Error(`Unknown embedder "${choice}"; choose one of ${EMBEDDER_CHOICES.join(', ')}.`);
  }
  await recoverIndex(options.indexDir);
  const cacheDir = buildCacheDir(options.indexDir);
  await removeSpooled(cacheDir);

  // 1. Files -> documents, clauses, passages (and jieba's dictionary loaded while files are read)
  setImmediate(loadJieba);
  const corpus = await loadCorpus(options.corpusDir, {
    today: options.today,
    cacheDir,
    onFile: (file, done, total) => progress({ stage: 'read', done, total, file }),
  });
  for (const f of corpus.files) if (!f.ok) for (const w of f.warnings) warn(w);
  for (const c of corpus.collisions) warn(`note: ${c}`);
  for (const i of corpus.ignored) warn(`note: ${i}`);
  const { documents, passages } = corpus;
  const docs = new Map(documents.map((d) => [d.id, d]));
  const clauses = new Map(documents.flatMap((d) => d.clauses.map((c) => [c.id, c] as const)));
  const texts = passages.map((p) => passageIndexText(docs.get(p.docId)!, clauses.get(p.clauseId), p));
  const hashes = texts.map(sha1);
  docs.clear();
  clauses.clear();

  // 2. The tokenizer, with the corpus's policy terms added to jieba's dictionary
  const dictionary = extractPolicyTerms(documents.map((d) => d.text));
  const tokenizer: Tokenizer = createChineseTokenizer({ dictionary });

  // 3. The keyword index first: it tokenizes every passage once, and the built-in embedder's
  //    training and embedding read those tokens back (jieba is most of their time otherwise).
  //    A passage whose text and dictionary are those of the previous build keeps its tokens.
  const tokens = createCachingTokenizer(tokenizer);
  progress({ stage: 'keyword', done: 0, total: 1 });
  const previousHashes = await readPreviousHashes(options.indexDir);
  // The built-in embedder, when it must be learned, is learned on a second thread while this one
  // builds the keyword index (a build that may use the default model tries to open it first).
  let embedder: Embedder | null = null;
  let fingerprint = '';
  let fallback: string | undefined;
  if (choice !== 'builtin') {
    try {
      ({ embedder, fingerprint } = await openDefaultModel(options.modelDir));
    } catch (error) {
      if (choice === 'bge-small-zh' || !(error instanceof ModelLoadError)) throw error;
      fallback = error.message;
      warn(
        [
          '',
          '!! The embedding model bge-small-zh-v1.5 could not be loaded; using the built-in embedder instead.',
          `!! ${error.message}`,
          '!! Search still works (keywords plus a semantic leg learned from this corpus), but answers to',
          '!! questions in your own words are better with the model. See README, "Embedding model".',
          '',
        ].join('\n'),
      );
    }
  }
  // (a built-in embedder learned from another tokenizer's terms is learned again)
  const sameTerms = previousHashes?.manifest.embedder.kind === 'builtin' && previousHashes.manifest.tokenizer.id === TOKENIZER_ID;
  const known = new Set(sameTerms ? previousHashes.hashes : []);
  const keepModel = embedder === null && !options.retrain && hashes.filter((h) => !known.has(h)).length <= BUILTIN_RELEARN_SHARE * hashes.length;
  const thread = embedder === null && !keepModel ? TrainingThread.start(texts, dictionary) : null;
  if (thread !== null) threads.push(thread);
  // A rebuild after a few changed files updates the previous keyword index: kept passages keep
  // their postings, only new texts are tokenized (same dictionary, same tokenizer, same scoring).
  let keyword: KeywordIndex | null = null;
  let keywordHow: BuildReport['keyword'] = 'updated';
  let previousLoading: Promise<PreviousIndex | null> | null = null;
  if (previousHashes !== null) {
    const from = previousPositions(previousHashes.hashes, hashes);
    const fresh = from.reduce((n, at) => n + (at < 0 ? 1 : 0), 0);
    if (fresh <= BUILTIN_RELEARN_SHARE * hashes.length) {
      // the previous vector graph, brought up to date below, is read on the thread pool meanwhile
      previousLoading = readPrevious(options.indexDir, previousHashes);
      const previousKeyword = readPreviousKeyword(options.indexDir, previousHashes.manifest, dictionary, tokens);
      keyword = previousKeyword?.update(from, texts, tokens) ?? null;
    }
  }
  if (keyword === null) {
    keywordHow = 'built';
    keyword = await buildKeywordIndex(options.indexDir, texts, hashes, tokens, dictionary);
  }
  // Serialized now, its postings written ahead into the build cache (writeIndex moves them in),
  // and let go: nothing in the build reads it again, and a million passages' postings are 700 MB
  // of arrays, 300 MB of varints, that would otherwise be held through embedding and the write.
  // Where the cache cannot be written (a full disk, a read-only folder) they stay in memory and
  // the write says what is wrong.
  const keywordFiles = await spoolPostings(keyword.serializeInChunks(), spoolPath(cacheDir, INDEX_FILES.keywordPostings));
  keyword = null;

  // 4. The embedder
  const previous = await (previousLoading ?? readPrevious(options.indexDir, previousHashes));
  let builtinFile: Uint8Array | null = null;
  if (embedder === null) {
    if (keepModel && previous?.builtinFile) {
      builtinFile = previous.builtinFile;
      embedder = BuiltinEmbedder.fromFile(builtinFile, tokens);
    } else {
      progress({ stage: 'train', done: 0, total: 1 });
      builtinFile = (await thread?.model) ?? BuiltinEmbedder.train(texts, tokens).toFile();
      embedder = BuiltinEmbedder.fromFile(builtinFile, tokens);
      progress({ stage: 'train', done: 1, total: 1 });
    }
    fingerprint = await embedder.fingerprint();
  }
  const { info } = embedder;

  // 5. Vectors: reuse what the same model made from the same text, embed the rest
  const reusable =
    previous !== null && previous.manifest.embedder.fingerprint === fingerprint && previous.manifest.embedder.dims === info.dims;
  const reusedFrom = reusable ? previousVectors(previous.hashes, hashes) : new Int32Array(passages.length).fill(-1);
  // A text met before in this corpus (a law published twice, a repeated paragraph) has that
  // passage's vector and point: it is not embedded again.
  const repeats = new Uint8Array(passages.length);
  const seen = new Set<string>();
  hashes.forEach((h, i) => (seen.has(h) ? (repeats[i] = 1) : seen.add(h)));
  seen.clear();
  const missing: number[] = [];
  reusedFrom.forEach((at, i) => {
    if (at < 0 && repeats[i] === 0) missing.push(i);
  });
  const embedProgress = (before: number) => (done: number) => progress({ stage: 'embed', done: before + done, total: missing.length });
  progress({ stage: 'embed', done: 0, total: missing.length });
  let vectorIndex: VectorIndex | null = null;
  if (reusable && VectorIndex.canUpdate(previous.graph, reusedFrom)) {
    // 6a. A few changed files: the previous graph updated in place with the new passages' vectors.
    const vectors = new Array<Float32Array | undefined>(passages.length);
    const made = await embedder.embedPassages(
      missing.map((i) => texts[i]!),
      embedProgress(0),
    );
    missing.forEach((at, j) => (vectors[at] = made[j]!));
    tokens.clear();
    progress({ stage: 'hnsw', done: 0, total: passages.length });
    vectorIndex = VectorIndex.update(previous.graph, vectors, reusedFrom, hashes);
  }
  if (vectorIndex === null) {
    // 6b. A graph from nothing, filled slice by slice as the slice is embedded (or read from the
    //     previous graph), so the build never holds every vector beside the graph's own copy.
    //     The vectors are unit length, so the graph's inner product is cosine similarity.
    const graph = VectorIndex.builder(passages.length);
    let requested = 0;
    // On the training thread, while this one adds the slice before to the graph; here if it fails.
    const embedSlice = (texts: string[]): Promise<Float32Array[]> => {
      const before = requested;
      requested += texts.length;
      const embedLocally = () => embedder.embedPassages(texts, embedProgress(before));
      return texts.length === 0 ? Promise.resolve([]) : thread === null ? embedLocally() : thread.embed(texts, tokens).catch(embedLocally);
    };
    const slice = thread === null ? EMBED_SLICE : THREAD_EMBED_SLICE;
    const freshIn = (from: number) => {
      const fresh: string[] = [];
      for (let i = from; i < Math.min(from + slice, passages.length); i++) if (reusedFrom[i]! < 0 && repeats[i] === 0) fresh.push(texts[i]!);
      return fresh;
    };
    let added = 0;
    let next = embedSlice(freshIn(0));
    for (let from = 0; from < passages.length; from += slice) {
      const made = await next;
      if (from + slice < passages.length) next = embedSlice(freshIn(from + slice));
      let j = 0;
      for (let i = from; i < Math.min(from + slice, passages.length); i++) {
        if (repeats[i] === 1) graph.share(hashes[i]!);
        else graph.add(reusedFrom[i]! >= 0 ? previous!.graph.vector(reusedFrom[i]!) : made[j++]!, hashes[i]);
      }
      added += made.length;
      if (thread !== null) embedProgress(0)(added);
    }
    thread?.close();
    tokens.clear();
    vectorIndex = graph.finish();
  }
  // The texts are read no more. The tokenizer's cache keyed them, which made each a flat copy of
  // its title, headings and text (a million passages: 300 MB); let go before the write.
  texts.length = 0;

  // 7. Write, and swap in
  progress({ stage: 'write', done: 0, total: 1 });
  const manifest = await writeIndex(options.indexDir, {
    documents,
    passages,
    sources: corpus.files.filter((f) => f.ok).map((f) => f.source),
    sourceHashes: Object.fromEntries(corpus.files.flatMap((f) => (f.hash ? [[f.source, f.hash]] : []))),
    skippedSources: corpus.files.filter((f) => !f.ok).map((f) => f.source),
    embedder: { ...info, fingerprint, ...(fallback ? { fallbackReason: fallback } : {}) },
    tokenizer: { id: TOKENIZER_ID, dictionaryTerms: dictionary.length },
    dictionary,
    keyword: keywordFiles,
    vectorIndex,
    hashes,
    builtin: builtinFile,
    seconds: (performance.now() - started) / 1000,
  });
  progress({ stage: 'write', done: 1, total: 1 });
  return {
    manifest,
    documents,
    files: corpus.files,
    collisions: corpus.collisions,
    seconds: (performance.now() - started) / 1000,
    embedded: missing.length,
    reused: passages.length - missing.length,
    keyword: keywordHow,
    ...(fallback ? { fallback } : {}),
  };
}

/** The postings written to `file` (then let go), or kept in memory when the file cannot be written. */
async function spoolPostings({ header, postings }: KeywordIndexFiles, file: string): Promise<IndexContents['keyword']> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, postings);
    return { header, postings: file };
  } catch {
    await rm(file, { force: true }).catch(() => {});
    return { header, postings };
  }
}

/**
 * The keyword index from nothing: every passage tokenized (on two threads where there are cores
 * for it), except those whose tokens the previous build kept with the same dictionary. The built-in
 * embedder's training and embedding read the same tokens back.
 */
async function buildKeywordIndex(indexDir: string, texts: string[], hashes: string[], tokens: CachingTokenizer, dictionary: string[]): Promise<KeywordIndex> {
  const cacheDir = buildCacheDir(indexDir);
  const before = await readTokenTable(cacheDir, dictionary);
  if (before !== null) {
    const at = new Map(before.hashes.map((h, i) => [h, i]));
    const kept = hashes.flatMap((h, i) => (at.has(h) ? [i] : []));
    const offsets = new Int32Array(kept.length + 1);
    kept.forEach((i, n) => (offsets[n + 1] = offsets[n]! + before.offsets[at.get(hashes[i]!)! + 1]! - before.offsets[at.get(hashes[i]!)!]!));
    const ids = new Int32Array(offsets[kept.length]!);
    kept.forEach((i, n) => {
      const j = at.get(hashes[i]!)!;
      ids.set(before.ids.subarray(before.offsets[j]!, before.offsets[j + 1]!), offsets[n]!);
    });
    tokens.preload(
      kept.map((i) => texts[i]!),
      ids,
      offsets,
      before.terms,
    );
  }
  await tokenizeInParallel(
    texts.filter((t) => !tokens.has(t)),
    tokens,
    dictionary,
  );
  const keyword = KeywordIndex.build(
    texts.map((text) => ({ text })),
    tokens,
  );
  const table = tokens.table(texts);
  if (table !== null) await writeTokenTable(cacheDir, dictionary, { hashes, ...table });

  return keyword;
}

// Below this many passages the built-in embedder is learned on this thread: a second thread costs
// more to start than it saves, and tests of small corpora run the same code either way.
export const TRAIN_THREAD_MIN_PASSAGES = 5000;

/**
 * The built-in embedder learned on a second thread, from the sample train() would take, and the
 * passages then embedded there while this thread adds the vectors to the HNSW graph (the laws
 * corpus: 12 s of embedding beside 9 s of graph). `model` is null where the thread failed: the
 * caller then learns the model on this thread.
 */
export class TrainingThread {
  private readonly waiting: { resolve: (reply: Float32Array) => void; reject: (error: Error) => void }[] = [];
  private failure: Error | null = null;
  private terms: readonly string[] | null = null;
  private termsSent = 0;
  readonly model: Promise<TrainReply | null>;

  private constructor(private readonly worker: Worker) {
    this.model = new Promise<TrainReply>((resolve, reject) => {
      this.waiting.push({ resolve: resolve as (reply: Float32Array | Uint8Array) => void, reject });
    }).catch(() => null);
    worker.on('message', (reply: Float32Array | Uint8Array) => this.waiting.shift()?.resolve(reply as Float32Array));
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const w of this.waiting.splice(0)) w.reject(this.failure);
    };
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the training thread ended (exit code ${code})`)));
  }

  /** Null where a thread does not pay (one core, a small corpus). */
  static start(texts: string[], dictionary: string[], minPassages = TRAIN_THREAD_MIN_PASSAGES): TrainingThread | null {
    if (texts.length < minPassages || availableParallelism() < 2) return null;
    const entry = new URL('./train-worker.ts', import.meta.url).href;
    const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, {
      eval: true,
      workerData: { dictionary, texts: evenSample(texts, DEFAULT_BUILTIN_OPTIONS.maxTrainingPassages) } satisfies TrainRequest,
    });
    return new TrainingThread(worker);
  }

  /** The texts' vectors, made there from the tokens `tokens` holds (or makes now) for them. */
  embed(texts: readonly string[], tokens: CachingTokenizer): Promise<Float32Array[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const offsets = new Int32Array(texts.length + 1);
    const own = texts.map((text, i) => {
      const made = tokens.tokenIds(text);
      offsets[i + 1] = offsets[i]! + made.length;
      return made;
    });
    const ids = new Int32Array(offsets[texts.length]!);
    own.forEach((made, i) => ids.set(made, offsets[i]!));
    const terms = tokens.termList();
    if (this.terms !== null && terms !== this.terms) return Promise.reject(new Error('the tokenizer was cleared'));
    this.terms = terms;
    const request: EmbedRequest = { texts: [...texts], ids, offsets, newTerms: terms.slice(this.termsSent) };
    this.termsSent = terms.length;
    const reply = new Promise<Float32Array>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.worker.postMessage(request, [ids.buffer, offsets.buffer]);
    return reply.then((flat) => {
      const dims = flat.length / Math.max(1, texts.length);
      return Array.from({ length: texts.length }, (_, i) => flat.subarray(i * dims, (i + 1) * dims));
    });
  }

  close(): void {
    this.failure ??= new Error('the training thread was closed');
    void this.worker.terminate();
  }
}

// Passages embedded and added to a new graph at a time: 16 MB of 256-d vectors, and room enough for
// bge-small-zh's batches of similar length. The training thread's slices are smaller, so the graph
// waits little for the first and adds little after the last.
const EMBED_SLICE = 16_384;
const THREAD_EMBED_SLICE = 4096;

// Below this many passages a second thread costs more to start than it saves. On two cores shared
// with other work it hardly pays at all (the laws corpus's keyword stage: 16.3 s with it, 18.2 s
// without, one run each) and holds a second jieba and a copy of half the texts, so it waits for four.
const PARALLEL_TOKENIZE_MIN = 4000;
const PARALLEL_TOKENIZE_CORES = 4;

/**
 * Fills the caching tokenizer with every text's tokens, the later half made on a second thread
 * (its own jieba with the same dictionary) while this one does the first: jieba is the largest
 * single cost of ingest, and this machine has cores to spare for it.
 */
async function tokenizeInParallel(texts: string[], tokens: CachingTokenizer, dictionary: string[]): Promise<void> {
  if (texts.length < PARALLEL_TOKENIZE_MIN || availableParallelism() < PARALLEL_TOKENIZE_CORES) return;
  const half = Math.floor(texts.length / 2);
  const later = texts.slice(half);
  const entry = new URL('./tokenize-worker.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, {
    eval: true,
    workerData: { dictionary, texts: later } satisfies TokenizeRequest,
  });
  const reply = new Promise<TokenizeReply>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the tokenizer thread ended (exit code ${code})`)));
  });
  reply.catch(() => {}); // awaited below, after this thread's share
  for (let i = 0; i < half; i++) tokens.tokenize(texts[i]!);
  try {
    const { ids, offsets, terms } = await reply;
    tokens.preload(later, ids, offsets, terms);
  } catch {
    // the thread failed: this one tokenizes the rest as the keyword index reads it
  } finally {
    void worker.terminate();
  }
}

/** The embedder kinds an index may name; anything else was built by another version. */
export const EMBEDDER_KINDS: readonly EmbedderKind[] = ['transformers', 'builtin'];

// judged without loading the readers or the models (the server does it at start)
export { indexIsStale, manifestStaleness };
