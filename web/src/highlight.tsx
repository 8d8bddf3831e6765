// Search highlights arrive as [start, end) UTF-16 offsets into the passage. They are turned into
// React elements, never into HTML strings: the passage is untrusted text from published files.
import type { ReactNode } from 'react';

export type Range = readonly [number, number];

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Ranges clamped to the text, sorted, with overlapping or touching ones merged; empty, reversed
 * and non-numeric ranges dropped. A boundary inside a surrogate pair is widened to the whole
 * character so a highlight never cuts an emoji or a rare CJK character in half.
 */
export function normalizeRanges(ranges: readonly Range[], text: string): [number, number][] {
  const length = text.length;
  const clean: [number, number][] = [];
  for (const [rawStart, rawEnd] of ranges) {
    if (!Number.isFinite(rawStart) || !Number.isFinite(rawEnd)) continue;
    let start = Math.max(0, Math.min(length, Math.floor(rawStart)));
    let end = Math.max(0, Math.min(length, Math.ceil(rawEnd)));
    if (start > 0 && isHighSurrogate(text.charCodeAt(start - 1))) start -= 1;
    if (end > 0 && end < length && isHighSurrogate(text.charCodeAt(end - 1))) end += 1;
    if (end > start) clean.push([start, end]);
  }
  clean.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const range of clean) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

/** The text as strings and <mark> elements. */
export function renderHighlights(text: string, ranges: readonly Range[], keyPrefix = 'm'): ReactNode[] {
  const nodes: ReactNode[] = [];
  let pos = 0;
  for (const [start, end] of normalizeRanges(ranges, text)) {
    if (start > pos) nodes.push(text.slice(pos, start));
    nodes.push(<mark key={`${keyPrefix}${start}`}>{text.slice(start, end)}</mark>);
    pos = end;
  }
  if (pos < text.length) nodes.push(text.slice(pos));
  return nodes;
}

function shift(ranges: readonly Range[], by: number): Range[] {
  return ranges.map(([s, e]) => [s - by, e - by] as const);
}

/** Where the answer sentence sits in the passage, or null when the passage does not contain it. */
export function findAnswer(text: string, answer: string | null | undefined): [number, number] | null {
  const needle = answer?.trim();
  if (!needle) return null;
  const at = text.indexOf(needle);
  return at < 0 ? null : [at, at + needle.length];
}

/**
 * A passage with its highlights, and the answer sentence (when it lies inside the passage)
 * wrapped in <strong>; a highlight crossing the sentence's edge is split at the edge.
 */
export function HighlightedText({
  text,
  highlights,
  answer,
}: {
  text: string;
  highlights: readonly Range[];
  answer?: string | null;
}) {
  const at = findAnswer(text, answer);
  if (!at) return <>{renderHighlights(text, highlights)}</>;
  const [a, b] = at;
  return (
    <>
      {renderHighlights(text.slice(0, a), highlights, 'b')}
      <strong className="answer">{renderHighlights(text.slice(a, b), shift(highlights, a), 'a')}</strong>
      {renderHighlights(text.slice(b), shift(highlights, b), 'c')}
    </>
  );
}

/** What the search found in a clause, carried to the reader: the words it matched and its answer. */
export interface Emphasis {
  terms: readonly string[];
  answer: string | null;
}

/** The distinct words a result's highlights cover, longest first. */
export function highlightedTerms(text: string, highlights: readonly Range[]): string[] {
  const terms = new Set(normalizeRanges(highlights, text).map(([a, b]) => text.slice(a, b).trim()).filter((t) => t !== ''));
  return [...terms].sort((a, b) => b.length - a.length).slice(0, 20);
}

/** Every occurrence of the terms in a line, as ranges. */
export function termRanges(line: string, terms: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  for (const term of terms) {
    for (let at = line.indexOf(term); at >= 0; at = line.indexOf(term, at + term.length)) out.push([at, at + term.length]);
  }
  return out;
}
