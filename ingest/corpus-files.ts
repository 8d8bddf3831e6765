// The corpus folder as files: which files ingest reads, and each one's content hash. Light on
// purpose: the server judges whether its index is stale with these, without loading the readers.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** How much of a file hashFile reads at a time: a whole policy file, a large PDF in pieces. */
const HASH_CHUNK = 1 << 20;

/**
 * sha256 of a file, read a megabyte at a time into one buffer of the file's size or less (a file
 * over the size limit still has a hash). A stream would allocate 64 KB twice per file: the server
 * hashes the whole corpus after it starts, and 1,417 laws left ~10 MB more resident that way.
 */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min((await file.stat()).size, HASH_CHUNK)));
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}


/** What a file's hash was taken from, and when. */
interface HashedFile {
  hash: string;
  size: number;
  ino: number;
  mtimeMs: number;
  ctimeMs: number;
  /** When the hash was taken (ms since the epoch). */
  at: number;
}

/**
 * A file whose last change was this close to when it was hashed is hashed again next time: a
 * second write within a coarse clock's grain (2 s on FAT) could leave the same times.
 */
const RACY_MS = 3000;

/**
 * File hashes remembered with the file's size, inode and times, as git's index does: a file whose
 * stat is what it was when it was hashed is not read again. Its change time (ctime) moves with
 * every write and cannot be set back by a program, so a file rewritten with the same size and an
 * old modification time (`touch -d`, `cp -p`) is still read. Kept in a file of the build cache; a
 * memo that cannot be read is an empty one, and only costs the reading.
 */
export class HashMemo {
  private readonly now: Record<string, HashedFile> = {};
  /** How many files hash() read (the others were known). */
  read = 0;

  private constructor(
    private readonly file: string,
    private readonly before: Record<string, HashedFile>,
    private readonly racyMs: number,
  ) {}

  static async open(file: string, racyMs = RACY_MS): Promise<HashMemo> {
    let before: Record<string, HashedFile> = {};
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) before = parsed as Record<string, HashedFile>;
    } catch {
      // none yet, or unreadable: every file is hashed
    }
    return new HashMemo(file, before, racyMs);
  }

  /**
   * The sha256 of the file at `path`, remembered under `name`. The stat is synchronous: a rebuild
   * asks it of every file, and a promise's round trip through the thread pool cost this thread
   * more than the call (1,417 files: 6–65 ms async against 8–19 ms, measured with nothing else).
   */
  async hash(path: string, name: string): Promise<string> {
    const { size, ino, mtimeMs, ctimeMs } = statSync(path);
    const known = this.before[name];
    if (
      known !== undefined &&
      typeof known.hash === 'string' &&
      known.size === size &&
      known.ino === ino &&
      known.mtimeMs === mtimeMs &&
      known.ctimeMs === ctimeMs &&
      known.at - Math.max(mtimeMs, ctimeMs) > this.racyMs
    ) {
      this.now[name] = known;
      return known.hash;
    }
    const at = Date.now();
    const hash = await hashFile(path);
    this.read++;
    this.now[name] = { hash, size, ino, mtimeMs, ctimeMs, at };
    return hash;
  }

  /** Writes the files hashed or confirmed since open() (others are forgotten), whole or not at all. */
  async save(): Promise<void> {
    try {
      await mkdir(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(this.now));
      await rename(temporary, this.file);
    } catch {
      // a memo that cannot be written only makes the next build read every file
    }
  }
}

/** A problem with the corpus folder or the ingest settings, said in one line. */
export class CorpusError extends Error {
  override name = 'CorpusError';
}

/**
 * The files ingest reads: regular files (or links to one) directly in the folder, except hidden
 * ones and the folder's README.md; and the other entries with the reason each is left out.
 */
export async function listCorpusEntries(dir: string): Promise<{ files: string[]; ignored: string[] }> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CorpusError(`There is no corpus folder ${dir}. Put the policy files there, or set CORPUS_DIR.`);
    if (code === 'ENOTDIR') throw new CorpusError(`The corpus ${dir} is a file, not a folder.`);
    if (code === 'EACCES' || code === 'EPERM') throw new CorpusError(`The corpus folder ${dir} cannot be read (permission denied).`);
    throw error;
  }
  const files: string[] = [];
  const ignored: string[] = [];
  for (const e of entries) {
    if (e.name === 'README.md') continue;
    if (e.name.startsWith('.')) {
      ignored.push(`${e.name}: a hidden file, not read`);
      continue;
    }
    let isFile = e.isFile();
    let isDirectory = e.isDirectory();
    if (e.isSymbolicLink()) {
      const target = await stat(join(dir, e.name)).catch(() => null);
      if (target === null) {
        ignored.push(`${e.name}: a link to nothing, not read`);
        continue;
      }
      isFile = target.isFile();
      isDirectory = target.isDirectory();
    }
    if (isFile) files.push(e.name);
    else if (isDirectory) ignored.push(`${e.name}: a folder; ingest reads only the files directly in the corpus folder`);
    else ignored.push(`${e.name}: not a regular file (a pipe, socket or device), not read`);
  }
  return { files: files.sort(), ignored: ignored.sort() };
}

export async function listCorpusFiles(dir: string): Promise<string[]> {
  return (await listCorpusEntries(dir)).files;
}
