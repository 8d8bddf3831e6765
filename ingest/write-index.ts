// The only stage that writes files. The index is written to a temporary folder beside the
// served one and renamed into place, so a failed or killed build never destroys the index being
// served: until the last rename the old folder is untouched, and the manifest is written last.
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { BuiltinEmbedderJSON } from './embedders/builtin-embedder.ts';
import type { KeywordIndex } from './keyword-index.ts';
import type { EmbedderInfo, Passage, PolicyDocument } from './types.ts';
import type { VectorIndex } from './vector-index.ts';

/** Bumped whenever a file's layout changes; a server refuses an index of another version. */
export const INDEX_FORMAT_VERSION = 2;

export const TOKENIZER_ID = 'jieba-wasm-2 search mode + policy dictionary + CJK bigrams';

/** The files of an index folder (vectors.hnsw and vectors.json are named by VectorIndex). */
export const INDEX_FILES = {
  manifest: 'manifest.json',
  documents: 'documents.json',
  passages: 'passages.json',
  dictionary: 'dictionary.json',
  keyword: 'keyword-index.json',
  builtinEmbedder: 'builtin-embedder.json',
  /** Passage vectors, little-endian float32, passages x dims: the HNSW graph's input and the embedding cache. */
  vectors: 'vectors.f32',
  /** sha1 of the text each vector was made from, in passage order. */
  embeddingCache: 'embedding-cache.json',
} as const;

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
  keyword: KeywordIndex;
  vectorIndex: VectorIndex;
  vectors: Float32Array[];
  hashes: string[];
  builtin: BuiltinEmbedderJSON | null;
  seconds: number;
}

const TMP = '.tmp-';
const OLD = '.old-';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Cleans up after a build that died: removes its temporary folder, and if it died between its two
 * renames (the old index moved aside, the new one not yet in place) puts the old index back.
 */
export async function recoverIndex(indexDir: string): Promise<void> {
  const parent = dirname(indexDir);
  const name = basename(indexDir);
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  let indexExists = entries.includes(name);
  for (const entry of entries) {
    for (const kind of [TMP, OLD]) {
      if (!entry.startsWith(name + kind)) continue;
      const pid = Number(entry.slice(name.length + kind.length));
      if (!Number.isInteger(pid) || pidAlive(pid)) continue;
      if (kind === OLD && !indexExists) {
        await rename(join(parent, entry), indexDir);
        indexExists = true;
      } else {
        await rm(join(parent, entry), { recursive: true, force: true });
      }
    }
  }
}

export async function writeIndex(indexDir: string, contents: IndexContents): Promise<IndexManifest> {
  const { documents, passages, vectors } = contents;
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
  };
  await mkdir(dirname(indexDir), { recursive: true });
  const tmp = `${indexDir}${TMP}${process.pid}`;
  const old = `${indexDir}${OLD}${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });

  const dims = contents.embedder.dims;
  const matrix = new Float32Array(vectors.length * dims);
  vectors.forEach((v, i) => matrix.set(v, i * dims));
  const file = (name: string) => join(tmp, name);
  await writeFile(file(INDEX_FILES.documents), JSON.stringify(documents));
  await writeFile(file(INDEX_FILES.passages), JSON.stringify(passages));
  await writeFile(file(INDEX_FILES.dictionary), JSON.stringify(contents.dictionary));
  await writeFile(file(INDEX_FILES.keyword), JSON.stringify(contents.keyword.toJSON()));
  await writeFile(file(INDEX_FILES.vectors), new Uint8Array(matrix.buffer));
  await writeFile(file(INDEX_FILES.embeddingCache), JSON.stringify({ fingerprint: contents.embedder.fingerprint, hashes: contents.hashes }));
  if (contents.builtin) await writeFile(file(INDEX_FILES.builtinEmbedder), JSON.stringify(contents.builtin));
  contents.vectorIndex.save(tmp);
  // index/README.md is tracked by git: carry it into the new folder
  await copyFile(join(indexDir, 'README.md'), file('README.md')).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  // the manifest last: a folder without one is never a complete index
  await writeFile(file(INDEX_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');

  await rename(indexDir, old).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  await rename(tmp, indexDir);
  await rm(old, { recursive: true, force: true });
  return manifest;
}
