// Stage 1 of ingest: one file of corpus/ -> raw text. Only what each format needs is undone
// (byte decoding, markup, page layout); cleaning the text is the next stage's job.
// The readers of the heavier formats (Word, spreadsheets) are loaded when a file needs them: they
// are most of the reader thread's start (exceljs alone 0.35 s), which a rebuild after one
// changed Markdown file waits for.
import { readFile, stat } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join } from 'node:path';
import * as chardet from 'chardet';
import { parseDocument } from 'htmlparser2';
import iconv from 'iconv-lite';
import { readOfdContent } from './readers/ofd.ts';
import { readExcel97 } from './readers/excel97.ts';
import type { SheetTable } from './readers/spreadsheet.ts';
import { OcrMemoryError, recognizeImage, type RecognizedPage } from './recognize-text.ts';
import type { OcrSummary, SourceFormat } from './types.ts';

export interface ReadResult {
  text: string;
  format: SourceFormat;
  /** The character encoding the bytes were decoded from; null for docx and pdf. */
  encoding: string | null;
  warnings: string[];
  /** Pages without a text layer that were recognized by OCR, and the mean confidence. */
  ocr?: OcrSummary;
  /** What the file says of itself beside its text (an OFD's seal, its DocInfo): used where the text names none. */
  meta?: { title: string | null; docNumber: string | null; issuer: string | null };
}

/** How files are read, beside their limits: OCR on or off, and progress through long work. */
export interface ReadOptions {
  /** Recognize scanned PDF pages (pages without a text layer); on by default. */
  ocr: boolean;
  /** Called after each OCR'd page; the worker that reads files also takes it as a sign of life. */
  onProgress?: (progress: ReadProgress) => void;
}

export interface ReadProgress {
  file: string;
  /** OCR'd pages done, of total pages to recognize. */
  done: number;
  total: number;
  /** Peak memory of the OCR process so far. */
  ocrPeakRssMb?: number;
}

const FORMAT_BY_EXTENSION: Readonly<Record<string, SourceFormat>> = {
  '.txt': 'txt',
  '.md': 'md',
  '.html': 'html',
  '.htm': 'html',
  '.docx': 'docx',
  '.pdf': 'pdf',
  '.doc': 'doc',
  '.wps': 'wps',
  '.ofd': 'ofd',
  '.xlsx': 'xlsx',
  '.xls': 'xls',
  '.et': 'xls',
};

export const SUPPORTED_EXTENSIONS: readonly string[] = Object.freeze(Object.keys(FORMAT_BY_EXTENSION));

const errors = {
  UNSUPPORTED_FORMAT: `%s is not a supported file type (supported: ${SUPPORTED_EXTENSIONS.join(', ')}).`,
  UNDECODABLE: '%s could not be decoded as UTF-8, GB18030/GBK or UTF-16.',
  EMPTY_FILE: '%s contains no text.',
  CORRUPT_FILE: '%s is damaged or is not the kind of file its extension says.',
  BINARY_FILE: '%s is a binary file, not text.',
  OVER_LIMIT: '%s was skipped: it is over a limit',
} as const;

export type ReadErrorCode = keyof typeof errors;

export class ReadError extends Error {
  override readonly name = 'ReadError';
  readonly code: ReadErrorCode;
  /** The path as given to readPolicyFile. */
  readonly file: string;
  /** What was noticed before giving up, e.g. "no text layer (scanned PDF?)". */
  readonly warnings: string[];

  constructor(code: ReadErrorCode, file: string, detail?: string, options: { warnings?: string[]; cause?: unknown } = {}) {
    super(errors[code].replace('%s', file) + (detail ? ` (${detail})` : ''), { cause: options.cause });
    this.code = code;
    this.file = file;
    this.warnings = options.warnings ?? [];
  }
}

/**
 * What one file may cost, checked while it is read (never after): its size before a byte is read,
 * a .docx's entries and decompressed size before it is unpacked, a PDF's pages before they are
 * read, an HTML page's elements before it is parsed. Time and memory per file are bounded by the
 * worker that runs the reader (load-corpus.ts).
 */
export interface ReadLimits {
  maxBytes: number;
  maxUnzippedBytes: number;
  maxZipEntries: number;
  maxPdfPages: number;
  maxHtmlElements: number;
  /** Memory of the OCR process that recognizes scanned pages (its models and one page). */
  maxOcrMemoryMb: number;
}

const MB = 1024 * 1024;

export const DEFAULT_READ_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxBytes: 50 * MB,
  maxUnzippedBytes: 200 * MB,
  maxZipEntries: 5000,
  maxPdfPages: 3000,
  maxHtmlElements: 200_000,
  maxOcrMemoryMb: 1536,
});

/** The environment variable that sets each limit, named in the message of a file that broke it. */
export const READ_LIMIT_VARIABLES: Readonly<Record<keyof ReadLimits, string>> = {
  maxBytes: 'MAX_FILE_MB',
  maxUnzippedBytes: 'MAX_UNZIPPED_MB',
  maxZipEntries: 'MAX_ZIP_ENTRIES',
  maxPdfPages: 'MAX_PDF_PAGES',
  maxHtmlElements: 'MAX_HTML_ELEMENTS',
  maxOcrMemoryMb: 'MAX_OCR_MEMORY_MB',
};

let activeLimits: ReadLimits = { ...DEFAULT_READ_LIMITS };
let activeOptions: ReadOptions = { ocr: true };

/** The limits readPolicyFile applies when it is given none (set once per ingest worker). */
export function setReadLimits(limits: Partial<ReadLimits>): void {
  activeLimits = { ...DEFAULT_READ_LIMITS, ...limits };
}

const megabytes = (n: number): string => `${(n / MB).toFixed(n < 10 * MB ? 1 : 0)} MB`;

