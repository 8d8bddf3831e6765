// index/ -> everything search needs, in memory. Refuses an index this version cannot read, or
// one whose vectors came from another model than the one it would embed queries with.
import { existsSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { createChineseTokenizer, type ChineseTokenizer } from '../ingest/chinese-tokenizer.ts';
import { ModelLoadError } from '../ingest/embedders/model-error.ts';
import { BuiltinEmbedder } from '../ingest/embedders/builtin-embedder.ts';
import { KeywordIndex, type KeywordIndexHeader } from '../ingest/keyword-index.ts';
import { keywordThreads, keywordThreadsSetting, startKeywordHelper } from './keyword-threads.ts';
import { CatalogError, unpackCatalog, type PackedDocument, type PackedPassages } from '../ingest/catalog-file.ts';
import type { Clause, Embedder, Passage, PolicyDocument } from '../ingest/types.ts';
import { VectorIndex } from '../ingest/vector-index.ts';
import { createWorkerEmbedder } from './worker-embedder.ts';
import type { Catalog, SearchBackend } from './backends/backend.ts';
import { EmbeddedBackend } from './backends/embedded.ts';
import { INDEX_FILES, INDEX_FORMAT_VERSION, parseJsonArrayLines, readIndexFile, readIndexJsonSync, recoverIndex, type IndexManifest } from '../ingest/write-index.ts';

const errors = {
  INDEX_MISSING: 'There is no index in %s. Build it with `npm run ingest`.',
  INDEX_FORMAT: 'The index in %s has format version %s; this version reads %d. Rebuild it with `npm run ingest`.',
  INDEX_EMBEDDER: 'The index in %s was built with the embedder %s; %s Rebuild it with `npm run ingest`, or load the model it was built with.',
  INDEX_CORRUPT: 'The index in %s cannot be read: %s. Rebuild it with `npm run ingest`.',
} as const;
export type IndexErrorCode = keyof typeof errors;

export class IndexLoadError extends Error {
  readonly code: IndexErrorCode;

  constructor(code: IndexErrorCode, args: (string | number)[], options?: { cause?: unknown }) {
    super(format(errors[code], ...args), options);
    this.name = 'IndexLoadError';
    this.code = code;
  }
}

/** A loaded index, whichever engine holds it: the catalogue in memory, the engine behind the seam. */
export interface LoadedIndex extends Catalog {
  /** Where it was loaded from: the index folder, or the database (its URL without credentials). */
  dir: string;
  manifest: IndexManifest;
  tokenizer: ChineseTokenizer;
  backend: SearchBackend;
  embedder: Embedder;
  /**
   * Set when the query embedder cannot run: search then answers from keywords, and says why. Meant
   * for every client, so it names no path or setting of the server's.
   */
  embedderProblem: string | null;
  /** The full reason behind embedderProblem, for the server's log. */
  embedderProblemDetail?: string;
}

/** The embedded engine's index: its keyword index and vector graph at hand as well. */
export interface EmbeddedIndex extends LoadedIndex {
  keyword: KeywordIndex;
  vectors: VectorIndex;
}

/** What a client is told when the model cannot be used: the reason, without the server's paths. */
const MODEL_UNAVAILABLE = 'the embedding model could not be loaded on the server';
const MODEL_FAILED = 'the embedding model failed on this query';

export interface LoadIndexOptions {
  /** Model folder for an index built with bge-small-zh; default: MODEL_DIR. */
  modelDir?: string;
  /** An embedder to use instead of the one the manifest names (it must have made the index's vectors). */
  embedder?: Embedder;
  /**
   * Threads for the keyword leg: 2 scores half the passages in a worker thread. Default: 2 for an
   * index of TWO_THREADS_FROM passages or more on a machine with two cores or more; KEYWORD_THREADS
   * sets it.
   */
  keywordThreads?: 1 | 2;
  /** Load no query embedder (for copying the index elsewhere, e.g. into PostgreSQL): vector search is off. */
  withoutEmbedder?: boolean;
}

export async function loadIndex(dir: string, options: LoadIndexOptions = {}): Promise<EmbeddedIndex> {
  const indexDir = resolve(dir);
  await recoverIndex(indexDir);
  const manifestPath = join(indexDir, INDEX_FILES.manifest);
  if (!existsSync(manifestPath)) throw new IndexLoadError('INDEX_MISSING', [indexDir]);

  // a file that cannot be read or parsed names itself in INDEX_CORRUPT
  const corrupt = (name: string, error: unknown) =>
    error instanceof IndexLoadError ? error : new IndexLoadError('INDEX_CORRUPT', [indexDir, `${name}: ${(error as Error).message}`], { cause: error });
  const readWith = <T>(reader: (path: string) => T, name: string): T => {
    try {
      return reader(join(indexDir, name));
    } catch (error) {
      throw corrupt(name, error);
    }
  };
  const read = <T>(name: string): T => readWith(readIndexJsonSync<T>, name);
  const manifest = read<IndexManifest>(INDEX_FILES.manifest);
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) {
    throw new IndexLoadError('INDEX_FORMAT', [indexDir, String(manifest.formatVersion), INDEX_FORMAT_VERSION]);
  }
  // The large files are read and decompressed on the thread pool, and the vector graph read there
  // too, while this thread starts jieba (the load's longest step it cannot hand off); each is
  // parsed here once it is wanted. On the laws the server started in 3.6 s instead of 5.8 s.
  const pending = <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const promise = work().catch((error: unknown) => Promise.reject(corrupt(name, error)));
    promise.catch(() => {}); // awaited below, or abandoned when an earlier step fails
    return promise;
  };
  const withBuiltin = manifest.embedder.kind === 'builtin' && !options.withoutEmbedder && !options.embedder;
  const reading = new Map<string, Promise<Buffer>>();
  for (const name of [INDEX_FILES.texts, INDEX_FILES.documents, INDEX_FILES.passages, INDEX_FILES.keywordPostings, ...(withBuiltin ? [INDEX_FILES.builtinEmbedder] : [])]) {
    reading.set(name, pending(name, () => readIndexFile(join(indexDir, name))));
  }
  /** A file's bytes, let go of here once taken: what the load leaves is garbage before it returns. */
  const take = (name: string): Promise<Buffer> => {
    const bytes = reading.get(name)!;
    reading.delete(name);
    return bytes;
  };
  const vectorsLoaded = pending('vectors', () => VectorIndex.loadAsync(indexDir, manifest.embedder.dims, manifest.counts.passages));

  // jieba's dictionary must hold the same terms at query time as at build time.
  const tokenizer = createChineseTokenizer({ dictionary: read<string[]>(INDEX_FILES.dictionary) });
  const { embedder, embedderProblem, embedderProblemDetail } = options.withoutEmbedder
    ? unloadedEmbedder(manifest)
    : await openEmbedder(indexDir, manifest, tokenizer, options, async () => {
        const bytes = await take(INDEX_FILES.builtinEmbedder);
        try {
          return BuiltinEmbedder.fromFile(bytes, tokenizer);
        } catch (error) {
          throw corrupt(INDEX_FILES.builtinEmbedder, error);
        }
      });
  const parsed = async <T>(name: string): Promise<T[]> => {
    const bytes = await take(name);
    try {
      return parseJsonArrayLines<T>(bytes);
    } catch (error) {
      throw corrupt(name, error);
    }
  };
  // (in a function of its own: what it reads is garbage once it returns, not held by this one's frame)
  const unpacked = async (): Promise<Catalog> => {
    const packedDocuments = await parsed<PackedDocument>(INDEX_FILES.documents);
    const packedPassages = await parsed<PackedPassages>(INDEX_FILES.passages);
    try {
      return unpackCatalog(packedDocuments, await take(INDEX_FILES.texts), packedPassages);
    } catch (error) {
      throw error instanceof CatalogError ? corrupt(INDEX_FILES[error.file], error) : error;
    }
  };
  const catalog = await unpacked();
  const { documents, passages } = catalog;
  if (passages.length !== manifest.counts.passages || documents.length !== manifest.counts.documents) {
    throw new IndexLoadError('INDEX_CORRUPT', [indexDir, 'document or passage counts differ from the manifest']);
  }

  let keyword: KeywordIndex;
  let threads: 1 | 2;
  const setThreads = options.keywordThreads ?? keywordThreadsSetting();
  const header = read<KeywordIndexHeader>(INDEX_FILES.keyword);
  try {
    threads = setThreads ?? keywordThreads(header.count);
    keyword = KeywordIndex.deserialize(header, await take(INDEX_FILES.keywordPostings), tokenizer, { shared: threads === 2 });
    if (keyword.count !== passages.length) throw new Error(`the keyword index covers ${keyword.count} passages, not ${passages.length}`);
  } catch (error) {
    throw corrupt(`${INDEX_FILES.keywordPostings} (read by ${INDEX_FILES.keyword})`, error);
  }
  const vectors = await vectorsLoaded;

  await releaseLoadGarbage();
  return {
    dir: indexDir,
    manifest,
    ...catalog,
    tokenizer,
    backend: new EmbeddedBackend(catalog, keyword, vectors, threads === 2 ? startKeywordHelper(keyword) : null),
    keyword,
    vectors,
    embedder,
    embedderProblem,
    ...(embedderProblemDetail !== undefined ? { embedderProblemDetail } : {}),
  };
}

