// index/ -> everything search needs, in memory. Refuses an index this version cannot read, or
// one whose vectors came from another model than the one it would embed queries with.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { createChineseTokenizer, type ChineseTokenizer } from '../ingest/chinese-tokenizer.ts';
import { ModelLoadError } from '../ingest/embedders/bge-embedder.ts';
import { BuiltinEmbedder, type BuiltinEmbedderJSON } from '../ingest/embedders/builtin-embedder.ts';
import { KeywordIndex, type KeywordIndexJSON } from '../ingest/keyword-index.ts';
import type { Clause, Embedder, Passage, PolicyDocument } from '../ingest/types.ts';
import { VectorIndex } from '../ingest/vector-index.ts';
import { createWorkerEmbedder } from './worker-embedder.ts';
import { INDEX_FILES, INDEX_FORMAT_VERSION, recoverIndex, type IndexManifest } from '../ingest/write-index.ts';

const errors = {
  INDEX_MISSING: 'There is no index in %s. Build it with `npm run ingest`.',
  INDEX_FORMAT: 'The index in %s has format version %s; this version reads %d. Rebuild it with `npm run ingest`.',
  INDEX_EMBEDDER: 'The index in %s was built with the embedder %s; %s Rebuild it with `npm run ingest`, or load the model it was built with.',
  INDEX_CORRUPT: 'The index in %s cannot be read: %s. Rebuild it with `npm run ingest`.',
} as const;
export type IndexErrorCode = keyof typeof errors;

export class IndexLoadError extends Error {
  readonly code: IndexErrorCode;

  constructor(code: IndexErrorCode, args: (string | number)[], options?: { cause?: unknown }) {
    super(format(errors[code], ...args), options);
    this.name = 'IndexLoadError';
    this.code = code;
  }
}

export interface LoadedIndex {
  dir: string;
  manifest: IndexManifest;
  documents: PolicyDocument[];
  documentsById: Map<string, PolicyDocument>;
  clausesById: Map<string, Clause>;
  passages: Passage[];
  tokenizer: ChineseTokenizer;
  keyword: KeywordIndex;
  vectors: VectorIndex;
  embedder: Embedder;
  /** Set when the query embedder cannot run: search then answers from keywords, and says why. */
  embedderProblem: string | null;
}

export interface LoadIndexOptions {
  /** Model folder for an index built with bge-small-zh; default: MODEL_DIR. */
  modelDir?: string;
  /** An embedder to use instead of the one the manifest names (it must have made the index's vectors). */
  embedder?: Embedder;
}

export async function loadIndex(dir: string, options: LoadIndexOptions = {}): Promise<LoadedIndex> {
  const indexDir = resolve(dir);
  await recoverIndex(indexDir);
  const manifestPath = join(indexDir, INDEX_FILES.manifest);
  if (!existsSync(manifestPath)) throw new IndexLoadError('INDEX_MISSING', [indexDir]);

  const read = <T>(name: string): T => {
    try {
      return JSON.parse(readFileSync(join(indexDir, name), 'utf8')) as T;
    } catch (error) {
      throw new IndexLoadError('INDEX_CORRUPT', [indexDir, `${name}: ${(error as Error).message}`], { cause: error });
    }
  };
  const manifest = read<IndexManifest>(INDEX_FILES.manifest);
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) {
    throw new IndexLoadError('INDEX_FORMAT', [indexDir, String(manifest.formatVersion), INDEX_FORMAT_VERSION]);
  }
  const documents = read<PolicyDocument[]>(INDEX_FILES.documents);
  const passages = read<Passage[]>(INDEX_FILES.passages);
  if (passages.length !== manifest.counts.passages || documents.length !== manifest.counts.documents) {
    throw new IndexLoadError('INDEX_CORRUPT', [indexDir, 'document or passage counts differ from the manifest']);
  }

  // jieba's dictionary must hold the same terms at query time as at build time.
  const tokenizer = createChineseTokenizer({ dictionary: read<string[]>(INDEX_FILES.dictionary) });
  let keyword: KeywordIndex;
  let vectors: VectorIndex;
  try {
    keyword = KeywordIndex.fromJSON(read<KeywordIndexJSON>(INDEX_FILES.keyword), tokenizer);
    vectors = VectorIndex.load(indexDir, manifest.embedder.dims, passages.length);
  } catch (error) {
    if (error instanceof IndexLoadError) throw error;
    throw new IndexLoadError('INDEX_CORRUPT', [indexDir, (error as Error).message], { cause: error });
  }

  const built = `${manifest.embedder.id} (${manifest.embedder.kind}, ${manifest.embedder.dims}-d)`;
  let embedder: Embedder;
  let embedderProblem: string | null = null;
  if (options.embedder) {
    embedder = options.embedder;
  } else if (manifest.embedder.kind === 'builtin') {
    embedder = BuiltinEmbedder.fromJSON(read<BuiltinEmbedderJSON>(INDEX_FILES.builtinEmbedder), tokenizer);
  } else if (manifest.embedder.kind === 'transformers') {
    // Queries are embedded in a worker thread, so a slow embedding never stalls the server.
    embedder = createWorkerEmbedder(manifest.embedder, { modelDir: options.modelDir });
  } else {
    throw new IndexLoadError('INDEX_EMBEDDER', [indexDir, built, 'this version knows no such embedder.']);
  }
  if (embedder.info.id !== manifest.embedder.id || embedder.info.dims !== manifest.embedder.dims) {
    throw new IndexLoadError('INDEX_EMBEDDER', [indexDir, built, `the embedder at hand is ${embedder.info.id} (${embedder.info.dims}-d).`]);
  }
  try {
    const fingerprint = await embedder.fingerprint();
    if (fingerprint !== manifest.embedder.fingerprint) {
      throw new IndexLoadError('INDEX_EMBEDDER', [
        indexDir,
        `${built}, weights ${manifest.embedder.fingerprint}`,
        `the model found now has weights ${fingerprint}, whose vectors would not match the index's.`,
      ]);
    }
  } catch (error) {
    // A model that cannot be loaded right now is not a reason to refuse to serve: keyword search
    // still works, and every response says it is degraded.
    if (!(error instanceof ModelLoadError)) throw error;
    embedderProblem = error.message;
  }

  const documentsById = new Map(documents.map((d) => [d.id, d]));
  const clausesById = new Map(documents.flatMap((d) => d.clauses.map((c) => [c.id, c] as const)));
  return { dir: indexDir, manifest, documents, documentsById, clausesById, passages, tokenizer, keyword, vectors, embedder, embedderProblem };
}
