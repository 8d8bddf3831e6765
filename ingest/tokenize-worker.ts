// Tokenizes a share of the passages on a second thread for build-index.ts, with the same policy
// dictionary added to this thread's own jieba: term ids per passage, flat, and the terms they name.
import { parentPort, workerData } from 'node:worker_threads';
import { createChineseTokenizer } from './chinese-tokenizer.ts';

export interface TokenizeRequest {
  dictionary: string[];
  texts: string[];
}
export interface TokenizeReply {
  /** Passage i's tokens are ids[offsets[i] .. offsets[i + 1]), each an index into terms. */
  ids: Int32Array;
  offsets: Int32Array;
  terms: string[];
}

const { dictionary, texts } = workerData as TokenizeRequest;
const tokenizer = createChineseTokenizer({ dictionary });
const termIds = new Map<string, number>();
const terms: string[] = [];
const offsets = new Int32Array(texts.length + 1);
let ids = new Int32Array(1 << 16);
let at = 0;
texts.forEach((text, i) => {
  for (const t of tokenizer.tokenize(text)) {
    let id = termIds.get(t);
    if (id === undefined) termIds.set(t, (id = terms.push(t) - 1));
    if (at === ids.length) {
      const grown = new Int32Array(ids.length * 2);
      grown.set(ids);
      ids = grown;
    }
    ids[at++] = id;
  }
  offsets[i + 1] = at;
});
ids = ids.slice(0, at);
parentPort!.postMessage({ ids, offsets, terms } satisfies TokenizeReply, [ids.buffer, offsets.buffer]);
