// Whether an index still matches its corpus. Light on purpose: the server asks at start, and this
// loads neither the file readers nor the embedding models that a build needs.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hashFile, listCorpusFiles } from './corpus-files.ts';
import { INDEX_FILES, INDEX_FORMAT_VERSION, SEGMENTATION_VERSION, TOKENIZER_ID, recoverIndex, type IndexManifest } from './write-index.ts';

/**
 * Why the index must be built again (missing, unreadable, of another format, a file added, removed
 * or changed since it was built), or null. Changes are judged by the files' content hashes, so a
 * copy that keeps modification times (cp -p, rsync -a) is still seen.
 */
export async function indexIsStale(corpusDir: string, indexDir: string): Promise<string | null> {
  await recoverIndex(indexDir);
  if (!existsSync(join(indexDir, INDEX_FILES.manifest))) return 'there is no index yet';
  let manifest: IndexManifest;
  try {
    manifest = JSON.parse(await readFile(join(indexDir, INDEX_FILES.manifest), 'utf8')) as IndexManifest;
  } catch {
    return 'the index manifest cannot be read';
  }
  return manifestStaleness(corpusDir, manifest);
}

/** Why a build with this manifest no longer matches the corpus (as indexIsStale), or null. */
export async function manifestStaleness(corpusDir: string, manifest: IndexManifest): Promise<string | null> {
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) return `the index has format ${manifest.formatVersion}, this version writes ${INDEX_FORMAT_VERSION}`;
  const segmented = manifest.segmentationVersion ?? 1;
  if (segmented !== SEGMENTATION_VERSION) return `the index was segmented into clauses by version ${segmented} of the segmentation, this version segments by ${SEGMENTATION_VERSION}`;
  if (manifest.tokenizer.id !== TOKENIZER_ID) return `the index was tokenized by "${manifest.tokenizer.id}", this version tokenizes by "${TOKENIZER_ID}"`;
  const files = await listCorpusFiles(corpusDir);
  const indexed = new Set([...manifest.sources, ...manifest.skippedSources]);
  const added = files.filter((f) => !indexed.has(f));
  if (added.length > 0) return `${added[0]} is new in the corpus`;
  const removed = [...indexed].filter((f) => !files.includes(f));
  if (removed.length > 0) return `${removed[0]} was removed from the corpus`;
  if (manifest.sourceHashes === undefined) {
    // an index from before content hashes: modification times are all it has
    const builtAt = Date.parse(manifest.builtAt);
    for (const f of files) {
      if ((await stat(join(corpusDir, f))).mtimeMs > builtAt) return `${f} changed after the index was built`;
    }
    return null;
  }
  for (const f of files) {
    if ((await hashFile(join(corpusDir, f))) !== manifest.sourceHashes[f]) return `${f} changed after the index was built`;
  }
  return null;
}
