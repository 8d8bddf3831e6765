// The corpus folder as files: which files ingest reads, and each one's content hash. Light on
// purpose: the server judges whether its index is stale with these, without loading the readers.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** sha256 of a file, read as a stream (a file over the size limit still has a hash). */
export function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
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
