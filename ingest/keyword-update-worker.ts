// Brings the previous build's keyword index up to date on a second thread for build-index.ts,
// while the first writes the documents: the kept passages' postings renumbered, the new passages'
// tokens (made by the first thread's jieba) merged in, and the postings written ahead into the
// build cache. The same KeywordIndex.update the first thread would run, on the same tokens.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { DEFAULT_KEYWORD_PARAMS, KeywordIndex, type KeywordIndexHeader } from './keyword-index.ts';
import { INDEX_FILES, readIndexFileSync, readIndexJsonSync } from './write-index.ts';

export interface KeywordUpdateRequest {
  indexDir: string;
  /** Passages of the previous index (its manifest's count). */
  previousCount: number;
  /** For each new passage, the previous passage it takes over (-1: none), as KeywordIndex.update takes it. */
  from: Int32Array;
  /** The passages that are new: their position, text and tokens. */
  fresh: { at: number; text: string; tokens: string[] }[];
  /** Where the postings are written (writeIndex moves them in). */
  spool: string;
}
/** The new index's header, its postings in `spool`; null where the previous index cannot be updated. */
export type KeywordUpdateReply = { header: KeywordIndexHeader } | { header: null; why: string };

parentPort!.on('message', async (request: KeywordUpdateRequest) => {
  let reply: KeywordUpdateReply;
  try {
    reply = await updateKeywordIndex(request);
  } catch (error) {
    reply = { header: null, why: (error as Error)?.message ?? String(error) };
  }
  parentPort!.postMessage(reply);
});

async function updateKeywordIndex({ indexDir, previousCount, from, fresh, spool }: KeywordUpdateRequest): Promise<KeywordUpdateReply> {
  const header = readIndexJsonSync<KeywordIndexHeader>(join(indexDir, INDEX_FILES.keyword));
  if (JSON.stringify(header.params) !== JSON.stringify(DEFAULT_KEYWORD_PARAMS)) return { header: null, why: 'other parameters' };
  const tokensOf = new Map(fresh.map((f) => [f.text, f.tokens]));
  const tokenizer = {
    tokenize(text: string): string[] {
      const tokens = tokensOf.get(text);
      if (tokens === undefined) throw new Error('a passage without its tokens');
      return [...tokens];
    },
  };
  const previous = KeywordIndex.deserialize(header, readIndexFileSync(join(indexDir, INDEX_FILES.keywordPostings)), tokenizer);
  if (previous.count !== previousCount) return { header: null, why: 'another passage count' };
  const texts = new Array<string>(from.length);
  for (const f of fresh) texts[f.at] = f.text;
  const updated = previous.update(from, texts, tokenizer);
  if (updated === null) return { header: null, why: 'passages out of order' };
  const files = updated.serializeInChunks();
  await writeFile(spool, files.postings);
  return { header: files.header };
}
