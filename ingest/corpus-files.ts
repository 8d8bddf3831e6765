// The corpus folder as files: which files ingest reads, and each one's content hash. Light on
// purpose: the server judges whether its index is stale with these, without loading the readers.
import { createHash } from 'node:crypto';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

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
