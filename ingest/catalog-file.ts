// The index's documents, clauses and passages on disk, in a form made for loading. JSON objects a
// clause (the laws' 103,587 clauses: 24 MB of JSON, every one its own object to parse) and the
// documents' texts inside that JSON (decoded from UTF-8 and then scanned again as a JSON string)
// were most of a server's start. Here:
//  - texts.utf16.gz: every document's text, one after another, in UTF-16 (what a JavaScript string
//    holds): read as one string, each document's text a slice of it, so a text is in memory once;
//  - documents.json.gz: one document a line, its clauses as columns (ids, parents as positions,
//    kinds, levels, labels, headings, paths as positions in the document's own list, offsets),
//    with what few clauses carry beside (tables, a 解读's links) kept apart;
//  - passages.json.gz: the passages in index order, a few thousand a line, each as its document's
//    and its clause's positions, the part of its id after the clause's, and its offsets.
// Loading checks every reference (a position out of range, an offset outside its text) so that a
// damaged file is refused instead of answering searches with a 500.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Clause, Passage, PolicyDocument } from './types.ts';

/** What a clause carries beside its columns: tables, and a 解读's links (explains, interpretations). */
type ClauseExtras = Partial<Pick<Clause, 'tables' | 'explains' | 'interpretations'>>;

/** One document as documents.json.gz holds it. */
export interface PackedDocument extends Omit<PolicyDocument, 'text' | 'clauses'> {
  /** Its text's length in UTF-16 code units: where it ends in texts.utf16.gz. */
  length: number;
  /** The heading paths its clauses stand under, each once. */
  paths: string[][];
  clauses: {
    id: string[];
    /** The parent's position among the document's clauses, or -1. */
    parent: number[];
    kind: Clause['kind'][];
    level: number[];
    label: (string | null)[];
    heading: (string | null)[];
    /** The position of the clause's path in `paths`. */
    path: number[];
    start: number[];
    end: number[];
    /** [position, extras] for the clauses that have any. */
    extras: [number, ClauseExtras][];
    /**
     * Each clause's children as positions, only where they are not what the parents give (every
     * clause whose parent it is, in order); absent otherwise.
     */
    children?: number[][];
  };
}

/** A line of passages.json.gz: passages in index order. */
export interface PackedPassages {
  doc: number[];
  clause: number[];
  /** The passage's id after its clause's id and ":", or its whole id when it is not of that form. */
  part: (number | string)[];
  start: number[];
  end: number[];
}

/** Passages a line of passages.json.gz. */
export const PASSAGES_A_LINE = 4096;

/** A document for documents.json.gz. Throws when a clause refers to another document's (the index never makes one). */
export function packDocument(d: PolicyDocument): PackedDocument {
  const { text, clauses, ...meta } = d;
  const position = new Map<string, number>();
  clauses.forEach((c, i) => position.set(c.id, i));
  const at = (id: string): number => {
    const found = position.get(id);
    if (found === undefined) throw new Error(`document ${d.id}: clause ${id} is not one of its own`);
    return found;
  };
  const paths: string[][] = [];
  const pathAt = new Map<string, number>();
  const packed: PackedDocument['clauses'] = { id: [], parent: [], kind: [], level: [], label: [], heading: [], path: [], start: [], end: [], extras: [] };
  const derived: number[][] = clauses.map(() => []);
  clauses.forEach((c, i) => {
    if (c.docId !== d.id) throw new Error(`document ${d.id}: clause ${c.id} names document ${c.docId}`);
    const key = c.path.join('\u0000');
    let path = pathAt.get(key);
    if (path === undefined) pathAt.set(key, (path = paths.push(c.path) - 1));
    const parent = c.parentId === null ? -1 : at(c.parentId);
    if (parent >= 0) derived[parent]!.push(i);
    packed.id.push(c.id);
    packed.parent.push(parent);
    packed.kind.push(c.kind);
    packed.level.push(c.level);
    packed.label.push(c.label);
    packed.heading.push(c.heading);
    packed.path.push(path);
    packed.start.push(c.start);
    packed.end.push(c.end);
    const extras: ClauseExtras = {};
    if (c.tables.length > 0) extras.tables = c.tables;
    if (c.explains !== undefined) extras.explains = c.explains;
    if (c.interpretations !== undefined) extras.interpretations = c.interpretations;
    if (Object.keys(extras).length > 0) packed.extras.push([i, extras]);
  });
  const children = clauses.map((c) => c.childIds.map(at));
  if (children.some((list, i) => list.length !== derived[i]!.length || list.some((child, n) => child !== derived[i]![n]))) packed.children = children;
  return { ...meta, length: text.length, paths, clauses: packed };
}

/**
 * The passages for passages.json.gz, a line at a time: `lines` are where each line begins, and
 * `line(from)` packs the passages from there. Nothing is made for all passages at once (a million
 * passages' clauses in one map were 200 MB of a build's peak): a passage's clause is looked up
 * among its document's clauses, and a build lists a document's passages together.
 */
