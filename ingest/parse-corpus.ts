// One corpus file -> its documents with metadata and clause trees, and their passages.
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { cleanText } from './clean-text.ts';
import { extractMetadata } from './extract-metadata.ts';
import { makePassages } from './make-passages.ts';
import { applyReadFacts, readWithAttachments } from './readers/attachments.ts';
import { pairQuestions, segmentClauses } from './segment-clauses.ts';
import { splitDocuments } from './split-documents.ts';
import { chineseNumber } from './policy-patterns.ts';
import type { Clause, Passage, PolicyDocument, Table } from './types.ts';

export interface ParsedFile {
  source: string;
  documents: PolicyDocument[];
  passages: Passage[];
  warnings: string[];
}

/** A URL-safe id from a file name: yongzhou-measures.txt -> yongzhou-measures. */
export function fileStem(source: string): string {
  return basename(source, extname(source))
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase() || 'document';
}

/**
 * A document id stem for every file of a corpus, unique within it: files whose names clean to the
 * same stem ("policy a.txt", "policy-a.txt"; "notice.docx", "notice.pdf") keep it for the first
 * name in sorted order and get a suffix from their own full name otherwise, so the mapping from
 * file to id depends only on the file names, the same on every run.
 */
export function assignStems(sources: string[]): { stems: Map<string, string>; collisions: string[] } {
  const stems = new Map<string, string>();
  const taken = new Map<string, string>();
  const collisions: string[] = [];
  const sorted = [...sources].sort();
  // Plain stems first, so a file named like another's suffixed stem can never take it over.
  const wanted = new Map(sorted.map((s) => [s, fileStem(s)]));
  const counts = new Map<string, number>();
  for (const stem of wanted.values()) counts.set(stem, (counts.get(stem) ?? 0) + 1);
  for (const source of sorted) {
    const stem = wanted.get(source)!;
    if (!taken.has(stem)) {
      taken.set(stem, source);
      stems.set(source, stem);
      continue;
    }
    let suffix = createHash('sha1').update(source).digest('hex').slice(0, 6);
    let id = `${stem}-${suffix}`;
    while (taken.has(id) || counts.has(id)) {
      suffix = createHash('sha1').update(suffix).digest('hex').slice(0, 6);
      id = `${stem}-${suffix}`;
    }
    taken.set(id, source);
    stems.set(source, id);
    collisions.push(`"${source}" and "${taken.get(stem)}" would share the id "${stem}"; "${source}" is "${id}"`);
  }
  return { stems, collisions };
}

/** A date in a file name, "专利法(2020-10-17).md", "notice-20250310.pdf": the document's date when its text gives none. */
export function dateInName(source: string): string | null {
  const m = /(?<!\d)((?:19|20)\d{2})[-_.年]?(0[1-9]|1[0-2]|[1-9](?!\d))[-_.月]?(0[1-9]|[12]\d|3[01]|[1-9](?!\d))(?!\d)/.exec(basename(source, extname(source)));
  if (!m) return null;
  return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
}

/**
 * Articles numbered out of order are worth a look: a 第X条 that was no label, or one that was
 * missed. A restart at 第一条 (a reprinted text appended to the document) is said once.
 */
export function articleOrderWarnings(clauses: Clause[]): string[] {
  const out: string[] = [];
  let last = 0;
  let lastLabel = '';
  for (const c of clauses) {
    if (c.kind !== 'article' || c.label === null) continue;
    const m = /^第(.+?)条(?:之(.+))?$/.exec(c.label);
    const n = m ? chineseNumber(m[1]!) : null;
    if (n === null) continue;
    if (m![2] === undefined && n !== last + 1 && !(n === 1 && last > 1)) out.push(`${c.label} follows ${lastLabel || 'no article'}`);
    else if (n === 1 && last > 1) out.push(`articles start again at 第一条 after ${lastLabel}`);
    last = n;
    lastLabel = c.label;
  }
  return out.length > 3 ? [...out.slice(0, 3), `${out.length - 3} more articles out of order`] : out;
}