function overLimit(file: string, what: string, value: number, limits: ReadLimits, limit: keyof ReadLimits): ReadError {
  const show = (n: number) => (limit === 'maxBytes' || limit === 'maxUnzippedBytes' ? megabytes(n) : limit === 'maxOcrMemoryMb' ? `${n} MB` : String(n));
  return new ReadError('OVER_LIMIT', file, `${what} ${show(value)}; the limit is ${show(limits[limit])}, set by ${READ_LIMIT_VARIABLES[limit]}`);
}

/** How readPolicyFile reads when it is given no options (set once per ingest worker). */
export function setReadOptions(options: Partial<ReadOptions>): void {
  activeOptions = { ocr: true, ...options };
}

/** Reads one corpus file into raw text; throws ReadError when it cannot. File system errors pass through. */
export async function readPolicyFile(path: string, limits: ReadLimits = activeLimits, options: ReadOptions = activeOptions): Promise<ReadResult> {
  const format = FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
  if (!format) throw new ReadError('UNSUPPORTED_FORMAT', path);

  const size = (await stat(path)).size;
  if (size > limits.maxBytes) throw overLimit(path, 'size', size, limits, 'maxBytes');
  const bytes = await readFile(path);
  if (bytes.length === 0) throw new ReadError('EMPTY_FILE', path);

  const warnings: string[] = [];
  let text: string;
  let encoding: string | null = null;
  let ocr: OcrSummary | undefined;
  let meta: ReadResult['meta'];
  switch (format) {
    case 'txt':
    case 'md': {
      ({ text, encoding } = decodeText(bytes, path, warnings));
      text = normalizeNewlines(text);
      break;
    }
    case 'html':
      ({ text, encoding } = readHtml(bytes, path, warnings, limits));
      break;
    case 'docx':
      checkZip(bytes, path, limits);
      text = await docxToText(bytes, path, warnings);
      break;
    case 'doc':
    case 'wps': {
      const { readWordBinary } = await import('./readers/word-binary.ts');
      const content = await readWordBinary(bytes);
      text = '';
      if (content.kind === 'ole') {
        text = content.text;
        warnings.push(...content.warnings);
      } else if (content.kind === 'docx') {
        warnings.push(`a .docx file with a .${format} name`);
        checkZip(bytes, path, limits);
        text = await docxToText(bytes, path, warnings);
      } else if (content.kind === 'html') {
        warnings.push(`a web page with a .${format} name`);
        ({ text, encoding } = readHtml(bytes, path, warnings, limits));
      } else if (content.kind === 'unreadable') {
        throw new ReadError('CORRUPT_FILE', path, content.detail);
      }
      break;
    }
    case 'ofd': {
      checkZip(bytes, path, limits, true);
      let content;
      try {
        content = await readOfdContent(bytes, limits.maxUnzippedBytes);
      } catch (error) {
        throw new ReadError('CORRUPT_FILE', path, `ofd: ${(error as Error).message}`, { cause: error });
      }
      text = content.text;
      warnings.push(...content.warnings);
      if (content.seals.length > 0) warnings.push(`ofd: sealed by ${content.seals.join(', ')}`);
      meta = { title: content.title, docNumber: content.docNumber, issuer: content.issuer ?? content.seals[0] ?? null };
      break;
    }
    case 'xls':
    case 'xlsx': {
      const { readSheets, sheetsText } = await import('./readers/spreadsheet.ts');
      let sheets: SheetTable[];
      try {
        if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
          // WPS and some sites save .xlsx under an .xls name
          checkZip(bytes, path, limits, true);
          sheets = await readSheets(bytes, warnings);
        } else if (format === 'xls') {
          sheets = await readExcel97(bytes, warnings);
        } else {
          throw new Error('not a zip archive');
        }
      } catch (error) {
        if (error instanceof ReadError) throw error;
        throw new ReadError('CORRUPT_FILE', path, `${format}: ${(error as Error).message}`, { cause: error });
      }
      // a spreadsheet has no title line of its own: its file name is its title
      const title = basename(path, extname(path)).trim();
      text = sheets.length > 0 ? `${title}\n\n${sheetsText(sheets)}` : '';
      meta = { title, docNumber: null, issuer: null };
      break;
    }
    case 'pdf':
      ({ text, ocr } = await pdfToText(bytes, path, warnings, limits, options));
      break;
  }
  if (!/\S/u.test(text)) throw new ReadError('EMPTY_FILE', path, undefined, { warnings });
  return { text, format, encoding, warnings, ...(ocr ? { ocr } : {}), ...(meta ? { meta } : {}) };
}

function readHtml(bytes: Buffer, path: string, warnings: string[], limits: ReadLimits): Decoded {
  const declared = declaredHtmlCharset(bytes);
  const { text, encoding } = decodeText(bytes, path, warnings, declared);
  if (countElements(text, limits.maxHtmlElements) > limits.maxHtmlElements) {
    throw overLimit(path, 'HTML elements: more than', limits.maxHtmlElements, limits, 'maxHtmlElements');
  }
  return { text: htmlToText(normalizeNewlines(text)), encoding };
}

function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

// ---------------------------------------------------------------------------------------------
// Bytes -> string. Order: BOM; binary signatures; BOM-less UTF-16 by its byte pattern; NUL and
// control bytes (binary); strict UTF-8; a charset declared by the HTML; GB18030, accepted only
// when the result reads like Chinese text; then UTF-8 or GB18030 with a few undecodable bytes
// replaced and counted. Anything else is refused rather than garbled.

interface Decoded {
  text: string;
  encoding: string;
}

const SAMPLE_BYTES = 64 * 1024;

