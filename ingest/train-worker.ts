// Learns the built-in embedder on a second thread for build-index.ts while the first builds the
// keyword index: the training passages tokenized by this thread's own jieba, with the same policy
// dictionary added, so the model is the one the first thread would have learned. Then it embeds
// the passages the first thread sends, from the tokens that thread made for the keyword index,
// while that thread adds the vectors before to the HNSW graph.
import { parentPort, workerData } from 'node:worker_threads';
import { createChineseTokenizer } from './chinese-tokenizer.ts';
import { BuiltinEmbedder } from './embedders/builtin-embedder.ts';

export interface TrainRequest {
  dictionary: string[];
  /** The training passages (already the sample BuiltinEmbedder.train would take). */
  texts: string[];
}
/** The model's file (BuiltinEmbedder.toFile), its memory handed over, not copied. */
export type TrainReply = Uint8Array;

/**
 * Passages to embed: texts[i]'s tokens are ids[offsets[i] .. offsets[i + 1]), ids into the first
 * thread's term list, of which `newTerms` are those not sent before.
 */
export interface EmbedRequest {
  texts: string[];
  ids: Int32Array;
  offsets: Int32Array;
  newTerms: string[];
}
/** The passages' vectors, one after the other (dims each). */
export type EmbedReply = Float32Array;

const { dictionary, texts } = workerData as TrainRequest;
const model = BuiltinEmbedder.train(texts, createChineseTokenizer({ dictionary }));
const file: TrainReply = model.toFile();
parentPort!.postMessage(file, [file.buffer as ArrayBuffer]);

const terms: string[] = [];
const dims = model.info.dims;
parentPort!.on('message', ({ texts, ids, offsets, newTerms }: EmbedRequest) => {
  for (const t of newTerms) terms.push(t);
  const out: EmbedReply = new Float32Array(texts.length * dims);
  texts.forEach((text, i) => out.set(model.embedTokens(text, ids.subarray(offsets[i]!, offsets[i + 1]!), terms), i * dims));
  parentPort!.postMessage(out, [out.buffer as ArrayBuffer]);
});
