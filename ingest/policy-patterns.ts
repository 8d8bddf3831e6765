// The printed conventions of Chinese policy documents (GB/T 9704 公文格式 and common practice),
// shared by cleaning, document splitting, metadata and clause segmentation.

/** A clause label at the start of a paragraph. */
export const LABEL_START =
  /^(第[一二三四五六七八九十百千零〇两\d]+(?:分编|[编章节条])|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[、.．](?!\d)|[（(]\d{1,2}[）)]|[①-⑳]|[一二三四五六七八九十]+是|[问答][:：]|●|专栏)/;

export interface DocNumberMatch {
  /** e.g. 湘政发〔2026〕6号 */
  normalized: string;
  /** The issuer code before the bracket, e.g. 湘政发; may carry leading words of the sentence. */
  prefix: string;
  /** 〔2026〕6号: the part that identifies the document within its issuer. */
  key: string;
  /** Offsets of the match in the text as given. */
  start: number;
  end: number;
}

// 湘政发〔2026〕6号, 湘政发[2026]6号, 湘政发（2026）6号, 永政办函〔2019〕50 号, 【2024】第3号 ...
const DOC_NUMBER =
  /(\p{Script=Han}{0,10})\s*[〔［\[(（【﹝]\s*(\d{4})\s*[〕］\])）】﹞]\s*第?\s*(\d{1,5})\s*号/gu;
// What may stand right before an issuer code: a title's last word (…的通知湘政发〔2026〕6号)
// or a verb (根据湘发〔2024〕4号). Cut only when more Chinese follows, so 发改规划〔2019〕 stays.
const TITLE_BEFORE_ISSUER = /^.*(?:通知|意见|办法|方案|规划|措施|决定|批复|公告|通告|报告|纲要|细则|规定|条例)(?=\p{Script=Han})/u;
const BEFORE_ISSUER = /^(?:根据|依据|按照|参照|对照|印发|转发|关于|贯彻|落实|执行|详见|见|的|和|与|及|或)+/u;

// A year in brackets, which every 文号 holds: a text without one is passed over at once (the full
// pattern, tried at every character for its optional issuer prefix, costs 15x more on the laws).
const YEAR_IN_BRACKETS = /[〔［\[(（【﹝]\s*\d{4}\s*[〕］\])）】﹞]/u;

/** Every 文号 in the text, with brackets and spaces normalized to 〔2026〕6号. */
export function findDocNumbers(text: string): DocNumberMatch[] {
  const out: DocNumberMatch[] = [];
  if (!YEAR_IN_BRACKETS.test(text)) return out;
  for (const m of text.matchAll(DOC_NUMBER)) {
    const prefix = (m[1] ?? '').replace(TITLE_BEFORE_ISSUER, '').replace(BEFORE_ISSUER, '');
    const key = `〔${m[2]}〕${Number(m[3])}号`;
    out.push({ normalized: prefix + key, prefix, key, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

// 湘政发2026 6号, 湘政发2026年6号, 湘政发[2026]6号: a 文号 as people type it into a search box, the
// brackets left out or any. For queries only: in running text "2026年6号" is a date.
const TYPED_DOC_NUMBER = /(\p{Script=Han}{1,10}?)\s*[〔［\[(（【﹝]?\s*((?:19|20)\d{2})\s*[〕］\])）】﹞年]?\s*第?\s*(\d{1,5})\s*号/u;

/** The first 文号 a query holds, brackets or none (TYPED_DOC_NUMBER); its prefix is never empty. */
export function findTypedDocNumber(query: string): DocNumberMatch | null {
  const m = TYPED_DOC_NUMBER.exec(query);
  if (m === null) return null;
  const key = `〔${m[2]}〕${Number(m[3])}号`;
  return { normalized: m[1]! + key, prefix: m[1]!, key, start: m.index, end: m.index + m[0].length };
}

/** Normalized 文号 (brackets as 〔〕, no spaces), or the compacted text when it holds none. */
export function normalizeDocNumber(text: string): string {
  return findDocNumbers(text)[0]?.normalized ?? text.replace(/\s+/g, '');
}

/** A text that is exactly one 文号 with its issuer code: 永政发〔2025〕2号. */
export function isDocNumber(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  const [m] = findDocNumbers(compact);
  return m !== undefined && m.prefix !== '' && m.start === 0 && m.end === compact.length;
}

export const TITLE_END = /(?:通知|措施|意见|办法|规划|方案|决定|细则|规定|解读|纲要|公告|通告|批复|函|条例|规则)$/;

const ISSUER_SUFFIX = /(?:人民政府|政府|办公厅|办公室|厅|局|委员会|委|部|署|院|中心|协会|联合会|党委)$/;

/** A line that is only an organization's name: 永州市人民政府, 湖南省工业和信息化厅. */
export function isIssuerLine(text: string): boolean {
  return text.length >= 3 && text.length <= 30 && ISSUER_SUFFIX.test(text) && !/[，。；：、\s]/.test(text);
}

const CN_DIGITS: Record<string, number> = { 〇: 0, '○': 0, 零: 0, O: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** 十二 -> 12, 二十一 -> 21, 一千零一 -> 1001, 二〇二五 (digit by digit) -> 2025 */
export function chineseNumber(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^[〇○零O一二两三四五六七八九十百千]+$/.test(text)) return null;
  if (!/[十百千]/.test(text)) return Number([...text].map((c) => CN_DIGITS[c] ?? (c === '两' ? 2 : 0)).join(''));
  let total = 0;
  let current = 0;
  for (const c of text) {
    const unit = CN_UNITS[c];
    if (unit !== undefined) {
      total += (current || 1) * unit;
      current = 0;
    } else current = c === '两' ? 2 : CN_DIGITS[c] ?? 0;
  }
  return total + current;
}

const DATE = /((?:19|20)\d{2}|[〇○零O一二][〇○零O一二三四五六七八九]{3})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日/;

/** The first date in the text, as ISO yyyy-mm-dd. */
export function parseDate(text: string): string | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [y, mo, d] = [chineseNumber(m[1]!), chineseNumber(m[2]!), chineseNumber(m[3]!)];
  if (y === null || mo === null || d === null || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A line that is only a date (成文日期 under a signature). */
export function isDateLine(text: string): boolean {
  return new RegExp(`^${DATE.source}$`).test(text.trim());
}
