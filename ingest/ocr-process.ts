// The OCR process (see recognize-text.ts): page images in, recognized lines out, the models
// loaded once. It ends when the thread that started it goes.
import { recognizeImageHere } from './recognize-text.ts';

process.on('disconnect', () => process.exit(0));
// idle for two minutes (the ingest moved on, or its reader thread was replaced): free the memory
const IDLE_MS = 120_000;
let idle = setTimeout(() => process.exit(0), IDLE_MS);
process.on('message', (request: { id: number; image: Uint8Array }) => {
  clearTimeout(idle);
  idle = setTimeout(() => process.exit(0), IDLE_MS);
  recognizeImageHere(Buffer.from(request.image.buffer, request.image.byteOffset, request.image.byteLength)).then(
    (page) => process.send!({ id: request.id, page }),
    (error: unknown) => process.send!({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