function decodeText(bytes: Buffer, file: string, warnings: string[], declaredLabel?: string | null): Decoded {
  const declared = declaredLabel ? encodingForLabel(declaredLabel) : null;
  const strict = (label: 'utf-8' | 'utf-16le' | 'utf-16be', from: number): string | null => {
    try {
      return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(from));
    } catch {
      return null;
    }
  };

  // A byte order mark is the writer's own statement; trust it, but never past an invalid sequence.
  const bom: Array<[number[], 'utf-8' | 'utf-16le' | 'utf-16be', string]> = [
    [[0xef, 0xbb, 0xbf], 'utf-8', 'UTF-8'],
    [[0xff, 0xfe], 'utf-16le', 'UTF-16LE'],
    [[0xfe, 0xff], 'utf-16be', 'UTF-16BE'],
  ];
  for (const [mark, label, name] of bom) {
    if (!mark.every((b, i) => bytes[i] === b)) continue;
    if (name === 'UTF-16LE' && bytes[2] === 0 && bytes[3] === 0) throw new ReadError('UNDECODABLE', file, 'UTF-32 is not supported');
    const text = strict(label, mark.length);
    if (text === null) throw new ReadError('UNDECODABLE', file, `invalid ${name} after its byte order mark`);
    return { text, encoding: name };
  }

  const signature = binarySignature(bytes);
  if (signature) throw new ReadError('BINARY_FILE', file, `looks like ${signature}`);

  const sample = bytes.subarray(0, SAMPLE_BYTES);
  let nulEven = 0;
  let nulOdd = 0;
  let controls = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!;
    if (b === 0) {
      if (i % 2 === 0) nulEven++;
      else nulOdd++;
    } else if ((b < 0x20 && !TEXT_CONTROLS.has(b)) || b === 0x7f) {
      controls++;
    }
  }

  // UTF-16 without a byte order mark. In UTF-16 every other byte is the high byte of a code
  // unit, and text of any script draws its characters from a few blocks, so that byte position
  // takes far fewer values than the other; in 8-bit text and in binary both positions look alike.
  // The candidate must then decode without an unpaired surrogate and read as text.
  // Valid UTF-8 without NUL bytes is never taken for UTF-16.
  const utf8 = strict('utf-8', 0);
  if (bytes.length % 2 === 0 && (utf8 === null || nulEven + nulOdd > 0)) {
    for (const { order, strong } of utf16Candidates(sample, nulEven, nulOdd)) {
      const text = strict(order, 0);
      if (text === null || controlProblem(text) !== null) continue;
      // A weak pattern (a short or repetitive sample) must also read as Chinese text.
      if (!strong && implausibility(text) !== null) continue;
      const name = order === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE';
      warnings.push(`no byte order mark; ${name} recognised by its byte pattern`);
      return { text, encoding: name };
    }
  }
  if (nulEven + nulOdd > 0) throw new ReadError('BINARY_FILE', file, `${nulEven + nulOdd} NUL bytes`);
  if (controls > Math.max(2, sample.length * 0.01)) {
    throw new ReadError('BINARY_FILE', file, `${controls} control bytes`);
  }

  // An HTML page's own declaration wins when the bytes bear it out (a page declared GBK can be
  // valid UTF-8 by accident only when it is tiny); a wrong declaration falls back to detection.
  let declaredFallback: Decoded | null = null;
  if (declared) {
    if (declared === 'UTF-8' && utf8 !== null) return { text: utf8, encoding: 'UTF-8' };
    if (declared === 'GB18030') {
      const text = iconv.decode(bytes, 'gb18030');
      if (implausibility(text) === null) return { text, encoding: 'GB18030' };
    } else if (declared !== 'UTF-8' && iconv.encodingExists(declared)) {
      // A Latin or other declaration on a Chinese site is usually a template left unchanged:
      // use it only if neither UTF-8 nor GB18030 fits.
      const text = iconv.decode(bytes, declared);
      if (!text.includes('\uFFFD')) declaredFallback = { text, encoding: declared };
    }
  }

  const fromDeclared = (chosen: Decoded): Decoded => {
    if (declared && declared !== chosen.encoding && bytes.some((b) => b >= 0x80)) {
      warnings.push(`declared charset ${declaredLabel} does not fit the bytes; decoded as ${chosen.encoding}`);
    }
    return chosen;
  };

  if (utf8 !== null) return fromDeclared({ text: utf8, encoding: 'UTF-8' });

  const gb = iconv.decode(bytes, 'gb18030');
  const problem = implausibility(gb);
  if (problem === null) return fromDeclared({ text: gb, encoding: 'GB18030' });
  if (declaredFallback) return fromDeclared(declaredFallback);

  // A few bytes that fit no encoding (a truncated copy, a bad sector, one mistyped byte) cost only
  // themselves: they become U+FFFD and a warning counts them. Of UTF-8 and GB18030, the reading
  // with fewer such bytes wins, provided the rest reads as text; a file where they are a large
  // share is not text in either, and is refused.
  const lossy: Decoded[] = [
    { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), encoding: 'UTF-8' },
    { text: gb, encoding: 'GB18030' },
  ];
  let best: { decoded: Decoded; replaced: number } | null = null;
  for (const decoded of lossy) {
    const { replaced, share } = replacementShare(decoded.text);
    if (share > MAX_REPLACED_SHARE || implausibility(decoded.text, true) !== null) continue;
    if (best === null || replaced < best.replaced) best = { decoded, replaced };
  }
  if (best !== null) {
    warnings.push(`${best.replaced} undecodable byte sequence(s) replaced with \uFFFD (read as ${best.decoded.encoding})`);
    return fromDeclared(best.decoded);
  }

  // chardet ranks many encodings we do not accept (Big5, Shift_JIS, ...); its best guess still
  // tells a maintainer what the file probably is.
  const guess = chardet.analyse(sample)[0];
  const hint = guess && guess.confidence >= 50 ? `; chardet guesses ${guess.name}` : '';
  throw new ReadError('UNDECODABLE', file, `not UTF-8; as GB18030: ${problem}${hint}`);
}

/** Above this share of undecodable characters a file is not read: it is mostly not text. */
const MAX_REPLACED_SHARE = 0.1;

function replacementShare(text: string): { replaced: number; share: number } {
  let replaced = 0;
  let visible = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) replaced++;
    if (c > 0x20) visible++;
  }
  return { replaced, share: visible === 0 ? 1 : replaced / visible };
}

