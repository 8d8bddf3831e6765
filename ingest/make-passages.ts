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

export function makePassages(clauses: Clause[], docText: string): Passage[] {
  const passages: Passage[] = [];
  for (const clause of clauses) {
    const { start, end } = clause;
    // A bare heading whose content lives in its children is found through them.
    if (clause.childIds.length > 0 && end - start <= 40) continue;
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