let collectGarbage: (() => void) | null | undefined;

/**
 * Loading an index leaves its files' decompressed bytes and parsed JSON behind, which V8 would
 * collect only once the server had allocated as much again. Collected once, after a timer's
 * turn: a file gunzipped on the thread pool is held by zlib's handle until that handle has closed.
 * (Three collections, the first at once, left the same RSS at ready and took 0.3–0.6 s longer on
 * the laws with index format 8: docs/SCALING.md.) V8 exposes its collector only on request; a
 * runtime that refuses keeps the garbage until later.
 */
async function releaseLoadGarbage(): Promise<void> {
  if (collectGarbage === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      collectGarbage = vm.runInNewContext('gc') as () => void;
    } catch {
      collectGarbage = null;
    }
  }
  if (collectGarbage === null || typeof collectGarbage !== 'function') return;
  await new Promise((resolve) => setTimeout(resolve, 0));
  collectGarbage();
}

/**
 * The query embedder an index's vectors came from: the built-in one from its own JSON, a language
 * model in a worker thread. A model that cannot be loaded right now leaves the index served by
 * keywords, with the reason; one whose weights differ from the build's is refused.
 */
export async function openEmbedder(
  where: string,
  manifest: IndexManifest,
  tokenizer: ChineseTokenizer,
  options: LoadIndexOptions,
  /** The built-in embedder, from the index's file or the database's JSON. */
  readBuiltin: () => BuiltinEmbedder | Promise<BuiltinEmbedder>,
): Promise<{ embedder: Embedder; embedderProblem: string | null; embedderProblemDetail?: string }> {
  const built = `${manifest.embedder.id} (${manifest.embedder.kind}, ${manifest.embedder.dims}-d)`;
  let embedder: Embedder;
  let embedderProblem: string | null = null;
  let embedderProblemDetail: string | undefined;
  if (options.embedder) {
    embedder = options.embedder;
  } else if (manifest.embedder.kind === 'builtin') {
    embedder = await readBuiltin();
  } else if (manifest.embedder.kind === 'transformers') {
    // Queries are embedded in a worker thread, so a slow embedding never stalls the server.
    embedder = createWorkerEmbedder(manifest.embedder, { modelDir: options.modelDir });
  } else {
    throw new IndexLoadError('INDEX_EMBEDDER', [where, built, 'this version knows no such embedder.']);
  }
  if (embedder.info.id !== manifest.embedder.id || embedder.info.dims !== manifest.embedder.dims) {
    throw new IndexLoadError('INDEX_EMBEDDER', [where, built, `the embedder at hand is ${embedder.info.id} (${embedder.info.dims}-d).`]);
  }
  try {
    const fingerprint = await embedder.fingerprint();
    if (fingerprint !== manifest.embedder.fingerprint) {
      throw new IndexLoadError('INDEX_EMBEDDER', [
        where,
        `${built}, weights ${manifest.embedder.fingerprint}`,
        `the model found now has weights ${fingerprint}, whose vectors would not match the index's.`,
      ]);
    }
  } catch (error) {
    // A model that cannot be loaded right now is not a reason to refuse to serve: keyword search
    // still works, and every response says it is degraded.
    if (!(error instanceof ModelLoadError)) throw error;
    embedderProblem = MODEL_UNAVAILABLE;
    embedderProblemDetail = error.message;
  }
  if (manifest.embedder.kind === 'transformers') embedder = withPlainErrors(embedder);

  return { embedder, embedderProblem, ...(embedderProblemDetail !== undefined ? { embedderProblemDetail } : {}) };
}