/** Byte entropy (bits) of the bytes at even and at odd offsets of a sample. */
function positionEntropy(sample: Uint8Array): [number, number] {
  const counts = [new Uint32Array(256), new Uint32Array(256)];
  for (let i = 0; i < sample.length; i++) counts[i & 1]![sample[i]!]!++;
  return counts.map((c) => {
    const n = c.reduce((a, b) => a + b, 0);
    let h = 0;
    for (const k of c) if (k > 0) h -= (k / n) * Math.log2(k / n);
    return h;
  }) as [number, number];
}

/**
 * The byte orders worth trying for BOM-less UTF-16, most likely first. High bytes sit at odd
 * offsets in little-endian and at even ones in big-endian; they are the position with the
 * markedly lower entropy (Latin or Cyrillic text: a byte or two; Chinese: the 0x4E-0x9F rows), or
 * with most of the NUL bytes. `strong`: the pattern alone is convincing.
 */
function utf16Candidates(sample: Uint8Array, nulEven: number, nulOdd: number): Array<{ order: 'utf-16le' | 'utf-16be'; strong: boolean }> {
  const [even, odd] = positionEntropy(sample.subarray(0, sample.length & ~1));
  const gap = Math.abs(even - odd);
  if (sample.length >= 64 && gap > 0.5) {
    const order = odd < even ? 'utf-16le' : 'utf-16be';
    return [{ order, strong: gap > 1.5 }];
  }
  // Short or repetitive samples: try both, the order NUL bytes suggest first.
  const first = nulOdd >= nulEven ? 'utf-16le' : 'utf-16be';
  return [
    { order: first, strong: false },
    { order: first === 'utf-16le' ? 'utf-16be' : 'utf-16le', strong: false },
  ];
}

/** Why a decoded string holds too many control or private-use characters to be text, or null. */
function controlProblem(text: string): string | null {
  let visible = 0;
  let bad = 0;
  for (const ch of text.slice(0, 50_000)) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0x3000) continue;
    visible++;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xe000 && cp <= 0xf8ff) || cp >= 0xf0000 || (cp & 0xfffe) === 0xfffe) bad++;
  }
  if (visible === 0) return 'no visible characters';
  return bad > Math.max(1, visible * 0.005) ? `${bad} control or private-use characters` : null;
}

/** \t \n \v \f \r, SUB (DOS end of file) and ESC occur in real text files. */
const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1a, 0x1b]);

const SIGNATURES: Array<[string, number[]]> = [
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a ZIP archive (docx, xlsx, ...)', [0x50, 0x4b, 0x03, 0x04]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['an OLE document (legacy .doc, .xls, .wps)', [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]],
  ['a gzip archive', [0x1f, 0x8b]],
  ['a RAR archive', [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
  ['a 7-Zip archive', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
];

function binarySignature(bytes: Uint8Array): string | null {
  for (const [name, magic] of SIGNATURES) {
    if (bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)) return name;
  }
  return null;
}

/**
 * Why a decoded string does not read like (Chinese) text, or null when it does.
 * GB18030 maps almost any run of high bytes to some character, so "no invalid sequence" proves
 * little. Real Chinese text, though, draws almost all its hanzi from the 3755 of GB2312 level 1
 * (over 99% of running text) and its symbols from a few punctuation blocks; bytes decoded with
 * the wrong table land on rare hanzi, kana, Cyrillic, Hangul and private-use code points instead.
 */
function implausibility(text: string, allowReplacements = false): string | null {
  let visible = 0;
  let bad = 0;
  let nonAscii = 0;
  let unusual = 0;
  const common = commonHanzi();
  for (const ch of text.slice(0, 50_000)) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0xfffd) {
      if (allowReplacements) continue;
      return 'invalid byte sequences';
    }
    if (cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0x3000) continue;
    visible++;
    const control = cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
    const privateUse = (cp >= 0xe000 && cp <= 0xf8ff) || cp >= 0xf0000;
    if (control || privateUse || (cp & 0xfffe) === 0xfffe) {
      bad++;
      continue;
    }
    if (cp < 0x80) continue;
    nonAscii++;
    const hanzi = (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x3ffff);
    if (hanzi ? !common.has(ch) : !USUAL_SYMBOLS.some(([lo, hi]) => cp >= lo && cp <= hi)) unusual++;
  }
  if (bad > Math.max(1, visible * 0.005)) return `${bad} control or private-use characters`;
  if (unusual > Math.max(2, nonAscii * 0.2)) return `${unusual} of ${nonAscii} non-ASCII characters are rare ones`;
  return null;
}

/** Blocks of non-hanzi characters that Chinese policy texts use. */
const USUAL_SYMBOLS: ReadonlyArray<readonly [number, number]> = [
  [0x00a0, 0x00ff], // Latin-1: ×, ÷, °, ·
  [0x2000, 0x206f], // general punctuation: —, “”, ‘’, …, ‰
  [0x2100, 0x21ff], // letterlike (℃, №), number forms (Ⅰ, Ⅱ), arrows
  [0x2200, 0x22ff], // mathematical operators: ≥, ≤, ±
  [0x2460, 0x24ff], // enclosed alphanumerics: ①, ⑴, ⒈
  [0x2500, 0x27bf], // box drawing, geometric shapes, misc symbols, dingbats: ─, ■, □, ★, ✓
  [0x3000, 0x303f], // CJK symbols and punctuation: 、。《》【】〔〕
  [0x3200, 0x33ff], // enclosed CJK (㈠) and CJK compatibility (㎡)
  [0xfe30, 0xfe4f], // CJK compatibility forms: ︵
  [0xff00, 0xffef], // full-width forms: （），：；％
];

let commonHanziSet: Set<string> | null = null;

