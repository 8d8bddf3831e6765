// Every file of corpus/ -> documents and passages. A file that cannot be read is named in a
// warning and skipped; the rest still ingests.
//
// Each file is read and parsed on a worker thread with its own limits: a file that runs past its
// time or memory is stopped by ending the thread, named with the limit it broke, and skipped; a
// fresh thread reads the next file. Limits on size, zip contents, PDF pages and HTML elements are
// checked by the reader itself, before it does the work they bound.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ParseCache } from './build-cache.ts';
import { CorpusError, hashFile, HashMemo, listCorpusEntries, listCorpusFiles } from './corpus-files.ts';
import { linkDocuments } from './link-documents.ts';
import { assignStems, parseFile, shareStrings, shareTexts, type ParsedFile } from './parse-corpus.ts';
import type { ParseReply, ParseRequest } from './parse-worker.ts';
import { DEFAULT_READ_LIMITS, ReadError, SUPPORTED_EXTENSIONS, setReadOptions, type ReadLimits, type ReadProgress } from './read-file.ts';
import { attachmentsByName } from './readers/attachments.ts';
import type { Passage, PolicyDocument } from './types.ts';

export { CorpusError, hashFile, listCorpusEntries, listCorpusFiles };

export interface CorpusFileReport {
  source: string;
  ok: boolean;
  warnings: string[];
  /** sha256 of the file's bytes: what decides whether the index is stale. */
  hash?: string;
}

/** What one file may cost: the reader's limits, and time and memory for reading and parsing it. */
export interface FileLimits extends ReadLimits {
  maxSeconds: number;
  maxMemoryMb: number;
}

const MB = 1024 * 1024;

export const DEFAULT_FILE_LIMITS: Readonly<FileLimits> = Object.freeze({ ...DEFAULT_READ_LIMITS, maxSeconds: 60, maxMemoryMb: 640 });

/** Limits from MAX_FILE_MB, MAX_UNZIPPED_MB, MAX_ZIP_ENTRIES, MAX_PDF_PAGES, MAX_HTML_ELEMENTS, MAX_FILE_SECONDS, MAX_FILE_MEMORY_MB, MAX_OCR_MEMORY_MB. */
export function fileLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): FileLimits {
  const read = (name: string, fallback: number, scale = 1): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || !(value > 0)) throw new CorpusError(`${name} must be a positive number; got "${raw}".`);
    return Math.round(value * scale);
  };
  const d = DEFAULT_FILE_LIMITS;
  return {
    maxBytes: read('MAX_FILE_MB', d.maxBytes, MB),
    maxUnzippedBytes: read('MAX_UNZIPPED_MB', d.maxUnzippedBytes, MB),
    maxZipEntries: read('MAX_ZIP_ENTRIES', d.maxZipEntries),
    maxPdfPages: read('MAX_PDF_PAGES', d.maxPdfPages),
    maxHtmlElements: read('MAX_HTML_ELEMENTS', d.maxHtmlElements),
    maxSeconds: read('MAX_FILE_SECONDS', d.maxSeconds),
    maxMemoryMb: read('MAX_FILE_MEMORY_MB', d.maxMemoryMb),
    maxOcrMemoryMb: read('MAX_OCR_MEMORY_MB', d.maxOcrMemoryMb),
  };
}

/** OCR of scanned PDF pages: on unless OCR is off, 0, false or no (`npm run ingest -- --no-ocr` sets it). */
export function ocrFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return !/^(off|0|false|no)$/i.test(env.OCR?.trim() ?? '');
}

const progressListeners = new Set<(progress: ReadProgress) => void>();

/** Progress of long reads (OCR page by page) in this process, for a progress bar; returns the way to stop listening. */
export function watchReadProgress(listener: (progress: ReadProgress) => void): () => void {
  progressListeners.add(listener);
  return () => progressListeners.delete(listener);
}

/** A file that broke its time or memory limit. */
class FileLimitError extends Error {}
/** An error whose message names the file already. */
class NamedError extends Error {}

