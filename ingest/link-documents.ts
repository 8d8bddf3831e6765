// Links between the documents of a corpus, found from what their texts say of each other: a 解读
// names the document it explains (《永州市推进…若干措施》解读, or its 文号) and takes its status; a
// document that cites another by its 《title》 (依据《中华人民共和国劳动法》…) links to it when that
// document is in the corpus.
import type { Clause, PolicyDocument } from './types.ts';

/** 《…》 titles quoted in a text, with the 〈〉 of nested titles read as 《》. */
function quotedTitles(text: string): string[] {
  return [...text.matchAll(/《([^》\n]{2,80})》/g)].map((m) => m[1]!.replaceAll('〈', '《').replaceAll('〉', '》').replace(/\s+/g, ''));
}

function bigrams(text: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 1 < text.length; i++) out.add(text.slice(i, i + 2));
  return out;
}

/** Dice similarity of character bigrams: 推进…若干措施 and 推动…若干措施 are the same title misquoted. */
function similarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const g of x) if (y.has(g)) shared++;
  return (2 * shared) / (x.size + y.size);
}

const EXPLAINED_TITLE_MIN = 0.8;
const EXPLAINED_HEADING_MIN = 0.6;

/** What a clause is about, for matching a 解读's points to the measure's: its heading, else its first words. */
function topic(c: Clause): string {
  return (c.heading ?? c.text.slice((c.label ?? '').length, (c.label ?? '').length + 24)).replace(/[\s，。；：、“”]/g, '');
}

/**
 * A 解读 walks through the measure point by point ("三是支持企业设备更新"): each of its clauses with a
 * heading is linked to the measure's clause with the most similar heading, when similar enough.
 */
function linkClauses(interpretation: PolicyDocument, measure: PolicyDocument): void {
  const candidates = measure.clauses.filter((c) => c.heading !== null && c.heading.length >= 4);
  for (const c of interpretation.clauses) {
    if (c.heading === null || c.heading.length < 4 || c.kind === 'qa') continue;
    const mine = topic(c);
    let best: Clause | undefined;
    let bestScore = EXPLAINED_HEADING_MIN;
    for (const m of candidates) {
      const score = similarity(mine, topic(m));
      if (score > bestScore) [best, bestScore] = [m, score];
    }
    if (!best) continue;
    c.explains = best.id;
    (best.interpretations ??= []).push(c.id);
  }
}

/**
 * Sets explains / explainedBy and cites / citedBy on every document. A 解读 with no status of its
 * own takes the status and validity of the document it explains.
 */
export function linkDocuments(documents: PolicyDocument[]): void {
  const byId = new Map(documents.map((d) => [d.id, d]));
  const byTitle = new Map<string, PolicyDocument>();
  const byNumber = new Map<string, PolicyDocument>();
  for (const d of documents) {
    d.explains = null;
    d.explainedBy = [];
    d.cites = [];
    d.citedBy = [];
    if (d.title && d.type !== '解读') byTitle.set(d.title.replace(/\s+/g, ''), d);
    if (d.docNumber) byNumber.set(d.docNumber, d);
  }
  const operative = documents.filter((d) => d.title && d.type !== '解读');

  for (const d of documents) {
    if (d.type !== '解读') continue;
    const named = quotedTitles(d.title ?? '')[0] ?? quotedTitles(d.text.slice(0, 400))[0];
    let target: PolicyDocument | undefined;
    if (named) {
      target = byTitle.get(named);
      if (!target) {
        let best = EXPLAINED_TITLE_MIN;
        for (const o of operative) {
          const s = similarity(named, o.title!.replace(/\s+/g, ''));
          if (s >= best) [best, target] = [s, o];
        }
      }
    }
    target ??= [...d.text.slice(0, 600).matchAll(/[\p{Script=Han}]{1,8}〔\d{4}〕\d+号/gu)].map((m) => byNumber.get(m[0])).find((x) => x !== undefined);
    if (!target || target === d) continue;
    d.explains = target.id;
    target.explainedBy.push(d.id);
    linkClauses(d, target);
    if (d.status === '未知') {
      d.status = target.status;
      d.validFrom = target.validFrom;
      d.validUntil = target.validUntil;
    }
  }

  for (const d of documents) {
    const cited = new Set<string>();
    for (const t of quotedTitles(d.text)) {
      const other = byTitle.get(t) ?? byTitle.get(`中华人民共和国${t}`);
      if (other && other !== d && other.id !== d.explains) cited.add(other.id);
    }
    d.cites = [...cited];
    for (const id of cited) byId.get(id)?.citedBy.push(d.id);
  }
}