/** GB2312 level 1: rows 0xB0-0xD7, the 3755 most used hanzi. */
function commonHanzi(): Set<string> {
  if (commonHanziSet) return commonHanziSet;
  const pairs: number[] = [];
  for (let lead = 0xb0; lead <= 0xd7; lead++) {
    for (let trail = 0xa1; trail <= 0xfe; trail++) pairs.push(lead, trail);
  }
  const chars = iconv.decode(Buffer.from(pairs), 'gb18030');
  commonHanziSet = new Set([...chars].filter((ch) => ch >= '\u4e00' && ch <= '\u9fff'));
  return commonHanziSet;
}

// Markdown needs no conversion: cleaning reads its heading marks as headings and leaves emphasis,
// links and lists to the cleaner.

// ---------------------------------------------------------------------------------------------
// HTML

type DomNode = ReturnType<typeof parseDocument>['children'][number];
type DomElement = Extract<DomNode, { attribs: Record<string, string> }>;

const isElement = (node: DomNode): node is DomElement => 'attribs' in node;
const childrenOf = (node: DomNode): DomNode[] => ('children' in node ? node.children : []);
const elementChildren = (node: DomNode, ...names: string[]): DomElement[] =>
  childrenOf(node).filter((c): c is DomElement => isElement(c) && (names.length === 0 || names.includes(c.name)));

/** Labels that WHATWG decodes with the GB18030 decoder. */
const GB_LABELS = new Set(['gb2312', 'gbk', 'gb18030', 'x-gbk', 'chinese', 'csgb2312', 'csiso58gb231280', 'gb_2312', 'gb_2312-80', 'iso-ir-58', 'cp936', 'windows-936', 'euc-cn']);

/** The charset a page declares in <meta> or an XML declaration, read from its first bytes. */
function declaredHtmlCharset(bytes: Uint8Array): string | null {
  // Markup is ASCII in every encoding a page can declare, so a latin1 view of the head is enough.
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const labels: string[] = [];
  const xml = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (xml) labels.push(xml[1]!);
  const walk = (nodes: DomNode[]): void => {
    for (const node of nodes) {
      if (!isElement(node)) continue;
      if (node.name === 'meta') {
        const { charset, content } = node.attribs;
        const httpEquiv = node.attribs['http-equiv'];
        if (charset) labels.push(charset);
        else if (content && httpEquiv?.toLowerCase() === 'content-type') {
          const match = /charset\s*=\s*["']?([^"'\s;]+)/i.exec(content);
          if (match) labels.push(match[1]!);
        }
      }
      walk(node.children);
    }
  };
  walk(parseDocument(head).children);
  return labels[0]?.trim() || null;
}

function encodingForLabel(label: string): string {
  label = label.toLowerCase();
  if (GB_LABELS.has(label)) return 'GB18030';
  // WHATWG: a UTF-16 declaration inside the bytes themselves means UTF-8.
  if (label === 'utf-8' || label === 'utf8' || label.startsWith('utf-16')) return 'UTF-8';
  return label;
}

const SKIPPED_ELEMENTS = new Set(['head', 'script', 'style', 'noscript', 'template', 'svg', 'math', 'canvas', 'iframe', 'object', 'embed', 'select']);

const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'dialog', 'dir', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'html',
  'legend', 'li', 'main', 'menu', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead',
  'tr', 'ul',
]);

const CJK_SEGMENT_BREAK = /(?<=[\p{Script=Han}\u3000-\u303f\uff00-\uffef])[ \t]*\n[ \t\n]*(?=[\p{Script=Han}\u3000-\u303f\uff00-\uffef])/gu;

/**
 * Builds lines of text the way a browser lays out blocks and collapses white space. Finished
 * lines are kept apart from the line being written, so trimming and "does it end with…" look at
 * that line only: the cost stays linear in the output however many breaks a page has.
 */
class LineWriter {
  private readonly done: string[] = [];
  /** The line being written (no newline in it). */
  private current = '';
  /** How many newlines the output ends with. */
  private newlines = 0;

  /** In a table cell every line break becomes a space, so that a row stays on one line. */
  constructor(private readonly inline = false) {}

  private get empty(): boolean {
    return this.done.length === 0 && this.current === '';
  }

  /** Appends text that may hold newlines. */
  private append(s: string): void {
    let from = 0;
    for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', from)) {
      this.current += s.slice(from, nl);
      this.done.push(this.current + '\n');
      this.newlines = this.current === '' ? this.newlines + 1 : 1;
      this.current = '';
      from = nl + 1;
    }
    const rest = s.slice(from);
    if (rest !== '') {
      this.current += rest;
      this.newlines = 0;
    }
  }

  private trimLine(): void {
    if (this.current.endsWith(' ')) this.current = this.current.replace(/ +$/, '');
    if (this.current === '' && this.done.length > 0) this.newlines = Math.max(this.newlines, 1);
  }

  text(s: string, preformatted = false): void {
    if (preformatted) {
      if (this.inline) s = s.replace(/\s*\n\s*/g, ' ');
      this.append(s);
      return;
    }
    // CSS Text 3: a source line break between two CJK characters vanishes instead of becoming a space.
    s = s.replace(CJK_SEGMENT_BREAK, '').replace(/[ \t\n\f\r]+/g, ' ');
    if (s.startsWith(' ') && (this.empty || this.current === '' || /[ \t]$/.test(this.current))) s = s.slice(1);
    this.append(s);
  }

  /** Ends the current line if it has anything on it (block boundaries). */
  endLine(): void {
    if (this.inline) return this.text(' ');
    this.trimLine();
    if (this.current !== '') this.append('\n');
  }

  /** Always breaks the line (<br>). */
  lineBreak(): void {
    if (this.inline) return this.text(' ');
    this.trimLine();
    this.append('\n');
  }

  blankLine(): void {
    this.endLine();
    if (!this.empty && this.newlines < 2) this.append('\n');
  }

  /** A finished line, e.g. a table row, written as is. */
  line(s: string): void {
    this.endLine();
    this.append(s + '\n');
  }

  result(): string {
    return (this.done.join('') + this.current).replace(/ +$/, '');
  }
}

