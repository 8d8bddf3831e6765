// The HNSW graph on disk with its vectors in 8 bits: hnswlib's own file holds each vector as
// float32 beside its links, three quarters of the file for vectors that the search needs only to
// a few parts in a thousand. The compact file is hnswlib's layout with each vector replaced by
// int8 values and one float32 scale (value = int8 × scale); loading expands it back to hnswlib's
// layout, so the graph, its links and its entry point are exactly those that were built.
//
// hnswlib's layout (hnswalg.h, saveIndex): a 96-byte header (offsetLevel0, maxElements,
// elementCount, sizeDataPerElement, labelOffset, offsetData as uint64; maxLevel int32; entry
// point uint32; maxM, maxM0, M uint64; mult float64; efConstruction uint64), then elementCount
// level-0 records of sizeDataPerElement bytes (links, vector at offsetData, label at
// labelOffset), then each element's upper-level links (uint32 length, bytes).

import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

const HEADER_BYTES = 96;
const MAGIC = Buffer.from('PCSHNSW8');
const FORMAT_VERSION = 1;

interface Layout {
  count: number;
  sizePerElement: number;
  labelOffset: number;
  offsetData: number;
  dims: number;
}

function readLayout(header: Buffer, what: string): Layout {
  if (header.length < HEADER_BYTES) throw new Error(`${what} is too short to be an HNSW graph.`);
  const u64 = (at: number) => Number(header.readBigUInt64LE(at));
  const count = u64(16);
  const sizePerElement = u64(24);
  const labelOffset = u64(32);
  const offsetData = u64(40);
  const dims = (labelOffset - offsetData) / 4;
  if (u64(0) !== 0 || !Number.isInteger(dims) || dims <= 0 || labelOffset + 8 !== sizePerElement) {
    throw new Error(`${what} does not have hnswlib's layout (offsetData ${offsetData}, labelOffset ${labelOffset}, record ${sizePerElement} bytes).`);
  }
  return { count, sizePerElement, labelOffset, offsetData, dims };
}

/** Bytes of one level-0 record in the compact file: links, int8 vector, float32 scale, label. */
const compactRecordBytes = ({ offsetData, dims }: Layout): number => offsetData + dims + 4 + 8;

/**
 * Level-0 records input[0 .. n) in hnswlib's layout to the compact layout at output[0 ..):
 * links and label as they are, each vector as int8 values and their scale.
 */
function compactRecords(input: Buffer, n: number, layout: Layout, output: Buffer): void {
  const { sizePerElement, labelOffset, offsetData, dims } = layout;
  const floats = new Float32Array(input.buffer, input.byteOffset, Math.floor(input.length / 4));
  const bytes = new Int8Array(output.buffer, output.byteOffset, output.length);
  const view = new DataView(output.buffer, output.byteOffset, output.length);
  // links and labels are copied a 32-bit word at a time where both records allow it: a
  // Buffer.copy per record costs more than the words it moves
  const words = output.byteOffset % 4 === 0 && offsetData % 4 === 0 && compactRecordBytes(layout) % 4 === 0;
  const src = new Uint32Array(input.buffer, input.byteOffset, Math.floor(input.length / 4));
  const dst = words ? new Uint32Array(output.buffer, output.byteOffset, Math.floor(output.length / 4)) : src;
  const linkWords = offsetData / 4;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const record = i * sizePerElement;
    if (words) {
      const from = record / 4;
      const to = at / 4;
      for (let w = 0; w < linkWords; w++) dst[to + w] = src[from + w]!;
      at += offsetData;
    } else at += input.copy(output, at, record, record + offsetData);
    const first = (record + offsetData) / 4;
    let max = 0;
    for (let d = 0; d < dims; d++) {
      const x = Math.abs(floats[first + d]!);
      if (x > max) max = x;
    }
    const scale = Math.fround(max / 127);
    const inverse = scale === 0 ? 0 : 1 / scale;
    for (let d = 0; d < dims; d++) bytes[at + d] = Math.round(floats[first + d]! * inverse);
    at += dims;
    view.setFloat32(at, scale, true);
    at += 4;
    if (words) {
      const from = (record + labelOffset) / 4;
      const to = at / 4;
      dst[to] = src[from]!;
      dst[to + 1] = src[from + 1]!;
      at += 8;
    } else at += input.copy(output, at, record + labelOffset, record + labelOffset + 8);
  }
}

/** Compact level-0 records input[0 .. n) back to hnswlib's layout at output[0 ..) (vectors as int8 × scale, in float32). */
function expandRecords(input: Buffer, n: number, layout: Layout, output: Buffer): void {
  const { sizePerElement, labelOffset, offsetData, dims } = layout;
  const floats = new Float32Array(output.buffer, output.byteOffset, Math.floor(output.length / 4));
  const bytes = new Int8Array(input.buffer, input.byteOffset, input.length);
  const view = new DataView(input.buffer, input.byteOffset, input.length);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const record = i * sizePerElement;
    input.copy(output, record, at, at + offsetData);
    at += offsetData;
    const scale = view.getFloat32(at + dims, true);
    const first = (record + offsetData) / 4;
    for (let d = 0; d < dims; d++) floats[first + d] = bytes[at + d]! * scale;
    at += dims + 4;
    input.copy(output, record + labelOffset, at, at + 8);
    at += 8;
  }
}

