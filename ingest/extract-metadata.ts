// Document metadata read from the text as printed: 标题, 文号, 发文机关, 成文日期, type, region and
// validity. Every field is null when the text does not state it.
import type { Block } from './clean-text.ts';
import type { DocumentMeta, DocumentStatus, DocumentType } from './types.ts';
import { LABEL_START, findDocNumbers, TITLE_END, isDateLine, isIssuerLine, normalizeDocNumber, parseDate } from './policy-patterns.ts';

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

function typeOf(title: string | null, isNews: boolean): DocumentType | null {
  if (title === null) return null;
  if (/解读/.test(title)) return '解读';
  if (/任职|任免|免职|任命/.test(title)) return '任免';
  const bare = title.replace(/[（(][^）)]*[）)]$/, '').replace(/》$/, '');
  for (const t of ['措施', '规划', '意见', '办法', '方案', '通知'] as const) if (bare.endsWith(t)) return t;
  if (/规划/.test(bare)) return '规划';
  if (isNews) return '新闻';
  return '其他';
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

export function extractMetadata(blocks: Block[], today: string): MetadataResult {
  const headerBlocks = new Set<number>();
  const paragraphs = blocks.flatMap((b, i) => (b.kind === 'paragraph' ? [{ i, text: b.text }] : []));
  const head = paragraphs.slice(0, 8);
  const fullText = paragraphs.map((p) => p.text).join('\n');

  let title: string | null = null;
  let issuer: string | null = null;
  let isNews = false;

  // 文号 printed on its own line; a 文号 in parentheses inside the text cites another document.
  const numberBlock = blocks.findIndex((b) => b.kind === 'docNumber');
  let docNumber = numberBlock >= 0 ? normalizeDocNumber((blocks[numberBlock] as { text: string }).text) : null;
  blocks.forEach((b, i) => {
    if (b.kind === 'docNumber' && i < (paragraphs[4]?.i ?? Infinity)) headerBlocks.add(i);
  });

  for (let k = 0; k < head.length; k++) {
    const { i, text } = head[k]!;
    const next = head[k + 1];
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
    }
  }

  // Signature: an issuer line followed by a date line; the date alone also counts as 成文日期.
  let date: string | null = null;
  for (let k = 0; k < paragraphs.length; k++) {
    const { i, text } = paragraphs[k]!;
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

  // Validity: 有效期至…; 自公布之日起施行; 自X年X月X日起施行; 有效期N年; a plan's period.
  let validFrom: string | null = null;
  let validUntil: string | null = null;
  const until = /有效期(?:至|到)\s*([^，。；]{6,16}?日)/.exec(fullText);
  if (until) validUntil = parseDate(until[1]!);
  if (/自(?:公布|印发|发布)之日起(?:施行|实施|执行|生效)/.test(fullText)) validFrom = date;
  const fromDate = /自\s*([^，。；]{6,16}?日)\s*起(?:施行|实施|执行|生效)/.exec(fullText);
  if (fromDate) validFrom = parseDate(fromDate[1]!) ?? validFrom;
  const years = /有效期(?:为)?\s*(\d+|[一二三四五六七八九十])\s*年/.exec(fullText);
  if (validUntil === null && years && validFrom !== null) {
    const n = /\d/.test(years[1]!) ? Number(years[1]) : '一二三四五六七八九十'.indexOf(years[1]!) + 1;
    validUntil = addYears(validFrom, n);
  }
  if (validFrom === null && validUntil === null && title !== null) {
    const period = /((?:19|20)\d{2})\s*[-—–－~～至]\s*((?:19|20)\d{2})\s*年/.exec(title);
    const plan = /“?(十[一二三四五六]五)”?/.exec(title);
    const span = period ? ([Number(period[1]), Number(period[2])] as const) : plan ? FIVE_YEAR_PLANS[plan[1]!] : undefined;
    if (span) {
      validFrom = `${span[0]}-01-01`;
      validUntil = `${span[1]}-12-31`;
    }
  }

  const type = typeOf(title, isNews);
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
    },
    headerBlocks,
  };
}