/**
 * Parses files on one worker thread at a time. The thread is started when first needed and again
 * after one was ended for breaking a limit.
 */
class ParseWorker {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private next = 0;
  private waiting: { id: number; resolve: (reply: ParseReply) => void; reject: (error: Error) => void; alive: () => void } | null = null;

  constructor(
    private readonly limits: FileLimits,
    private readonly ocr: boolean,
  ) {}

  private start(): Promise<void> {
    // The worker is TypeScript like the rest of ingest: it registers tsx, then loads it.
    const entry = new URL('./parse-worker.ts', import.meta.url).href;
    const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(bootstrap, {
      eval: true,
      workerData: { limits: this.limits, ocr: this.ocr },
      // the V8 heap of the thread; buffers outside it are watched through the process's RSS
      resourceLimits: { maxOldGenerationSizeMb: this.limits.maxMemoryMb, maxYoungGenerationSizeMb: 32 },
      stdout: false,
      stderr: false,
    });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: ParseReply) => {
        if (reply.id === -1) return resolve();
        if ('progress' in reply) {
          if (this.waiting?.id === reply.id) this.waiting.alive();
          for (const listener of progressListeners) listener(reply.progress);
          return;
        }
        if (this.waiting?.id === reply.id) {
          const { resolve: done } = this.waiting;
          this.waiting = null;
          done(reply);
        }
      });
      const fail = (error: Error) => {
        reject(error);
        if (this.worker === worker) this.worker = null;
        const waiting = this.waiting;
        this.waiting = null;
        waiting?.reject(error);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`the reader thread ended (exit code ${code})`)));
    });
    return this.ready;
  }

  /** Starts the thread ahead of the first parse, so its start overlaps other work. */
  warm(): void {
    if (this.worker === null) this.start().catch(() => {}); // a failed start is met again by parse()
  }

  async parse(request: Omit<ParseRequest, 'id'>): Promise<ParseReply> {
    if (this.worker === null) await this.start();
    else await this.ready;
    const worker = this.worker!;
    const id = this.next++;
    const { maxSeconds, maxMemoryMb } = this.limits;
    const baseline = process.memoryUsage.rss();
    let timer: NodeJS.Timeout | undefined;
    let watch: NodeJS.Timeout | undefined;
    try {
      return await new Promise<ParseReply>((resolve, reject) => {
        const stop = (why: string) => {
          this.waiting = null;
          this.worker = null;
          void worker.terminate();
          reject(new FileLimitError(why));
        };
        const startClock = () => {
          clearTimeout(timer);
          timer = setTimeout(() => stop(`it took longer than ${maxSeconds} s, the limit set by MAX_FILE_SECONDS`), maxSeconds * 1000);
        };
        // A scanned PDF is read page by page: each recognized page starts the clock again, so
        // MAX_FILE_SECONDS bounds a page's OCR, and a stalled read is still stopped.
        this.waiting = { id, resolve, reject, alive: startClock };
        startClock();
        watch = setInterval(() => {
          const grown = process.memoryUsage.rss() - baseline;
          if (grown > maxMemoryMb * MB) stop(`it needed more than ${maxMemoryMb} MB of memory, the limit set by MAX_FILE_MEMORY_MB`);
        }, 50);
        worker.postMessage({ ...request, id } satisfies ParseRequest);
      });
    } catch (error) {
      if (error instanceof FileLimitError) throw error;
      // The heap limit ends the thread with ERR_WORKER_OUT_OF_MEMORY.
      this.worker = null;
      if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        throw new FileLimitError(`it needed more than ${maxMemoryMb} MB of memory, the limit set by MAX_FILE_MEMORY_MB`);
      }
      throw error;
    } finally {
      clearTimeout(timer);
      clearInterval(watch);
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}

/** Files whose hash and cached parse are looked up ahead of the one being read, at most at once. */
const LOOKAHEAD = 16;
/**
 * Files looked up ahead while the reader thread reads one: a rebuild after one changed file would
 * otherwise wait idle for the thread to start (a second on the laws), then read the others'
 * cached parses.
 */
