// Articles of one law are often written alike: 民法典 第四百三十二条 and 第四百三十四条 both end
// "造成质押财产毁损、灭失的，应当承担赔偿责任", 刑法 articles share their sentencing formulas. Search
// ranks such neighbours within a few percent of each other, and the one that comes first is not
// always the one a lawyer would cite. So that an official about to quote a clause sees its
// neighbour, each result names the other results of its document that share a run of at least
// ALIKE_RUN characters with it (the run a reader would recognize as the same wording).
import type { SearchResult } from './search.ts';

/** Characters two passages must share in one run (whitespace and brackets' notes removed) to be named alike. */
export const ALIKE_RUN = 20;
/** Neighbours named per result, nearest in rank first. */
const MOST = 3;
/** The shared wording shown is cut to this many characters. */
const SHOWN = 30;

export interface AlikeClause {
  clauseId: string;
  label: string | null;
  /** Where it stands in its document, as a citation names it after the title: 第五十三条第六项, 三、（五）. */
  name: string;
  /** Opens the reader at that clause. */
  url: string;
  /** The longest run of wording the two share, whitespace removed (cut to SHOWN characters). */
  shared: string;
}

/**
 * What is compared: the text without whitespace and without its brackets' notes, which policies
 * end their measures with alike (（市工信局、市财政局按职责分工负责）) and laws number items by.
 */
const compactText = (text: string) => text.replace(/[（(][^（）()]{0,40}[）)]/gu, '').replace(/\s+/gu, '');

/** The longest run of `b` that is also in `a`, when it is at least `run` characters long; else null. */
export function sharedRun(a: string, b: string, run = ALIKE_RUN): string | null {
  if (a.length < run || b.length < run) return null;
  const runsOfA = new Set<string>();
  for (let i = 0; i + run <= a.length; i++) runsOfA.add(a.slice(i, i + run));
  let best: string | null = null;
  for (let j = 0; j + run <= b.length; j++) {
    if (!runsOfA.has(b.slice(j, j + run))) continue;
    // grow the run while `a` still holds it
    let end = j + run;
    while (end < b.length && a.includes(b.slice(j, end + 1))) end++;
    if (best === null || end - j > best.length) best = b.slice(j, end);
    j = end - run;
  }
  return best;
}

/** The 32-bit hash of each run of `run` characters of a text (a rolling polynomial hash), each once. */
function runHashes(text: string, run: number): Set<number> {
  const hashes = new Set<number>();
  if (text.length < run) return hashes;
  const BASE = 131;
  let power = 1; // BASE^(run - 1)
  for (let i = 1; i < run; i++) power = Math.imul(power, BASE);
  let h = 0;
  for (let i = 0; i < text.length; i++) {
    if (i >= run) h = (h - Math.imul(text.charCodeAt(i - run), power)) | 0;
    h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
    if (i >= run - 1) hashes.add(h);
  }
  return hashes;
}

/** For each result, the other results of its document written alike (see above); absent when none. */
export function alikeClauses(results: readonly Pick<SearchResult, 'clauseId' | 'docId' | 'label' | 'text' | 'url' | 'citation'>[]): (AlikeClause[] | undefined)[] {
  const texts = results.map((r) => compactText(r.text));
  // the pairs of one document's results that have a run in common, found in one pass over each
  // document's runs (a hash shared by chance is caught when the run itself is looked for)
  const candidates = new Set<string>();
  const byDoc = new Map<string, number[]>();
  results.forEach((r, i) => {
    const members = byDoc.get(r.docId);
    if (members === undefined) byDoc.set(r.docId, [i]);
    else members.push(i);
  });
  for (const members of byDoc.values()) {
    if (members.length < 2) continue;
    const holders = new Map<number, number[]>();
    for (const i of members) {
      for (const h of runHashes(texts[i]!, ALIKE_RUN)) {
        const list = holders.get(h);
        if (list === undefined) holders.set(h, [i]);
        else list.push(i);
      }
    }
    for (const list of holders.values()) {
      for (let x = 0; x < list.length; x++) for (let y = x + 1; y < list.length; y++) candidates.add(`${list[x]} ${list[y]}`);
    }
  }
  const shared = new Map<string, string | null>();
  const sharedBy = (i: number, j: number): string | null => {
    const key = i < j ? `${i} ${j}` : `${j} ${i}`;
    if (!candidates.has(key) || results[i]!.clauseId === results[j]!.clauseId) return null;
    if (!shared.has(key)) shared.set(key, sharedRun(texts[i]!, texts[j]!));
    return shared.get(key)!;
  };
  return results.map((r, i) => {
    const alike: AlikeClause[] = [];
    // nearest in rank first
    const order = (byDoc.get(r.docId) ?? []).filter((j) => j !== i).sort((x, y) => Math.abs(x - i) - Math.abs(y - i) || x - y);
    for (const j of order) {
      if (alike.length >= MOST) break;
      const run = sharedBy(i, j);
      if (run === null) continue;
      const o = results[j]!;
      // shown from its first word: a run that begins inside a figure (…8%给予奖励) or a label
      // (第一条 and 第三条 share 条质权人…) starts with that figure's or label's tail
      const shown = run.replace(/^[^\p{Script=Han}“《]+/u, '').replace(/^[条款项](?=\p{Script=Han})/u, '');
      alike.push({
        clauseId: o.clauseId,
        label: o.label,
        name: o.citation.replace(/^《[^》]*》(?:（[^）]*）)?/u, '') || (o.label ?? ''),
        url: o.url,
        shared: shown.length > SHOWN ? `${shown.slice(0, SHOWN)}…` : shown,
      });
    }
    return alike.length > 0 ? alike : undefined;
  });
}
