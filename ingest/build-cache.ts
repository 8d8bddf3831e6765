// What one build leaves for the next, so that a changed file costs about itself: each file's
// parse (keyed by its bytes, its name, the date statuses are judged on and the parsing code
// itself) and each passage's tokens (keyed by its text and the policy dictionary). It lives
// beside the index folder (.<index>-cache), never inside it: the server never reads it, and
// deleting it only makes the next build slower.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packParse, unpackParse, type PackedParse, type ParsedFile } from './parse-corpus.ts';

/** The cache folder of an index folder. */
export function buildCacheDir(indexDir: string): string {
  return join(dirname(indexDir), `.${basename(indexDir)}-cache`);
}

let codeStamp: string | null = null;
/** A hash of the ingest code (every .ts under ingest/): a parse made by other code is not reused. */
function ingestCodeStamp(): string {
  if (codeStamp !== null) return codeStamp;
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts')) hash.update(e.name).update(readFileSync(path));
    }
  };
  walk(dirname(fileURLToPath(import.meta.url)));
  return (codeStamp = hash.digest('hex'));
}

// Parses are kept as UTF-16: most of their text is Chinese, which takes 3 bytes in UTF-8 and 2
// here, and is read back without decoding (a rebuild reads every file's parse: 0.4 s of UTF-8
// decoding on the laws corpus).
const CACHE_ENCODING = 'utf16le';

/** Parsed files by what they were parsed from; entries this build did not use are removed by prune(). */
export class ParseCache {
  private readonly dir: string;
  private readonly used = new Set<string>();

  constructor(cacheDir: string) {
    this.dir = join(cacheDir, 'parsed');
  }

  key(parts: unknown[]): string {
    return createHash('sha256').update(JSON.stringify([ingestCodeStamp(), ...parts])).digest('hex').slice(0, 40);
  }

  private readonly found = new Set<string>();

  /**
   * A file's kept parse. Read synchronously: a rebuild reads every file's, and fs.promises costs
   * this thread more per file than the read (the laws' 1,417: 135–312 ms against 37–181 ms).
   */
  async get(key: string): Promise<ParsedFile | null> {
    this.used.add(key);
    try {
      const parsed = unpackParse(JSON.parse(readFileSync(join(this.dir, `${key}.json`)).toString(CACHE_ENCODING)) as PackedParse);
      this.found.add(key);
      return parsed;
    } catch {
      return null;
    }
  }

  /** Whether get() found this entry. */
  has(key: string): boolean {
    return this.found.has(key);
  }

  /** Stores a parse as it came from the reader, before linking changes its documents. */
  async set(key: string, parsed: ParsedFile): Promise<void> {
    this.used.add(key);
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(join(this.dir, `${key}.json`), Buffer.from(JSON.stringify(packParse(parsed)), CACHE_ENCODING));
    } catch {
      // a cache that cannot be written only makes the next build slower
    }
  }

  async prune(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => !this.used.has(n.replace(/\.json$/, ''))).map((n) => rm(join(this.dir, n), { force: true }).catch(() => {})));
  }
}

/** Tokens of passages by their text's hash: `ids[offsets[i] .. offsets[i + 1])` index `terms`. */
export interface TokenTable {
  hashes: string[];
  offsets: Int32Array;
  ids: Int32Array;
  terms: string[];
}

const dictionaryStamp = (dictionary: readonly string[]) => createHash('sha256').update(dictionary.join('\n')).digest('hex');

/** The previous build's tokens, when it had the same dictionary (jieba's segmentation depends on it); else null. */
export async function readTokenTable(cacheDir: string, dictionary: readonly string[]): Promise<TokenTable | null> {
  try {
    const head = JSON.parse(await readFile(join(cacheDir, 'tokens.json'), 'utf8')) as { dictionary: string; hashes: string[]; terms: string[] };
    if (head.dictionary !== dictionaryStamp(dictionary)) return null;
    const bytes = await readFile(join(cacheDir, 'tokens.bin'));
    const all = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const offsets = all.subarray(0, head.hashes.length + 1);
    const ids = all.subarray(head.hashes.length + 1);
    if (offsets[head.hashes.length] !== ids.length) return null;
    return { hashes: head.hashes, offsets, ids, terms: head.terms };
  } catch {
    return null;
  }
}

export async function writeTokenTable(cacheDir: string, dictionary: readonly string[], table: TokenTable): Promise<void> {
  try {
    await mkdir(cacheDir, { recursive: true });
    // the offsets, then the ids: written one after the other, not copied into one array first
    // (a million passages' tokens are 250 MB)
    const bytes = (a: Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    await writeFile(join(cacheDir, 'tokens.bin'), [bytes(table.offsets), bytes(table.ids)]);
    await writeFile(join(cacheDir, 'tokens.json'), JSON.stringify({ dictionary: dictionaryStamp(dictionary), hashes: table.hashes, terms: table.terms }));
  } catch {
    // a cache that cannot be written only makes the next build slower
  }
}

const SPOOL = /\.(\d+)\.spool$/;

const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Where a build writes an index file ahead of the others (writeIndex moves it in): its bytes need
 * not be held until the write. Named by process, so two builds never share one.
 */
export function spoolPath(cacheDir: string, name: string): string {
  return join(cacheDir, `${name}.${process.pid}.spool`);
}

/** Removes what builds that failed or were stopped left spooled (a build still running keeps its own). */
export async function removeSpooled(cacheDir: string): Promise<void> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  const left = names.filter((n) => {
    const pid = SPOOL.exec(n)?.[1];
    return pid !== undefined && (Number(pid) === process.pid || !running(Number(pid)));
  });
  await Promise.all(left.map((n) => rm(join(cacheDir, n), { force: true }).catch(() => {})));
}
