// A document's text laid out for reading. Clauses own disjoint [start, end) ranges of
// document.text (a parent's range stops where its first child begins), so the text is a flat
// sequence: masthead gaps and clauses in order. Inside a clause, table lines give way to tables.
import type { Clause, Table } from '../../../ingest/types.ts';

export type DocSegment =
  | { kind: 'masthead'; start: number; lines: string[] }
  | { kind: 'clause'; clause: Clause };

export type ClausePart = { kind: 'text'; start: number; lines: string[] } | { kind: 'table'; table: Table };

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

export function segmentDocument(text: string, clauses: readonly Clause[]): DocSegment[] {
  const ordered = [...clauses].sort((a, b) => a.start - b.start);
  const segments: DocSegment[] = [];
  let pos = 0;
  const gap = (end: number) => {
    const masthead = lines(text.slice(pos, end));
    if (masthead.length > 0) segments.push({ kind: 'masthead', start: pos, lines: masthead });
  };
  for (const clause of ordered) {
    if (clause.start > pos) gap(clause.start);
    segments.push({ kind: 'clause', clause });
    pos = Math.max(pos, clause.end);
  }
  if (pos < text.length) gap(text.length);
  return segments;
}

export function clauseParts(text: string, clause: Clause): ClausePart[] {
  const parts: ClausePart[] = [];
  let pos = clause.start;
  const tables = [...clause.tables]
    .filter((t) => t.start >= clause.start && t.end <= clause.end && t.end > t.start)
    .sort((a, b) => a.start - b.start);
  const push = (end: number) => {
    const chunk = lines(text.slice(pos, end));
    if (chunk.length > 0) parts.push({ kind: 'text', start: pos, lines: chunk });
  };
  for (const table of tables) {
    if (table.start < pos) continue;
    push(table.start);
    parts.push({ kind: 'table', table });
    pos = table.end;
  }
  push(clause.end);
  return parts;
}

export interface OutlineNode {
  clause: Clause;
  children: OutlineNode[];
}

/**
 * The clause tree for the outline. Clauses with neither label nor heading (a preamble, a loose
 * paragraph) have nothing to show in a table of contents, so their children take their place.
 */
export function outlineTree(clauses: readonly Clause[]): OutlineNode[] {
  const byId = new Map(clauses.map((c) => [c.id, c]));
  const seen = new Set<string>();
  const build = (ids: readonly string[]): OutlineNode[] =>
    ids.flatMap((id) => {
      const clause = byId.get(id);
      if (!clause || seen.has(id)) return [];
      seen.add(id);
      const children = build(clause.childIds);
      return clause.label || clause.heading ? [{ clause, children }] : children;
    });
  return build(clauses.filter((c) => c.parentId === null || !byId.has(c.parentId)).map((c) => c.id));
}

/** "三、加快技术改造", or the label and the start of the text when a clause has no heading. */
export function clauseTitle(clause: Clause, max = 24): string {
  const label = clause.label ?? '';
  // a statutory label stands apart from its words, as laws print it: 第一千条 行为人…, 第四编 人格权
  const gap = /[编章节条]$/.test(label) ? ' ' : '';
  if (clause.heading) return label + gap + clause.heading;
  const rest = clause.text.slice(label.length).replace(/\s+/g, ' ').trim();
  return label + gap + (rest.length > max ? `${rest.slice(0, max)}…` : rest);
}
