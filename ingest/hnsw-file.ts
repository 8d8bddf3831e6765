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

/** A copy at offset 0 when the bytes do not start on a 4-byte boundary (float32 views need one). */
function aligned(bytes: Buffer): Buffer {
  if (bytes.byteOffset % 4 === 0) return bytes;
  const copy = Buffer.from(new ArrayBuffer(bytes.length));
  bytes.copy(copy);
  return copy;
}

/** hnswlib's file (as writeIndex writes it) to the compact one. */
export function compactHnsw(fullBytes: Buffer): Buffer {
  const full = aligned(fullBytes);
  const layout = readLayout(full, 'The HNSW file');
  const { count, sizePerElement, labelOffset, offsetData, dims } = layout;
  const level0End = HEADER_BYTES + count * sizePerElement;
  if (full.length < level0End) throw new Error(`The HNSW file is cut short (${full.length} bytes, ${level0End} expected).`);
  if ((HEADER_BYTES + offsetData) % 4 !== 0 || sizePerElement % 4 !== 0) throw new Error('The HNSW file\'s vectors are not 4-byte aligned.');
  const floats = new Float32Array(full.buffer, full.byteOffset, Math.floor(full.length / 4));
  const compactRecord = offsetData + dims + 4 + 8;
  const out = Buffer.from(new ArrayBuffer(MAGIC.length + 4 + HEADER_BYTES + count * compactRecord + (full.length - level0End)));
  const bytes = new Int8Array(out.buffer, out.byteOffset, out.length);
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  let at = MAGIC.copy(out, 0);
  at = out.writeUInt32LE(FORMAT_VERSION, at);
  at += full.copy(out, at, 0, HEADER_BYTES);
  // links and labels are copied a 32-bit word at a time where both records allow it: a
  // Buffer.copy per record costs more than the words it moves
  const words = at % 4 === 0 && offsetData % 4 === 0 && compactRecord % 4 === 0 && out.byteOffset % 4 === 0;
  const src = new Uint32Array(full.buffer, full.byteOffset, Math.floor(full.length / 4));
  const dst = new Uint32Array(out.buffer, out.byteOffset, Math.floor(out.length / 4));
  const linkWords = offsetData / 4;
  for (let i = 0; i < count; i++) {
    const record = HEADER_BYTES + i * sizePerElement;
    if (words) {
      const from = record / 4;
      const to = at / 4;
      for (let w = 0; w < linkWords; w++) dst[to + w] = src[from + w]!;
      at += offsetData;
    } else at += full.copy(out, at, record, record + offsetData);
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
      dst[at / 4] = src[from]!;
      dst[at / 4 + 1] = src[from + 1]!;
      at += 8;
    } else at += full.copy(out, at, record + labelOffset, record + labelOffset + 8);
  }
  full.copy(out, at, level0End);
  return out;
}

/** The compact file back to hnswlib's layout (vectors as int8 × scale, in float32). */
export function expandHnsw(compact: Buffer): Buffer {
  if (compact.length < MAGIC.length + 4 || !compact.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error('The vector index file is not a compact HNSW graph.');
  }
  const version = compact.readUInt32LE(MAGIC.length);
  if (version !== FORMAT_VERSION) throw new Error(`The vector index file has format ${version}; this build reads ${FORMAT_VERSION}.`);
  const headerAt = MAGIC.length + 4;
  const header = compact.subarray(headerAt, headerAt + HEADER_BYTES);
  const { count, sizePerElement, labelOffset, offsetData, dims } = readLayout(header, 'The vector index file');
  const compactRecord = offsetData + dims + 4 + 8;
  const level0End = headerAt + HEADER_BYTES + count * compactRecord;
  if (compact.length < level0End) throw new Error(`The vector index file is cut short (${compact.length} bytes, ${level0End} expected).`);
  const full = Buffer.from(new ArrayBuffer(HEADER_BYTES + count * sizePerElement + (compact.length - level0End)));
  const floats = new Float32Array(full.buffer, 0, Math.floor(full.length / 4));
  const bytes = new Int8Array(compact.buffer, compact.byteOffset, compact.length);
  const view = new DataView(compact.buffer, compact.byteOffset, compact.length);
  header.copy(full, 0);
  let at = headerAt + HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const record = HEADER_BYTES + i * sizePerElement;
    compact.copy(full, record, at, at + offsetData);
    at += offsetData;
    const scale = view.getFloat32(at + dims, true);
    const first = (record + offsetData) / 4;
    for (let d = 0; d < dims; d++) floats[first + d] = bytes[at + d]! * scale;
    at += dims + 4;
    compact.copy(full, record + labelOffset, at, at + 8);
    at += 8;
  }
  compact.copy(full, HEADER_BYTES + count * sizePerElement, level0End);
  return full;
}
