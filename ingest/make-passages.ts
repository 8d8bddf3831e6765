// Passages for retrieval: a clause's own text, cut at sentence ends when it is long. Each passage
// is a slice of the document text, so its offsets cite the exact place.
import type { Clause, Passage } from './types.ts';

export const PASSAGE_TARGET = 400;
const PASSAGE_MAX = 560;

/** Sentence (or table row) ends inside [start, end): offsets just after 。；！？ or a line break. */
function sentenceEnds(text: string, start: number, end: number): number[] {
  const ends: number[] = [];
  for (let i = start; i < end; i++) {
    const ch = text[i]!;
    if (ch === '\n') ends.push(i);
    else if ('。；！？'.includes(ch)) {
      let j = i + 1;
      while (j < end && '”’）)」'.includes(text[j]!)) j++;
      ends.push(j);
      i = j - 1;
    }
  }
  if (ends.at(-1) !== end) ends.push(end);
  return ends;
}

/** Kinds that only head their children: their words reach the index through the children's path. */
const HEADING_KINDS = new Set(['part', 'chapter', 'section', 'heading', 'appendix', 'box']);

export function makePassages(clauses: Clause[], docText: string): Passage[] {
  const passages: Passage[] = [];
  const byId = new Map(clauses.map((c) => [c.id, c]));
  // Where a clause's subtree ends: its last descendant's end. Children follow their parent in order.
  const subtreeEnd = new Map<string, number>();
  for (let k = clauses.length - 1; k >= 0; k--) {
    const c = clauses[k]!;
    subtreeEnd.set(c.id, Math.max(c.end, ...c.childIds.map((id) => subtreeEnd.get(id) ?? byId.get(id)?.end ?? c.end)));
  }
  const covered = new Set<string>();
  const cover = (c: Clause) => {
    for (const id of c.childIds) {
      covered.add(id);
      const child = byId.get(id);
      if (child) cover(child);
    }
  };
  for (const clause of clauses) {
    if (covered.has(clause.id)) continue;
    const { start } = clause;
    let { end } = clause;
    if (clause.childIds.length > 0) {
      const own = `${clause.label ?? ''}${clause.heading ?? ''}`.replace(/\s+/g, '');
      const bare = docText.slice(start, end).replace(/[\s。：:]+/g, '') === own;
      // A heading whose content lives in its children is found through them.
      if (bare || (HEADING_KINDS.has(clause.kind) && end - start <= 40)) continue;
      // A lead sentence with items ("仓单包括下列事项：" + （一）…): one passage with its items when
      // they fit, else the lead on its own, so its words are never left out.
      const whole = subtreeEnd.get(clause.id)!;
      if (whole - start <= PASSAGE_TARGET + 80) {
        end = whole;
        cover(clause);
      } else if (end - start <= PASSAGE_TARGET + 80) {
        const text = docText.slice(start, end).replace(/\n+$/, '');
        passages.push({ id: `${clause.id}:0`, clauseId: clause.id, docId: clause.docId, text, start, end: start + text.length });
        continue;
      }
    }
    if (end - start <= PASSAGE_TARGET + 80) {
      passages.push({ id: `${clause.id}:0`, clauseId: clause.id, docId: clause.docId, text: docText.slice(start, end), start, end });
      continue;
    }
    const ends = sentenceEnds(docText, start, end);
    let from = start;
    let n = 0;
    while (from < end) {
      // grow to the last sentence end within the target; hard cut if one sentence is too long
      let to = ends.find((e) => e - from >= PASSAGE_TARGET) ?? end;
      const before = [...ends].reverse().find((e) => e > from && e - from <= PASSAGE_TARGET);
      if (to - from > PASSAGE_MAX) to = before ?? Math.min(end, from + PASSAGE_TARGET);
      if (end - to < 80) to = end; // no tiny tail passage
      const slice = docText.slice(from, to).replace(/^\n+/, '');
      const sliceStart = to - slice.length;
      passages.push({ id: `${clause.id}:${n++}`, clauseId: clause.id, docId: clause.docId, text: slice.replace(/\n+$/, ''), start: sliceStart, end: sliceStart + slice.replace(/\n+$/, '').length });
      if (to >= end) break;
      // overlap: start the next passage at the last sentence of this one
      const lastSentenceStart = [...ends].reverse().find((e) => e < to && e > from + (to - from) / 2);
      from = lastSentenceStart !== undefined && to - lastSentenceStart <= 120 ? lastSentenceStart : to;
      while (from < end && docText[from] === '\n') from++;
    }
  }
  return passages;
}
