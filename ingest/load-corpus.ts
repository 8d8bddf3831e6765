// Every file of corpus/ -> documents and passages. A file that cannot be read is named in a
// warning and skipped; the rest still ingests.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { assignStems, parseFile } from './parse-corpus.ts';
import { ReadError } from './read-file.ts';
import type { Passage, PolicyDocument } from './types.ts';

export interface CorpusFileReport {
  source: string;
  ok: boolean;
  warnings: string[];
}

export interface LoadedCorpus {
  documents: PolicyDocument[];
  passages: Passage[];
  files: CorpusFileReport[];
  /** File names that would have given two documents one id, and the id each got instead. */
  collisions: string[];
}

export async function listCorpusFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && e.name !== 'README.md')
    .map((e) => e.name)
    .sort();
}

export async function loadCorpus(
  dir: string,
  options: { today?: string; onFile?: (source: string, done: number, total: number) => void } = {},
): Promise<LoadedCorpus> {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const names = await listCorpusFiles(dir);
  const { stems, collisions } = assignStems(names);
  const out: LoadedCorpus = { documents: [], passages: [], files: [], collisions };
  let done = 0;
  for (const name of names) {
    options.onFile?.(name, done, names.length);
    try {
      const parsed = await parseFile(join(dir, name), name, today, stems.get(name));
      out.documents.push(...parsed.documents);
      out.passages.push(...parsed.passages);
      out.files.push({ source: name, ok: true, warnings: parsed.warnings });
    } catch (error) {
      // One broken file must not stop the others; the reader's errors name the file already.
      const message = error instanceof ReadError ? error.message : `${name}: ${(error as Error).message}`;
      out.files.push({ source: name, ok: false, warnings: [`skipped: ${message}`] });
    }
    done++;
  }
  options.onFile?.('', done, names.length);
  return out;
}