/** No query embedder: what withoutEmbedder gives (searches answer from keywords and say so). */
function unloadedEmbedder(manifest: IndexManifest): { embedder: Embedder; embedderProblem: string; embedderProblemDetail?: string } {
  const problem = 'the embedding model was not loaded';
  const fail = () => Promise.reject(new Error(problem));
  return {
    embedder: { info: { id: manifest.embedder.id, kind: manifest.embedder.kind, dims: manifest.embedder.dims }, embedQuery: fail, embedPassages: fail, fingerprint: fail },
    embedderProblem: problem,
  };
}

/**
 * Every reference search follows must lead somewhere: each passage's document and clause exist,
 * the clause is that document's, and the passage lies within the document's text. An index edited
 * by hand or damaged is refused here, instead of answering every search with a 500.
 */
export function checkReferences(
  indexDir: string,
  documents: PolicyDocument[],
  passages: Passage[],
): { documentsById: Map<string, PolicyDocument>; clausesById: Map<string, Clause> } {
  const corrupt = (detail: string) => new IndexLoadError('INDEX_CORRUPT', [indexDir, detail]);
  const documentsById = new Map<string, PolicyDocument>();
  const clausesById = new Map<string, Clause>();
  const shared = sharing();
  for (const [n, d] of documents.entries()) {
    if (typeof d?.id !== 'string' || typeof d.text !== 'string' || !Array.isArray(d.clauses)) throw corrupt(`document ${n} is malformed`);
    if (documentsById.has(d.id)) throw corrupt(`two documents share the id ${JSON.stringify(d.id)}`);
    documentsById.set(d.id, d);
    for (const c of d.clauses) {
      if (typeof c?.id !== 'string' || c.docId !== d.id) throw corrupt(`a clause of document ${JSON.stringify(d.id)} names another document`);
      if (clausesById.has(c.id)) throw corrupt(`two clauses share the id ${JSON.stringify(c.id)}`);
      if (!(c.start >= 0 && c.end <= d.text.length && c.start <= c.end)) throw corrupt(`clause ${JSON.stringify(c.id)} lies outside its document`);
      // stored once, in the document (V8 keeps a slice as a view of the document's string)
      c.text = d.text.slice(c.start, c.end);
      c.docId = d.id;
      shared.clause(c);
      clausesById.set(c.id, c);
    }
  }
  for (const d of documents) {
    for (const c of d.clauses) {
      if (c.parentId !== null) c.parentId = clausesById.get(c.parentId)?.id ?? c.parentId;
      if (c.childIds.length > 0) c.childIds = c.childIds.map((id) => clausesById.get(id)?.id ?? id);
    }
  }
  for (const [n, p] of passages.entries()) {
    const doc = documentsById.get(p?.docId);
    if (doc === undefined) throw corrupt(`passage ${n} points at a document that is not there (${JSON.stringify(p?.docId)})`);
    const clause = clausesById.get(p.clauseId);
    if (clause === undefined || clause.docId !== doc.id) throw corrupt(`passage ${n} points at a clause that is not in its document (${JSON.stringify(p.clauseId)})`);
    if (!(p.start >= 0 && p.end <= doc.text.length && p.start <= p.end)) throw corrupt(`passage ${n} lies outside its document`);
    p.text = doc.text.slice(p.start, p.end);
    p.docId = doc.id;
    p.clauseId = clause.id;
  }
  return { documentsById, clausesById };
}