export function parseText(source: string, raw: string, today: string, stem = fileStem(source)): ParsedFile {
  const { blocks, warnings } = cleanText(raw, { markdown: /\.(?:md|markdown)$/i.test(source) });
  const fallbackDate = dateInName(source);
  const documents: PolicyDocument[] = [];
  const passages: Passage[] = [];
  splitDocuments(blocks).forEach((docBlocks, part) => {
    const id = part === 0 ? stem : `${stem}-${part + 1}`;
    const paired = pairQuestions(docBlocks);
    const { meta, headerBlocks } = extractMetadata(paired, today, part === 0 ? fallbackDate : null);
    const { text, clauses } = segmentClauses(id, paired, headerBlocks);
    const docWarnings: string[] = [];
    if (meta.title === null) docWarnings.push('no title found');
    if (clauses.length === 0) docWarnings.push('no clauses found');
    docWarnings.push(...articleOrderWarnings(clauses));
    documents.push({ id, source, part, ...meta, text, clauses, warnings: docWarnings, explains: null, explainedBy: [], cites: [], citedBy: [] });
    passages.push(...makePassages(clauses, text));
  });
  return { source, documents, passages, warnings };
}

/**
 * A parse with its clause and passage texts as slices of their document's text (they are, by
 * their offsets): a parse that crossed threads or came from the cache holds each text as a copy of
 * its own, three times the corpus in memory; a slice shares its document's characters.
 */
export function shareTexts(parsed: ParsedFile): ParsedFile {
  const texts = new Map(parsed.documents.map((d) => [d.id, d.text]));
  for (const d of parsed.documents) for (const c of d.clauses) c.text = d.text.slice(c.start, c.end);
  for (const p of parsed.passages) p.text = texts.get(p.docId)!.slice(p.start, p.end);
  return parsed;
}

const NO_IDS = Object.freeze([]) as unknown as string[];
const NO_TABLES = Object.freeze([]) as unknown as Table[];

/**
 * A parse whose repeated strings (and lists) are one each: a parse that crossed threads or came from
 * the cache holds a copy of its document's id in every clause and passage, of its clause's id in
 * every passage, of 'article' and （一） and 第一章 总则 in every clause that has them: half the
 * strings of the laws corpus's parse (28 of 56 MB). Ids are shared within the file; kinds, labels,
 * headings, path elements (`common`) and whole paths (`paths`) across the files of one corpus. The
 * shared lists are frozen: nothing after segmentation changes them.
 */
export function shareStrings(parsed: ParsedFile, common: Map<string, string>, paths: Map<string, string[]> = new Map()): ParsedFile {
  const shared = (table: Map<string, string>, value: string): string => {
    const found = table.get(value);
    if (found !== undefined) return found;
    table.set(value, value);
    return value;
  };
  const ids = new Map<string, string>();
  for (const d of parsed.documents) {
    ids.set(d.id, d.id);
    for (const c of d.clauses) ids.set(c.id, c.id);
  }
  const id = (value: string) => ids.get(value) ?? value;
  for (const d of parsed.documents) {
    for (const c of d.clauses) {
      c.docId = id(c.docId);
      if (c.parentId !== null) c.parentId = id(c.parentId);
      for (let i = 0; i < c.childIds.length; i++) c.childIds[i] = id(c.childIds[i]!);
      c.kind = shared(common, c.kind) as typeof c.kind;
      if (c.label !== null) c.label = shared(common, c.label);
      if (c.heading !== null) c.heading = shared(common, c.heading);
      // the articles of a chapter share one path; a leaf's empty lists are one empty list
      const key = c.path.join('\u0000');
      const path = paths.get(key);
      if (path !== undefined) c.path = path;
      else {
        for (let i = 0; i < c.path.length; i++) c.path[i] = shared(common, c.path[i]!);
        paths.set(key, Object.freeze(c.path) as string[]);
      }
      if (c.childIds.length === 0) c.childIds = NO_IDS;
      if (c.tables.length === 0) c.tables = NO_TABLES;
    }
  }
  for (const p of parsed.passages) {
    p.docId = id(p.docId);
    p.clauseId = id(p.clauseId);
  }
  return parsed;
}

/**
 * A parse as the build cache keeps it, about a third of its JSON: texts left out (shareTexts()
 * restores them), a clause's document implied by where it is, its parent and children as
 * positions, each heading path once per file, a passage as its place. A rebuild after one changed
 * file reads every file's parse: on the laws corpus 81 MB of JSON as objects, 1.2 s to read.
 */
export interface PackedParse {
  source: string;
  warnings: string[];
  paths: string[][];
  documents: PackedDocument[];
  /** [document, clause, id suffix (the id is the clause's id, ":", this) or the whole id, start, end] */
  passages: [number, number, number | string, number, number][];
}
type PackedDocument = Omit<PolicyDocument, 'clauses'> & { clauses: PackedClause[] };
/**
 * [id, parent (its position, or its id when elsewhere, or null), kind, level, label, heading,
 * path (its position in paths), start, end, tables, children (positions, or ids when elsewhere),
 * the clause's other fields (or 0)]
 */
