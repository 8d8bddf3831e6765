// Writes a "twin" of Xenova/bge-small-zh-v1.5: the real tokenizer and config, and a BERT ONNX
// graph of the same shape with seeded RANDOM weights, laid out as transformers.js 2.x loads a
// local model:  <out>/{config.json, tokenizer.json, tokenizer_config.json, onnx/model_quantized.onnx}.
// The real weights cannot be downloaded on our machines; the twin lets tests exercise the real
// loader and lets us time the real model's cost. Its vectors mean nothing.
//
//   tsx scripts/make-test-model.ts [--out models/test/bge-small-zh-v1.5-twin] [--tiny] [--source DIR]
//
// --tiny keeps the tokenizer, vocabulary and hidden size (so vectors stay 512-d) but has one
// layer and writes no fp32 copy: generated in well under a second, for unit tests.

import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const DEFAULT_SOURCE = path.resolve(repoRoot, '../shared/models/bge-small-zh-v1.5');
export const DEFAULT_OUT = path.join(repoRoot, 'models/test/bge-small-zh-v1.5-twin');
export const DEFAULT_TINY_OUT = path.join(repoRoot, 'models/test/bge-small-zh-twin-tiny');
/** Bump when the generated graph or weights change, so cached twins are regenerated. */
export const TWIN_FORMAT_VERSION = 1;
const COPIED_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];
const OPTIONAL_COPIED_FILES = ['quantize_config.json'];

export interface BertShape {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  vocab: number;
  maxPositions: number;
  typeVocab: number;
  layerNormEps: number;
}

export interface MakeTestModelOptions {
  /** Output folder; defaults to DEFAULT_OUT, or DEFAULT_TINY_OUT with `tiny`. */
  out?: string;
  /** Folder with the published config.json and tokenizer files. */
  source?: string;
  tiny?: boolean;
  /** Also write onnx/model.onnx (fp32). Defaults to true for the full twin, false for tiny. */
  fp32?: boolean;
  seed?: number;
}

export interface TestModelInfo {
  dir: string;
  shape: BertShape;
  files: { path: string; bytes: number }[];
}

/** The marker file written beside the model, so nobody mistakes a twin for the real model. */
export interface TwinMarker {
  generator: 'scripts/make-test-model.ts';
  version: number;
  seed: number;
  tiny: boolean;
  shape: BertShape;
  note: string;
}

export function shapeFromConfig(config: Record<string, unknown>): BertShape {
  const num = (key: string): number => {
    const v = config[key];
    if (typeof v !== 'number') throw new Error(`config.json: "${key}" is missing or not a number`);
    return v;
  };
  if (config.hidden_act !== 'gelu') throw new Error(`config.json: hidden_act ${String(config.hidden_act)} is not supported (gelu only)`);
  if ((config.position_embedding_type ?? 'absolute') !== 'absolute') throw new Error('config.json: only absolute position embeddings are supported');
  const shape: BertShape = {
    layers: num('num_hidden_layers'),
    hidden: num('hidden_size'),
    heads: num('num_attention_heads'),
    intermediate: num('intermediate_size'),
    vocab: num('vocab_size'),
    maxPositions: num('max_position_embeddings'),
    typeVocab: num('type_vocab_size'),
    layerNormEps: num('layer_norm_eps'),
  };
  if (shape.hidden % shape.heads !== 0) throw new Error('config.json: hidden_size is not a multiple of num_attention_heads');
  return shape;
}

/**
 * Writes the twin. Writes into a temporary sibling folder and renames it into place, so a
 * half-written twin is never loaded and two test workers generating at once do not collide.
 */
