// The default embedder, loaded through the real transformers.js loader from a random-weight twin
// of bge-small-zh-v1.5 (tests/helpers/test-model.ts). fetch is stubbed in every test: nothing
// may reach the network, and the download path is exercised against a fake mirror.

import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DIMS,
  MODEL_ID,
  ModelLoadError,
  QUERY_INSTRUCTION,
  REQUIRED_MODEL_FILES,
  createBgeEmbedder,
  describeModelFiles,
} from '../ingest/embedders/bge-embedder.ts';
import type { Embedder } from '../ingest/types.ts';
import { ensureTestModel } from './helpers/test-model.ts';

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0) / (norm(a) * norm(b));
const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

const passages = [
  '对符合条件的企业设备更新项目，按照设备购置额的10%给予补助，单个项目最高不超过500万元。',
  '支持企业技术改造。',
  '第五条 本办法自发布之日起施行，有效期五年。',
  '各县（市、区）人民政府，市政府各部门：现将《关于加快推进制造业高质量发展的若干措施》印发给你们，请认真贯彻执行。',
  '问：哪些企业可以申报？答：在本市注册、具有独立法人资格的工业企业均可申报。',
];

let modelDir: string;
let scratch: string;
const offline = async (..._args: unknown[]): Promise<Response> => {
  throw new TypeError('fetch failed: network access in a test');
};
const fetchSpy = vi.fn(offline);

