// What the golden tests compare: per document, its metadata, its cleaned text and its clause tree
// (without ids and offsets' noise: each clause's text is checked against the offsets instead).
import { parseText } from '../../ingest/parse-corpus.ts';

export const GOLDEN_TODAY = '2026-11-26';

export function goldenView(source: string, raw: string) {
  const { documents, passages } = parseText(source, raw, GOLDEN_TODAY);
  return documents.map((d) => ({
    id: d.id,
    title: d.title,
    docNumber: d.docNumber,
    issuer: d.issuer,
    date: d.date,
    type: d.type,
    region: d.region,
    validFrom: d.validFrom,
    validUntil: d.validUntil,
    status: d.status,
    history: d.history.map((h) => `${h.date} ${h.event}`),
    text: d.text.split('\n'),
    clauses: d.clauses.map((c) => ({
      level: c.level,
      kind: c.kind,
      label: c.label,
      heading: c.heading,
      path: c.path.join(' > '),
      text: c.text.split('\n'),
      tables: c.tables.map((t) => t.rows),
    })),
    // what search can find: each passage's clause label and its text
    passages: passages.filter((p) => p.docId === d.id).map((p) => `${d.clauses.find((c) => c.id === p.clauseId)?.label ?? ''} ${p.text.split('\n').join(' / ')}`.trim()),
  }));
}
