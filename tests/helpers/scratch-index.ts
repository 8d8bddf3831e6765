// A small corpus written to a scratch folder and indexed with the built-in embedder, as a user's
// corpus/ would be: for tests that search a few real or made-up documents.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildIndex } from '../../ingest/build-index.ts';
import { loadIndex, type EmbeddedIndex } from '../../server/load-index.ts';

export interface ScratchIndex {
  index: EmbeddedIndex;
  /** Removes the folder, corpus and index. */
  remove(): Promise<void>;
}

/** Writes each file (name -> text) and builds and loads their index. */
export async function scratchIndex(files: Record<string, string>, prefix = 'scratch-'): Promise<ScratchIndex> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  await buildIndex({ corpusDir: dir, indexDir: path.join(dir, 'index'), embedder: 'builtin', warn: () => {} });
  return { index: await loadIndex(path.join(dir, 'index')), remove: () => rm(dir, { recursive: true, force: true }) };
}
