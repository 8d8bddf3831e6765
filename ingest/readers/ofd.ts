// OFD (GB/T 33190-2016), the format of electronic official documents: a zip of XML files.
// OFD.xml names the document (DocRoot) and its signatures; Document.xml lists the pages and their
// templates; each page's Content.xml places text objects (Unicode text at positions in mm) and
// path objects (the rules of tables) on layers. No maintained JavaScript library reads it, so this
// reads the XML itself:
//   - text in reading order: glyph runs grouped into lines by baseline, lines top to bottom,
//     runs left to right; a line indented by about two characters starts a paragraph;
//   - tables where the page draws them: horizontal and vertical rules that form a grid, with the
//     text inside each cell, written in the shared table form;
//   - the seal: the name of each electronic seal (GB/T 38540 SES_Seal: the first UTF8String of
//     its property, e.g. 永州市人民政府), returned as the issuer when the text names none;
//   - DocInfo's CustomData 文号 / 发文机关 when the producer filled them in.
import { posix } from 'node:path';
import { parseDocument } from 'htmlparser2';
import { tableText } from './table-text.ts';
import { zipEntries, type ZipEntries } from './zip-entries.ts';

export interface OfdContent {
  text: string;
  /** Names of the seals applied to the document (signatures of type Seal). */
  seals: string[];
  /** DocInfo's Title; 文号 and 发文机关 from its CustomData, when present. */
  title: string | null;
  docNumber: string | null;
  issuer: string | null;
  warnings: string[];
}

type XmlNode = ReturnType<typeof parseDocument>['children'][number];
type XmlElement = Extract<XmlNode, { attribs: Record<string, string> }>;

const local = (name: string): string => name.slice(name.indexOf(':') + 1);
const isElement = (node: XmlNode): node is XmlElement => 'attribs' in node;
const kids = (node: XmlNode, name?: string): XmlElement[] =>
  ('children' in node ? node.children : []).filter((c): c is XmlElement => isElement(c) && (name === undefined || local(c.name) === name));