beforeAll(async () => {
  modelDir = await ensureTestModel({ tiny: true });
  scratch = await mkdtemp(path.join(tmpdir(), 'bge-embedder-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  fetchSpy.mockReset();
  fetchSpy.mockImplementation(offline);
  vi.stubGlobal('fetch', fetchSpy);
  vi.stubEnv('MODEL_DIR', undefined);
  vi.stubEnv('HF_ENDPOINT', undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe('bge embedder on the tiny twin via MODEL_DIR', () => {
  // One embedder for the block: it loads the model once, on first use.
  let shared: Embedder;
  const embedder = (): Embedder => shared;
  beforeAll(() => {
    shared = createBgeEmbedder({ modelDir, allowRemote: false });
  });

  it('describes itself', () => {
    expect(embedder().info).toEqual({ id: MODEL_ID, kind: 'transformers', dims: 512 });
    expect(DIMS).toBe(512);
  });

  it('gives unit-length vectors of the configured size, deterministically', async () => {
    const [a, b] = await embedder().embedPassages([passages[0]!, passages[0]!]);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a!.length).toBe(512);
    expect(norm(a!)).toBeCloseTo(1, 5);
    const again = await embedder().embedPassages([passages[0]!]);
    expect(maxDiff(again[0]!, a!)).toBeLessThan(1e-6);
    expect(maxDiff(a!, b!)).toBeLessThan(1e-6);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('prepends the query instruction to queries only', async () => {
    const text = '设备更新补助标准';
    const query = await embedder().embedQuery(text);
    const [passage, instructed] = await Promise.all([
      embedder().embedPassages([text]),
      embedder().embedPassages([QUERY_INSTRUCTION + text]),
    ]);
    expect(norm(query)).toBeCloseTo(1, 5);
    expect(maxDiff(query, instructed[0]!)).toBeLessThan(1e-6);
    expect(maxDiff(query, passage[0]!)).toBeGreaterThan(1e-3);
  });

  it('gives different texts different vectors', async () => {
    const vectors = await embedder().embedPassages(passages);
    for (let i = 0; i < vectors.length; i++) {
      for (let j = i + 1; j < vectors.length; j++) expect(cosine(vectors[i]!, vectors[j]!)).toBeLessThan(0.98);
    }
  });

  it('batches without changing the vectors beyond int8 noise, in input order, reporting progress', async () => {
    const texts = Array.from({ length: 20 }, (_, i) => passages[i % passages.length]!.repeat(1 + (i % 3)) + `（${i}）`);
    const batched = createBgeEmbedder({ modelDir, allowRemote: false, batchSize: 8 });
    const progress: [number, number][] = [];
    const vectors = await batched.embedPassages(texts, (done, total) => progress.push([done, total]));
    expect(progress).toEqual([[8, 20], [16, 20], [20, 20]]);
    expect(vectors).toHaveLength(20);
    for (const [i, text] of texts.entries()) {
      const [alone] = await embedder().embedPassages([text]);
      // Dynamic quantization scales activations over the whole padded batch, so not bit-identical.
      expect(cosine(vectors[i]!, alone!)).toBeGreaterThan(0.995);
    }
  });

  it('gives the same vectors on one ONNX Runtime thread as on its own choice (threads, EMBED_THREADS)', async () => {
    const one = createBgeEmbedder({ modelDir, allowRemote: false, threads: 1 });
    const own = await embedder().embedPassages(passages);
    const single = await one.embedPassages(passages);
    single.forEach((v, i) => expect(maxDiff(v, own[i]!)).toBeLessThan(1e-5));
    expect(() => createBgeEmbedder({ modelDir, allowRemote: false, threads: 0 })).toThrow(/EMBED_THREADS/);
  });

  it('truncates long passages to 512 tokens', async () => {
    const long = passages[3]!.repeat(40); // ~2,400 characters, one token each
    const [v] = await embedder().embedPassages([long]);
    expect(v!.length).toBe(512);
    expect(norm(v!)).toBeCloseTo(1, 5);
  });

  it('returns nothing for no passages', async () => {
    expect(await embedder().embedPassages([])).toEqual([]);
  });
});

describe('where the model comes from', () => {
  it('reads MODEL_DIR from the environment', async () => {
    vi.stubEnv('MODEL_DIR', modelDir);
    const v = await createBgeEmbedder({ allowRemote: false, cacheDir: path.join(scratch, 'empty') }).embedQuery('专精特新');
    expect(v.length).toBe(512);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('fails with MODEL_UNAVAILABLE, without network access, when MODEL_DIR is missing', async () => {
    const embedder = createBgeEmbedder({ modelDir: path.join(scratch, 'no-such-model'), allowRemote: false });
    const error = await embedder.embedQuery('专精特新').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).code).toBe('MODEL_UNAVAILABLE');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('does not fall back to the network when MODEL_DIR lacks a file', async () => {
    const partial = path.join(scratch, 'partial');
    await cp(modelDir, partial, { recursive: true });
    await rm(path.join(partial, 'onnx'), { recursive: true });
    const error = await createBgeEmbedder({ modelDir: partial, allowRemote: true }).embedQuery('x').catch((e: unknown) => e);
    expect((error as ModelLoadError).code).toBe('MODEL_UNAVAILABLE');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('fails with MODEL_UNAVAILABLE when nothing is cached and downloading is off', async () => {
    const embedder = createBgeEmbedder({ cacheDir: path.join(scratch, 'empty'), allowRemote: false });
    const error = await embedder.embedPassages(['x']).catch((e: unknown) => e);
    expect((error as ModelLoadError).code).toBe('MODEL_UNAVAILABLE');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('reports MODEL_INVALID for files that are not a model, and MODEL_MISMATCH for the wrong size', async () => {
    const broken = path.join(scratch, 'broken');
    await cp(modelDir, broken, { recursive: true });
    await writeFile(path.join(broken, 'onnx/model_quantized.onnx'), 'not an onnx file');
    vi.spyOn(console, 'warn').mockImplementation(() => undefined); // transformers.js warns as it retries on wasm
    const invalid = await createBgeEmbedder({ modelDir: broken }).embedQuery('x').catch((e: unknown) => e);
    expect((invalid as ModelLoadError).code).toBe('MODEL_INVALID');

    const mismatch = await createBgeEmbedder({ modelDir, dims: 384 }).embedQuery('x').catch((e: unknown) => e);
    expect((mismatch as ModelLoadError).code).toBe('MODEL_MISMATCH');
  });

  it('downloads from HF_ENDPOINT into the cache, then loads from the cache offline', async () => {
    const cacheDir = path.join(scratch, 'cache');
    const prefix = `https://mirror.test/${MODEL_ID}/resolve/main/`;
    const requested: string[] = [];
    fetchSpy.mockImplementation(async (...args) => {
      const url = String(args[0]);
      requested.push(url);
      if (!url.startsWith(prefix)) return new Response('not found', { status: 404 });
      const body = await readFile(path.join(modelDir, url.slice(prefix.length))).catch(() => null);
      if (!body) return new Response('not found', { status: 404 });
      return new Response(body, { status: 200, headers: { 'content-length': String(body.length) } });
    });
    vi.stubEnv('HF_ENDPOINT', 'https://mirror.test');

    const downloads = new Set<string>();
    const online = createBgeEmbedder({ cacheDir, allowRemote: true, onDownload: ({ file }) => downloads.add(file) });
    expect((await online.embedQuery('首台套')).length).toBe(512);
    for (const file of REQUIRED_MODEL_FILES) {
      expect(requested).toContain(prefix + file.path);
      expect(downloads).toContain(file.path);
    }

    fetchSpy.mockClear();
    const offline = createBgeEmbedder({ cacheDir, allowRemote: false });
    expect((await offline.embedQuery('首台套')).length).toBe(512);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('turns a failed download into MODEL_UNAVAILABLE', async () => {
    const embedder = createBgeEmbedder({ cacheDir: path.join(scratch, 'empty2'), allowRemote: true, onDownload: () => undefined });
    const error = await embedder.embedQuery('x').catch((e: unknown) => e);
    expect((error as ModelLoadError).code).toBe('MODEL_UNAVAILABLE');
    expect(fetchSpy).toHaveBeenCalled();
  });

  it('lists the files a model folder needs', () => {
    const text = describeModelFiles();
    for (const file of REQUIRED_MODEL_FILES) expect(text).toContain(file.path);
    expect(text).toContain('MODEL_DIR');
    expect(text).toContain('HF_ENDPOINT');
  });
});