/**
 * Block elements and <br> end lines; a data table becomes one line per row, cells separated by
 * a tab, and a blank line after it. Tables used for page layout (common on government sites) are
 * read as ordinary blocks.
 */
function htmlToText(html: string): string {
  const document = parseDocument(html, { decodeEntities: true });
  const writer = new LineWriter();
  renderHtml(document.children, writer, false);
  return writer.result().replace(/\n{3,}/g, '\n\n').replace(/^\n+/, '').replace(/\n*$/, '\n');
}

function renderHtml(nodes: DomNode[], writer: LineWriter, preformatted: boolean): void {
  for (const node of nodes) {
    if (node.type === 'text' || node.type === 'cdata') {
      if ('data' in node) writer.text(node.data, preformatted);
      else renderHtml(childrenOf(node), writer, preformatted);
      continue;
    }
    if (!isElement(node)) continue;
    const name = node.name;
    if (SKIPPED_ELEMENTS.has(name) || 'hidden' in node.attribs || /display\s*:\s*none/i.test(node.attribs.style ?? '')) continue;
    if (name === 'br') {
      writer.lineBreak();
      continue;
    }
    if (name === 'table' && isDataTable(node)) {
      writer.endLine();
      const caption = elementChildren(node, 'caption')[0];
      if (caption) {
        const cell = new LineWriter(true);
        renderHtml(caption.children, cell, false);
        writer.line(cell.result().replace(/^ +| +$/g, ''));
      }
      for (const row of tableGrid(tableRows(node))) {
        const cells = row.map((cell) => {
          if (!cell) return '';
          const cellWriter = new LineWriter(true);
          renderHtml(cell.children, cellWriter, false);
          return cellWriter.result().replace(/^ +| +$/g, '');
        });
        writer.line(cells.join('\t'));
      }
      writer.blankLine();
      continue;
    }
    const block = BLOCK_ELEMENTS.has(name);
    if (block) writer.endLine();
    renderHtml(node.children, writer, preformatted || name === 'pre' || name === 'textarea');
    if (block) writer.endLine();
  }
}

/** Rows of this table, not of tables nested in it. */
function tableRows(table: DomElement): DomElement[] {
  return childrenOf(table).flatMap((child) => {
    if (!isElement(child)) return [];
    if (child.name === 'tr') return [child];
    if (child.name === 'thead' || child.name === 'tbody' || child.name === 'tfoot') return elementChildren(child, 'tr');
    return [];
  });
}

/** A table of data rather than of page layout: not presentational, no nested table, 2+ columns. */
function isDataTable(table: DomElement): boolean {
  if (table.attribs.role === 'presentation') return false;
  const rows = tableRows(table);
  const hasNested = (node: DomNode): boolean =>
    elementChildren(node).some((c) => c.name === 'table' || hasNested(c));
  if (rows.length === 0 || hasNested(table)) return false;
  return rows.some((row) => elementChildren(row, 'td', 'th').length >= 2);
}

/**
 * Cells by row, with null where a cell from a row above reaches down (rowspan), so that every
 * row lists its cells column by column. A cell spanning columns stays one cell.
 */
