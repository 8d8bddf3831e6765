// Learns the built-in embedder on a second thread for build-index.ts while the first builds the
// keyword index: the training passages tokenized by this thread's own jieba, with the same policy
// dictionary added, so the model is the one the first thread would have learned.
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

const { dictionary, texts } = workerData as TrainRequest;
const model = BuiltinEmbedder.train(texts, createChineseTokenizer({ dictionary }));
const file: TrainReply = model.toFile();
parentPort!.postMessage(file, [file.buffer as ArrayBuffer]);