export function passagePacker(documents: readonly PolicyDocument[], passages: readonly Passage[]): { lines: number[]; line(from: number): PackedPassages } {
  const docAt = new Map<string, number>();
  documents.forEach((d, i) => docAt.set(d.id, i));
  let current = -1;
  let clauseAt = new Map<string, number>();
  const lines: number[] = [];
  for (let from = 0; from < passages.length; from += PASSAGES_A_LINE) lines.push(from);
  return {
    lines,
    line(from) {
      const line: PackedPassages = { doc: [], clause: [], part: [], start: [], end: [] };
      for (let i = from; i < Math.min(from + PASSAGES_A_LINE, passages.length); i++) {
        const p = passages[i]!;
        const di = docAt.get(p.docId);
        if (di !== undefined && di !== current) {
          current = di;
          clauseAt = new Map(documents[di]!.clauses.map((c, ci) => [c.id, ci]));
        }
        const ci = di === undefined ? undefined : clauseAt.get(p.clauseId);
        if (di === undefined || ci === undefined) throw new Error(`passage ${p.id} is not in its clause's document`);
        line.doc.push(di);
        line.clause.push(ci);
        line.part.push(partNumber(p.id, p.clauseId) ?? p.id);
        line.start.push(p.start);
        line.end.push(p.end);
      }
      return line;
    },
  };
}

/** n when the passage's id is its clause's id, ":" and n (a whole number written plainly, under a billion); else null. */
function partNumber(id: string, clauseId: string): number | null {
  const from = clauseId.length + 1;
  if (id.length <= from || id.length > from + 9 || id.charCodeAt(from - 1) !== 0x3a || !id.startsWith(clauseId)) return null;
  let n = 0;
  for (let i = from; i < id.length; i++) {
    const digit = id.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9 || (digit === 0 && i === from && id.length > from + 1)) return null;
    n = n * 10 + digit;
  }
  return n;
}

/** Bytes handed to gzip at a time: a megabyte of output per call to zlib, not 16 KB. */
const PIECE = 1 << 20;

/** Writes every document's text, one after another, in UTF-16, through gzip a megabyte at a time. */
export async function writeTexts(path: string, documents: readonly PolicyDocument[], level: number): Promise<void> {
  const gzip = createGzip({ level, chunkSize: PIECE, ...{ writableHighWaterMark: 4 * PIECE } });
  const done = pipeline(gzip, createWriteStream(path));
  done.catch(() => {}); // awaited below
  const hand = async (bytes: Buffer) => {
    if (!gzip.write(bytes)) await Promise.race([once(gzip, 'drain'), done]);
  };
  // texts copied into a piece as they are (a string's UTF-16 is what it holds): no joined string
  let piece = Buffer.allocUnsafe(PIECE);
  let used = 0;
  for (const { text } of documents) {
    const bytes = text.length * 2;
    if (used + bytes > PIECE && used > 0) {
      await hand(piece.subarray(0, used));
      piece = Buffer.allocUnsafe(PIECE);
      used = 0;
    }
    if (bytes > PIECE) await hand(Buffer.from(text, 'utf16le'));
    else used += piece.write(text, used, 'utf16le');
  }
  if (used > 0) await hand(piece.subarray(0, used));
  gzip.end();
  await done;
  await finished(gzip);
}

/** Whatever the files hold that the catalog cannot be built from (INDEX_CORRUPT names the file). */
export class CatalogError extends Error {
  constructor(
    readonly file: 'documents' | 'passages' | 'texts',
    message: string,
  ) {
    super(message);
    this.name = 'CatalogError';
  }
}

export interface Catalog {
  documents: PolicyDocument[];
  passages: Passage[];
  documentsById: Map<string, PolicyDocument>;
  clausesById: Map<string, Clause>;
}

const EMPTY: never[] = [];

/**
 * The documents, clauses and passages from what packDocument and passagePacker made and the texts'
 * bytes; each text a slice of one string, each reference checked. What many clauses repeat (their
 * labels, kinds and paths) is held once.
 */
