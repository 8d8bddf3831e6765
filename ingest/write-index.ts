// The only stage that writes files. The index is written to a temporary folder, every file and
// the folder flushed to disk (the manifest last), then swapped in, so a failed or killed build
// never destroys the index being served:
//  - normally the folder is renamed into place beside the old one (two renames; until the second
//    the old folder is untouched);
//  - when INDEX_DIR is a mount point (a Docker or Kubernetes volume), which cannot be renamed, the
//    new files are built in a folder inside it and moved in one by one, the manifest last; a
//    build killed half-way through the moves is finished by the next one.
// Recovery reads only the folders' names and ages, never process ids (which get reused).
import { randomUUID } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip, gunzip, gunzipSync, gzip } from 'node:zlib';
import { packDocument, passagePacker, writeTexts } from './catalog-file.ts';
import type { KeywordIndexHeader } from './keyword-index.ts';
import type { EmbedderInfo, Passage, PolicyDocument } from './types.ts';
import type { VectorIndex } from './vector-index.ts';

/**
 * Bumped whenever a file's layout changes; a server refuses an index of another version.
 * 3: clause and passage texts are stored once, in their document; vectors only in the HNSW graph;
 *    documents carry their history.
 * 4: the keyword index's postings are binary (keyword-index.bin), its header JSON.
 * 5: documents, passages, postings, the embedding cache and the built-in embedder gzip-compressed
 *    (.gz); the HNSW graph's vectors in 8 bits (ingest/hnsw-file.ts).
 * 6: the postings uncompressed again (keyword-index.bin): varints gzip only 2.3 times smaller, and
 *    compressing them took a third of a second of every build (most of a re-ingest's write).
 * 7: documents and passages one element a line (found by a byte search, not a JavaScript scan);
 *    the built-in embedder binary (builtin-embedder.bin), read without decompressing or decoding.
 * 8: the documents' texts in UTF-16 (texts.utf16.gz), their clauses as columns and the passages as
 *    positions (ingest/catalog-file.ts): the laws' server started 0.8 s sooner.
 */
export const INDEX_FORMAT_VERSION = 8;
/**
 * The clause segmentation (ingest/segment-clauses.ts), raised when a change there moves clause
 * boundaries, so that an index segmented by an earlier version is built again (index-staleness.ts)
 * instead of serving clauses this version would not make. Kept here, not beside the segmentation,
 * so that the server's staleness check loads no ingest pipeline.
 * 2: a paragraph after an article's last item is the article's next 款.
 */
export const SEGMENTATION_VERSION = 2;

/**
 * How passages are cut into terms (ingest/chinese-tokenizer.ts). A change here is a rebuild:
 * postings and the built-in embedder made by another tokenizer do not match the queries' terms.
 */
export const TOKENIZER_ID = 'jieba-wasm-2 search mode, negated words whole + policy dictionary + CJK bigrams';

/**
 * The files of an index folder. vectors.hnsw8 and vectors.json are named by VectorIndex; the graph
 * holds the passage vectors, which also serve as the embedding cache (by embedding-cache.json's hashes).
 */
export const INDEX_FILES = {
  manifest: 'manifest.json',
  /** The documents with their clauses as columns, one document a line (ingest/catalog-file.ts). */
  documents: 'documents.json.gz',
  /** Every document's text in UTF-16, one after another. */
  texts: 'texts.utf16.gz',
  /** The passages as positions of their documents and clauses, a few thousand a line. */
  passages: 'passages.json.gz',
  dictionary: 'dictionary.json',
  keyword: 'keyword-index.json',
  /** The keyword index's postings, binary varints (byte ranges in keyword-index.json). */
  keywordPostings: 'keyword-index.bin',
  /** The built-in embedder (BuiltinEmbedder.toFile): its vocabulary as JSON, its arrays binary. */
  builtinEmbedder: 'builtin-embedder.bin',
  /** sha1 of the text each vector was made from, in passage order. */
  embeddingCache: 'embedding-cache.json.gz',
} as const;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
// gzip level 3: Chinese text and JSON 4-5 times smaller at about 90 MB/s; level 6 gains 10% at half the speed.
const GZIP_LEVEL = 3;

