// Clause segmentation: a document's blocks -> its cleaned text and its clause tree.
// Levels come from the labels as printed (一、 > （一） > 1. > （1） > ①, 第X章 > 第X节 > 第X条), in the
// order a document first uses them, the way a reader infers an outline.
import { createHash } from 'node:crypto';
import type { Block } from './clean-text.ts';
import type { Clause, ClauseKind, Table } from './types.ts';
import { chineseNumber } from './policy-patterns.ts';

type LabelKey = 'appendix' | 'part' | 'subpart' | 'titled' | 'chapter' | 'section' | 'article' | 'cn' | 'cn-paren' | 'num-dun' | 'num-dot' | 'num-paren' | 'circled' | 'enum' | 'qa' | 'box' | 'heading';

interface Label {
  key: LabelKey;
  label: string;
  value: number | null;
  rest: string;
}

const NUM = '[一二三四五六七八九十百千零〇两\\d]+';
const LABELS: [LabelKey, RegExp][] = [
  ['part', new RegExp(`^(第(${NUM})编)\\s*`)],
  ['subpart', new RegExp(`^(第(${NUM})分编)\\s*`)],
  ['chapter', new RegExp(`^(第(${NUM})章)\\s*`)],
  ['section', new RegExp(`^(第(${NUM})节)\\s*`)],
  ['article', new RegExp(`^(第(${NUM})条(?:之([一二三四五六七八九十]+))?)(\\s*)`)],
  ['cn', /^(([一二三四五六七八九十]+)、)/],
  ['cn-paren', /^([（(]([一二三四五六七八九十]+)[）)])/],
  ['num-dun', /^((\d{1,2})、)/],
  ['num-dot', /^((\d{1,2})[.．])(?![.．])/],
  ['num-paren', /^([（(](\d{1,2})[）)])/],
  ['circled', /^(([①-⑳]))/],
  ['enum', /^(([一二三四五六七八九十]+)是)/],
  ['qa', /^(问)[:：]/],
  ['box', /^(专栏\s*(\d{0,2}))\s*/],
];
const DIGIT_LEVELS = new Set<LabelKey>(['num-dun', 'num-dot', 'num-paren', 'circled', 'enum']);
/** Item labels of an article's lists. */
const DIGIT_OR_CN = new Set<LabelKey>(['cn', 'cn-paren', 'num-dun', 'num-dot', 'num-paren', 'circled']);
/**
 * The statutory hierarchy, outermost first: a label of one of these closes every open clause of its
 * rank or below and every outline item (一、（一）1.) inside them. 'titled' is an unlabelled heading
 * the file marks as one ("## 附则"), at a chapter's rank; an appendix closes everything but itself.
 */
const STATUTORY_RANK: Partial<Record<LabelKey, number>> = { appendix: 0, part: 1, subpart: 2, titled: 3, chapter: 3, section: 4, article: 5 };
/** What follows a 第X条 that opens a paragraph but cites it instead: 第五条规定的, 第三条所称, 第二条第一款. */
const CITES_ARTICLE = /^(?:的|规定|所|中|第|款|项|、|，|,|和|或|至|及|以|、|项下|之规定)/;
/** A line that starts material appended after the last article or item: 附件1, 附录, 附表, 附：… */
const APPENDIX = /^(?:附件|附录|附表|附图|附[:：])/;
/** The notice's own list of its attachments: 附件：1. 项目清单 2. … */
const ATTACHMENT_LIST = /^附件[:：]\s*(?:\d|[一二三四五六七八九十])/;
/** Clauses that never hold children. */
const LEAF_KINDS = new Set<ClauseKind>(['preamble', 'paragraph', 'closing']);
const CLOSING = /^本(?:文件|办法|措施|规定|意见|通知|规划|方案|细则|条例|决定)(?:自|由|从|有效期|的具体解释|所称|未尽事宜|执行中)/;

interface ParsedLabel extends Label {
  /** The label was followed by a space, as published texts print an article's label. */
  spaced: boolean;
}

function parseLabel(text: string): ParsedLabel | null {
  for (const [key, re] of LABELS) {
    const m = re.exec(text);
    if (!m) continue;
    const raw = m[2] ?? '';
    let value = key === 'circled' ? raw.charCodeAt(0) - 0x2460 + 1 : raw === '' ? null : chineseNumber(raw);
    // 第一百七十七条之一 sits between 第一百七十七条 and 第一百七十八条
    if (key === 'article' && m[3] && value !== null) value += (chineseNumber(m[3]) ?? 0) / 100;
    const spaced = key === 'article' ? (m[4] ?? '') !== '' : false;
    return { key, label: m[1]!, value, rest: text.slice(m[0].length).replace(/^[:：]/, ''), spaced };
  }
  return null;
}

