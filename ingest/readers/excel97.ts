// .xls (Excel 97-2003, BIFF8) and .et (WPS spreadsheets in the same format): the Workbook stream
// of an OLE compound file, opened with word-extractor's OLE reader, and its records read here
// for cell values only: shared strings (SST with its CONTINUE records), LABELSST, LABEL, NUMBER,
// RK, MULRK, FORMULA results (with STRING), BOOLERR; number formats tell dates apart. No
// maintained package on the npm registry reads .xls (SheetJS publishes its fixed versions
// elsewhere; the 0.18.5 on the registry has known flaws on crafted files).
import { createRequire } from 'node:module';
import type { SheetTable } from './spreadsheet.ts';

const require = createRequire(import.meta.url);

interface OleDocument {
  read(): Promise<OleDocument>;
  stream(name: string): NodeJS.ReadableStream | null;
}

async function workbookStream(bytes: Buffer): Promise<Buffer> {
  const OleCompoundDoc = require('word-extractor/lib/ole-compound-doc.js') as new (reader: unknown) => OleDocument;
  const BufferReader = require('word-extractor/lib/buffer-reader.js') as new (buffer: Buffer) => unknown;
  const doc = await new OleCompoundDoc(new BufferReader(bytes)).read();
  const stream = doc.stream('Workbook') ?? doc.stream('Book');
  if (!stream) throw new Error('no Workbook stream: not an Excel 97-2003 file');
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
  return Buffer.concat(chunks);
}

