// The default embedder: BAAI/bge-small-zh-v1.5 (the transformers.js build, Xenova/bge-small-zh-v1.5),
// int8-quantized ONNX, run in-process by @xenova/transformers on onnxruntime-node.
//
// Vectors are the [CLS] hidden state, L2-normalized, so cosine similarity and inner product agree.
//
// Where the model comes from, first match wins:
//   a. MODEL_DIR (env var or `modelDir`): a folder holding the model files directly. Nothing touches
//      the network; if the folder lacks a file we fail and say which, rather than download.
//   b. the project's cache, models/cache/<model id>/ (`cacheDir`), when it holds every file.
//   c. the Hugging Face Hub, or the mirror in HF_ENDPOINT, downloading into the cache, with a
//      progress bar. Only here is remote loading switched on, and only when `allowRemote`.

import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import { env, pipeline, type FeatureExtractionPipeline } from '@xenova/transformers';
import * as onnxNode from 'onnxruntime-node';
import type { Embedder, EmbedderInfo } from '../types.ts';
import { ModelLoadError } from './model-error.ts';

export const MODEL_ID = 'Xenova/bge-small-zh-v1.5';
/** Loads onnx/model_quantized.onnx (int8 dynamic quantization of the MatMul weights). */
export const QUANTIZED = true;
export const POOLING = 'cls';
export const DIMS = 512;
/** The model was trained on at most 512 tokens, and has no position embedding beyond. */
export const MAX_TOKENS = 512;
/** From the bge-zh model card: prepended to short queries, never to passages. */
export const QUERY_INSTRUCTION = '为这个句子生成表示以用于检索相关文章：';
export const DEFAULT_BATCH_SIZE = 16;
export const DEFAULT_ENDPOINT = 'https://huggingface.co';
export const MIRROR_ENDPOINT = 'https://hf-mirror.com';

/** The project's folder: the nearest above this module holding package.json (from ingest/embedders/ here, from build/ in the built server). */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}
export const DEFAULT_CACHE_DIR = path.join(projectRoot(), 'models/cache');