/** Writes one index file; a name ending in .gz is gzip-compressed (on the thread pool, beside the other work). */
export async function writeIndexFile(path: string, data: string | Uint8Array): Promise<void> {
  await writeFile(path, path.endsWith('.gz') ? await gzipAsync(data, { level: GZIP_LEVEL }) : data);
}

/**
 * Writes JSON.stringify(items.map(shape)) as writeIndexFile would, with one element a line (what
 * parseJsonArrayLines reads), one element at a time through gzip: the array's text is never one
 * string (the documents of 250,000 passages are 200 MB of JSON, twice that as a string, at the
 * build's largest moment).
 */
const PIECE = 1 << 20;
const WRITE_AHEAD = 4 * PIECE;

export async function writeJsonArray<T>(path: string, items: readonly T[], shape: (item: T) => unknown): Promise<void> {
  const compress = path.endsWith('.gz');
  const sink = createWriteStream(path);
  // a megabyte of output per call to zlib on the thread pool, not 16 KB: far fewer round trips;
  // and a few pieces handed over ahead, so this thread makes the next while zlib packs the last
  // (zlib's streams take a stream's options too; @types/node lists only zlib's own)
  const gzip = compress ? createGzip({ level: GZIP_LEVEL, chunkSize: PIECE, ...{ writableHighWaterMark: WRITE_AHEAD } }) : null;
  const head = gzip ?? sink;
  const done = gzip !== null ? pipeline(gzip, sink) : finished(sink);
  done.catch(() => {}); // awaited below; a failed write must not go unhandled while the loop waits
  // elements gathered into pieces of about a megabyte: a write per element costs more than gzip
  let piece: string[] = ['[\n'];
  let size = 2;
  const flush = async () => {
    const text = piece.join('');
    piece = [];
    size = 0;
    if (!head.write(text)) await Promise.race([once(head, 'drain'), done]);
  };
  for (let i = 0; i < items.length; i++) {
    const json = (i > 0 ? ',\n' : '') + JSON.stringify(shape(items[i]!));
    piece.push(json);
    size += json.length;
    if (size >= PIECE) await flush();
  }
  piece.push(items.length > 0 ? '\n]' : ']');
  await flush();
  head.end();
  await done;
}

/** Moves a file written ahead (a rename; a copy when the index is on another file system). */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}

/** Reads one index file as written by writeIndexFile. */
export function readIndexFileSync(path: string): Buffer {
  return decodeIndexFile(path, readFileSync(path));
}

