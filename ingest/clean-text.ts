// Cleaning: raw extracted text -> blocks (paragraphs and tables) with the extraction damage repaired.
// The damage is what PDF and DOCX exports of policy texts really carry: hard line breaks inside
// sentences, spaced-out characters, running page headers and page numbers (also mid-sentence),
// bookmark markers, markdown bold, tables as tab-prefixed cells or as space-separated rows.
import { LABEL_START, TITLE_END, isDateLine, isDocNumber, isIssuerLine } from './policy-patterns.ts';

export type Block =
  | { kind: 'paragraph'; text: string }
  /** A heading the file marks as one (markdown "## 第一章 总则"); level 1 is the document title. */
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'table'; rows: string[][] }
  /** A 文号 printed on a line of its own (page header or under the title): metadata, not body text. */
  | { kind: 'docNumber'; text: string }
  /** A typographic banner such as a gazette column "人 事 任 免": a boundary between documents. */
  | { kind: 'banner'; text: string };

export interface CleanResult {
  blocks: Block[];
  warnings: string[];
}

const CJK = '\\u3400-\\u9fff\\uf900-\\ufaff';
const CJK_PUNCT = '，。、；：？！“”‘’（）《》〔〕【】—…·';
const SPACED_CHAR = new RegExp(`^[${CJK}\\d${CJK_PUNCT}]$`);