function tableGrid(rows: DomElement[]): Array<Array<DomElement | null>> {
  const span = (cell: DomElement, attr: string): number => {
    const n = Number.parseInt(cell.attribs[attr] ?? '1', 10);
    return Number.isFinite(n) && n > 1 ? Math.min(n, 1000) : 1;
  };
  // Per starting column: how many more rows it covers, and how many columns wide it is.
  const covering: Array<{ rows: number; cols: number } | undefined> = [];
  return rows.map((row) => {
    const out: Array<DomElement | null> = [];
    let col = 0;
    const fillCovered = (): void => {
      for (let c = covering[col]; c && c.rows > 0; c = covering[col]) {
        out.push(null);
        c.rows--;
        col += c.cols;
      }
    };
    for (const cell of elementChildren(row, 'td', 'th')) {
      fillCovered();
      const cols = span(cell, 'colspan');
      covering[col] = { rows: span(cell, 'rowspan') - 1, cols };
      out.push(cell);
      col += cols;
    }
    while (col < covering.length) {
      const before = col;
      fillCovered();
      if (col === before) col++;
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Limits that need a look inside the bytes.

/** Start tags in markup, counted up to just past `stop` (linear, no parse). */
function countElements(html: string, stop: number): number {
  let n = 0;
  for (let at = html.indexOf('<'); at !== -1 && n <= stop; at = html.indexOf('<', at + 1)) {
    const c = html.charCodeAt(at + 1) | 0x20;
    if (c >= 0x61 && c <= 0x7a) n++;
  }
  return n;
}

/**
 * A .docx, .xlsx or .ofd is a zip: its entry count and decompressed size are checked before any of it is
 * unpacked. The sizes the zip declares are not trusted: every entry is inflated against what is
 * left of the budget, which stops at the limit however much the entry would expand to.
 */
function checkZip(bytes: Buffer, file: string, limits: ReadLimits, required = false): void {
  // End of central directory: 22 bytes plus a comment of up to 65535, at the end of the file.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) {
    if (required) throw new ReadError('CORRUPT_FILE', file, 'not a zip archive');
    return; // not a zip at all: mammoth says so
  }
  const entries = bytes.readUInt16LE(eocd + 10);
  if (entries > limits.maxZipEntries) throw overLimit(file, 'zip entries', entries, limits, 'maxZipEntries');
  let at = bytes.readUInt32LE(eocd + 16);
  let budget = limits.maxUnzippedBytes;
  let declared = 0;
  for (let n = 0; n < entries && at + 46 <= bytes.length && bytes.readUInt32LE(at) === 0x02014b50; n++) {
    const method = bytes.readUInt16LE(at + 10);
    const compressed = bytes.readUInt32LE(at + 20);
    const size = bytes.readUInt32LE(at + 24);
    const local = bytes.readUInt32LE(at + 42);
    at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    declared += size;
    if (declared > limits.maxUnzippedBytes || size === 0xffffffff) {
      throw overLimit(file, 'decompressed size (declared) at least', declared, limits, 'maxUnzippedBytes');
    }
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) continue;
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(start, Math.min(bytes.length, start + compressed));
    if (method === 0) {
      budget -= data.length;
    } else if (method === 8) {
      try {
        budget -= inflateRawSync(data, { maxOutputLength: Math.max(1, budget + 1) }).length;
      } catch (error) {
        if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') budget = -1;
        // anything else is damage, which mammoth reports in its own words
      }
    }
    if (budget < 0) throw overLimit(file, 'decompressed size over', limits.maxUnzippedBytes, limits, 'maxUnzippedBytes');
  }
}

// ---------------------------------------------------------------------------------------------
// DOCX: mammoth turns the document into simple HTML (p, h1-h6, ul/ol/li, table), which is
// written out as one line per paragraph and tables in the form the seed corpus uses:
//   "\tcell\n" per cell (further paragraphs of a cell on following lines, without tab),
//   a blank line after each row, and another after the table.

async function docxToText(bytes: Buffer, file: string, warnings: string[]): Promise<string> {
  if (binarySignature(bytes)?.startsWith('an OLE')) {
    throw new ReadError('CORRUPT_FILE', file, 'a legacy .doc saved with a .docx name');
  }
  let html: string;
  try {
    const { default: mammoth } = await import('mammoth');
    const result = await mammoth.convertToHtml(
      { buffer: bytes },
      // Image bytes are never needed; skip base64-encoding them.
      { convertImage: mammoth.images.imgElement(async () => ({ src: '' })) },
    );
    html = result.value;
    for (const message of result.messages) {
      if (!/^Unrecognised .* style/.test(message.message)) warnings.push(`docx: ${message.message}`);
    }
  } catch (error) {
    throw new ReadError('CORRUPT_FILE', file, error instanceof Error ? error.message : String(error), { cause: error });
  }

  const document = parseDocument(html, { decodeEntities: true });
  const numbered = elementsNamed(document.children, 'ol').filter((ol) => !elementChildren(ol, 'li').some((li) => /^(foot|end)note-/.test(li.attribs.id ?? '')));
  if (numbered.length > 0) {
    warnings.push(`docx: ${numbered.length} automatically numbered list(s); Word's numbers (e.g. 第X条, （一）) are not in the text`);
  }
  return docxBlocks(document.children, false).map((line) => line + '\n').join('');
}

function elementsNamed(nodes: DomNode[], name: string): DomElement[] {
  return nodes.flatMap((node) => (isElement(node) ? [...(node.name === name ? [node] : []), ...elementsNamed(node.children, name)] : []));
}

/** Lines of a run of docx blocks; inside a table cell, nested tables flatten to lines. */
function docxBlocks(nodes: DomNode[], inCell: boolean): string[] {
  const lines: string[] = [];
  let current = '';
  const flush = (): void => {
    // Blank lines carry meaning only in the table form, so paragraphs never produce one.
    lines.push(...current.split('\n').filter((line) => line.trim() !== ''));
    current = '';
  };
  const visit = (node: DomNode): void => {
    if (node.type === 'text' && 'data' in node) {
      // A tab at the start of a line marks a table cell in our output; Word tabs become spaces.
      current += node.data.replace(/[\t\r]/g, ' ');
      return;
    }
    if (!isElement(node)) return;
    if (node.name === 'br') {
      current += '\n';
      return;
    }
    // Footnote back-links ("↑") are mammoth's, not the document's.
    if (node.name === 'a' && /^#(foot|end)note-ref-/.test(node.attribs.href ?? '')) return;
    if (node.name === 'table') {
      flush();
      if (inCell) {
        for (const row of tableRows(node)) for (const cell of elementChildren(row, 'td', 'th')) lines.push(...docxBlocks(cell.children, true));
        return;
      }
      for (const row of tableGrid(tableRows(node))) {
        for (const cell of row) {
          const cellLines = cell ? docxBlocks(cell.children, true).filter((l) => l.trim() !== '') : [];
          lines.push('\t' + cellLines.join('\n'));
        }
        lines.push('');
      }
      lines.push('');
      return;
    }
    const block = BLOCK_ELEMENTS.has(node.name);
    if (block) flush();
    node.children.forEach(visit);
    if (block) flush();
  };
  nodes.forEach(visit);
  flush();
  return lines;
}

// ---------------------------------------------------------------------------------------------
// PDF: the text layer, page by page, one line per run of text items on one baseline, pages
// separated by a form feed on its own line. Everything pdf.js needs is read from node_modules:
// no worker script is fetched (Node runs pdf.js's worker code in-process) and predefined CJK
// CMaps (UniGB-UCS2-H and friends, for fonts that are not embedded) come from pdfjs-dist/cmaps.

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjsPromise: Promise<PdfJs> | null = null;
const PDFJS_DIR = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

async function pdfToText(bytes: Buffer, file: string, warnings: string[], limits: ReadLimits, options: ReadOptions): Promise<{ text: string; ocr?: OcrSummary }> {
  pdfjsPromise ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  const pdfjs = await pdfjsPromise;
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes), // a copy: pdf.js may detach the buffer it is given
    cMapUrl: join(PDFJS_DIR, 'cmaps') + '/',
    cMapPacked: true,
    standardFontDataUrl: join(PDFJS_DIR, 'standard_fonts') + '/',
    wasmUrl: join(PDFJS_DIR, 'wasm') + '/',
    useSystemFonts: false,
    disableFontFace: true,
    isEvalSupported: false,
    stopAtErrors: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  try {
    let doc;
    try {
      doc = await task.promise;
    } catch (error) {
      const detail = error instanceof Error && error.name === 'PasswordException' ? 'password-protected' : String((error as Error)?.message ?? error);
      throw new ReadError('CORRUPT_FILE', file, `pdf: ${detail}`, { cause: error });
    }
    if (doc.numPages > limits.maxPdfPages) throw overLimit(file, 'pages', doc.numPages, limits, 'maxPdfPages');

    const pages: string[] = [];
    const textless: number[] = [];
    const failed: number[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      let items;
      try {
        items = (await (await doc.getPage(n)).getTextContent()).items;
      } catch {
        failed.push(n);
        pages.push('');
        continue;
      }
      const lines: string[] = [];
      let line = '';
      let lineY: number | null = null;
      let lineHeight = 0;
      const endLine = (): void => {
        const trimmed = line.replace(/ +$/, '');
        if (trimmed.trim() !== '') lines.push(trimmed);
        line = '';
        lineY = null;
        lineHeight = 0;
      };
      for (const item of items) {
        if (!('str' in item)) continue; // marked-content boundaries
        const y = item.transform[5] as number;
        const height = item.height > 0 ? item.height : lineHeight;
        if (item.str.trim() !== '') {
          // pdf.js flags most line ends with hasEOL; a jump in the baseline catches the rest.
          if (lineY !== null && Math.abs(y - lineY) > Math.max(2, 0.5 * Math.min(height || 10, lineHeight || 10))) endLine();
          if (lineY === null) lineY = y;
          lineHeight = Math.max(lineHeight, item.height);
        }
        if (line !== '' || item.str.trim() !== '') line += item.str;
        if (item.hasEOL) endLine();
      }
      endLine();
      if (lines.length === 0) textless.push(n);
      pages.push(lines.join('\n'));
    }

    if (failed.length === doc.numPages) throw new ReadError('CORRUPT_FILE', file, 'pdf: no page could be read');
    if (failed.length > 0) warnings.push(`pdf: page(s) ${failed.join(', ')} could not be read`);

    // Pages without a text layer are scans (or blank): those that show an image are recognized.
    // A page with a text layer is never recognized, whatever else it shows.
    let ocr: OcrSummary | undefined;
    let ocrTried = false;
    if (textless.length > 0 && options.ocr) {
      const scanned: number[] = [];
      for (const n of textless) if (await pageHasImage(doc, n)) scanned.push(n);
      ocrTried = scanned.length > 0;
      if (ocrTried) options.onProgress?.({ file, done: 0, total: scanned.length });
      let weighted = 0;
      let chars = 0;
      for (const [i, n] of scanned.entries()) {
        let page;
        try {
          page = await recognizePdfPage(doc, n, file, limits.maxOcrMemoryMb);
        } catch (error) {
          if (error instanceof OcrMemoryError) throw overLimit(file, `OCR of page ${n}: memory over`, limits.maxOcrMemoryMb, limits, 'maxOcrMemoryMb');
          throw error;
        }
        pages[n - 1] = page.lines.join('\n');
        weighted += page.confidence * page.chars;
        chars += page.chars;
        options.onProgress?.({ file, done: i + 1, total: scanned.length, ...(page.peakRssMb ? { ocrPeakRssMb: page.peakRssMb } : {}) });
      }
      const recognized = scanned.filter((n) => pages[n - 1] !== '');
      if (recognized.length > 0) {
        ocr = { pages: recognized.length, confidence: chars > 0 ? weighted / chars : 0 };
        warnings.push(`ocr: page(s) ${recognized.join(', ')} recognized from the image, mean confidence ${(ocr.confidence * 100).toFixed(1)}%`);
      }
      textless.splice(0, textless.length, ...textless.filter((n) => pages[n - 1] === ''));
    }

    if (textless.length + failed.length === doc.numPages) {
      warnings.push('no text layer (scanned PDF?)');
      const detail = !options.ocr ? 'OCR is off' : ocrTried ? 'OCR found no text' : 'no page shows an image';
      throw new ReadError('EMPTY_FILE', file, `no text layer; ${detail}`, { warnings });
    }
    if (textless.length > 0) warnings.push(`pdf: page(s) ${textless.join(', ')} have no text layer${options.ocr ? ' and no recognizable text' : ' (scanned? OCR is off)'}`);
    return { text: pages.join('\n\f\n') + '\n', ...(ocr ? { ocr } : {}) };
  } finally {
    await task.destroy();
  }
}

type PdfDocument = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

/** Resolution pages are rendered at for OCR: enough for 10.5 pt characters, small enough to be quick. */
export const OCR_DPI = 150;

async function pageHasImage(doc: PdfDocument, n: number): Promise<boolean> {
  const pdfjs = await pdfjsPromise!;
  const { OPS } = pdfjs;
  const imageOps = new Set<number>([OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageMaskXObject, OPS.paintImageXObjectRepeat]);
  try {
    const list = await (await doc.getPage(n)).getOperatorList();
    return list.fnArray.some((op) => imageOps.has(op));
  } catch {
    return false;
  }
}

/** Renders one page at OCR_DPI on a white ground and recognizes its text. */
async function recognizePdfPage(doc: PdfDocument, n: number, file: string, maxMemoryMb: number): Promise<RecognizedPage> {
  const page = await doc.getPage(n);
  const viewport = page.getViewport({ scale: OCR_DPI / 72 });
  const width = Math.ceil(viewport.width);
  const height = Math.ceil(viewport.height);
  // an A0 page at 150 dpi is 4967 x 7022: anything larger is no document page
  if (width * height > 40_000_000) throw new ReadError('CORRUPT_FILE', file, `pdf: page ${n} is ${width} x ${height} pixels at ${OCR_DPI} dpi`);
  const factory = doc.canvasFactory as { create(w: number, h: number): { canvas: { toBuffer(mime: string): Buffer }; context: CanvasRenderingContext2D } };
  const { canvas, context } = factory.create(width, height);
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  await page.render({ canvasContext: context, canvas: canvas as unknown as HTMLCanvasElement, viewport }).promise;
  const png = canvas.toBuffer('image/png');
  page.cleanup();
  return recognizeImage(png, maxMemoryMb);
}