const LOOKAHEAD_WHILE_READING = 4096;

interface Lookup {
  hash: string | undefined;
  /** The file's key in the parse cache (null without a cache or a hash). */
  key: string | null;
  /** Its cached parse, when there is one. */
  parsed: ParsedFile | null;
}

/** Workers open in this process, ended by stopAllReaders (e.g. when ingest is interrupted). */
const openWorkers = new Set<ParseWorker>();

export async function stopAllReaders(): Promise<void> {
  await Promise.all([...openWorkers].map((w) => w.close()));
}

export interface LoadedCorpus {
  documents: PolicyDocument[];
  passages: Passage[];
  files: CorpusFileReport[];
  /** File names that would have given two documents one id, and the id each got instead. */
  collisions: string[];
  /** Entries of the corpus folder that are not read (subfolders, FIFOs, hidden files), and why. */
  ignored: string[];
}

export interface LoadCorpusOptions {
  today?: string;
  onFile?: (source: string, done: number, total: number) => void;
  /** Per-file limits; default: from the environment (fileLimitsFromEnv). */
  limits?: Partial<FileLimits>;
  /** Read on this thread, without time and memory limits (quick tools and tests of parsing only). */
  inProcess?: boolean;
  /** OCR of scanned PDF pages; default: from the environment (ocrFromEnv). */
  ocr?: boolean;
  /** Where parses are kept for the next load (build-cache.ts): a file read before, unchanged, is not parsed again. */
  cacheDir?: string;
}

