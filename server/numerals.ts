// People type numbers in digits; laws write them in Chinese numerals, and policies mostly in
// digits again: "工作满10年" is answered by "连续工作满十年", "利率4倍" by "报价利率四倍", "5%" by
// "百分之五", and "补贴五十万" by "最高补贴50万元". BM25 cannot see that 10 and 十 are one word, so a
// query's numbers are given to the keyword leg (and the built-in embedder) written the other way
// too, each with the unit after it (年, 倍, 周岁…), which is what makes it a term worth matching.
// Years (2020年), 文号 (〔2026〕6号) and decimals are left as they are: texts write them in digits.
import { chineseNumber } from '../ingest/policy-patterns.ts';

const DIGITS = '零一二三四五六七八九';

/** Units a number is counted in; the longer first (the query is NFKC-normalized: ％ is %). */
const UNIT = '(?:个工作日|个月|周岁|工作日|小时|分钟|平方米|公里|万元|亿元|年|月|日|天|周|倍|岁|万|亿|元|人|名|次|项|件|家|户|亩|米|%)';

// a number in digits (not inside another number, a decimal, a 文号's year or an article's 第5条) before a unit
const ARABIC = new RegExp(`(?<![\\d.．〔［\\[(（第])(\\d{1,8})(${UNIT})`, 'gu');
// a number in Chinese numerals, only before a unit (一般, 统一 and 十分 are no numbers); after 百分之, a share
const CHINESE = new RegExp(`(?<![零〇一二两三四五六七八九十百千万之])([零〇一二两三四五六七八九十百千万]+)(${UNIT})`, 'gu');
const PERCENT = /百分之([零〇一二两三四五六七八九十百千]+)/gu;

/** 0 < n < 10⁸ in Chinese numerals as laws write them: 10 → 十, 120 → 一百二十, 105 → 一百零五, 30000 → 三万. */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1e8) return String(n);
  if (n === 0) return '零';
  const below10000 = (m: number, leading: boolean): string => {
    let out = '';
    let zero = false;
    for (const [unit, name] of [
      [1000, '千'],
      [100, '百'],
      [10, '十'],
      [1, ''],
    ] as const) {
      const d = Math.floor(m / unit) % 10;
      if (d === 0) {
        if (out !== '') zero = true;
        continue;
      }
      if (zero) out += '零';
      zero = false;
      // 十二, not 一十二, at the head of a number
      out += unit === 10 && d === 1 && out === '' && leading ? name : DIGITS[d]! + name;
    }
    return out;
  };
  const high = Math.floor(n / 10000);
  const low = n % 10000;
  if (high === 0) return below10000(low, true);
  return `${below10000(high, true)}万${low === 0 ? '' : (low < 1000 ? '零' : '') + below10000(low, false)}`;
}

/** 三万五千 → 35000, 十八 → 18, 两 → 2; null when it is no number. */
function parseChinese(text: string): number | null {
  const parts = text.split('万');
  if (parts.length > 2 || text.startsWith('万')) return null;
  const value = (part: string) => (part === '' ? 0 : chineseNumber(part.replace(/^零+/u, '') || '零'));
  if (parts.length === 1) return value(parts[0]!);
  const [high, low] = [value(parts[0]!), value(parts[1]!)];
  return high === null || low === null ? null : high * 10000 + low;
}

const isYear = (digits: string, unit: string) => digits.length === 4 && (unit === '年' || /^(19|20)\d\d$/.test(digits));

/**
 * The query's numbers written the other way, each with its unit: "满10年的" → ["十年"], "4倍" →
 * ["四倍"], "5%" → ["百分之五"], "补贴五十万" → ["50万"]. Empty when it has none.
 */
export function numeralVariants(q: string): string[] {
  const text = q.normalize('NFKC');
  const out = new Set<string>();
  for (const m of text.matchAll(ARABIC)) {
    const [, digits, unit] = m;
    if (isYear(digits!, unit!) || text[m.index + m[0].length] === '号') continue;
    const n = Number(digits);
    if (n === 0) continue;
    out.add(unit === '%' ? `百分之${chineseNumeral(n)}` : chineseNumeral(n) + unit);
  }
  for (const m of text.matchAll(CHINESE)) {
    const [, numeral, unit] = m;
    // 五十万元 → 50万元, as policies write amounts
    const tenThousands = numeral!.length > 1 && numeral!.endsWith('万');
    const n = parseChinese(tenThousands ? numeral!.slice(0, -1) : numeral!);
    if (n === null || n === 0) continue;
    out.add(`${n}${tenThousands ? '万' : ''}${unit}`);
  }
  for (const m of text.matchAll(PERCENT)) {
    const n = parseChinese(m[1]!);
    if (n !== null && n > 0) out.add(`${n}%`);
  }
  for (const v of [...out]) if (text.includes(v)) out.delete(v);
  return [...out];
}
