// Document metadata read from the text as printed: 标题, 文号, 发文机关, 成文日期, type, region and
// validity. Every field is null when the text does not state it.
import type { Block } from './clean-text.ts';
import type { DocumentMeta, DocumentStatus, DocumentType, HistoryEvent } from './types.ts';
import { LABEL_START, findDocNumbers, TITLE_END, isDateLine, isIssuerLine, normalizeDocNumber, parseDate } from './policy-patterns.ts';

/** A line of a law's table of contents: 第一章 总则, 第一节 一般规定, 附则, 序言. */
const TOC_ENTRY = /^(?:第[一二三四五六七八九十百千零〇两\d]+(?:分编|[编章节])|总则|分则|附则|序言|附录|附件)/;

/** The last word of a law's or regulation's title. */
const LAW_TITLE_END = /(?:法|法典|条例|规定|办法|细则|规则|解释|决定)$/;

export interface MetadataResult {
  meta: DocumentMeta;
  /** Blocks that are the document's masthead or signature (title, 文号, 发文机关, 日期), not clause text. */
  headerBlocks: Set<number>;
}

const FIVE_YEAR_PLANS: Record<string, [number, number]> = {
  十一五: [2006, 2010],
  十二五: [2011, 2015],
  十三五: [2016, 2020],
  十四五: [2021, 2025],
  十五五: [2026, 2030],
  十六五: [2031, 2035],
};

const NATIONAL_LEGISLATURE = /^全国人民代表大会(?:常务委员会)?$/;
const COURTS = /^(?:最高人民法院|最高人民检察院)(?:、(?:最高人民法院|最高人民检察院))*/;
const LOCAL_LEGISLATURE = /(?:省|自治区|市|自治州|县)人民代表大会(?:常务委员会)?$/;
/** A national ministry, commission or administration that issues 部门规章 by 令. */
const NATIONAL_DEPARTMENT = /(?:部|委员会|总局|总署|署|局|银行|办公厅)$/;

/**
 * The kind of text: the legal rank for laws and regulations, from the issuer and the title's last
 * word (法 by the national legislature is 法律, 条例 by 国务院 is 行政法规 …), else the genre the
 * title ends with.
 */
export function typeOf(title: string | null, issuer: string | null, history: HistoryEvent[], isNews: boolean): DocumentType | null {
  if (title === null) return null;
  if (/解读/.test(title)) return '解读';
  if (/任职|任免|免职|任命/.test(title)) return '任免';
  const bare = title.replace(/[（(][^）)]*[）)]$/, '').replace(/》$/, '');
  const heads = history.map((h) => h.text).join('\n');
  if ((issuer !== null && NATIONAL_LEGISLATURE.test(issuer)) || (/^中华人民共和国/.test(bare) && /法(?:典)?$/.test(bare))) {
    if (/(?:法|法典|决定|决议)$/.test(bare) || /修正案/.test(bare)) return '法律';
  }
  if (issuer !== null && COURTS.test(issuer) && /(?:解释|规定|批复|决定|意见|安排|通知|答复)$/.test(bare)) return '司法解释';
  if (issuer !== null && LOCAL_LEGISLATURE.test(issuer)) return '地方性法规';
  if (issuer === '国务院' || /国务院令/.test(heads)) {
    if (/(?:条例|规定|办法|细则|决定)$/.test(bare)) return '行政法规';
  }
  if (/(?:部|委员会|总局|总署|署|局|银行)令/.test(heads) || (issuer !== null && NATIONAL_DEPARTMENT.test(issuer) && !/[省市县区]/.test(issuer) && history.length > 0)) {
    if (/(?:规定|办法|细则|规则|规范|标准|条例|决定)$/.test(bare)) return '部门规章';
  }
  for (const t of ['措施', '规划', '意见', '办法', '方案', '通知', '规定', '决定', '批复', '公告'] as const) if (bare.endsWith(t)) return t;
  if (/规划/.test(bare)) return '规划';
  // only 国务院 issues national 条例 (立法法); a local one names its region
  if (/条例$/.test(bare)) return regionOf(bare) === null && !/军/.test(bare) ? '行政法规' : '其他';
  if (isNews) return '新闻';
  return '其他';
}