export function unpackCatalog(packedDocuments: readonly PackedDocument[], textBytes: Buffer, packedPassages: readonly PackedPassages[]): Catalog {
  if (textBytes.length % 2 !== 0) throw new CatalogError('texts', 'its length is not a whole number of UTF-16 code units');
  const all = textBytes.toString('utf16le');
  const strings = new Map<string, string>();
  const one = <S extends string | null>(s: S): S => {
    if (s === null) return s;
    const known = strings.get(s);
    if (known !== undefined) return known as S;
    strings.set(s, s);
    return s;
  };
  const sharedPaths = new Map<string, string[]>();
  const documents: PolicyDocument[] = [];
  const documentsById = new Map<string, PolicyDocument>();
  const clausesById = new Map<string, Clause>();
  let offset = 0;
  for (const [n, packed] of packedDocuments.entries()) {
    const bad = (detail: string) => new CatalogError('documents', `document ${n} ${detail}`);
    const { length, paths, clauses: columns, ...meta } = packed ?? ({} as PackedDocument);
    if (typeof meta.id !== 'string' || !Number.isInteger(length) || length < 0 || !Array.isArray(paths) || typeof columns !== 'object' || columns === null) throw bad('is malformed');
    if (offset + length > all.length) throw new CatalogError('texts', `it holds ${all.length} characters; the documents need more`);
    if (documentsById.has(meta.id)) throw bad(`shares the id ${JSON.stringify(meta.id)} with another`);
    const text = all.slice(offset, offset + length);
    offset += length;
    const { id: ids, parent, kind, level, label, heading, path, start, end, extras, children } = columns;
    const count = Array.isArray(ids) ? ids.length : -1;
    if (![parent, kind, level, label, heading, path, start, end].every((column) => Array.isArray(column) && column.length === count) || !Array.isArray(extras)) {
      throw bad('has clause columns of different lengths');
    }
    const docPaths = paths.map((p) => {
      const key = p.join('\u0000');
      let known = sharedPaths.get(key);
      if (known === undefined) sharedPaths.set(key, (known = p.length === 0 ? EMPTY : p.map(one)));
      return known;
    });
    const clauses: Clause[] = new Array(count);
    const doc = { ...meta, text, clauses } as PolicyDocument;
    for (let i = 0; i < count; i++) {
      const id = ids[i]!;
      const s = start[i]!;
      const e = end[i]!;
      const p = parent[i]!;
      if (typeof id !== 'string') throw bad('has a clause without an id');
      if (!(s >= 0 && e <= length && s <= e)) throw bad(`has clause ${JSON.stringify(id)} outside its text`);
      if (!(Number.isInteger(p) && p >= -1 && p < count && p !== i)) throw bad(`has clause ${JSON.stringify(id)} with a parent outside it`);
      const clausePath = docPaths[path[i]!];
      if (clausePath === undefined) throw bad(`has clause ${JSON.stringify(id)} with a path it does not list`);
      const clause: Clause = {
        id,
        docId: meta.id,
        parentId: null,
        kind: one(kind[i]!),
        level: level[i]!,
        label: one(label[i]!),
        heading: heading[i]!,
        path: clausePath,
        text: text.slice(s, e),
        start: s,
        end: e,
        tables: EMPTY,
        childIds: EMPTY,
      };
      clauses[i] = clause;
      const known = clausesById.size;
      if (clausesById.set(id, clause).size === known) throw bad(`shares the clause id ${JSON.stringify(id)} with another`);
    }
    const kids: string[][] = [];
    for (let i = 0; i < count; i++) {
      const p = parent[i]!;
      if (p < 0) continue;
      clauses[i]!.parentId = clauses[p]!.id;
      (kids[p] ??= []).push(clauses[i]!.id);
    }
    if (children !== undefined) {
      if (!Array.isArray(children) || children.length !== count) throw bad('has a list of children of another length');
      children.forEach((list, i) => {
        if (!Array.isArray(list) || list.some((c) => !(Number.isInteger(c) && c >= 0 && c < count))) throw bad('has a child outside it');
        if (list.length > 0) clauses[i]!.childIds = list.map((c) => clauses[c]!.id);
      });
    } else {
      kids.forEach((list, i) => (clauses[i]!.childIds = list));
    }
    for (const entry of extras) {
      const [i, more] = Array.isArray(entry) ? entry : [-1, null];
      if (!(Number.isInteger(i) && i >= 0 && i < count) || typeof more !== 'object' || more === null) throw bad('has extras for a clause it does not have');
      Object.assign(clauses[i]!, more);
    }
    documents.push(doc);
    documentsById.set(doc.id, doc);
  }
  if (offset !== all.length) throw new CatalogError('texts', `it holds ${all.length} characters; the documents take ${offset}`);

  const passages: Passage[] = [];
  for (const line of packedPassages) {
    const { doc, clause, part, start, end } = line ?? ({} as PackedPassages);
    const count = Array.isArray(doc) ? doc.length : -1;
    if (![clause, part, start, end].every((column) => Array.isArray(column) && column.length === count)) {
      throw new CatalogError('passages', `a line's columns differ in length (at passage ${passages.length})`);
    }
    for (let i = 0; i < count; i++) {
      const n = passages.length;
      const d = documents[doc[i]!];
      const c = d?.clauses[clause[i]!];
      if (d === undefined || c === undefined) throw new CatalogError('passages', `passage ${n} points at a document or clause that is not there`);
      const s = start[i]!;
      const e = end[i]!;
      if (!(s >= 0 && e <= d.text.length && s <= e)) throw new CatalogError('passages', `passage ${n} lies outside its document`);
      const suffix = part[i]!;
      passages.push({ id: typeof suffix === 'number' ? `${c.id}:${suffix}` : suffix, clauseId: c.id, docId: d.id, text: d.text.slice(s, e), start: s, end: e });
    }
  }
  return { documents, passages, documentsById, clausesById };
}