/** An index file's bytes as writeIndexFile was given them: gunzipped when its name ends in .gz. */
export function decodeIndexFile(name: string, bytes: Buffer): Buffer {
  return name.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

/**
 * Reads a JSON array as writeJsonArray wrote it, one element at a time: the file's text is never
 * one string. V8's strings stop at 2^29 characters (1 GB); the documents of a million passages
 * are more than that as JSON, and one JSON.parse of them could not even be started.
 */
export function readIndexJsonArraySync<T>(path: string): T[] {
  return parseJsonArrayLines<T>(readIndexFileSync(path));
}

/**
 * Reads one index file as written by writeIndexFile, gunzipped on the thread pool while this
 * thread goes on. In one piece: zlib's usual 16 KB pieces each need this thread between them (as
 * would readFile's), so a busy thread would stall the work it handed off. Reading from the disk's
 * cache is quick enough to do here.
 */
export async function readIndexFile(path: string): Promise<Buffer> {
  const bytes = readFileSync(path);
  if (!path.endsWith('.gz')) return bytes;
  if (process.env.GSYNC) return gunzipSync(bytes);
  // gzip's last four bytes: the size unpacked (modulo 4 GiB)
  const size = bytes.length >= 4 ? bytes.readUInt32LE(bytes.length - 4) : 0;
  return gunzipAsync(bytes, { chunkSize: Math.min(Math.max(size, 1 << 16), 1 << 30) });
}

/**
 * The elements of a JSON array written by writeJsonArray: "[", then one element a line, each but
 * the last followed by a comma, then "]". JSON.stringify escapes every line break inside a value,
 * so each element is found by the byte search for the next one.
 */
export function parseJsonArrayLines<T>(bytes: Buffer): T[] {
  const NEWLINE = 0x0a, COMMA = 0x2c;
  if (bytes[0] !== 0x5b || bytes[1] !== NEWLINE) throw new Error('not a JSON array as the index writes it');
  const out: T[] = [];
  let at = 2;
  let more = true; // after "[" or an element's comma, another element or (after "[") the end
  for (;;) {
    const end = bytes.indexOf(NEWLINE, at);
    if (end < 0) {
      if (bytes.length - at !== 1 || bytes[at] !== 0x5d || (more && out.length > 0)) throw new Error('the JSON array does not end');
      return out;
    }
    if (!more) throw new Error('text after the last element of a JSON array');
    more = bytes[end - 1] === COMMA;
    out.push(JSON.parse(bytes.toString('utf8', at, more ? end - 1 : end)) as T);
    at = end + 1;
  }
}

/** Reads one index file as written by writeIndexFile and parses it as JSON. */
export function readIndexJsonSync<T>(path: string): T {
  return JSON.parse(readIndexFileSync(path).toString('utf8')) as T;
}

export interface IndexManifest {
  formatVersion: number;
  builtAt: string;
  buildSeconds: number;
  embedder: EmbedderInfo & { fingerprint: string; fallbackReason?: string };
  tokenizer: { id: string; dictionaryTerms: number };
  counts: { documents: number; clauses: number; passages: number; files: number; skippedFiles: number };
  sources: string[];
  skippedSources: string[];
  /** sha256 of each corpus file's bytes when it was read (read or skipped): what staleness is judged by. */
  sourceHashes?: Record<string, string>;
  /** Unique per build: a server sees a new build by it. */
  buildId?: string;
  /** The clause segmentation it was built with (SEGMENTATION_VERSION; absent: 1). */
  segmentationVersion?: number;
}

export interface IndexContents {
  documents: PolicyDocument[];
  passages: Passage[];
  sources: string[];
  skippedSources: string[];
  sourceHashes?: Record<string, string>;
  embedder: IndexManifest['embedder'];
  tokenizer: IndexManifest['tokenizer'];
  dictionary: string[];
  /** The keyword index: its header, and its postings, or the file they were written to ahead (moved in). */
  keyword: { header: KeywordIndexHeader; postings: Uint8Array[] | string };
  vectorIndex: VectorIndex;
  hashes: string[];
  /** The built-in embedder's file (BuiltinEmbedder.toFile), when the index has that embedder. */
  builtin: Uint8Array | null;
  seconds: number;
}

const TMP = '.tmp-';
const OLD = '.old-';
/** Inside a mount-point INDEX_DIR: a complete new build whose files are being moved in. */
const SWAP = '.swap-';
/** In a .swap- folder: the names of the build's files. */
const SWAP_LIST = '.files.json';
/** A temporary folder untouched this long belongs to a build that died. */
const ABANDONED_MS = 10 * 60_000;

/** An operator's mistake (disk full, read-only folder, ...) in one line; no stack trace needed. */
export class IndexWriteError extends Error {
  override name = 'IndexWriteError';
}

function writeProblem(error: unknown, indexDir: string): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  const where = (error as NodeJS.ErrnoException)?.path ?? indexDir;
  const line: Record<string, string> = {
    ENOSPC: `The disk is full: the index could not be written to ${indexDir}. The previous index is unchanged; free some space and run ingest again.`,
    EDQUOT: `The disk quota is used up: the index could not be written to ${indexDir}. The previous index is unchanged.`,
    EROFS: `${where} is on a read-only file system: the index cannot be written there. Set INDEX_DIR to a writable folder.`,
    EACCES: `No permission to write ${where}. Set INDEX_DIR to a folder this user can write, or fix its permissions.`,
    EPERM: `No permission to write ${where}. Set INDEX_DIR to a folder this user can write, or fix its permissions.`,
    ENOTDIR: `${where} is a file, not a folder: INDEX_DIR must name a folder.`,
  };
  return code && line[code] ? new IndexWriteError(line[code], { cause: error }) : (error as Error);
}

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // some file systems cannot fsync a folder; the files themselves are flushed already
    if (!['EINVAL', 'ENOTSUP', 'EISDIR', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

async function age(path: string): Promise<number> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

/** Moves the files of a complete build (a .swap- folder inside indexDir) into indexDir, the manifest last. */
async function finishSwapInside(indexDir: string, swap: string): Promise<void> {
  // the build's own list of its files: some may have been moved in already
  const listed = JSON.parse(await readFile(join(swap, SWAP_LIST), 'utf8').catch(() => '[]')) as string[];
  const incoming = [...new Set([...listed, ...(await readdir(swap))])].filter((f) => f !== INDEX_FILES.manifest && f !== SWAP_LIST);
  // From here the folder holds no manifest until the move is over: no reader takes it for complete.
  await rm(join(indexDir, INDEX_FILES.manifest), { force: true });
  for (const f of incoming) {
    await rename(join(swap, f), join(indexDir, f)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e; // moved in before the build was killed
    });
  }
  const keep = new Set([...incoming, INDEX_FILES.manifest, 'README.md']);
  for (const f of await readdir(indexDir)) {
    if (!f.startsWith('.') && !keep.has(f)) await rm(join(indexDir, f), { recursive: true, force: true });
  }
  await rename(join(swap, INDEX_FILES.manifest), join(indexDir, INDEX_FILES.manifest)).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e; // another process finished this swap first
  });
  await syncPath(indexDir);
  await rm(swap, { recursive: true, force: true });
}