function descendants(node: XmlNode, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (n: XmlNode): void => {
    for (const c of kids(n)) {
      if (local(c.name) === name) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}
const textOf = (node: XmlNode): string =>
  'children' in node ? node.children.map((c) => ('data' in c && c.type === 'text' ? c.data : textOf(c))).join('') : '';
const attr = (el: XmlElement, name: string): string | undefined =>
  Object.entries(el.attribs).find(([k]) => local(k).toLowerCase() === name.toLowerCase())?.[1];
const numbers = (s: string | undefined): number[] => (s ?? '').trim().split(/[\s,]+/).filter(Boolean).map(Number);

/** One placed run of text: its baseline, its left and right edges, its font size (mm). */
interface Run {
  x: number;
  right: number;
  y: number;
  size: number;
  text: string;
}

/** An axis-aligned rule (mm): horizontal when y1 === y2. */
interface Rule {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export async function readOfdContent(bytes: Buffer, maxEntryBytes: number): Promise<OfdContent> {
  const zip = zipEntries(bytes, maxEntryBytes);
  const xml = (path: string): ReturnType<typeof parseDocument> | null => {
    const data = zip.read(path);
    return data ? parseDocument(data.toString('utf8'), { xmlMode: true, decodeEntities: true }) : null;
  };
  const root = xml('OFD.xml');
  if (!root) throw new Error('no OFD.xml: not an OFD file');
  const body = descendants(root, 'DocBody')[0];
  const docRoot = body ? textOf(descendants(body, 'DocRoot')[0] ?? body).trim() : '';
  if (!docRoot) throw new Error('OFD.xml names no DocRoot');
  const warnings: string[] = [];

  const title = (body && descendants(body, 'Title')[0] ? textOf(descendants(body, 'Title')[0]!).trim() : '') || null;
  let docNumber: string | null = null;
  let issuer: string | null = null;
  for (const data of body ? descendants(body, 'CustomData') : []) {
    const name = (attr(data, 'Name') ?? '').trim();
    const value = textOf(data).trim();
    if (!value) continue;
    if (/^(文号|发文字号|DocNumber)$/i.test(name)) docNumber = value;
    if (/^(发文机关|发文单位|Issuer)$/i.test(name)) issuer = value;
  }

  const document = xml(docRoot);
  if (!document) throw new Error(`the document ${docRoot} named by OFD.xml is missing`);
  const docDir = posix.dirname(docRoot);
  const resolve = (base: string, loc: string): string => (loc.startsWith('/') ? loc.slice(1) : posix.join(base, loc));

  const templates = new Map<string, string>();
  for (const t of descendants(document, 'TemplatePage')) {
    const id = attr(t, 'ID');
    const loc = attr(t, 'BaseLoc');
    if (id && loc) templates.set(id, resolve(docDir, loc));
  }

  const pageContents: Array<{ runs: Run[]; rules: Rule[] }> = [];
  const pages = descendants(document, 'Page').filter((p) => attr(p, 'BaseLoc'));
  for (const page of pages) {
    const path = resolve(docDir, attr(page, 'BaseLoc')!);
    const content = xml(path);
    if (!content) {
      warnings.push(`ofd: page ${path} is missing`);
      continue;
    }
    const runs: Run[] = [];
    const rules: Rule[] = [];
    // a template (the masthead of a red-header document, a background) is part of the page
    for (const use of descendants(content, 'Template')) {
      const templatePath = templates.get(attr(use, 'TemplateID') ?? '');
      const template = templatePath ? xml(templatePath) : null;
      if (template) collect(template, runs, rules);
    }
    collect(content, runs, rules);
    pageContents.push({ runs, rules });
  }
  // the text's left edge, over the whole document: a page may hold only indented lines
  const leftMargin = Math.min(...pageContents.flatMap((p) => p.runs.map((r) => r.x)));
  const pageTexts = pageContents.map((p) => layoutPage(p.runs, p.rules, leftMargin));
  if (pages.length === 0) warnings.push('ofd: the document lists no pages');

  const seals = readSeals(zip, root, xml, resolve);
  return { text: pageTexts.join('\n\f\n') + '\n', seals, title, docNumber, issuer, warnings };
}

/** Text runs and table rules of one page's content (layers, page blocks, nested objects). */
function collect(content: XmlNode, runs: Run[], rules: Rule[]): void {
  for (const object of descendants(content, 'TextObject')) {
    const [bx = 0, by = 0] = numbers(attr(object, 'Boundary'));
    const size = Number(attr(object, 'Size')) || 3.5;
    const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = attr(object, 'CTM') ? numbers(attr(object, 'CTM')) : [];
    const scale = Math.hypot(a, b) || 1;
    let x = 0;
    let y = 0;
    for (const code of kids(object, 'TextCode')) {
      const text = textOf(code);
      if (attr(code, 'X') !== undefined) x = Number(attr(code, 'X'));
      if (attr(code, 'Y') !== undefined) y = Number(attr(code, 'Y'));
      const deltas = expandDeltas(attr(code, 'DeltaX'));
      const width = [...text].slice(0, -1).reduce((sum, _ch, i) => sum + (deltas[i] ?? size), 0) + size;
      if (text.trim() !== '') {
        const left = a * x + c * y + e + bx;
        runs.push({ x: left, right: left + width * scale, y: b * x + d * y + f + by, size: size * scale, text });
      }
      x += width;
    }
  }
  for (const object of descendants(content, 'PathObject')) {
    const [bx = 0, by = 0] = numbers(attr(object, 'Boundary'));
    const data = descendants(object, 'AbbreviatedData')[0];
    if (data) rules.push(...axisSegments(textOf(data), bx, by));
  }
}

/** DeltaX/DeltaY: numbers, where "g N D" stands for N copies of D. */
function expandDeltas(value: string | undefined): number[] {
  const tokens = (value ?? '').trim().split(/\s+/).filter(Boolean);
  const out: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === 'g') {
      const n = Math.min(Number(tokens[i + 1]) || 0, 100_000);
      const d = Number(tokens[i + 2]) || 0;
      for (let k = 0; k < n; k++) out.push(d);
      i += 2;
    } else {
      out.push(Number(tokens[i]) || 0);
    }
  }
  return out;
}

/** Horizontal and vertical segments of a path (M, L, C/close commands; curves are no rules). */
function axisSegments(data: string, bx: number, by: number): Rule[] {
  const tokens = data.trim().split(/\s+/);
  const out: Rule[] = [];
  let start: [number, number] | null = null;
  let at: [number, number] | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const op = tokens[i];
    if (op === 'M' || op === 'S') {
      at = start = [Number(tokens[i + 1]) + bx, Number(tokens[i + 2]) + by];
      i += 2;
    } else if (op === 'L' && at) {
      const to: [number, number] = [Number(tokens[i + 1]) + bx, Number(tokens[i + 2]) + by];
      pushAxis(out, at, to);
      at = to;
      i += 2;
    } else if (op === 'C' && at && start) {
      pushAxis(out, at, start);
      at = start;
    } else if (op === 'B') {
      i += 6;
      at = null;
    } else if (op === 'Q') {
      i += 4;
      at = null;
    } else if (op === 'A') {
      i += 7;
      at = null;
    }
  }
  return out;
}

