// The only stage that writes files. The index is written to a temporary folder beside the
// served one and renamed into place, so a failed build never destroys the index being served.
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Passage, PolicyDocument } from './types.ts';

export const INDEX_FORMAT_VERSION = 1;

export interface IndexManifest {
  formatVersion: number;
  builtAt: string;
  counts: { documents: number; clauses: number; passages: number; files: number; skippedFiles: number };
  sources: string[];
}

export async function writeIndex(indexDir: string, corpus: { documents: PolicyDocument[]; passages: Passage[]; sources: string[]; skipped: number }): Promise<IndexManifest> {
  const manifest: IndexManifest = {
    formatVersion: INDEX_FORMAT_VERSION,
    builtAt: new Date().toISOString(),
    counts: {
      documents: corpus.documents.length,
      clauses: corpus.documents.reduce((n, d) => n + d.clauses.length, 0),
      passages: corpus.passages.length,
      files: corpus.sources.length,
      skippedFiles: corpus.skipped,
    },
    sources: corpus.sources,
  };
  await mkdir(dirname(indexDir), { recursive: true });
  const tmp = `${indexDir}.tmp-${process.pid}`;
  const old = `${indexDir}.old-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, 'documents.json'), JSON.stringify(corpus.documents));
  await writeFile(join(tmp, 'passages.json'), JSON.stringify(corpus.passages));
  // index/README.md is tracked by git: carry it into the new folder
  await copyFile(join(indexDir, 'README.md'), join(tmp, 'README.md')).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  // the manifest last: a folder without one is never a complete index
  await writeFile(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2));
  await rename(indexDir, old).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  await rename(tmp, indexDir);
  await rm(old, { recursive: true, force: true });
  return manifest;
}
