// Hostile corpus files, generated at test (or bench) time, never committed: a zip-bomb .docx, a
// huge text file, HTML made of line breaks, long Chinese text.
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createDeflateRaw, crc32 } from 'node:zlib';

const MB = 1024 * 1024;

/** Deflates `total` bytes made of `chunk` repeated, without holding them all. */
async function deflateRepeated(chunk: Buffer, total: number): Promise<{ data: Buffer; crc: number }> {
  const deflate = createDeflateRaw({ level: 1 });
  const out: Buffer[] = [];
  deflate.on('data', (d: Buffer) => out.push(d));
  const finished = new Promise<void>((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  let crc = 0;
  for (let written = 0; written < total; written += chunk.length) {
    const part = written + chunk.length <= total ? chunk : chunk.subarray(0, total - written);
    crc = crc32(part, crc);
    if (!deflate.write(part)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await finished;
  return { data: Buffer.concat(out), crc };
}

interface ZipEntry {
  name: string;
  data: Buffer;
  crc: number;
  size: number;
  /** The size the central directory claims (a lying zip); default the real one. */
  declaredSize?: number;
}

function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const size = e.declaredSize ?? e.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

async function small(name: string, text: string): Promise<ZipEntry> {
  const { data, crc } = await deflateRepeated(Buffer.from(text), Buffer.byteLength(text));
  return { name, data, crc, size: Buffer.byteLength(text) };
}

/**
 * A .docx whose word/document.xml expands to `unzippedMb` of paragraphs (1.35 MB on disk for
 * 300 MB). `lying`: the zip claims the document is 1 kB.
 */
export async function writeZipBombDocx(path: string, unzippedMb: number, lying = false): Promise<void> {
  const paragraph = Buffer.from('<w:p><w:r><w:t>支持企业设备更新，对符合条件的项目给予贴息。</w:t></w:r></w:p>'.repeat(200));
  const head = '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
  const { data, crc } = await deflateRepeated(Buffer.concat([Buffer.from(head), paragraph]), unzippedMb * MB);
  const document: ZipEntry = { name: 'word/document.xml', data, crc, size: unzippedMb * MB, ...(lying ? { declaredSize: 1000 } : {}) };
  const types = await small(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  const rels = await small(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  await writeFile(path, zip([types, rels, document]));
}

/** A UTF-8 text file of `mb` megabytes: a policy paragraph, over and over, in numbered articles. */
export async function writeLargeText(path: string, mb: number): Promise<void> {
  const out = createWriteStream(path);
  const finished = new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject));
  const total = Math.round(mb * MB);
  let article = 1;
  for (let written = 0; written < total; ) {
    const lines: string[] = [];
    for (let i = 0; i < 4000; i++) lines.push(`第${article++}条 支持企业开展工业领域大规模设备更新，对符合条件的项目按照贷款金额的百分之一给予贴息，单个企业每年最高不超过五百万元。\n`);
    let chunk = Buffer.from(lines.join(''));
    if (written + chunk.length > total) chunk = chunk.subarray(0, total - written);
    written += chunk.length;
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
  out.end();
  await finished;
}

/** HTML of `mb` megabytes that is almost all <br> elements. */
export async function writeBreakHtml(path: string, mb: number): Promise<void> {
  const count = Math.round((mb * MB) / 4);
  await writeFile(path, `<html><body><p>关于推动设备更新的通知</p><p>一、支持企业设备更新。${'<br>'.repeat(count)}</p></body></html>`);
}