/** "支持企业设备更新" from "（三）支持企业设备更新。抢抓政策机遇…"; null when the first sentence is long. */
function headingOf(rest: string): string | null {
  const trimmed = rest.trim();
  if (trimmed === '') return null;
  if (!/[。；！？]/.test(trimmed) && trimmed.length <= 40) return trimmed.replace(/[：:]$/, '');
  const first = /^([^。；！？]{1,30}?)[。；！？]/.exec(trimmed);
  if (first && !/[，、：]/.test(first[1]!)) return first[1]!;
  return null;
}

/** A clause as its children's path names it: "三、加快技术改造", "第二编 物权" (a statutory label and its heading apart). */
function pathEntry(c: Clause): string {
  const label = c.label ?? '';
  const heading = c.heading ?? '';
  return (/[编章节条]$/.test(label) && heading !== '' ? `${label} ${heading}` : `${label}${heading}`).trim();
}

export interface SegmentResult {
  text: string;
  clauses: Clause[];
}

function blockText(b: Block): string {
  return b.kind === 'table' ? b.rows.map((r) => r.join(' | ')).join('\n') : b.kind === 'paragraph' || b.kind === 'heading' ? b.text : '';
}

/**
 * Questions printed apart from their answers (a side column that PDF extraction moves to the end):
 * put the k-th 问 before the k-th 答 so each Q&A pair reads as one clause.
 */
export function pairQuestions(blocks: Block[]): Block[] {
  const isQ = (b: Block) => b.kind === 'paragraph' && /^问[:：]/.test(b.text);
  const isA = (b: Block) => b.kind === 'paragraph' && /^答[:：]/.test(b.text);
  const qs = blocks.flatMap((b, i) => (isQ(b) ? [i] : []));
  const as = blocks.flatMap((b, i) => (isA(b) ? [i] : []));
  if (qs.length < 2 || qs.length !== as.length || qs[0]! < as.at(-1)!) return blocks;
  const out: Block[] = [];
  let q = 0;
  blocks.forEach((b, i) => {
    if (isQ(b)) return;
    if (isA(b)) out.push(blocks[qs[q++]!]!);
    out.push(b);
    void i;
  });
  return out;
}