/** Records read and written at a time: a few megabytes, never the whole graph. */
const CHUNK_RECORDS = 4096;

function readAt(fd: number, into: Buffer, position: number, what: string): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new Error(`${what} is cut short.`);
    done += n;
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** Copies from[position ..] to the end of `to`, a chunk at a time. */
function copyRest(from: number, position: number, size: number, to: number, chunk: Buffer): void {
  for (let at = position; at < size; ) {
    const n = Math.min(chunk.length, size - at);
    readAt(from, chunk.subarray(0, n), at, 'The graph file');
    writeAll(to, chunk.subarray(0, n));
    at += n;
  }
}

/**
 * hnswlib's file (as writeIndex writes it) to the compact one, a few thousand records at a time:
 * the graph is never in memory twice (hnswlib's file of a million 256-d vectors is 1.2 GB).
 */
export function compactHnswFile(fullPath: string, compactPath: string): void {
  const from = openSync(fullPath, 'r');
  try {
    const size = fstatSync(from).size;
    const header = Buffer.alloc(Math.min(HEADER_BYTES, size));
    readAt(from, header, 0, 'The HNSW file');
    const layout = readLayout(header, 'The HNSW file');
    const { count, sizePerElement, offsetData } = layout;
    const level0End = HEADER_BYTES + count * sizePerElement;
    if (size < level0End) throw new Error(`The HNSW file is cut short (${size} bytes, ${level0End} expected).`);
    if ((HEADER_BYTES + offsetData) % 4 !== 0 || sizePerElement % 4 !== 0) throw new Error('The HNSW file\'s vectors are not 4-byte aligned.');
    const to = openSync(compactPath, 'w');
    try {
      const head = Buffer.alloc(MAGIC.length + 4);
      MAGIC.copy(head, 0);
      head.writeUInt32LE(FORMAT_VERSION, MAGIC.length);
      writeAll(to, Buffer.concat([head, header]));
      const input = Buffer.from(new ArrayBuffer(CHUNK_RECORDS * sizePerElement));
      const output = Buffer.from(new ArrayBuffer(CHUNK_RECORDS * compactRecordBytes(layout)));
      for (let i = 0; i < count; i += CHUNK_RECORDS) {
        const n = Math.min(CHUNK_RECORDS, count - i);
        readAt(from, input.subarray(0, n * sizePerElement), HEADER_BYTES + i * sizePerElement, 'The HNSW file');
        compactRecords(input, n, layout, output);
        writeAll(to, output.subarray(0, n * compactRecordBytes(layout)));
      }
      copyRest(from, level0End, size, to, input);
    } finally {
      closeSync(to);
    }
  } finally {
    closeSync(from);
  }
}

/** The compact file back to hnswlib's layout, a few thousand records at a time (for hnswlib to read the graph from). */
export function expandHnswFile(compactPath: string, fullPath: string): void {
  const from = openSync(compactPath, 'r');
  try {
    const size = fstatSync(from).size;
    const head = Buffer.alloc(Math.min(MAGIC.length + 4 + HEADER_BYTES, size));
    readAt(from, head, 0, 'The vector index file');
    if (head.length < MAGIC.length + 4 || !head.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new Error('The vector index file is not a compact HNSW graph.');
    }
    const version = head.readUInt32LE(MAGIC.length);
    if (version !== FORMAT_VERSION) throw new Error(`The vector index file has format ${version}; this build reads ${FORMAT_VERSION}.`);
    const header = head.subarray(MAGIC.length + 4);
    const layout = readLayout(header, 'The vector index file');
    const { count, sizePerElement } = layout;
    const record = compactRecordBytes(layout);
    const level0End = MAGIC.length + 4 + HEADER_BYTES + count * record;
    if (size < level0End) throw new Error(`The vector index file is cut short (${size} bytes, ${level0End} expected).`);
    const to = openSync(fullPath, 'w');
    try {
      writeAll(to, Buffer.from(header));
      const input = Buffer.from(new ArrayBuffer(CHUNK_RECORDS * record));
      const output = Buffer.from(new ArrayBuffer(CHUNK_RECORDS * sizePerElement));
      for (let i = 0; i < count; i += CHUNK_RECORDS) {
        const n = Math.min(CHUNK_RECORDS, count - i);
        readAt(from, input.subarray(0, n * record), MAGIC.length + 4 + HEADER_BYTES + i * record, 'The vector index file');
        expandRecords(input, n, layout, output);
        writeAll(to, output.subarray(0, n * sizePerElement));
      }
      copyRest(from, level0End, size, to, input);
    } finally {
      closeSync(to);
    }
  } finally {
    closeSync(from);
  }
}