/**
 * Cleans up after a build that died: finishes a swap inside a mount-point index that it left
 * half done; if it died between its two renames (the old index moved aside, the new one not yet
 * in place) puts the old index back; removes temporary folders nobody has touched for ten minutes.
 */
export async function recoverIndex(indexDir: string): Promise<void> {
  const parent = dirname(indexDir);
  const name = basename(indexDir);
  const inside = await readdir(indexDir).catch(() => [] as string[]);
  for (const entry of inside) {
    if (entry.startsWith(SWAP)) {
      const swap = join(indexDir, entry);
      if ((await readdir(swap).catch(() => [] as string[])).includes(INDEX_FILES.manifest)) await finishSwapInside(indexDir, swap);
      else await rm(swap, { recursive: true, force: true });
    } else if (entry.startsWith(TMP) && (await age(join(indexDir, entry))) > ABANDONED_MS) {
      await rm(join(indexDir, entry), { recursive: true, force: true });
    }
  }
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  let indexExists = entries.includes(name);
  for (const entry of entries) {
    const path = join(parent, entry);
    if (entry.startsWith(name + OLD)) {
      if (!indexExists) {
        await rename(path, indexDir);
        indexExists = true;
      } else if ((await age(path)) > 1000) {
        await rm(path, { recursive: true, force: true });
      }
    } else if (entry.startsWith(name + TMP) && (await age(path)) > ABANDONED_MS) {
      await rm(path, { recursive: true, force: true });
    }
  }
}

/** True when indexDir is a mount point (or the root): it cannot be renamed, so builds swap inside it. */
async function isMountPoint(indexDir: string): Promise<boolean> {
  const own = await stat(indexDir).catch(() => null);
  if (own === null) return false;
  const parent = await stat(dirname(indexDir));
  return own.dev !== parent.dev || own.ino === parent.ino;
}

export interface WriteIndexOptions {
  /** Swap files inside INDEX_DIR instead of renaming it; default: when INDEX_DIR is a mount point. */
  swapInside?: boolean;
}