// ---------------------------------------------------------------------------------------------
// The head of a law or regulation: its history lines under the title.
//   2020年5月28日 第十三届全国人民代表大会第三次会议通过
//   （2001年6月15日中华人民共和国国务院令第306号公布　根据…第一次修订）
//   2021年1月1日 施行

const EVENT_WORDS = /通过|修正|修改|修订|公布|发布|批准|施行|实施|执行|生效|印发|令第\s*\d+\s*号|会议/;
const HISTORY_LINE = /^[（(]?(?:根据)?\s*(?:(?:19|20)\d{2}|[〇零一二][〇零一二三四五六七八九]{3})\s*年/;

/** A line of the head that records an event of the document's history, or null. */
export function historyEvents(line: string): HistoryEvent[] {
  if (line.length > 400 || !HISTORY_LINE.test(line) || !EVENT_WORDS.test(line)) return [];
  // One line may hold several events: "（…公布　根据…第一次修订　根据…第二次修订）"
  const parts = line.replace(/^[（(]|[）)]$/g, '').split(/[\s　]+(?=根据)|(?<=[修正订过布准行])[，,；;\s　]+(?=(?:根据)?\s*(?:19|20)\d{2}\s*年)/);
  const out: HistoryEvent[] = [];
  for (const part of parts) {
    const date = parseDate(part);
    if (date === null || !EVENT_WORDS.test(part)) continue;
    const event: HistoryEvent['event'] =
      // "…会议通过的《…关于惩治…的决定》": an act that amends the text was adopted
      /修正|修改|通过的《/.test(part) ? '修正'
      : /修订/.test(part) ? '修订'
      : /通过|会议/.test(part) ? '通过'
      : /公布|发布|印发|令第\s*\d+\s*号/.test(part) ? '公布'
      : /批准/.test(part) ? '批准'
      : /施行|实施|执行|生效/.test(part) ? '施行'
      : '其他';
    out.push({ date, event, text: part.trim() });
  }
  return out;
}

/**
 * The body that adopted or issued a document, from a history line:
 * "第十三届全国人民代表大会常务委员会第三十次会议通过" -> 全国人民代表大会常务委员会,
 * "中华人民共和国国务院令第306号公布" -> 国务院, "最高人民法院审判委员会第1823次会议通过" -> 最高人民法院,
 * "经国务院批准 1996年10月3日 中华人民共和国交通部令第8号发布" -> 交通部.
 */
export function issuerOfEvent(text: string): string | null {
  const t = text.replace(/《[^》]*》/g, '');
  const national = /全国人民代表大会(常务委员会)?/.exec(t);
  if (national) return national[0];
  const courts = /(?:最高人民法院|最高人民检察院)(?:、(?:最高人民法院|最高人民检察院))*/.exec(t);
  if (courts) return courts[0];
  const local = /([\u4e00-\u9fa5]{2,12}?(?:省|自治区|市|自治州|县)人民代表大会(?:常务委员会)?)/.exec(t);
  if (local) return local[1]!.replace(/^.*?届/, '');
  // the body whose 令 or 发布/公布 it is, before one that only approved it
  const decree = /(?:中华人民共和国)?([\u4e00-\u9fa5、]{2,30}?)(?:令|第\d+次(?:常务|部务|局务|委务|主任|署务)?会议|部长办公会议|发布|公布|联合发布)/.exec(t.replace(/^.*?日\s*/, '').replace(/^经[^，,\s　]*?批准[，,\s　]*/, ''));
  if (decree) {
    const name = decree[1]!.replace(/^(?:经|由|根据)/, '');
    if (/^国务院/.test(name)) return '国务院';
    if (/(?:部|委员会|委|总局|总署|署|局|院|银行|办公厅|政府|中央军委|军委)$/.test(name)) return name.replace(/^中华人民共和国/, '');
  }
  if (/国务院/.test(t)) return '国务院';
  return null;
}


function regionOf(...candidates: (string | null)[]): string | null {
  for (const c of candidates) {
    if (!c) continue;
    const m = /^(?:中共)?([\u4e00-\u9fa5]{2,8}?(?:省|自治区|市|自治州|州|盟|县|区))/.exec(c.replace(/^[《“]/, ''));
    if (m) return m[1]!;
  }
  return null;
}

function addYears(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const end = new Date(Date.UTC(y + years, m - 1, d - 1));
  return end.toISOString().slice(0, 10);
}

export function statusOf(validFrom: string | null, validUntil: string | null, today: string): DocumentStatus {
  if (validUntil !== null && validUntil < today) return '已失效';
  if (validFrom !== null && validFrom > today) return '未知';
  if (validFrom !== null || validUntil !== null) return '现行有效';
  return '未知';
}

const SELF = '本(?:实施|暂行|补充|若干)?(?:法典|法|条例|规定|办法|细则|决定|解释|规则|意见|通知|措施|方案|规划|文件|政策|准则|纲要|批复|公告|通告|修正案|规范|命令|标准|答复|安排)';
/** What a period may be granted to instead of the document itself: a licence, a permit, a contract. */
const OTHER_HOLDER = /证|照|许可|合同|协议|注册|商标|专利|资格|批准文号|登记|授权|期限|保护期|任期/;

/**
 * The document's own validity, from sentences whose subject is the document (本办法…有效期至…,
 * 本法自…起施行), never from a period the text grants to something else ("注册商标的有效期为十年").
 */
function ownValidity(sentences: string[], date: string | null): { validFrom: string | null; validUntil: string | null } {
  let validFrom: string | null = null;
  let validUntil: string | null = null;
  let years: number | null = null;
  const self = new RegExp(SELF);
  for (const sentence of sentences) {
    const m = self.exec(sentence);
    if (!m) continue;
    const after = sentence.slice(m.index);
    const validity = /有效期(?:至|到)\s*([^，。；]{6,16}?日)/.exec(after);
    if (validity && !OTHER_HOLDER.test(after.slice(0, validity.index))) validUntil ??= parseDate(validity[1]!);
    const span = /有效期(?:为)?\s*(\d+|[一二三四五六七八九十])\s*年/.exec(after);
    if (span && !OTHER_HOLDER.test(after.slice(0, span.index))) years ??= /\d/.test(span[1]!) ? Number(span[1]) : '一二三四五六七八九十'.indexOf(span[1]!) + 1;
    const head = after.slice(0, 40);
    if (validFrom === null && /^(?:[^，。；]{0,20}，)?[^，。；]{0,12}(?:(?:自|从)(?:修订)?(?:公布|印发|发布|颁布)之日起|(?:公布|发布)|由[^，。；]{0,12}(?:公布|发布))(?:施行|实施|执行|生效)/.test(head)) validFrom = date;
    const from = /^(?:[^，。；]{0,20}，)?[^，。；]{0,12}(?:自|从)\s*([^，。；]{6,16}?日)\s*起(?:施行|实施|执行|生效)/.exec(head);
    if (from) validFrom = parseDate(from[1]!) ?? validFrom;
  }
  if (validUntil === null && years !== null && validFrom !== null) validUntil = addYears(validFrom, years);
  return { validFrom, validUntil };
}

export function extractMetadata(blocks: Block[], today: string, fallbackDate: string | null = null): MetadataResult {
  const headerBlocks = new Set<number>();
  const paragraphs = blocks.flatMap((b, i) => (b.kind === 'paragraph' ? [{ i, text: b.text }] : []));
  const head = paragraphs.slice(0, 8);
  const fullText = paragraphs.map((p) => p.text).join('\n');

  let title: string | null = null;
  let issuer: string | null = null;
  let isNews = false;

  // A title the file marks as such (markdown "# 中华人民共和国民法典"), then the head under it: history
  // lines, the title printed again over two lines, a 文号. The head ends at the first heading, label
  // or sentence of the body.
  const history: HistoryEvent[] = [];
  const firstText = blocks.findIndex((b) => b.kind === 'paragraph' || b.kind === 'heading');
  const marked = blocks[firstText];
  if (marked?.kind === 'heading' && marked.level === 1) {
    title = marked.text;
    headerBlocks.add(firstText);
    for (let i = firstText + 1; i < blocks.length; i++) {
      const b = blocks[i]!;
      // a title broken inside its 《》: "…关于执行《中华人民共和国" / "刑法》确定罪名的补充规定（四）"
      if (b.kind === 'paragraph' && title.split('《').length > title.split('》').length && b.text.length <= 60 && !/[。；]/.test(b.text) && !HISTORY_LINE.test(b.text)) {
        title += b.text;
        headerBlocks.add(i);
        continue;
      }
      if (b.kind === 'docNumber') {
        headerBlocks.add(i);
        continue;
      }
      if (b.kind !== 'paragraph') break;
      let events = historyEvents(b.text);
      const compact = b.text.replace(/\s+/g, '');
      // a date-led line under the title is history even where its event word wrapped to the next line
      if (events.length === 0 && compact.length <= 60 && !/[。；，]/.test(compact) && HISTORY_LINE.test(compact)) {
        const date = parseDate(compact);
        if (date !== null) events = [{ date, event: '其他', text: b.text }];
      }
      const last = history.at(-1);
      const openQuote = last !== undefined && (last.text.split('《').length > last.text.split('》').length || last.event === '其他');
      if (events.length > 0) history.push(...events);
      else if (last && headerBlocks.has(i - 1) && compact.length <= 60 && !/[。；]/.test(compact) && (EVENT_WORDS.test(compact) || /[）)]$/.test(compact) || openQuote)) {
        // a history line broken in two: "1984年1月7日 国务院" / "中央军委发布"
        last.text += compact;
        if (last.event === '其他') last.event = historyEvents(last.text)[0]?.event ?? '其他';
      } else if (!(compact.length >= 4 && title.replace(/\s+/g, '').includes(compact))) break;
      headerBlocks.add(i);
    }
  }
  // History lines further down the head, under a notice that issues the text (关于印发…的通知 …
  // 1995年1月1日 执行): lines of a date and an event only, before the first heading or label.
  for (let i = firstText + 1; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.kind === 'heading' || (b.kind === 'paragraph' && LABEL_START.test(b.text))) break;
    if (b.kind !== 'paragraph' || headerBlocks.has(i) || b.text.length > 60 || /[。；，]/.test(b.text)) continue;
    const events = historyEvents(b.text);
    if (events.length === 0 || !/^(?:(?:19|20)\d{2}|[〇零一二][〇零一二三四五六七八九]{3})\s*年/.test(b.text)) continue;
    history.push(...events);
    headerBlocks.add(i);
  }
  // Parenthesized history right under a title in plain text: （2020年5月28日…通过）
  if (title === null) {
    for (const { i, text } of paragraphs.slice(0, 6)) {
      if (!/^[（(].*[）)]$/.test(text)) continue;
      const events = historyEvents(text);
      if (events.length === 0) continue;
      history.push(...events);
      headerBlocks.add(i);
    }
  }

  // A table of contents (目录 and the headings it lists) is no clause: the headings follow in the body.
  const tocAt = blocks.findIndex((b, i) => i < 30 && (b.kind === 'paragraph' || b.kind === 'heading') && b.text.replace(/\s+/g, '') === '目录');
  if (tocAt >= 0) {
    const entries: number[] = [];
    const compact = (i: number) => ((blocks[i] as { text?: string }).text ?? '').replace(/\s+/g, '');
    for (let i = tocAt + 1; i < blocks.length; i++) {
      const b = blocks[i]!;
      if (b.kind !== 'paragraph' && b.kind !== 'heading') break;
      if (entries.length > 0 && compact(i) === compact(entries[0]!)) {
        // the body begins with the first heading the contents listed
        headerBlocks.add(tocAt);
        for (const e of entries) headerBlocks.add(e);
        break;
      }
      if (!TOC_ENTRY.test(compact(i))) break;
      entries.push(i);
    }
  }

  // 文号 printed on its own line; a 文号 in parentheses inside the text cites another document.
  const numberBlock = blocks.findIndex((b) => b.kind === 'docNumber');
  let docNumber = numberBlock >= 0 ? normalizeDocNumber((blocks[numberBlock] as { text: string }).text) : null;
  blocks.forEach((b, i) => {
    if (b.kind === 'docNumber' && i < (paragraphs[4]?.i ?? Infinity)) headerBlocks.add(i);
  });

  for (let k = 0; k < head.length; k++) {
    const { i, text } = head[k]!;
    const next = head[k + 1];
    if (headerBlocks.has(i)) continue;
    if (title === null && /^(?:.{0,30}?)关于/.test(text) && TITLE_END.test(text) && !/[。；]/.test(text)) {
      headerBlocks.add(i);
      const issued = /关于印发《(.+)》的通知$/.exec(text);
      const prefix = /^(.{2,30}?)关于/.exec(text)?.[1];
      if (prefix && isIssuerLine(prefix)) issuer ??= prefix;
      title = issued ? issued[1]! : text;
      const prev = head[k - 1];
      if (prev && isIssuerLine(prev.text)) {
        issuer ??= prev.text;
        headerBlocks.add(prev.i);
        if (!issued && !title.startsWith(prev.text)) title = prev.text + title;
      }
    } else if (title === null && /解读$/.test(text.replace(/^——/, '')) && text.length <= 60 && !/[。；]/.test(text)) {
      // 永州市工信局解读 /《…若干措施》   or   ——《湖州市…实施意见（2023—2025年）》解读
      headerBlocks.add(i);
      const own = text.replace(/^——/, '');
      if (/^《.+》解读$/.test(own)) {
        title = own;
      } else {
        issuer = own.replace(/解读$/, '') || null;
        if (next && /^《.+》$/.test(next.text)) {
          headerBlocks.add(next.i);
          title = `${next.text}解读`;
        } else title = own;
      }
      // headline lines printed above the 解读 line belong to the masthead
      for (let j = k - 1; j >= 0 && !/[，。；]/.test(head[j]!.text) && head[j]!.text.length <= 30; j--) headerBlocks.add(head[j]!.i);
    } else if (title === null && k === 0 && /^《([^》]+)》/.test(text)) {
      // a plan that opens with its own name: 《永州市“十四五”工业发展规划（2021-2025 年）》根据…
      title = /^《([^》]+)》/.exec(text)![1]!;
    } else if (title === null && k <= 1 && next && isIssuerLine(next.text) && text.length <= 45 && !/[，。；：]/.test(text)) {
      // a news headline over its author
      title = text;
      issuer = next.text;
      isNews = true;
      headerBlocks.add(i).add(next.i);
    } else if (title === null && k === 0 && text.length <= 40 && !/[，。；：、]/.test(text) && (LAW_TITLE_END.test(text) || TITLE_END.test(text)) && !LABEL_START.test(text)) {
      // a bare title on the first line: 中华人民共和国专利法, 永州市推动先进制造业高质量发展若干措施
      title = text;
      headerBlocks.add(i);
    } else if (title === null && k <= 1 && /关于/.test(text) && !TITLE_END.test(text) && next && TITLE_END.test(next.text) && !/[。；，]/.test(text + next.text) && (text + next.text).length <= 80) {
      // a title broken after 关于…: 永州市人民政府办公室关于开展 / 2025年工业企业技术改造奖补申报的通知
      title = text + next.text;
      headerBlocks.add(i).add(next.i);
      const prefix = /^(.{2,30}?)关于/.exec(title)?.[1];
      if (prefix && isIssuerLine(prefix)) issuer ??= prefix;
      // a 红头 over it: 永州市人民政府办公室文件
      const prev = head[k - 1];
      if (prev && /文件$/.test(prev.text) && isIssuerLine(prev.text.replace(/文件$/, ''))) headerBlocks.add(prev.i);
    }
  }
  // A judicial interpretation or notice names its issuer before 关于: 最高人民法院、最高人民检察院关于…
  if (issuer === null && title !== null) {
    const before = /^(.{2,40}?)关于/.exec(title)?.[1];
    if (before && before.split('、').every((part) => isIssuerLine(part))) issuer = before;
  }

  // Signature: an issuer line followed by a date line; the date alone also counts as 成文日期.
  let date: string | null = null;
  for (let k = 0; k < paragraphs.length; k++) {
    const { i, text } = paragraphs[k]!;
    if (headerBlocks.has(i)) continue;
    if (isDateLine(text)) {
      date ??= parseDate(text);
      headerBlocks.add(i);
      const prev = paragraphs[k - 1];
      if (prev && isIssuerLine(prev.text)) {
        issuer ??= prev.text;
        headerBlocks.add(prev.i);
      }
    } else if (/^[（(]此件(?:主动)?公开[）)]$|^[（(]此件不公开[）)]$/.test(text)) {
      headerBlocks.add(i);
    }
  }
  // The attached document's own title printed again above its text.
  if (title !== null) {
    for (const { i, text } of paragraphs) if (text === title || text === `《${title}》`) headerBlocks.add(i);
  }
  if (docNumber === null && title !== null && !/解读$/.test(title)) {
    for (const { text } of head) {
      if (LABEL_START.test(text)) break;
      const m = findDocNumbers(text).find((d) => d.prefix !== '');
      if (m && !/[（(][^）)]*$/.test(text.slice(0, m.start))) {
        docNumber = m.normalized;
        break;
      }
    }
  }

  // History: adopted or issued first; the body that did it is the issuer.
  history.sort((a, b) => a.date.localeCompare(b.date));
  const origin = history.find((h) => h.event === '通过' || h.event === '公布') ?? history.find((h) => h.event !== '施行');
  if (origin) {
    date ??= origin.date;
    issuer ??= issuerOfEvent(origin.text) ?? history.map((h) => issuerOfEvent(h.text)).find((x) => x !== null) ?? null;
  }
  date ??= fallbackDate;

  // Validity: from what the document says of itself; else the 施行 line of its head; else a plan's period.
  const sentences = fullText.split(/(?<=[。；\n])/);
  let { validFrom, validUntil } = ownValidity(sentences, history.findLast((h) => h.event === '公布' || h.event === '通过')?.date ?? date);
  const inForce = history.findLast((h) => h.event === '施行' || /施行|生效/.test(h.text));
  if (inForce) validFrom = inForce.date;
  if (validFrom === null && validUntil === null && title !== null) {
    const period = /((?:19|20)\d{2})\s*[-—–－~～至]\s*((?:19|20)\d{2})\s*年/.exec(title);
    const plan = /“?(十[一二三四五六]五)”?/.exec(title);
    const span = period ? ([Number(period[1]), Number(period[2])] as const) : plan ? FIVE_YEAR_PLANS[plan[1]!] : undefined;
    if (span) {
      validFrom = `${span[0]}-01-01`;
      validUntil = `${span[1]}-12-31`;
    }
  }

  const type = typeOf(title, issuer, history, isNews);
  if (type === '行政法规') issuer ??= '国务院';
  return {
    meta: {
      title,
      docNumber: type === '解读' ? null : docNumber,
      issuer,
      date,
      type,
      region: regionOf(issuer, title),
      validFrom,
      validUntil,
      status: statusOf(validFrom, validUntil, today),
      history,
    },
    headerBlocks,
  };
}