export async function loadCorpus(dir: string, options: LoadCorpusOptions = {}): Promise<LoadedCorpus> {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const limits: FileLimits = { ...fileLimitsFromEnv(), ...options.limits };
  const { files: names, ignored } = await listCorpusEntries(dir);
  if (names.length === 0) {
    throw new CorpusError(`The corpus folder ${dir} has no files to ingest. Put policy texts there (${SUPPORTED_EXTENSIONS.join(', ')}).`);
  }
  const { stems, collisions } = assignStems(names);
  const out: LoadedCorpus = { documents: [], passages: [], files: [], collisions, ignored };
  const ocr = options.ocr ?? ocrFromEnv();
  if (options.inProcess) setReadOptions({ ocr, onProgress: (p) => progressListeners.forEach((listener) => listener(p)) });
  const cache = options.cacheDir === undefined ? null : new ParseCache(options.cacheDir);
  // a rebuild after one changed file reads that file, not every file, to find which changed
  const memo = options.cacheDir === undefined ? null : await HashMemo.open(join(options.cacheDir, 'hashes.json'));
  const hashOf = (name: string) => (memo === null ? hashFile(join(dir, name)) : memo.hash(join(dir, name), name));
  const worker = options.inProcess ? null : new ParseWorker(limits, ocr);
  if (worker) openWorkers.add(worker);
  // files published as a notice's attachments are read into its document (readers/attachments.ts)
  const attachmentsOf = attachmentsByName(names);
  const noticeOf = new Map([...attachmentsOf].flatMap(([notice, list]) => list.map((a) => [a, notice] as const)));
  const failedNotices = new Set<string>();
  // an attachment whose notice could not be read is read on its own, after the others
  const order = [...names.filter((n) => !noticeOf.has(n)), ...names.filter((n) => noticeOf.has(n))];
  // Each file's hash and cached parse are looked up ahead of the loop, a few at a time: a rebuild
  // after one changed file is mostly these lookups, and they wait on the disk, not the CPU. The
  // reader thread is started at the first file that must be parsed.
  const lookup = (name: string): Promise<Lookup> =>
    (async () => {
      const hash = await hashOf(name).catch(() => undefined);
      if (cache === null || hash === undefined || noticeOf.has(name)) return { hash, key: null, parsed: null };
      const attachments = attachmentsOf.get(name) ?? [];
      const key = cache.key([name, hash, today, stems.get(name) ?? null, ocr, await Promise.all(attachments.map(async (a) => [a, await hashOf(a).catch(() => null)]))]);
      const parsed = await cache.get(key);
      if (parsed === null) worker?.warm();
      return { hash, key, parsed };
    })();
  const ahead = new Map<string, Promise<Lookup>>();
  let next = 0;
  let inFlight = 0;
  let reading = false;
  const lookAhead = () => {
    const limit = reading ? LOOKAHEAD_WHILE_READING : LOOKAHEAD;
    for (; next < order.length && ahead.size < limit && inFlight < LOOKAHEAD; next++) {
      inFlight++;
      ahead.set(
        order[next]!,
        lookup(order[next]!).finally(() => {
          inFlight--;
          if (reading) lookAhead();
        }),
      );
    }
  };
  const commonStrings = new Map<string, string>();
  const commonPaths = new Map<string, string[]>();
  let done = 0;
  try {
    for (const name of order) {
      options.onFile?.(name, done, names.length);
      const path = join(dir, name);
      lookAhead();
      const found = await ahead.get(name)!;
      ahead.delete(name);
      const hash = found.hash;
      const notice = noticeOf.get(name);
      if (notice !== undefined && !failedNotices.has(notice)) {
        out.files.push({ source: name, ok: true, warnings: [`read as an attachment of ${notice}`], ...(hash ? { hash } : {}) });
        done++;
        continue;
      }
      const attachments = (attachmentsOf.get(name) ?? []).map((source) => ({ path: join(dir, source), source }));
      try {
        // an attachment whose notice failed is read on its own, with a key of its own
        const { key, parsed: cached } =
          notice === undefined || cache === null || hash === undefined
            ? found
            : { key: cache.key([name, hash, today, stems.get(name) ?? null, ocr, []]), parsed: null };
        let parsed: ParsedFile | null = cached ?? (key === null || notice === undefined ? null : await cache!.get(key));
        if (parsed !== null) {
          // read before, from the same bytes, by the same code
        } else if (worker === null) {
          parsed = await parseFile(path, name, today, stems.get(name), attachments);
        } else {
          const parsing = worker.parse({ path, source: name, today, stem: stems.get(name), attachments });
          reading = true;
          lookAhead();
          const reply = await parsing.finally(() => (reading = false));
          if ('progress' in reply) throw new NamedError(`${name}: no answer from the reader`);
          if (!reply.ok) throw new NamedError(reply.message);
          if (!('parsed' in reply)) throw new NamedError(`${name}: no answer from the reader`);
          parsed = shareTexts(reply.parsed);
        }
        if (key !== null && !cache!.has(key)) await cache!.set(key, parsed);
        shareStrings(parsed, commonStrings, commonPaths);
        // a loop, not push(...list): a file of a hundred thousand passages would overflow the stack
        for (const d of parsed.documents) out.documents.push(d);
        for (const p of parsed.passages) out.passages.push(p);
        out.files.push({ source: name, ok: true, warnings: parsed.warnings, ...(hash ? { hash } : {}) });
      } catch (error) {
        // One broken file must not stop the others; the reader's errors name the file already.
        const message =
          error instanceof FileLimitError
            ? `${name} was skipped: ${error.message}`
            : error instanceof ReadError || error instanceof NamedError
              ? error.message
              : `${name}: ${(error as Error).message}`;
        out.files.push({ source: name, ok: false, warnings: [`skipped: ${message}`], ...(hash ? { hash } : {}) });
        if (attachments.length > 0) failedNotices.add(name);
      }
      done++;
    }
  } finally {
    await Promise.allSettled(ahead.values());
    if (worker) {
      openWorkers.delete(worker);
      await worker.close();
    }
  }
  await Promise.all([cache?.prune(), memo?.save()]);
  options.onFile?.('', done, names.length);
  // links between documents need the whole corpus: after every file is read
  linkDocuments(out.documents);
  return out;
}