function pushAxis(out: Rule[], [x1, y1]: [number, number], [x2, y2]: [number, number]): void {
  if (![x1, y1, x2, y2].every(Number.isFinite)) return;
  if (Math.abs(y1 - y2) < 0.2 && Math.abs(x1 - x2) > 1) out.push({ x1: Math.min(x1, x2), x2: Math.max(x1, x2), y1, y2: y1 });
  else if (Math.abs(x1 - x2) < 0.2 && Math.abs(y1 - y2) > 1) out.push({ x1, x2: x1, y1: Math.min(y1, y2), y2: Math.max(y1, y2) });
}

/** Distinct values, merging those within `tolerance` of each other. */
function distinct(values: number[], tolerance = 0.8): number[] {
  const out: number[] = [];
  for (const v of [...values].sort((p, q) => p - q)) if (out.length === 0 || v - out[out.length - 1]! > tolerance) out.push(v);
  return out;
}

interface Grid {
  xs: number[];
  ys: number[];
}

/**
 * Tables drawn with rules: horizontal rules are grouped into tables by the vertical rules that
 * join them. A grid of at least two rows and two columns is a table.
 */
function findGrids(rules: Rule[]): Grid[] {
  const horizontal = rules.filter((r) => r.y1 === r.y2);
  const vertical = rules.filter((r) => r.x1 === r.x2);
  const grids: Grid[] = [];
  const used = new Set<Rule>();
  for (const v of [...vertical].sort((p, q) => p.y1 - q.y1)) {
    if (used.has(v)) continue;
    // every vertical rule that overlaps this one's span belongs to the same table
    let top = v.y1;
    let bottom = v.y2;
    let members = [v];
    for (let grew = true; grew; ) {
      grew = false;
      for (const w of vertical) {
        if (members.includes(w) || w.y2 < top - 0.5 || w.y1 > bottom + 0.5) continue;
        members.push(w);
        top = Math.min(top, w.y1);
        bottom = Math.max(bottom, w.y2);
        grew = true;
      }
    }
    members.forEach((m) => used.add(m));
    const left = Math.min(...members.map((m) => m.x1));
    const right = Math.max(...members.map((m) => m.x1));
    const ys = distinct(horizontal.filter((h) => h.y1 >= top - 0.5 && h.y1 <= bottom + 0.5 && h.x1 <= left + 1 && h.x2 >= right - 1).map((h) => h.y1));
    const xs = distinct(members.map((m) => m.x1));
    if (xs.length >= 3 && ys.length >= 3) grids.push({ xs, ys });
  }
  return grids;
}

/** One page: its grids as tables, the rest as lines in reading order. */
function layoutPage(runs: Run[], rules: Rule[], leftMargin: number): string {
  const grids = findGrids(rules);
  const blocks: Array<{ y: number; text: string }> = [];
  const free: Run[] = [];
  const cells = grids.map((g) => g.ys.slice(1).map(() => g.xs.slice(1).map(() => [] as Run[])));
  for (const run of runs) {
    const cx = (run.x + run.right) / 2;
    const cy = run.y - run.size / 3;
    const gi = grids.findIndex((g) => cx > g.xs[0]! && cx < g.xs[g.xs.length - 1]! && cy > g.ys[0]! && cy < g.ys[g.ys.length - 1]!);
    if (gi === -1) {
      free.push(run);
      continue;
    }
    const g = grids[gi]!;
    const row = g.ys.findIndex((y, i) => i > 0 && cy < y) - 1;
    const col = g.xs.findIndex((x, i) => i > 0 && cx < x) - 1;
    cells[gi]![row]![col]!.push(run);
  }
  grids.forEach((g, gi) => {
    const rows = cells[gi]!.map((row) => row.map((cellRuns) => linesOf(cellRuns).map((l) => l.text).join('\n')));
    blocks.push({ y: g.ys[0]!, text: tableText(rows) });
  });

  const lines = linesOf(free);
  for (const line of lines) {
    // a first-line indent of about two characters starts a paragraph
    const indented = line.x - leftMargin > line.size * 1.5 && line.x - leftMargin < line.size * 3;
    blocks.push({ y: line.y, text: (indented ? '\n' : '') + line.text + '\n' });
  }
  blocks.sort((p, q) => p.y - q.y);
  return blocks.map((b) => b.text).join('').replace(/^\n+/, '').replace(/\n{3,}/g, '\n\n').replace(/\n+$/, '');
}