/**
 * What a hundred thousand clauses repeat, held once: JSON gives every clause its own copy of its
 * document's id, its label (第一条…), its path of headings and two empty arrays. A loaded index is
 * read, never changed, so its clauses can share them (on the laws, some 20 MB of the server's
 * memory).
 */
function sharing(): { clause(c: Clause): void } {
  const strings = new Map<string, string>();
  const paths = new Map<string, string[]>();
  const EMPTY: never[] = [];
  const one = (s: string): string => {
    const known = strings.get(s);
    if (known !== undefined) return known;
    strings.set(s, s);
    return s;
  };
  return {
    clause(c) {
      if (c.label !== null) c.label = one(c.label);
      c.kind = one(c.kind) as Clause['kind'];
      const key = c.path.join('\u0000');
      const path = paths.get(key);
      if (path !== undefined) c.path = path;
      else paths.set(key, (c.path = c.path.length === 0 ? EMPTY : c.path.map(one)));
      if (c.tables.length === 0) c.tables = EMPTY;
      if (c.childIds.length === 0) c.childIds = EMPTY;
    },
  };
}

/** A query embedder whose failures say what failed, not where on the server (paths, model folders). */
function withPlainErrors(embedder: Embedder): Embedder {
  const plain = (error: unknown): Error => {
    console.error('Query embedding failed:', error);
    return new Error(error instanceof ModelLoadError ? MODEL_UNAVAILABLE : MODEL_FAILED);
  };
  return Object.assign(Object.create(embedder) as Embedder, {
    embedQuery: (text: string) => embedder.embedQuery(text).catch((e: unknown) => Promise.reject(plain(e))),
  });
}
