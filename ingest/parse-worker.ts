// Reads and parses corpus files on a worker thread, one at a time, for load-corpus.ts: there a
// file that takes too long or too much memory is stopped by ending this thread, and the ingest
// goes on with the next file.
import { parentPort, workerData } from 'node:worker_threads';
import { parseFile, type ParsedFile } from './parse-corpus.ts';
import { ReadError, setReadLimits, setReadOptions, type ReadLimits, type ReadProgress } from './read-file.ts';

export interface ParseRequest {
  id: number;
  path: string;
  source: string;
  today: string;
  stem: string | undefined;
  /** Files published beside this one as its attachments (readers/attachments.ts). */
  attachments?: Array<{ path: string; source: string }>;
}
export type ParseReply =
  | { id: number; ok: true; parsed: ParsedFile }
  | { id: number; ok: false; message: string; readError: boolean }
  | { id: -1; ok: true; ready: true }
  /** Long work going on (OCR, page by page): a sign of life, and what a progress bar shows. */
  | { id: number; progress: ReadProgress };

const settings = workerData as { limits: ReadLimits; ocr?: boolean };
setReadLimits(settings.limits);
let current = -1;
setReadOptions({
  ocr: settings.ocr ?? true,
  onProgress: (progress) => parentPort!.postMessage({ id: current, progress } satisfies ParseReply),
});

parentPort!.on('message', async (request: ParseRequest) => {
  try {
    current = request.id;
    const parsed = await parseFile(request.path, request.source, request.today, request.stem, request.attachments);
    parentPort!.postMessage({ id: request.id, ok: true, parsed } satisfies ParseReply);
  } catch (error) {
    const readError = error instanceof ReadError;
    const message = readError ? error.message : `${request.source}: ${(error as Error)?.message ?? String(error)}`;
    parentPort!.postMessage({ id: request.id, ok: false, message, readError } satisfies ParseReply);
  }
});
parentPort!.postMessage({ id: -1, ok: true, ready: true } satisfies ParseReply);
