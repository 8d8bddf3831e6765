// Learns the built-in embedder on a second thread for build-index.ts while the first builds the
// keyword index: the training passages tokenized by this thread's own jieba, with the same policy
// dictionary added, so the model is the one the first thread would have learned.
import { parentPort, workerData } from 'node:worker_threads';
import { createChineseTokenizer } from './chinese-tokenizer.ts';
import { BuiltinEmbedder, type BuiltinEmbedderJSON } from './embedders/builtin-embedder.ts';

export interface TrainRequest {
  dictionary: string[];
  /** The training passages (already the sample BuiltinEmbedder.train would take). */
  texts: string[];
}
export type TrainReply = BuiltinEmbedderJSON;

const { dictionary, texts } = workerData as TrainRequest;
const model = BuiltinEmbedder.train(texts, createChineseTokenizer({ dictionary }));
parentPort!.postMessage(model.toJSON() satisfies TrainReply);