export function segmentClauses(docId: string, blocks: Block[], headerBlocks: Set<number>): SegmentResult {
  // The document text: every paragraph and table, one per line.
  const pieces: { block: Block; start: number; end: number; header: boolean }[] = [];
  let text = '';
  blocks.forEach((block, i) => {
    const t = blockText(block);
    if (t === '') return;
    if (text !== '') text += '\n';
    pieces.push({ block, start: text.length, end: text.length + t.length, header: headerBlocks.has(i) });
    text += t;
  });

  const hasOutline = pieces.some(
    (p) => (p.block.kind === 'paragraph' || p.block.kind === 'heading') && /^(第[一二三四五六七八九十百千\d]+[编章节条]|[一二三四五六七八九十]+、)/.test(p.block.text),
  );

  interface Open {
    clause: Clause;
    key: LabelKey;
    value: number | null;
  }
  const clauses: Clause[] = [];
  const byId = new Map<string, Clause>();
  const stack: Open[] = [];
  const seenIds = new Map<string, number>();
  const lastValue = new Map<string, number>(); // "parentId|key" -> last label value

  const open = (kind: ClauseKind, key: LabelKey, label: string | null, heading: string | null, value: number | null, start: number, end: number) => {
    const parent = stack.at(-1)?.clause ?? null;
    const clause: Clause = {
      id: '',
      docId,
      parentId: parent?.id ?? null,
      kind,
      level: stack.length + 1,
      label,
      heading,
      path: parent ? [...parent.path, pathEntry(parent) || parent.text.slice(0, 20)] : [],
      text: '',
      start,
      end,
      tables: [],
      childIds: [],
    };
    // id before children exist: from the document, the ancestors' labels and the clause's first block
    const seed = [docId, ...clause.path, label ?? '', text.slice(start, end)].join('\u0001');
    let id = createHash('sha1').update(seed).digest('hex').slice(0, 12);
    const n = (seenIds.get(id) ?? 0) + 1;
    seenIds.set(id, n);
    if (n > 1) id = `${id}-${n}`;
    clause.id = id;
    parent?.childIds.push(id);
    clauses.push(clause);
    byId.set(id, clause);
    stack.push({ clause, key, value });
    if (value !== null) lastValue.set(`${parent?.id ?? ''}|${key}`, value);
  };

  const extend = (end: number, table?: Table) => {
    const top = stack.at(-1)!;
    top.clause.end = end;
    if (table) top.clause.tables.push(table);
  };

  /**
   * An item of an article whose text ends with 。: the last of a list whose items end with ；, or one
   * that reads as a sentence, not a heading over its own paragraphs ("（一）财政补贴。").
   */
  const endsList = (c: Clause) => {
    if (c.kind !== 'numbered') return false;
    const own = text.slice(c.start, c.end).trimEnd();
    if (!own.endsWith('。')) return false;
    const siblings = byId.get(c.parentId ?? '')?.childIds ?? [];
    const before = byId.get(siblings[siblings.indexOf(c.id) - 1] ?? '');
    if (before?.kind === 'numbered' && text.slice(before.start, before.end).trimEnd().endsWith('；')) return true;
    const first = own.split('\n', 1)[0]!;
    return !(first === own && c.heading !== null && first.length <= 12 && !/[，、的]|其他/.test(first));
  };
  /** A 款 of an article that ends with a colon leads the items that follow it. */
  const leadsItems = (o: Open, label: Label) =>
    o.clause.kind === 'paragraph' &&
    o.clause.label === null &&
    DIGIT_OR_CN.has(label.key) &&
    stack.some((s) => s.key === 'article') &&
    /[：:]$/.test(text.slice(o.clause.start, o.clause.end).trimEnd());

  let lastArticle = 0;
  let labelledSeen = false;
  for (let k = 0; k < pieces.length; k++) {
    const { block, start, end, header } = pieces[k]!;
    if (header) {
      // a signature or a repeated title ends the text before it
      if (stack.length === 1 && stack[0]!.clause.kind === 'preamble') stack.length = 0;
      continue;
    }
    if (block.kind === 'table') {
      const table: Table = { rows: block.rows, start, end };
      if (stack.length === 0) open('preamble', 'heading', null, null, null, start, end);
      extend(end, table);
      continue;
    }
    if (block.kind !== 'paragraph' && block.kind !== 'heading') continue;
    const para = block.text;
    const inArticle = stack.some((o) => o.key === 'article');

    // 本办法自…施行 closes a document of outline items; inside an article it is one of its paragraphs.
    if (block.kind === 'paragraph' && !inArticle && stack.at(-1)?.key !== 'appendix' && CLOSING.test(para)) {
      stack.length = 0;
      open('closing', 'heading', null, null, null, start, end);
      continue;
    }

    let label: Label | null = parseLabel(para);
    if (label?.key === 'article') {
      // "第五条规定的…" opening a paragraph cites an article; a label is followed by a space, or is
      // the next article, or is followed by words that cannot continue a citation.
      const parsed = label as ParsedLabel;
      const next = Math.floor(lastArticle) + 1;
      const isNext = parsed.value !== null && (parsed.value === next || (parsed.value > lastArticle && parsed.value < next));
      if (!parsed.spaced && !isNext && CITES_ARTICLE.test(parsed.rest)) label = null;
    }
    if (label === null && block.kind === 'heading') {
      // a heading the file marks as one: 附录, 附则, 说明
      label = { key: APPENDIX.test(para) ? 'appendix' : 'titled', label: '', value: null, rest: para };
    }
    // "附件：1. 项目清单" above the signature lists the attachments; "附件1" heads one
    if (label === null && labelledSeen && APPENDIX.test(para) && !ATTACHMENT_LIST.test(para) && para.length <= 40 && !/[。；]$/.test(para)) {
      label = { key: 'appendix', label: '', value: null, rest: para };
    }
    if (label === null && /^(?:总则|分则|附则)$/.test(para)) label = { key: 'titled', label: '', value: null, rest: para };
    // "1.5G网络建设行动": a decimal, unless it is exactly the next number of its list
    if (label && label.key === 'num-dot' && /^\d/.test(label.rest)) {
      const parentId = stack.find((o) => o.key === 'num-dot')
        ? stack[stack.findIndex((o) => o.key === 'num-dot') - 1]?.clause.id ?? ''
        : stack.at(-1)?.clause.id ?? '';
      const expected = (lastValue.get(`${parentId}|num-dot`) ?? 0) + 1;
      if (label.value !== expected) label = null;
    }
    // An answer right after its question is the question's text.
    if (label === null && /^答[:：]/.test(para) && stack.at(-1)?.key !== 'qa') {
      label = { key: 'qa', label: '答', value: null, rest: para.slice(2) };
    }
    // News and articles without an outline: short unpunctuated lines are sub-headings.
    if (label === null && !hasOutline && !inArticle && para.length <= 45 && !/[。；！？：:]$/.test(para) && !/[。；]/.test(para)) {
      const next = pieces[k + 1]?.block;
      if (next?.kind === 'paragraph' && next.text.length > para.length && !/^●|^图\s*\d*\s*为/.test(para)) {
        label = { key: 'heading', label: '', value: null, rest: para };
      }
    }

    if (label === null) {
      const top = stack.at(-1);
      if (!top) {
        open('preamble', 'heading', null, null, null, start, end);
        continue;
      }
      if (top.key === 'enum' && stack.length > 0) {
        // 一是…二是… items are one paragraph each; what follows belongs to their parent
        stack.pop();
        open('paragraph', 'heading', null, null, null, start, end);
        continue;
      }
      const article = stack.findLastIndex((o) => STATUTORY_RANK[o.key] !== undefined);
      const afterList = article < stack.length - 1 && (endsList(top.clause) || (top.clause.kind === 'paragraph' && article === stack.length - 2));
      if (stack[article]?.key === 'article' && afterList) {
        // An article's list ends with its last item's 。; a paragraph after it is the article's next
        // 款 ("单位犯前款罪的…", "有下列情形之一的…："), not more of that item, and each 款 after it is
        // one of its own, cited as 第N款.
        stack.length = article + 1;
        open('paragraph', 'heading', null, null, null, start, end);
        continue;
      }
      extend(end);
      continue;
    }

    // Place the labelled clause. A statutory label (编 > 分编 > 章 > 节 > 条) closes every open clause
    // of its rank or below and the outline items inside them. Any other label is a sibling of the
    // open clause with the same kind of label, else a child of the innermost open clause.
    while (stack.length > 0 && LEAF_KINDS.has(stack.at(-1)!.clause.kind) && !leadsItems(stack.at(-1)!, label)) stack.pop();
    const rank = STATUTORY_RANK[label.key];
    if (rank !== undefined) {
      while (stack.length > 0) {
        const topRank = STATUTORY_RANK[stack.at(-1)!.key];
        if (topRank !== undefined) {
          if (topRank < rank) break;
        } else if (!stack.some((o) => (STATUTORY_RANK[o.key] ?? -1) >= rank)) {
          // an outline item above the articles ("一、关于一般规定" over 第一条…) holds them
          break;
        }
        stack.pop();
      }
      if (label.key === 'appendix') stack.length = 0;
    } else {
      let at = stack.map((o) => o.key).lastIndexOf(label.key);
      // Items of an article reuse the labels of the headings above it ("（三）动产与权利担保" over
      // 第五十四条, whose items are （一）…（四）): inside an article, a label starts or continues the
      // article's own list; only a number that continues neither is the next heading above it.
      const article = stack.findLastIndex((o) => STATUTORY_RANK[o.key] !== undefined);
      if (at >= 0 && at < article && label.value !== null) {
        const own = lastValue.get(`${stack[article]!.clause.id}|${label.key}`);
        if (label.value === 1 || (own !== undefined && label.value === own + 1)) at = -1;
      }
      if (at >= 0) stack.length = at;
      else if (label.key === 'box') while (stack.length > 0 && DIGIT_LEVELS.has(stack.at(-1)!.key)) stack.pop();
      else if (label.key === 'heading') while (stack.length > 0 && stack.at(-1)!.key !== 'heading') stack.pop();
    }
    labelledSeen = true;
    if (label.key === 'article' && label.value !== null) lastArticle = label.value;

    const kind: ClauseKind =
      label.key === 'part' || label.key === 'subpart' ? 'part'
      : label.key === 'chapter' ? 'chapter'
      : label.key === 'section' ? 'section'
      : label.key === 'article' ? 'article'
      : label.key === 'appendix' ? 'appendix'
      : label.key === 'enum' ? 'enumeration'
      : label.key === 'qa' ? 'qa'
      : label.key === 'box' ? 'box'
      : label.key === 'heading' || label.key === 'titled' ? 'heading'
      : 'numbered';
    const heading =
      label.key === 'qa' ? (label.label === '问' ? label.rest.trim() : null)
      : label.key === 'heading' || label.key === 'titled' || label.key === 'appendix' || label.key === 'box' ? label.rest.trim() || null
      : label.key === 'article' ? null
      : label.key === 'part' || label.key === 'subpart' || label.key === 'chapter' || label.key === 'section' ? label.rest.trim() || null
      : headingOf(label.rest);
    open(kind, label.key, label.label === '' ? null : label.label, heading, label.value, start, end);
  }

  for (const c of clauses) c.text = text.slice(c.start, c.end);
  return { text, clauses };
}