/** A markdown code fence. */
const FENCE = /^ {0,3}(?:`{3,}|~{3,})/;
/** A row of a markdown table. */
const PIPE_ROW = /^ {0,3}\|.*\|\s*$/;
/** A markdown ATX heading: "## 第一章 总 则", "# 中华人民共和国民法典". */
const ATX_HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
/** Spaced-out words that are a heading of the text, not a banner between documents: "附 则". */
const SPACED_HEADING = /^(?:总则|分则|附则|附录|附件|附表|目录|说明|前言|序言)$/;
const REGISTRATION_LINE = /^[A-Z]{2,8}[-—－]\d{4}[-—－]\d{3,8}$/;
const PAGE_NUMBER_LINE = /^(?:[-—–－]\s*)?\d{1,4}(?:\s*[-—–－])?$|^第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?$|^\d{1,4}\s*\/\s*\d{1,4}$/;
const TERMINAL = /[。！？；…]["”’）)」』]*$/;
const MUST_CONTINUE = /[，、“‘（《【〔—\-]$|关于$|印发$/;
const PROSE_PUNCT = /[，。；：、]/;

/** Display width in CJK cells: half-width characters count one half. */
function displayWidth(line: string): number {
  let w = 0;
  for (const ch of line) w += ch.charCodeAt(0) < 0x2000 ? 0.5 : 1;
  return w;
}

function stripDebris(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/<!--[\s\S]*?-->/g, '') // markdown and HTML comments are never shown to a reader
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/[\u00a0\u3000]/g, ' ')
    .replace(/\[bookmark:[^\]\n]*\]/gi, '')
    .replace(/\{#_Toc\w*\}|\[\]\(#_Toc\w*\)/g, '')
    .replace(/^[^\S\n]*https?:\/\/\S+[^\S\n]*$/gm, '') // link annotations exported as lines of their own
    .replace(/\*\*([^*\n]+?)\*\*/g, '$1')
    .replace(/__([^_\n]+?)__/g, '$1');
}

/**
 * "为 加 快 推 进" -> "为加快推进", "1 5 0 0 0家" -> "15000家", "民营企业 1 0 0强" -> "民营企业100强".
 * Only runs of at least three single CJK/digit/CJK-punctuation tokens are collapsed, so Latin words
 * and table rows such as "企业 家 14 100" keep their spaces.
 */
export function collapseSpacedOut(line: string): string {
  const tokens = line.split(/[^\S\n]+/);
  const seps = line.match(/[^\S\n]+/g) ?? [];
  const isSingle = (t: string) => [...t].length === 1 && SPACED_CHAR.test(t);
  const drop = new Set<number>();
  for (let t = 0; t < tokens.length; ) {
    if (!isSingle(tokens[t]!)) {
      t++;
      continue;
    }
    let e = t;
    while (e < tokens.length && isSingle(tokens[e]!)) e++;
    const glued = e < tokens.length && SPACED_CHAR.test([...tokens[e]!][0] ?? '') ? 1 : 0;
    if (e - t + glued >= 3) {
      for (let k = t; k < e - 1 + glued; k++) drop.add(k);
      // "企业1 5 0 0 0家": the run's first digit was glued to the word before it
      const before = t > 0 ? [...tokens[t - 1]!].at(-1) ?? '' : '';
      if (/\d/.test(before) && /^\d$/.test(tokens[t]!)) drop.add(t - 1);
    }
    t = e;
  }
  return tokens.map((tok, k) => tok + (k < seps.length && !drop.has(k) ? seps[k] : '')).join('');
}

/** Spaces next to a CJK character are layout debris in Chinese prose: "2020 年全市" -> "2020年全市". */
function tightenProse(text: string): string {
  return text
    .replace(new RegExp(`([${CJK}${CJK_PUNCT}])[^\\S\\n]+`, 'g'), '$1')
    .replace(new RegExp(`[^\\S\\n]+([${CJK}${CJK_PUNCT}])`, 'g'), '$1')
    .replace(/[^\S\n]{2,}/g, ' ')
    .trim();
}

/** A statutory label as published, followed by a space: "第一百七十七条之一 有下列情形之一…", "第一章 总 则". */
const STATUTE_LABEL = /^[^\S\n]*(第[一二三四五六七八九十百千零〇两\d]+(?:分编|[编章节条])(?:之[一二三四五六七八九十]+)?)[^\S\n]+(?=\S)/;

/**
 * Cleans a paragraph, keeping one space after a statutory label that was printed with one: the
 * space is how published laws set the label apart, and it tells a label from a citation that opens
 * a sentence ("第五条规定的…"). The words after it are tightened as prose ("总 则" -> "总则").
 */
function withLabelSpace(para: string, clean: (text: string) => string): string {
  const label = STATUTE_LABEL.exec(para);
  if (!label) return clean(para);
  return `${label[1]} ${tightenProse(para.slice(label[0].length))}`;
}

function joinLines(a: string, b: string): string {
  if (/[A-Za-z0-9]$/.test(a) && /^[A-Za-z0-9]/.test(b) && !/\d$/.test(a)) return `${a} ${b}`;
  return a + b;
}

function bracketBalance(text: string): number {
  let open = 0;
  for (const [o, c] of [['《', '》'], ['“', '”'], ['（', '）'], ['〔', '〕']] as const) {
    open += Math.max(0, text.split(o).length - text.split(c).length);
  }
  return open;
}

interface Line {
  text: string;
  /** True when the original line was spaced out entirely ("人 事 任 免"). */
  spaced: boolean;
}

/** Tab-prefixed cells (DOCX exports, our reader's DOCX/HTML output) -> rows. */
function parseTabTable(lines: string[]): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  const flush = () => {
    if (row.length > 0) rows.push(row.map((c) => tightenProse(c)));
    row = [];
  };
  for (const line of lines) {
    if (line === '' || (!line.includes('\t') && line.trim() === '')) {
      flush();
    } else if (line.startsWith('\t')) {
      const cells = line.slice(1).split('\t');
      row.push(...cells);
    } else if (line.includes('\t')) {
      flush();
      row.push(...line.split('\t'));
      flush();
    } else if (row.length > 0) {
      row[row.length - 1] = joinLines(row[row.length - 1]!, line.trim());
    } else {
      row.push(line.trim());
    }
  }
  flush();
  return rows;
}

/** A row of a table that PDF extraction flattened into one line of space-separated cells. */
function isFlatTableRow(line: string): boolean {
  if (/[，。；：、“”《》]/.test(line)) return false;
  const cells = line.trim().split(/\s+/);
  if (cells.length < 3) return false;
  const numeric = cells.filter((c) => /^[≥≤<>~～+\-—]?[\d.%/\-—]+[*]?$|^[%‰-]$|^[\u4e00-\u9fa5]{0,2}\/[\u4e00-\u9fa5]{1,2}$/.test(c)).length;
  return numeric >= 2 && cells.every((c) => displayWidth(c) <= 24);
}

export interface CleanOptions {
  /** Markdown: a blank line always ends a paragraph, and # lines are headings. */
  markdown?: boolean;
}

export function cleanText(raw: string, options: CleanOptions = {}): CleanResult {
  const warnings: string[] = [];
  const rawLines = stripDebris(raw).split('\n');

  // 1. Running headers/footers: short lines that repeat, compared without spaces, and that at least
  // once interrupt a running sentence (so a repeated issuer name in two signatures is kept).
  const occurrences = new Map<string, number[]>();
  rawLines.forEach((line, i) => {
    const key = line.replace(/\s+/g, '');
    if (key.length >= 2 && key.length <= 40 && !line.startsWith('\t')) occurrences.set(key, [...(occurrences.get(key) ?? []), i]);
  });
  const previousText = (i: number) => {
    for (let k = i - 1; k >= 0; k--) {
      const t = rawLines[k]!.trim();
      if (t !== '' && !PAGE_NUMBER_LINE.test(t)) return t;
    }
    return '';
  };
  const runningHeaders = new Set<string>();
  for (const [key, at] of occurrences) {
    if (at.length < 2 || LABEL_START.test(key) || TERMINAL.test(key) || /[，]/.test(key)) continue;
    const interrupts = at.some((i) => {
      const prev = previousText(i);
      return /[，。；、]/.test(prev) && !TERMINAL.test(prev);
    });
    if (interrupts || at.length >= 5) runningHeaders.add(key);
  }
  // A header printed once in an excerpt still sits next to its page number, inside a sentence.
  const furniture = new Set<number>();
  rawLines.forEach((line, i) => {
    if (!PAGE_NUMBER_LINE.test(line.trim())) return;
    for (const step of [-1, 1]) {
      let j = i + step;
      while (j >= 0 && j < rawLines.length && rawLines[j]!.trim() === '') j += step;
      const cand = rawLines[j]?.trim() ?? '';
      if (cand === '' || cand.length > 40 || /[，。；]/.test(cand) || LABEL_START.test(cand)) continue;
      const before = previousText(step < 0 ? j : i);
      if (/[，。；、]/.test(before) && !TERMINAL.test(before)) furniture.add(j);
    }
  });
  // Markdown is written, not extracted from pages: it has no page furniture, and a line that repeats
  // ("将引言修改为：") or a bare number ("1 煤" in a list) is text.
  const isRunningHeader = (line: string, i: number) => !options.markdown && (furniture.has(i) || runningHeaders.has(line.replace(/\s+/g, '')));

  // 2. Walk the lines: tables, debris and page furniture out; everything else into a line list.
  type Item = { line: Line } | { block: Block };
  const items: Item[] = [];
  let removedHeaders = 0;
  let inFence = false;
  for (let i = 0; i < rawLines.length; i++) {
    const rawLine = rawLines[i]!;
    if (rawLine.includes('\t')) {
      const start = i;
      while (i + 1 < rawLines.length) {
        const next = rawLines[i + 1]!;
        const after = rawLines[i + 2] ?? '';
        if (next.includes('\t')) i++;
        else if (next.trim() === '' && after.includes('\t')) i++;
        else if (next.trim() !== '' && !next.includes('\t') && rawLines[i]!.includes('\t') && !rawLines[i]!.endsWith('\t\t')) {
          // a cell whose text continues on the next line ("基期值\n（2025年）")
          if (displayWidth(next.trim()) <= 12 && !LABEL_START.test(next.trim())) i++;
          else break;
        } else break;
      }
      const rows = parseTabTable(rawLines.slice(start, i + 1));
      // A first row of a single cell is the table's caption ("专栏 …"), printed above it.
      if (rows.length > 1 && rows[0]!.filter((c) => c !== '').length === 1) {
        items.push({ block: { kind: 'paragraph', text: tightenProse(rows[0]!.join('')).replace(/\s+/g, ' ') } });
        rows.shift();
      }
      if (rows.length > 0) items.push({ block: { kind: 'table', rows } });
      continue;
    }
    const trimmed = rawLine.trim();
    if (trimmed === '' || trimmed === '\f') {
      items.push({ line: { text: '', spaced: false } });
      continue;
    }
    if (options.markdown && FENCE.test(rawLine)) {
      // a code fence: its marks go, its lines are text (a "# " inside is no heading)
      inFence = !inFence;
      continue;
    }
    if (options.markdown && !inFence && PIPE_ROW.test(rawLine)) {
      // a markdown table: | 刑法条文 | 罪名 |, its |---| rule dropped
      const rows: string[][] = [];
      for (; i < rawLines.length && PIPE_ROW.test(rawLines[i]!); i++) {
        const cells = rawLines[i]!.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => tightenProse(c.trim()));
        if (!cells.every((c) => /^:?-{2,}:?$|^$/.test(c))) rows.push(cells);
      }
      i--;
      if (rows.length > 0) items.push({ block: { kind: 'table', rows } });
      continue;
    }
    const atx = options.markdown && !inFence ? ATX_HEADING.exec(rawLine) : null;
    if (atx) {
      const text = withLabelSpace(atx[2]!.trim(), (p) => tightenProse(collapseSpacedOut(p)));
      if (text !== '') items.push({ block: { kind: 'heading', level: atx[1]!.length, text } });
      continue;
    }
    if ((!options.markdown && PAGE_NUMBER_LINE.test(trimmed)) || isRunningHeader(trimmed, i)) {
      removedHeaders++;
      continue;
    }
    const compact = trimmed.replace(/\s+/g, '');
    if (isDocNumber(compact)) {
      items.push({ block: { kind: 'docNumber', text: compact } });
      continue;
    }
    if (REGISTRATION_LINE.test(compact)) continue;
    const spaced = /^\S(\s+\S)+$/.test(trimmed) && trimmed.replace(/\s+/g, '').length >= 2;
    items.push({ line: { text: spaced ? compact : isFlatTableRow(trimmed) ? trimmed : collapseSpacedOut(trimmed), spaced } });
  }
  if (removedHeaders > 0) warnings.push(`removed ${removedHeaders} page header/footer/number lines`);

  // 3. How the text was wrapped: hard-wrapped PDF lines of a fixed width, or one line per paragraph.
  const proseWidths = items
    .flatMap((it) => ('line' in it && PROSE_PUNCT.test(it.line.text) ? [displayWidth(it.line.text)] : []))
    .sort((a, b) => a - b);
  const wrapWidth = proseWidths.length > 0 ? proseWidths[Math.floor(proseWidths.length * 0.75)]! : Infinity;
  const hardWrapped = wrapWidth <= 48;
  // Boxes (专栏) and side columns wrap at their own width: judge "full" against the neighbours.
  const localWidth = (at: number): number => {
    const near: number[] = [];
    for (let k = Math.max(0, at - 10); k < Math.min(items.length, at + 11); k++) {
      const it = items[k]!;
      if ('line' in it && PROSE_PUNCT.test(it.line.text)) {
        const w = displayWidth(it.line.text);
        if (w <= wrapWidth * 1.4) near.push(w);
      }
    }
    if (near.length < 4) return wrapWidth;
    near.sort((a, b) => a - b);
    return near[Math.floor(near.length * 0.75)]!;
  };
  const blankCount = items.filter((it) => 'line' in it && it.line.text === '').length;
  const lineCount = items.filter((it) => 'line' in it && it.line.text !== '').length;
  const blanksMeaningful = options.markdown === true || blankCount < lineCount * 0.6;

  // 4. Flat tables (PDF): consecutive rows of space-separated cells, with their wrapped first cells.
  const out: Block[] = [];
  let para: string | null = null;
  let lastLine = '';
  let lastLineAt = 0;
  let deferred: string[] = [];
  let sawBlank = false;
  const closePara = () => {
    if (para !== null) out.push({ kind: 'paragraph', text: withLabelSpace(para, (p) => (PROSE_PUNCT.test(p) ? tightenProse(p) : p.replace(/\s+/g, ' ').trim())) });
    para = null;
    for (const d of deferred) out.push({ kind: 'paragraph', text: tightenProse(d) });
    deferred = [];
  };

  /** "一、明确工作目标", "（一）培育先进优质企业，壮大市场主体力量": a labelled line that stops short. */
  const isLabeledHeading = (text: string, full: number) =>
    LABEL_START.test(text) &&
    !/^[问答][:：]|^●/.test(text) &&
    !TERMINAL.test(text) &&
    (!/[，。；：、]/.test(text.replace(LABEL_START, '')) || displayWidth(text) < full - 3) &&
    displayWidth(text) <= 40;

  /** Does the next line continue the open paragraph? */
  const continues = (prev: string, paraSoFar: string, next: string, blankBetween: boolean, full: number): boolean => {
    const w = displayWidth(prev);
    const blankBreak = blanksMeaningful && blankBetween;
    if (options.markdown && blankBetween) return false;
    if (MUST_CONTINUE.test(prev)) return true;
    if (LABEL_START.test(next)) return false;
    if (bracketBalance(paraSoFar) > 0) return true;
    // a signature is lines of its own: the issuer, then the date
    if ((isIssuerLine(next) && !/[《》（）()〔〕]/.test(next)) || isDateLine(next) || isDateLine(prev)) return false;
    if (paraSoFar === prev && isLabeledHeading(prev, full)) return false;
    // A line longer than the wrap width was never wrapped: only a sentence cut in two runs on.
    const unwrapped = !hardWrapped || w > wrapWidth * 1.4;
    if (TERMINAL.test(prev) || /[:：）〕]$/.test(prev)) return !unwrapped && !blankBreak && w >= full - 1.5;
    if (TITLE_END.test(prev) && !PROSE_PUNCT.test(prev)) return false;
    if (unwrapped) return PROSE_PUNCT.test(paraSoFar) && w >= 40;
    // Hard-wrapped and stopping without punctuation: a sentence in progress runs on; so does a
    // full line (first lines are indented two characters).
    if (PROSE_PUNCT.test(paraSoFar)) return true;
    return w >= full - 3 && !blankBreak;
  };

  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if ('block' in it) {
      if (it.block.kind === 'docNumber' && para !== null && !TERMINAL.test(lastLine) && !TITLE_END.test(lastLine)) {
        // a page-1 footer inside a running sentence: keep the sentence open
        out.push(it.block);
        continue;
      }
      closePara();
      out.push(it.block);
      lastLine = '';
      continue;
    }
    const { text, spaced } = it.line;
    if (text === '') {
      sawBlank = true;
      continue;
    }
    const blankBetween = sawBlank;
    sawBlank = false;

    // A flattened table row starts a table block that swallows its wrapped cells.
    if (isFlatTableRow(text)) {
      closePara();
      const rows: string[][] = [];
      let pending: string[] = [];
      let afterLastRow = i + 1;
      for (let j = i; j < items.length; j++) {
        const cand = items[j]!;
        if ('block' in cand) break;
        const t = cand.line.text;
        if (t === '') continue;
        if (isFlatTableRow(t) || (/^[%‰]|^[\u4e00-\u9fa5]{1,2}\/|^[\u4e00-\u9fa5]{1,2}\s+[\d-]/.test(t) && !PROSE_PUNCT.test(t) && !LABEL_START.test(t))) {
          const cells = t.split(/\s+/);
          const startsWithName = /^[\u4e00-\u9fa5A-Za-z]{3,}/.test(cells[0]!) ;
          if (pending.length > 0 && !startsWithName) {
            rows.push([pending.join(''), ...cells]);
          } else {
            for (const p of pending) rows.push([p]);
            rows.push(cells);
          }
          pending = [];
          afterLastRow = j + 1;
          continue;
        }
        if (LABEL_START.test(t) || PROSE_PUNCT.test(t) || displayWidth(t) > 24) break;
        pending.push(t);
        if (pending.length > 3) break;
      }
      // Lines gathered after the last row are not the table's.
      out.push({ kind: 'table', rows });
      i = afterLastRow - 1;
      lastLine = '';
      continue;
    }

    if (spaced && /^[\u3400-\u9fff]{3,10}$/.test(text) && !SPACED_HEADING.test(text) && !LABEL_START.test(text)) {
      closePara();
      out.push({ kind: 'banner', text });
      lastLine = '';
      continue;
    }
    if (text.startsWith('●') && para !== null && !TERMINAL.test(lastLine)) {
      // a call-out box printed in the middle of a running paragraph
      deferred.push(text);
      continue;
    }
    if (para !== null && continues(lastLine, para, text, blankBetween, localWidth(lastLineAt))) {
      para = joinLines(para, text);
    } else {
      closePara();
      para = text;
    }
    lastLine = text;
    lastLineAt = i;
  }
  closePara();
  return { blocks: out.filter((b) => b.kind !== 'paragraph' || b.text !== ''), warnings };
}