/** Waits for every promise, then throws the first failure, if any. */
async function settleAll(work: readonly (Promise<unknown> | undefined)[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

export async function writeIndex(indexDir: string, contents: IndexContents, options: WriteIndexOptions = {}): Promise<IndexManifest> {
  const { documents, passages } = contents;
  const manifest: IndexManifest = {
    formatVersion: INDEX_FORMAT_VERSION,
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round(contents.seconds * 1000) / 1000,
    embedder: contents.embedder,
    tokenizer: contents.tokenizer,
    counts: {
      documents: documents.length,
      clauses: documents.reduce((n, d) => n + d.clauses.length, 0),
      passages: passages.length,
      files: contents.sources.length,
      skippedFiles: contents.skippedSources.length,
    },
    sources: contents.sources,
    skippedSources: contents.skippedSources,
    ...(contents.sourceHashes ? { sourceHashes: contents.sourceHashes } : {}),
    buildId: randomUUID(),
    segmentationVersion: SEGMENTATION_VERSION,
  };
  // INDEX_SWAP_INSIDE=1 forces the mount-point way (for a platform where it cannot be detected)
  const inside = options.swapInside ?? (process.env.INDEX_SWAP_INSIDE === '1' || (await isMountPoint(indexDir)));
  const id = randomUUID().slice(0, 8);
  const tmp = inside ? join(indexDir, `${TMP}${id}`) : `${indexDir}${TMP}${id}`;
  try {
    await mkdir(inside ? indexDir : dirname(indexDir), { recursive: true });
    await mkdir(tmp);

    const file = (name: string) => join(tmp, name);
    // Each text is stored once, in its document's (texts.utf16.gz): a clause's and a passage's
    // text are slices of it (by their offsets), restored when the index is loaded.
    // Files are made on this thread one after another and compressed on the thread pool while the
    // next is made.
    // The graph's file is written by hnswlib on the thread pool (it streams: no copy in memory)
    // and compacted here once this thread has made the files below. Its failure is reported last:
    // hnswlib does not report a full disk, so its file is merely found cut short.
    const passageLines = passagePacker(documents, passages);
    const graph = contents.vectorIndex.saveAsync(tmp);
    graph.catch(() => {});
    const work: Promise<unknown>[] = [
      writeJsonArray(file(INDEX_FILES.documents), documents, packDocument),
      writeTexts(file(INDEX_FILES.texts), documents, GZIP_LEVEL),
      writeJsonArray(file(INDEX_FILES.passages), passageLines.lines, passageLines.line),
      writeIndexFile(file(INDEX_FILES.dictionary), JSON.stringify(contents.dictionary)),
      writeIndexFile(file(INDEX_FILES.embeddingCache), JSON.stringify({ fingerprint: contents.embedder.fingerprint, hashes: contents.hashes })),
    ];
    if (contents.builtin) {
      work.push(writeFile(file(INDEX_FILES.builtinEmbedder), contents.builtin));
    }
    work.push(
      writeIndexFile(file(INDEX_FILES.keyword), JSON.stringify(contents.keyword.header)),
      typeof contents.keyword.postings === 'string'
        ? moveFile(contents.keyword.postings, file(INDEX_FILES.keywordPostings))
        : writeFile(file(INDEX_FILES.keywordPostings), contents.keyword.postings),
    );
    work.push(graph);
    // every write settled before any failure is acted on: cleaning up while another write is still
    // creating its file would leave the folder behind (a full disk fails one write, not all)
    await settleAll(work);
    // index/README.md is tracked by git: carry it into the new folder
    if (!inside) {
      await copyFile(join(indexDir, 'README.md'), file('README.md')).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    }
    // Every file on disk before the manifest says the folder is complete, and the manifest on disk
    // before the folder is swapped in: a power cut leaves the old index or the whole new one.
    for (const f of await readdir(tmp)) await syncPath(file(f));
    const manifestFile = await open(file(INDEX_FILES.manifest), 'w');
    try {
      await manifestFile.writeFile(JSON.stringify(manifest, null, 2) + '\n');
      await manifestFile.sync();
    } finally {
      await manifestFile.close();
    }
    await syncPath(tmp);

    if (inside) {
      // the rename marks the build complete: from here recovery finishes it instead of removing it
      const swap = join(indexDir, `${SWAP}${id}`);
      await writeFile(join(tmp, SWAP_LIST), JSON.stringify(await readdir(tmp)));
      await syncPath(join(tmp, SWAP_LIST));
      await rename(tmp, swap);
      await finishSwapInside(indexDir, swap);
    } else {
      const old = `${indexDir}${OLD}${id}`;
      await rename(indexDir, old).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      await rename(tmp, indexDir).catch(async (e: unknown) => {
        await rename(old, indexDir).catch(() => {}); // put the old index back at once
        throw e;
      });
      await syncPath(dirname(indexDir));
      await rm(old, { recursive: true, force: true });
    }
  } catch (error) {
    // a failed build leaves nothing behind, least of all on a full disk
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw writeProblem(error, indexDir);
  }
  return manifest;
}
