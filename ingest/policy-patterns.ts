// The printed conventions of Chinese policy documents (GB/T 9704 公文格式 and common practice),
// shared by cleaning, document splitting, metadata and clause segmentation.

/** A clause label at the start of a paragraph. */
export const LABEL_START =
  /^(第[一二三四五六七八九十百零〇两\d]+[章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[、.．](?!\d)|[（(]\d{1,2}[）)]|[①-⑳]|[一二三四五六七八九十]+是|[问答][:：]|●|专栏)/;

/** 文号: 永政发〔2025〕2号, 湘发[2024]4号, 国办发（2023）12号 */
export const DOC_NUMBER = /[\u4e00-\u9fa5]{1,10}[〔\[【（(]\s*(?:19|20)\d{2}\s*[〕\]】）)]\s*\d{1,4}\s*号/;

/** Normalized 文号: brackets as 〔〕, no spaces. */
export function normalizeDocNumber(text: string): string {
  return text
    .replace(/\s+/g, '')
    .replace(/[\[【（(]((?:19|20)\d{2})[\]】）)]/g, '〔$1〕');
}

export const TITLE_END = /(?:通知|措施|意见|办法|规划|方案|决定|细则|规定|解读|纲要|公告|通告|批复|函|条例|规则)$/;

const ISSUER_SUFFIX = /(?:人民政府|政府|办公厅|办公室|厅|局|委员会|委|部|署|院|中心|协会|联合会|党委)$/;

/** A line that is only an organization's name: 永州市人民政府, 湖南省工业和信息化厅. */
export function isIssuerLine(text: string): boolean {
  return text.length >= 3 && text.length <= 30 && ISSUER_SUFFIX.test(text) && !/[，。；：、\s]/.test(text);
}

const CN_DIGITS: Record<string, number> = { 〇: 0, 零: 0, O: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 十二 -> 12, 二十一 -> 21, 二〇二五 (digit by digit) -> 2025 */
export function chineseNumber(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^[〇零O一二两三四五六七八九十百]+$/.test(text)) return null;
  if (!/[十百]/.test(text)) return Number([...text].map((c) => CN_DIGITS[c] ?? (c === '两' ? 2 : 0)).join(''));
  let total = 0;
  let current = 0;
  for (const c of text) {
    if (c === '百') {
      total += (current || 1) * 100;
      current = 0;
    } else if (c === '十') {
      total += (current || 1) * 10;
      current = 0;
    } else current = c === '两' ? 2 : CN_DIGITS[c] ?? 0;
  }
  return total + current;
}

const DATE = /((?:19|20)\d{2}|[〇零O一二][〇零O一二三四五六七八九]{3})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日/;

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