/** Runs grouped into lines by baseline, top to bottom, each line's runs left to right. */
function linesOf(runs: Run[]): Array<{ x: number; y: number; size: number; text: string }> {
  const sorted = [...runs].sort((p, q) => p.y - q.y || p.x - q.x);
  const lines: Run[][] = [];
  for (const run of sorted) {
    const line = lines[lines.length - 1];
    if (line && Math.abs(line[0]!.y - run.y) <= Math.max(0.5, Math.min(line[0]!.size, run.size) * 0.4)) line.push(run);
    else lines.push([run]);
  }
  return lines.map((line) => {
    line.sort((p, q) => p.x - q.x);
    let text = '';
    let right = -Infinity;
    for (const run of line) {
      // a gap wider than two characters is a space in the text ("2025年3月10日" pushed right)
      if (text !== '' && run.x - right > run.size * 2) text += ' ';
      text += run.text;
      right = run.right;
    }
    return { x: line[0]!.x, y: line[0]!.y, size: line[0]!.size, text };
  });
}

/** Names of the electronic seals, from each signature's seal (or the signed value that embeds it). */
function readSeals(
  zip: ZipEntries,
  root: XmlNode,
  xml: (path: string) => ReturnType<typeof parseDocument> | null,
  resolve: (base: string, loc: string) => string,
): string[] {
  const names = new Set<string>();
  for (const signaturesLoc of descendants(root, 'Signatures').map((s) => textOf(s).trim()).filter(Boolean)) {
    const list = xml(signaturesLoc);
    if (!list) continue;
    const base = posix.dirname(signaturesLoc);
    for (const signature of descendants(list, 'Signature')) {
      const loc = attr(signature, 'BaseLoc');
      if (!loc || (attr(signature, 'Type') ?? 'Seal') !== 'Seal') continue;
      const path = resolve(base, loc);
      const file = xml(path);
      if (!file) continue;
      const dir = posix.dirname(path);
      const sealLoc = descendants(file, 'Seal').map((s) => textOf(descendants(s, 'BaseLoc')[0] ?? s).trim())[0];
      const valueLoc = textOf(descendants(file, 'SignedValue')[0] ?? file).trim();
      for (const loc of [sealLoc, valueLoc]) {
        if (!loc) continue;
        const der = zip.read(resolve(dir, loc));
        const name = der ? sealName(der) : null;
        if (name) {
          names.add(name);
          break;
        }
      }
    }
  }
  return [...names];
}

/**
 * The seal's name in a DER-encoded SES_Seal (GB/T 38540; also embedded in a SES_Signature): the
 * first UTF8String holding Chinese text, which is the name in the seal's property information.
 */
export function sealName(der: Buffer): string | null {
  let steps = 0;
  const walk = (from: number, to: number): string | null => {
    let at = from;
    while (at + 2 <= to && steps++ < 100_000) {
      const tag = der[at]!;
      let length = der[at + 1]!;
      let header = 2;
      if (length & 0x80) {
        const n = length & 0x7f;
        if (n === 0 || n > 4 || at + 2 + n > to) return null;
        length = 0;
        for (let i = 0; i < n; i++) length = length * 256 + der[at + 2 + i]!;
        header += n;
      }
      const start = at + header;
      const end = start + length;
      if (end > to) return null;
      if (tag === 0x0c) {
        const text = der.subarray(start, end).toString('utf8').trim();
        if (/\p{Script=Han}/u.test(text)) return text;
      } else if (tag & 0x20) {
        const found = walk(start, end);
        if (found) return found;
      }
      at = end;
    }
    return null;
  };
  return walk(0, der.length);
}