type PackedClause = [string, number | string | null, Clause['kind'], number, string | null, string | null, number, number, number, Table[], (number | string)[], Partial<Clause> | 0];

const CLAUSE_FIELDS = new Set(['id', 'docId', 'parentId', 'kind', 'level', 'label', 'heading', 'path', 'text', 'start', 'end', 'tables', 'childIds']);

export function packParse(parsed: ParsedFile): PackedParse {
  const paths: string[][] = [];
  const pathAt = new Map<string, number>();
  const place = new Map<string, [number, number]>(); // clause id -> [document, clause]
  parsed.documents.forEach((d, di) => d.clauses.forEach((c, ci) => place.set(c.id, [di, ci])));
  const documents = parsed.documents.map((d, di): PackedDocument => {
    const at = (id: string) => {
      const found = place.get(id);
      return found !== undefined && found[0] === di ? found[1] : id;
    };
    const clauses = d.clauses.map((c): PackedClause => {
      const key = c.path.join('\u0000');
      let path = pathAt.get(key);
      if (path === undefined) pathAt.set(key, (path = paths.push(c.path) - 1));
      const extra: Partial<Clause> = {};
      let extras = false;
      for (const [k, v] of Object.entries(c)) {
        if (!CLAUSE_FIELDS.has(k) || (k === 'docId' && v !== d.id)) {
          (extra as Record<string, unknown>)[k] = v;
          extras = true;
        }
      }
      const parent = c.parentId === null ? null : at(c.parentId);
      return [c.id, parent, c.kind, c.level, c.label, c.heading, path, c.start, c.end, c.tables, c.childIds.map(at), extras ? extra : 0];
    });
    return { ...d, text: d.text, clauses };
  });
  const passages = parsed.passages.map((p): PackedParse['passages'][number] => {
    const [di, ci] = place.get(p.clauseId) ?? [-1, -1];
    const suffix = p.id.startsWith(`${p.clauseId}:`) ? p.id.slice(p.clauseId.length + 1) : null;
    const n = suffix !== null && /^(0|[1-9]\d{0,8})$/.test(suffix) ? Number(suffix) : p.id;
    if (di < 0 || parsed.documents[di]!.id !== p.docId) throw new Error(`${parsed.source}: passage ${p.id} is outside its clause's document`);
    return [di, ci, n, p.start, p.end];
  });
  return { source: parsed.source, warnings: parsed.warnings, paths, documents, passages };
}

/** The parse packParse() kept, its texts restored as slices of their documents' (shareTexts()). */
export function unpackParse(packed: PackedParse): ParsedFile {
  const documents = packed.documents.map((pd): PolicyDocument => {
    const ids = pd.clauses.map((c) => c[0]);
    const id = (at: number | string) => (typeof at === 'number' ? ids[at]! : at);
    const clauses = pd.clauses.map(([cid, parent, kind, level, label, heading, path, start, end, tables, children, extra]): Clause => {
      const clause: Clause = {
        id: cid,
        docId: pd.id,
        parentId: parent === null ? null : id(parent),
        kind,
        level,
        label,
        heading,
        path: packed.paths[path]!,
        text: pd.text.slice(start, end),
        start,
        end,
        tables,
        childIds: children.map(id),
      };
      return extra === 0 ? clause : Object.assign(clause, extra);
    });
    return { ...pd, clauses };
  });
  const passages = packed.passages.map(([di, ci, n, start, end]): Passage => {
    const d = documents[di]!;
    const clauseId = d.clauses[ci]!.id;
    return { id: typeof n === 'number' ? `${clauseId}:${n}` : n, clauseId, docId: d.id, text: d.text.slice(start, end), start, end };
  });
  return { source: packed.source, documents, passages, warnings: packed.warnings };
}

/** One file (with the attachments published beside it, see readers/attachments.ts) -> its documents. */
export async function parseFile(
  path: string,
  source: string,
  today: string,
  stem = fileStem(source),
  attachments: Array<{ path: string; source: string }> = [],
): Promise<ParsedFile> {
  const read = await readWithAttachments(path, attachments, source);
  const parsed = parseText(source, read.text, today, stem);
  parsed.warnings.unshift(...read.warnings);
  applyReadFacts(parsed.documents, read);
  return parsed;
}