/** What a model folder must contain, relative to it: what transformers.js reads for feature extraction. */
export const REQUIRED_MODEL_FILES: readonly { path: string; purpose: string }[] = [
  { path: 'config.json', purpose: 'model architecture (BertModel, hidden size 512)' },
  { path: 'tokenizer.json', purpose: 'WordPiece vocabulary and normalization' },
  { path: 'tokenizer_config.json', purpose: 'tokenizer class and the 512-token limit' },
  { path: QUANTIZED ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx', purpose: 'the weights (ONNX)' },
];

// The error lives in a module of its own: the server names it without loading transformers.js
// (and onnxruntime, 45 MB) when its index uses the built-in embedder.
export { ModelLoadError, type ModelErrorCode } from './model-error.ts';

export interface BgeEmbedderOptions {
  /** A folder with the model files directly inside. Default: the MODEL_DIR environment variable. */
  modelDir?: string;
  /** Where downloaded models are kept, as <cacheDir>/<modelId>/. Default: models/cache in the repo. */
  cacheDir?: string;
  /** May the model be downloaded? Default: true, unless HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE is set. */
  allowRemote?: boolean;
  /** Hub or mirror to download from. Default: HF_ENDPOINT, else https://huggingface.co. */
  endpoint?: string;
  modelId?: string;
  /** Vector size the model must produce. */
  dims?: number;
  /** Passages per model call. */
  batchSize?: number;
  /** Threads ONNX Runtime runs one model call on. Default: EMBED_THREADS, else ONNX Runtime's own choice (the machine's cores). */
  threads?: number;
  /** Download progress; default: a progress bar on stderr (drawn only on a terminal). */
  onDownload?: (progress: DownloadProgress) => void;
}

export interface DownloadProgress {
  /** Path inside the model folder, e.g. onnx/model_quantized.onnx. */
  file: string;
  loaded: number;
  total: number;
}

/** Text for docs and error messages: what to put where to run without network access. */
export function describeModelFiles(modelId: string = MODEL_ID, cacheDir: string = DEFAULT_CACHE_DIR): string {
  const files = REQUIRED_MODEL_FILES.map((f) => `  ${f.path.padEnd(27)} ${f.purpose}`).join('\n');
  return [
    `The embedding model ${modelId} is a folder with these files:`,
    files,
    `Download them from ${DEFAULT_ENDPOINT}/${modelId} (or ${MIRROR_ENDPOINT}/${modelId}), then either`,
    `  - set MODEL_DIR to that folder (nothing is then fetched from the network), or`,
    `  - put them in ${path.join(cacheDir, modelId)}.`,
    `With network access they are downloaded there on first use; where huggingface.co is blocked,`,
    `set HF_ENDPOINT=${MIRROR_ENDPOINT}.`,
  ].join('\n');
}

/** The default embedder. The model is loaded on first use, once; a failed load is retried on the next call. */
/** The threads option, else EMBED_THREADS; undefined: ONNX Runtime's own choice. Throws for anything but a whole number >= 1. */
function threadsOf(options: BgeEmbedderOptions): number | undefined {
  const setting = options.threads ?? (process.env.EMBED_THREADS?.trim() ? Number(process.env.EMBED_THREADS) : undefined);
  if (setting !== undefined && !(Number.isInteger(setting) && setting >= 1)) {
    throw new Error(`EMBED_THREADS (threads) must be a whole number of at least 1; got "${options.threads ?? process.env.EMBED_THREADS}".`);
  }
  return setting;
}

export function createBgeEmbedder(options: BgeEmbedderOptions = {}): Embedder {
  threadsOf(options); // a bad setting is named now, not at the first embedding
  const modelId = options.modelId ?? MODEL_ID;
  const dims = options.dims ?? DIMS;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const info: EmbedderInfo = { id: modelId, kind: 'transformers', dims };

  let loading: Promise<LoadedModel> | null = null;
  const model = (): Promise<LoadedModel> => {
    loading ??= loadExtractor(modelId, options).catch((err: unknown) => {
      loading = null;
      throw err;
    });
    return loading;
  };

  const embed = async (texts: string[]): Promise<Float32Array[]> => {
    const { extractor: run } = await model();
    const output = await run(texts, { pooling: POOLING, normalize: true });
    const [rows, width] = output.dims as [number, number];
    if (width !== dims) throw new ModelLoadError('MODEL_MISMATCH', [modelId, width, dims]);
    const data = output.data as Float32Array;
    return Array.from({ length: rows }, (_, i) => data.slice(i * width, (i + 1) * width));
  };

  return {
    info,

    async embedPassages(texts, onProgress) {
      // Batches of similar length: less padding, so faster. Within a batch, int8 dynamic
      // quantization scales by the whole padded batch, so a text's vector varies slightly
      // (cosine > 0.99) with its batch mates; the order here keeps that deterministic.
      const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length || a - b);
      const vectors = new Array<Float32Array>(texts.length);
      for (let start = 0; start < order.length; start += batchSize) {
        const ids = order.slice(start, start + batchSize);
        const batch = await embed(ids.map((i) => texts[i]!));
        ids.forEach((id, j) => (vectors[id] = batch[j]!));
        onProgress?.(Math.min(start + batchSize, texts.length), texts.length);
      }
      return vectors;
    },

    async embedQuery(text) {
      const [vector] = await embed([QUERY_INSTRUCTION + text]);
      return vector!;
    },

    async fingerprint() {
      // The weights file itself, so a cache never mixes vectors of two models that share an id
      // (a fine-tuned copy in MODEL_DIR, the test twin, a re-download).
      const { dir } = await model();
      const weights = path.join(dir, REQUIRED_MODEL_FILES[REQUIRED_MODEL_FILES.length - 1]!.path);
      const hash = createHash('sha1').update(`${modelId}|${POOLING}|${QUANTIZED}|${dims}|`);
      for await (const chunk of createReadStream(weights)) hash.update(chunk as Buffer);
      return hash.digest('hex').slice(0, 16);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Loading

/** The writable settings of transformers.js (its typings declare them read-only). */
interface TransformersSettings {
  allowRemoteModels: boolean;
  allowLocalModels: boolean;
  localModelPath: string;
  remoteHost: string;
  remotePathTemplate: string;
  useFSCache: boolean;
}
const settings = env as unknown as TransformersSettings;

// transformers.js reads its settings from one global object while it loads; loads are queued so
// two embedders with different sources cannot interleave.
let queue: Promise<unknown> = Promise.resolve();
function withSettings<T>(patch: Partial<TransformersSettings>, load: () => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    const keys = Object.keys(patch) as (keyof TransformersSettings)[];
    const saved = Object.fromEntries(keys.map((k) => [k, settings[k]]));
    Object.assign(settings, patch);
    try {
      return await load();
    } finally {
      Object.assign(settings, saved);
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

/**
 * Runs a model load with ONNX Runtime's sessions made on `threads` threads. transformers.js 2
 * creates its sessions with no options of ours, so its call to InferenceSession.create is given
 * them while this load runs (loads are queued: withSettings).
 */
async function withThreads<T>(threads: number | undefined, load: () => Promise<T>): Promise<T> {
  if (threads === undefined) return load();
  // the module transformers.js runs (a CommonJS module: its exports are under default)
  const { InferenceSession } = ((onnxNode as unknown as { default?: typeof onnxNode }).default ?? onnxNode) as typeof onnxNode;
  const create = InferenceSession.create;
  type Options = onnxNode.InferenceSession.SessionOptions;
  const withOptions = (model: unknown, sessionOptions: Options = {}) =>
    (create as (m: unknown, o: Options) => Promise<onnxNode.InferenceSession>).call(InferenceSession, model, {
      ...sessionOptions,
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
  InferenceSession.create = withOptions as typeof InferenceSession.create;
  try {
    return await load();
  } finally {
    InferenceSession.create = create;
  }
}

const missingFiles = (dir: string): string[] => REQUIRED_MODEL_FILES.map((f) => f.path).filter((f) => !existsSync(path.join(dir, f)));

const isSet = (value: string | undefined): boolean => value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());

interface LoadedModel {
  extractor: FeatureExtractionPipeline;
  /** The folder the model files were read from. */
  dir: string;
}

async function loadExtractor(modelId: string, options: BgeEmbedderOptions): Promise<LoadedModel> {
  const modelDirSetting = options.modelDir ?? process.env.MODEL_DIR;
  const cacheDir = path.resolve(options.cacheDir ?? DEFAULT_CACHE_DIR);
  const allowRemote = options.allowRemote ?? !(isSet(process.env.HF_HUB_OFFLINE) || isSet(process.env.TRANSFORMERS_OFFLINE));
  const endpoint = (options.endpoint ?? process.env.HF_ENDPOINT ?? DEFAULT_ENDPOINT).trim().replace(/\/*$/, '/');
  const help =
    `Set MODEL_DIR to a folder holding ${REQUIRED_MODEL_FILES.map((f) => f.path).join(', ')} ` +
    `(the files of ${DEFAULT_ENDPOINT}/${modelId}), or allow downloading; where huggingface.co is blocked, set HF_ENDPOINT=${MIRROR_ENDPOINT}.`;

  // transformers.js looks for a model at <env.localModelPath>/<name>/<file>; it takes no folder
  // path. So a folder is loaded as localModelPath = its parent, name = its own name.
  const threadSetting = threadsOf(options);
  const loadFolder = (dir: string, patch: Partial<TransformersSettings>, pipelineOptions: Record<string, unknown>, name: string) =>
    withSettings({ allowLocalModels: true, localModelPath: dir, ...patch }, () =>
      withThreads(threadSetting, async () => ({
        extractor: limitTokens(await pipeline('feature-extraction', name, { quantized: QUANTIZED, ...pipelineOptions })),
        dir: path.join(dir, name),
      })),
    );

  // a. MODEL_DIR
  if (modelDirSetting) {
    const dir = path.resolve(modelDirSetting);
    const missing = missingFiles(dir);
    if (missing.length > 0) {
      const what = existsSync(dir) ? `MODEL_DIR=${dir} lacks ${missing.join(', ')}` : `MODEL_DIR=${dir} does not exist`;
      throw new ModelLoadError('MODEL_UNAVAILABLE', [modelId, what, help]);
    }
    try {
      return await loadFolder(
        path.dirname(dir) + path.sep,
        { allowRemoteModels: false, useFSCache: false },
        { local_files_only: true },
        path.basename(dir),
      );
    } catch (err) {
      throw new ModelLoadError('MODEL_INVALID', [dir, errorText(err)], { cause: err });
    }
  }

  // b. the cache, complete
  const cachedDir = path.join(cacheDir, modelId);
  if (missingFiles(cachedDir).length === 0) {
    try {
      return await loadFolder(cacheDir + path.sep, { allowRemoteModels: false, useFSCache: false }, { local_files_only: true }, modelId);
    } catch (err) {
      throw new ModelLoadError('MODEL_INVALID', [cachedDir, errorText(err)], { cause: err });
    }
  }

  // c. download what is missing into the cache
  if (!allowRemote) {
    throw new ModelLoadError('MODEL_UNAVAILABLE', [modelId, `it is not in ${cachedDir} and downloading is switched off`, help]);
  }
  const bar = options.onDownload ? null : new DownloadBar();
  const report = options.onDownload ?? ((p: DownloadProgress) => bar?.update(p));
  const progress_callback = (event: { status: string; file?: string; loaded?: number; total?: number }): void => {
    if (event.status === 'progress' && event.file) report({ file: event.file, loaded: event.loaded ?? 0, total: event.total ?? 0 });
  };
  try {
    return await loadFolder(
      cacheDir + path.sep,
      { allowRemoteModels: true, useFSCache: true, remoteHost: endpoint, remotePathTemplate: '{model}/resolve/{revision}/' },
      { cache_dir: cacheDir, progress_callback },
      modelId,
    );
  } catch (err) {
    // Every file arrived but the model would not load: a broken download, not a network problem.
    if (missingFiles(cachedDir).length === 0) throw new ModelLoadError('MODEL_INVALID', [cachedDir, errorText(err)], { cause: err });
    throw new ModelLoadError('MODEL_UNAVAILABLE', [modelId, `download from ${endpoint} failed (${errorText(err)})`, help], { cause: err });
  } finally {
    bar?.stop();
  }
}

/** Truncation happens in the pipeline at the tokenizer's model_max_length; never let it exceed the model's. */
function limitTokens(extractor: FeatureExtractionPipeline): FeatureExtractionPipeline {
  const tokenizer = extractor.tokenizer as { model_max_length?: number };
  tokenizer.model_max_length = Math.min(tokenizer.model_max_length ?? MAX_TOKENS, MAX_TOKENS);
  return extractor;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** One bar per file, in MB. cli-progress draws nothing when stderr is not a terminal. */
class DownloadBar {
  private readonly multibar = new cliProgress.MultiBar(
    { format: '  {file} [{bar}] {percentage}% {value}/{total} MB', hideCursor: true, clearOnComplete: false, stopOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  private readonly bars = new Map<string, cliProgress.SingleBar>();

  update({ file, loaded, total }: DownloadProgress): void {
    const mb = (bytes: number): number => Math.round((bytes / 1e6) * 10) / 10;
    let bar = this.bars.get(file);
    if (!bar) {
      bar = this.multibar.create(mb(total), 0, { file });
      this.bars.set(file, bar);
    }
    bar.setTotal(mb(total));
    bar.update(mb(loaded), { file });
  }

  stop(): void {
    this.multibar.stop();
  }
}