export async function makeTestModel(options: MakeTestModelOptions = {}): Promise<TestModelInfo> {
  const tiny = options.tiny ?? false;
  const out = path.resolve(options.out ?? (tiny ? DEFAULT_TINY_OUT : DEFAULT_OUT));
  const source = path.resolve(options.source ?? DEFAULT_SOURCE);
  const seed = options.seed ?? 1;
  const fp32 = options.fp32 ?? !tiny;

  const configPath = path.join(source, 'config.json');
  if (!existsSync(configPath)) {
    throw new Error(`No config.json in ${source}. Pass --source with the folder holding the published bge-small-zh-v1.5 config and tokenizer files.`);
  }
  const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  const shape = shapeFromConfig(config);
  if (tiny) {
    // One layer keeps the vocabulary, tokenizer and 512-d output: the Embedder contract is unchanged.
    shape.layers = 1;
    config.num_hidden_layers = 1;
  }

  const tmp = `${out}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(path.join(tmp, 'onnx'), { recursive: true });
  try {
    const weights = randomWeights(shape, seed);
    await writeFile(path.join(tmp, 'onnx/model_quantized.onnx'), buildBertOnnx(shape, weights, true));
    if (fp32) await writeFile(path.join(tmp, 'onnx/model.onnx'), buildBertOnnx(shape, weights, false));

    if (tiny) await writeFile(path.join(tmp, 'config.json'), JSON.stringify(config, null, 2) + '\n');
    else await copy(configPath, path.join(tmp, 'config.json'));
    for (const file of COPIED_FILES) await copy(path.join(source, file), path.join(tmp, file));
    for (const file of OPTIONAL_COPIED_FILES) {
      if (existsSync(path.join(source, file))) await copy(path.join(source, file), path.join(tmp, file));
    }
    const marker: TwinMarker = {
      generator: 'scripts/make-test-model.ts',
      version: TWIN_FORMAT_VERSION,
      seed,
      tiny,
      shape,
      note: 'RANDOM weights in the shape of BAAI/bge-small-zh-v1.5: for tests and timing only, the vectors carry no meaning.',
    };
    await writeFile(path.join(tmp, 'twin.json'), JSON.stringify(marker, null, 2) + '\n');

    await rm(out, { recursive: true, force: true });
    await mkdir(path.dirname(out), { recursive: true });
    try {
      await rename(tmp, out);
    } catch (err) {
      // Another process renamed its (identical, same seed) twin into place first: keep that one.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }

  const files: TestModelInfo['files'] = [];
  const optional = OPTIONAL_COPIED_FILES.filter((f) => existsSync(path.join(out, f)));
  for (const rel of ['config.json', ...COPIED_FILES, ...optional, 'twin.json', 'onnx/model_quantized.onnx', ...(fp32 ? ['onnx/model.onnx'] : [])]) {
    files.push({ path: rel, bytes: (await stat(path.join(out, rel))).size });
  }
  return { dir: out, shape, files };
}

/** Copies contents only: the shared source is read-only, and its mode should not follow the copy. */
async function copy(from: string, to: string): Promise<void> {
  await writeFile(to, await readFile(from));
}

/** Reads twin.json; null when the folder holds no twin (or not a current one). */
export async function readTwinMarker(dir: string): Promise<TwinMarker | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'twin.json'), 'utf8')) as TwinMarker;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Weights

interface Weight {
  dims: number[];
  data: Float32Array;
}
type Weights = Map<string, Weight>;

/** sfc32: small, fast, seedable; Math.random cannot be seeded. */
function sfc32(seed: number): () => number {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b | 0) + d | 0;
    d = d + 1 | 0;
    a = b ^ b >>> 9;
    b = c + (c << 3) | 0;
    c = c << 21 | c >>> 11;
    c = c + t | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

/**
 * Uniform noise with the given standard deviation (uniform is much cheaper than Gaussian and
 * the shape of the distribution does not matter here).
 *
 * The scales are not BERT's 0.02 init on purpose: with that, every layer's output is dominated
 * by the residual, so the [CLS] vector is nearly the same for every text (cosine ~0.99) and the
 * int8 noise between a padded batch and a single text can exceed the difference between texts.
 * Sharper attention (query/key gain 2) and unit-gain projections make the vector depend on the
 * words, as a trained model's does.
 */
function randomWeights(shape: BertShape, seed: number): Weights {
  const rand = sfc32(seed);
  const weights: Weights = new Map();
  const add = (name: string, dims: number[], std: number, mean = 0): void => {
    const size = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const half = std * Math.sqrt(3);
    for (let i = 0; i < size; i++) data[i] = mean + (rand() * 2 - 1) * half;
    weights.set(name, { dims, data });
  };
  const { hidden: H, intermediate: F } = shape;
  add('embeddings.word', [shape.vocab, H], 1);
  add('embeddings.position', [shape.maxPositions, H], 0.5);
  add('embeddings.token_type', [shape.typeVocab, H], 0.5);
  add('embeddings.ln.gamma', [H], 0.05, 1);
  add('embeddings.ln.beta', [H], 0.05);
  for (let l = 0; l < shape.layers; l++) {
    const p = `layer${l}.`;
    add(p + 'q.w', [H, H], 2 / Math.sqrt(H));
    add(p + 'q.b', [H], 0.02);
    add(p + 'k.w', [H, H], 2 / Math.sqrt(H));
    add(p + 'k.b', [H], 0.02);
    add(p + 'v.w', [H, H], 1 / Math.sqrt(H));
    add(p + 'v.b', [H], 0.02);
    add(p + 'o.w', [H, H], 1 / Math.sqrt(H));
    add(p + 'o.b', [H], 0.02);
    add(p + 'attn_ln.gamma', [H], 0.05, 1);
    add(p + 'attn_ln.beta', [H], 0.05);
    add(p + 'ffn_in.w', [H, F], 1 / Math.sqrt(H));
    add(p + 'ffn_in.b', [F], 0.02);
    add(p + 'ffn_out.w', [F, H], 1 / Math.sqrt(F));
    add(p + 'ffn_out.b', [H], 0.02);
    add(p + 'ffn_ln.gamma', [H], 0.05, 1);
    add(p + 'ffn_ln.beta', [H], 0.05);
  }
  return weights;
}

// ---------------------------------------------------------------------------------------------
// Graph

const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;
type Attr = onnxProto.onnx.IAttributeProto;

const ints = (name: string, v: number[]): Attr => ({ name, type: AT.INTS, ints: v });
const int = (name: string, v: number): Attr => ({ name, type: AT.INT, i: v });
const float = (name: string, v: number): Attr => ({ name, type: AT.FLOAT, f: v });

const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private count = 0;
  private readonly constants = new Map<string, string>();

  op(opType: string, inputs: string[], attrs: Attr[] = [], outputs = 1): string {
    return this.opN(opType, inputs, outputs, attrs)[0]!;
  }

  opN(opType: string, inputs: string[], outputs: number, attrs: Attr[] = []): string[] {
    const name = `${opType}_${this.count++}`;
    const output = Array.from({ length: outputs }, (_, i) => (outputs === 1 ? name : `${name}_out${i}`));
    this.nodes.push({ name, opType, input: inputs, output, attribute: attrs });
    return output;
  }

  tensor(name: string, dataType: number, dims: number[], data: ArrayBufferView): string {
    this.initializers.push({ name, dataType, dims, rawData: bytes(data) });
    return name;
  }

  /** A float scalar constant, shared by value. */
  scalar(v: number): string {
    const key = `f${v}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.tensor(`const_${this.constants.size}`, DT.FLOAT, [], new Float32Array([v]));
      this.constants.set(key, name);
    }
    return name;
  }

  /** A 1-D int64 constant, shared by value. */
  int64s(v: number[]): string {
    const key = `i${v.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.tensor(`const_${this.constants.size}`, DT.INT64, [v.length], BigInt64Array.from(v.map(BigInt)));
      this.constants.set(key, name);
    }
    return name;
  }
}

/**
 * Symmetric int8 with onnxruntime's reduce_range (7-bit, [-64, 64]), as quantize_dynamic with
 * per_channel=True, reduce_range=True writes it: one scale per output column of a MatMul weight,
 * or one scale for a whole embedding table (channels = 1).
 */
function quantizeSymmetric(w: Weight, perColumn: boolean): { q: Int8Array; scales: Float32Array } {
  const cols = perColumn ? w.dims[w.dims.length - 1]! : 1;
  const rowLen = w.dims[w.dims.length - 1]!;
  const absMax = new Float32Array(cols);
  for (let i = 0; i < w.data.length; i++) {
    const c = perColumn ? i % rowLen : 0;
    const a = Math.abs(w.data[i]!);
    if (a > absMax[c]!) absMax[c] = a;
  }
  const scales = absMax.map((m) => (m > 0 ? m / 64 : 1));
  const q = new Int8Array(w.data.length);
  for (let i = 0; i < w.data.length; i++) {
    const c = perColumn ? i % rowLen : 0;
    q[i] = Math.max(-64, Math.min(64, Math.round(w.data[i]! / scales[c]!)));
  }
  return { q, scales };
}

export function buildBertOnnx(shape: BertShape, weights: Weights, quantized: boolean): Uint8Array {
  const g = new GraphBuilder();
  const w = (name: string): Weight => {
    const found = weights.get(name);
    if (!found) throw new Error(`missing weight ${name}`);
    return found;
  };
  const floatInit = (name: string): string => g.tensor(name, DT.FLOAT, w(name).dims, w(name).data);
  const { hidden: H, heads, layerNormEps: eps } = shape;
  const headDim = H / heads;

  // Embedding lookup. Quantized: int8 tables, Gather, then DequantizeLinear (as onnxruntime's
  // quantizer does for Gather); this is most of the real model's 24 MB.
  const embed = (table: string, ids: string): string => {
    if (!quantized) return g.op('Gather', [floatInit(table), ids]);
    const { q, scales } = quantizeSymmetric(w(table), false);
    const qName = g.tensor(`${table}.q`, DT.INT8, w(table).dims, q);
    const scale = g.tensor(`${table}.scale`, DT.FLOAT, [], scales);
    const zero = g.tensor(`${table}.zero_point`, DT.INT8, [], new Int8Array(1));
    return g.op('DequantizeLinear', [g.op('Gather', [qName, ids]), scale, zero]);
  };

  // y = x W + b. Quantized: DynamicQuantizeLinear on the activations, MatMulInteger against int8
  // weights with per-column scales, Cast, Mul by (activation scale * weight scales): what
  // quantize_dynamic emits for onnxruntime 1.14 (which fuses it into DynamicQuantizeMatMul).
  const linear = (x: string, prefix: string): string => {
    const weight = w(`${prefix}.w`);
    const bias = floatInit(`${prefix}.b`);
    if (!quantized) return g.op('Add', [g.op('MatMul', [x, floatInit(`${prefix}.w`)]), bias]);
    const n = weight.dims[1]!;
    const { q, scales } = quantizeSymmetric(weight, true);
    const qName = g.tensor(`${prefix}.w.q`, DT.INT8, weight.dims, q);
    const wScale = g.tensor(`${prefix}.w.scale`, DT.FLOAT, [n], scales);
    const wZero = g.tensor(`${prefix}.w.zero_point`, DT.INT8, [n], new Int8Array(n));
    const [xq, xScale, xZero] = g.opN('DynamicQuantizeLinear', [x], 3) as [string, string, string];
    const acc = g.op('MatMulInteger', [xq, qName, xZero, wZero]);
    const accFloat = g.op('Cast', [acc], [int('to', DT.FLOAT)]);
    const scale = g.op('Mul', [xScale, wScale]);
    return g.op('Add', [g.op('Mul', [accFloat, scale]), bias]);
  };

  // Decomposed layer norm, as the PyTorch exporter wrote it for opset 14; onnxruntime fuses it.
  const layerNorm = (x: string, prefix: string): string => {
    const mean = g.op('ReduceMean', [x], [ints('axes', [-1]), int('keepdims', 1)]);
    const centered = g.op('Sub', [x, mean]);
    const variance = g.op('ReduceMean', [g.op('Pow', [centered, g.scalar(2)])], [ints('axes', [-1]), int('keepdims', 1)]);
    const normed = g.op('Div', [centered, g.op('Sqrt', [g.op('Add', [variance, g.scalar(eps)])])]);
    return g.op('Add', [g.op('Mul', [normed, floatInit(`${prefix}.gamma`)]), floatInit(`${prefix}.beta`)]);
  };

  // Embeddings: word + position (0..seq-1, sliced from a constant like BERT's position_ids buffer) + type.
  const seqLen = g.op('Slice', [g.op('Shape', ['input_ids']), g.int64s([1]), g.int64s([2]), g.int64s([0])]);
  const positionIdsAll = g.tensor(
    'position_ids',
    DT.INT64,
    [1, shape.maxPositions],
    BigInt64Array.from({ length: shape.maxPositions }, (_, i) => BigInt(i)),
  );
  const positionIds = g.op('Slice', [positionIdsAll, g.int64s([0]), seqLen, g.int64s([1])]);
  let x = g.op('Add', [
    g.op('Add', [embed('embeddings.word', 'input_ids'), embed('embeddings.token_type', 'token_type_ids')]),
    embed('embeddings.position', positionIds),
  ]);
  x = layerNorm(x, 'embeddings.ln');

  // Padding as an additive bias on the attention scores: [batch, 1, 1, seq], 0 or -10000.
  const mask = g.op('Unsqueeze', [g.op('Cast', ['attention_mask'], [int('to', DT.FLOAT)]), g.int64s([1, 2])]);
  const maskBias = g.op('Mul', [g.op('Sub', [g.scalar(1), mask]), g.scalar(-10000)]);

  const splitHeads = (t: string, perm: number[]): string =>
    g.op('Transpose', [g.op('Reshape', [t, g.int64s([0, 0, heads, headDim])])], [ints('perm', perm)]);

  for (let l = 0; l < shape.layers; l++) {
    const p = `layer${l}.`;
    const q = splitHeads(linear(x, p + 'q'), [0, 2, 1, 3]); // [b, h, s, d]
    const k = splitHeads(linear(x, p + 'k'), [0, 2, 3, 1]); // [b, h, d, s]
    const v = splitHeads(linear(x, p + 'v'), [0, 2, 1, 3]);
    const scores = g.op('Add', [g.op('Div', [g.op('MatMul', [q, k]), g.scalar(Math.sqrt(headDim))]), maskBias]);
    const probs = g.op('Softmax', [scores], [int('axis', -1)]);
    const context = g.op('Reshape', [
      g.op('Transpose', [g.op('MatMul', [probs, v])], [ints('perm', [0, 2, 1, 3])]),
      g.int64s([0, 0, H]),
    ]);
    x = layerNorm(g.op('Add', [linear(context, p + 'o'), x]), p + 'attn_ln');

    // Exact GELU via Erf: 0.5 x (1 + erf(x / sqrt 2)).
    const inner = linear(x, p + 'ffn_in');
    const erf = g.op('Erf', [g.op('Div', [inner, g.scalar(Math.SQRT2)])]);
    const gelu = g.op('Mul', [g.op('Mul', [inner, g.op('Add', [erf, g.scalar(1)])]), g.scalar(0.5)]);
    x = layerNorm(g.op('Add', [linear(gelu, p + 'ffn_out'), x]), p + 'ffn_ln');
  }
  g.nodes.push({ name: 'Identity_output', opType: 'Identity', input: [x], output: ['last_hidden_state'] });

  const dim = (d: string | number): onnxProto.onnx.TensorShapeProto.IDimension =>
    typeof d === 'string' ? { dimParam: d } : { dimValue: d };
  const valueInfo = (name: string, elemType: number, dims: (string | number)[]): onnxProto.onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map(dim) } } },
  });

  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'policy-clause-search/scripts/make-test-model.ts',
    producerVersion: String(TWIN_FORMAT_VERSION),
    docString: 'BERT with random weights in the shape of BAAI/bge-small-zh-v1.5 (test twin).',
    opsetImport: [{ domain: '', version: 14 }],
    graph: {
      name: 'bert',
      node: g.nodes,
      initializer: g.initializers,
      input: ['input_ids', 'attention_mask', 'token_type_ids'].map((n) => valueInfo(n, DT.INT64, ['batch_size', 'sequence_length'])),
      output: [valueInfo('last_hidden_state', DT.FLOAT, ['batch_size', 'sequence_length', H])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

// ---------------------------------------------------------------------------------------------
// CLI

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      source: { type: 'string' },
      tiny: { type: 'boolean', default: false },
      fp32: { type: 'boolean' },
      'no-fp32': { type: 'boolean', default: false },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('Usage: tsx scripts/make-test-model.ts [--out DIR] [--tiny] [--source DIR] [--seed N] [--fp32 | --no-fp32]');
    return;
  }
  const started = performance.now();
  const info = await makeTestModel({
    out: values.out,
    source: values.source,
    tiny: values.tiny,
    fp32: values['no-fp32'] ? false : values.fp32,
    seed: values.seed === undefined ? undefined : Number(values.seed),
  });
  const s = info.shape;
  console.log(
    `Wrote ${path.relative(process.cwd(), info.dir) || '.'} in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
      `(${s.layers} layer${s.layers === 1 ? '' : 's'}, hidden ${s.hidden}, ${s.heads} heads, FFN ${s.intermediate}, vocab ${s.vocab}; random weights)`,
  );
  for (const f of info.files) console.log(`  ${f.path.padEnd(28)} ${(f.bytes / 1e6).toFixed(2).padStart(8)} MB`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
