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

/** Every run of `run` characters of a text (UTF-16 units: the laws' and policies' characters are one each). */
function runsOf(text: string, run: number): Set<string> {
  const runs = new Set<string>();
  for (let i = 0; i + run <= text.length; i++) runs.add(text.slice(i, i + run));
  return runs;
}

/**
 * The longest run of `b` that is also in `a`, when it is at least `run` characters long; else null.
 * `runsOfA`: runsOf(a, run), when the caller compares `a` with several texts.
 */
export function sharedRun(a: string, b: string, run = ALIKE_RUN, runsOfA = runsOf(a, run)): string | null {
  if (a.length < run || b.length < run) return null;
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

/** For each result, the other results of its document written alike (see above); absent when none. */
export function alikeClauses(results: readonly Pick<SearchResult, 'clauseId' | 'docId' | 'label' | 'text' | 'url' | 'citation'>[]): (AlikeClause[] | undefined)[] {
  const texts = results.map((r) => compactText(r.text));
  const runs = new Map<number, Set<string>>();
  const runsAt = (i: number) => runs.get(i) ?? runs.set(i, runsOf(texts[i]!, ALIKE_RUN)).get(i)!;
  // each pair of one document's results once: the run they share, or null
  const shared = new Map<string, string | null>();
  const sharedBy = (i: number, j: number) => {
    const key = i < j ? `${i} ${j}` : `${j} ${i}`;
    if (!shared.has(key)) shared.set(key, sharedRun(texts[i]!, texts[j]!, ALIKE_RUN, runsAt(i)));
    return shared.get(key)!;
  };
  return results.map((r, i) => {
    const others = results
      .map((o, j) => ({ o, j }))
      .filter(({ o, j }) => j !== i && o.docId === r.docId && o.clauseId !== r.clauseId)
      .sort((x, y) => Math.abs(x.j - i) - Math.abs(y.j - i) || x.j - y.j);
    const alike: AlikeClause[] = [];
    for (const { o, j } of others) {
      if (alike.length >= MOST) break;
      const run = sharedBy(i, j);
      if (run === null) continue;
      // shown from its first Chinese character: a run that begins inside a figure (…8%给予奖励) reads as that figure's tail
      const shown = run.replace(/^[^\p{Script=Han}“《]+/u, '');
      alike.push({ clauseId: o.clauseId, label: o.label, name: o.citation.replace(/^《[^》]*》(?:（[^）]*）)?/u, '') || (o.label ?? ''), url: o.url, shared: shown.length > SHOWN ? `${shown.slice(0, SHOWN)}…` : shown });
    }
    return alike.length > 0 ? alike : undefined;
  });
}