/** Built-in number formats that show dates (and the CJK ones Excel uses for 年月日). */
const DATE_FORMATS = new Set([14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

export async function readExcel97(bytes: Buffer, warnings: string[]): Promise<SheetTable[]> {
  const data = await workbookStream(bytes);
  const records: Array<{ type: number; at: number; body: Buffer }> = [];
  for (let at = 0; at + 4 <= data.length; ) {
    const type = data.readUInt16LE(at);
    const length = data.readUInt16LE(at + 2);
    records.push({ type, at, body: data.subarray(at + 4, Math.min(data.length, at + 4 + length)) });
    at += 4 + length;
  }

  const strings: string[] = [];
  const sheets: Array<{ name: string; offset: number; visible: boolean }> = [];
  const formats = new Map<number, string>();
  const xfFormat: number[] = [];
  let globalsDone = false;
  for (let i = 0; i < records.length && !globalsDone; i++) {
    const { type, body } = records[i]!;
    if (type === 0x000a) globalsDone = true; // EOF of the globals
    else if (type === 0x0085) {
      const cch = body[6]!;
      sheets.push({ name: readChars(body, 8, cch, (body[7]! & 1) === 1), offset: body.readUInt32LE(0), visible: body[4] === 0 && body[5] === 0 });
    } else if (type === 0x041e) {
      formats.set(body.readUInt16LE(0), readXLString(body, 2));
    } else if (type === 0x00e0) {
      xfFormat.push(body.readUInt16LE(2));
    } else if (type === 0x00fc) {
      const segments = [body.subarray(8)];
      while (records[i + 1]?.type === 0x003c) segments.push(records[++i]!.body);
      readSst(segments, body.readUInt32LE(4), strings);
    }
  }
  const isDate = (ixfe: number): boolean => {
    const fmt = xfFormat[ixfe];
    if (fmt === undefined) return false;
    if (DATE_FORMATS.has(fmt)) return true;
    const code = (formats.get(fmt) ?? '').replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
    return /[yd]|m.*d|年|月|日/i.test(code) && !/[#0]/.test(code.replace(/[yd年月日hms]/gi, ''));
  };
  const number = (value: number, ixfe: number): string => {
    if (isDate(ixfe) && value > 0 && value < 2958466) {
      return new Date(Date.UTC(1899, 11, 30) + Math.round(value * 86400) * 1000).toISOString().slice(0, 10);
    }
    return String(Number.isInteger(value) ? value : Number(value.toPrecision(12)));
  };

  const byOffset = new Map(records.map((r, i) => [r.at, i]));
  const out: SheetTable[] = [];
  for (const sheet of sheets) {
    if (!sheet.visible) continue;
    const start = byOffset.get(sheet.offset);
    if (start === undefined) {
      warnings.push(`xls: sheet ${sheet.name} could not be found`);
      continue;
    }
    const grid: string[][] = [];
    const set = (row: number, col: number, text: string): void => {
      if (row > 65535 || col > 255 || text === '') return;
      (grid[row] ??= [])[col] = text;
    };
    for (let i = start + 1; i < records.length && records[i]!.type !== 0x000a; i++) {
      const { type, body } = records[i]!;
      if (body.length < 6) continue;
      const row = body.readUInt16LE(0);
      const col = body.readUInt16LE(2);
      if (type === 0x00fd) set(row, col, strings[body.readUInt32LE(6)] ?? '');
      else if (type === 0x0204) set(row, col, readXLString(body, 6));
      else if (type === 0x0203) set(row, col, number(body.readDoubleLE(6), body.readUInt16LE(4)));
      else if (type === 0x027e) set(row, col, number(rk(body.readUInt32LE(6)), body.readUInt16LE(4)));
      else if (type === 0x00bd) {
        for (let at = 4, c = col; at + 6 <= body.length - 2; at += 6, c++) set(row, c, number(rk(body.readUInt32LE(at + 2)), body.readUInt16LE(at)));
      } else if (type === 0x0205) {
        if (body[7] === 0) set(row, col, body[6] ? 'TRUE' : 'FALSE');
      } else if (type === 0x0006) {
        if (body.readUInt16LE(12) !== 0xffff) set(row, col, number(body.readDoubleLE(6), body.readUInt16LE(4)));
        else if (body[6] === 0 && records[i + 1]?.type === 0x0207) set(row, col, readXLString(records[i + 1]!.body, 0));
        else if (body[6] === 1) set(row, col, body[8] ? 'TRUE' : 'FALSE');
      }
    }
    const rows = grid.filter((r) => r !== undefined).map((r) => Array.from(r, (c) => (c ?? '').trim()));
    if (rows.length === 0) continue;
    const width = Math.max(...rows.map((r) => r.length));
    const used = Array.from({ length: width }, (_, c) => rows.some((r) => (r[c] ?? '') !== ''));
    out.push({ name: sheet.name, rows: rows.map((r) => Array.from({ length: width }, (_, c) => r[c] ?? '').filter((_, c) => used[c])) });
  }
  return out;
}

function rk(value: number): number {
  let n: number;
  if (value & 2) n = value >> 2;
  else {
    const b = Buffer.alloc(8);
    b.writeUInt32LE((value & 0xfffffffc) >>> 0, 4);
    n = b.readDoubleLE(0);
  }
  return value & 1 ? n / 100 : n;
}

function readChars(body: Buffer, at: number, cch: number, wide: boolean): string {
  return wide ? body.subarray(at, at + cch * 2).toString('utf16le') : body.subarray(at, at + cch).toString('latin1');
}

/** XLUnicodeString: cch (2 bytes), flags, characters (rich text and phonetic parts skipped). */
function readXLString(body: Buffer, at: number): string {
  if (at + 3 > body.length) return '';
  const cch = body.readUInt16LE(at);
  const flags = body[at + 2]!;
  let p = at + 3;
  if (flags & 8) p += 2;
  if (flags & 4) p += 4;
  return readChars(body, p, cch, (flags & 1) === 1);
}

/**
 * The shared strings, read across CONTINUE records: a string's characters may run on into the
 * next record, which then starts with a byte saying whether they are one or two bytes each.
 */
function readSst(segments: Buffer[], count: number, out: string[]): void {
  let s = 0;
  let p = 0;
  const need = (n: number): boolean => {
    while (s < segments.length && p + n > segments[s]!.length && p >= segments[s]!.length) {
      s++;
      p = 0;
    }
    return s < segments.length && p + n <= segments[s]!.length;
  };
  const skip = (n: number): void => {
    while (n > 0 && s < segments.length) {
      const take = Math.min(n, segments[s]!.length - p);
      n -= take;
      p += take;
      if (p >= segments[s]!.length && n > 0) {
        s++;
        p = 0;
      }
    }
  };
  for (let k = 0; k < count && out.length < 1_000_000; k++) {
    if (!need(3)) break;
    const seg = segments[s]!;
    const cch = seg.readUInt16LE(p);
    const flags = seg[p + 2]!;
    p += 3;
    let runs = 0;
    let ext = 0;
    if (flags & 8) {
      if (!need(2)) break;
      runs = segments[s]!.readUInt16LE(p);
      p += 2;
    }
    if (flags & 4) {
      if (!need(4)) break;
      ext = segments[s]!.readUInt32LE(p);
      p += 4;
    }
    let wide = (flags & 1) === 1;
    let text = '';
    let left = cch;
    while (left > 0 && s < segments.length) {
      let segment = segments[s]!;
      if (p >= segment.length) {
        // the characters continue in the next record, after its own width byte
        s++;
        p = 0;
        if (s >= segments.length) break;
        segment = segments[s]!;
        wide = (segment[0]! & 1) === 1;
        p = 1;
      }
      const size = wide ? 2 : 1;
      const n = Math.min(left, Math.floor((segment.length - p) / size));
      if (n <= 0) {
        p = segment.length;
        continue;
      }
      text += readChars(segment, p, n, wide);
      p += n * size;
      left -= n;
    }
    out.push(text);
    skip(runs * 4 + ext);
  }
}
