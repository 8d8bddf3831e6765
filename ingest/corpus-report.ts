// The corpus report: per document, what ingest read (title, 文号, issuer, dates, type, status,
// clause and article counts) and every warning, so a person can review the ingest of a large
// collection at a glance. Written by `npm run ingest -- --report FILE` and `npm run report`.
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { CorpusFileReport } from './load-corpus.ts';
import type { PolicyDocument } from './types.ts';

export interface ReportRow {
  source: string;
  id: string;
  part: number;
  title: string | null;
  docNumber: string | null;
  issuer: string | null;
  type: string | null;
  /** Adopted or issued. */
  date: string | null;
  /** In force from. */
  validFrom: string | null;
  validUntil: string | null;
  status: string;
  /** 通过/修正/修订 … with dates, oldest first: "2020-05-28 通过; 2021-01-01 施行". */
  history: string;
  clauses: number;
  articles: number;
  warnings: string[];
}

export interface CorpusReport {
  summary: {
    files: number;
    skippedFiles: number;
    documents: number;
    clauses: number;
    articles: number;
    /** Documents with each field read, as counts. */
    withTitle: number;
    withDocNumber: number;
    withIssuer: number;
    withDate: number;
    withValidFrom: number;
    byType: Record<string, number>;
    byStatus: Record<string, number>;
    documentsWithWarnings: number;
    idCollisions: string[];
  };
  documents: ReportRow[];
  skipped: { source: string; warnings: string[] }[];
}

export function corpusReport(documents: PolicyDocument[], files: CorpusFileReport[], collisions: string[] = []): CorpusReport {
  const fileWarnings = new Map(files.map((f) => [f.source, f.warnings]));
  const rows: ReportRow[] = documents.map((d) => ({
    source: d.source,
    id: d.id,
    part: d.part,
    title: d.title,
    docNumber: d.docNumber,
    issuer: d.issuer,
    type: d.type,
    date: d.date,
    validFrom: d.validFrom,
    validUntil: d.validUntil,
    status: d.status,
    history: d.history.map((h) => `${h.date} ${h.event}`).join('; '),
    clauses: d.clauses.length,
    articles: d.clauses.filter((c) => c.kind === 'article').length,
    // a file's own warnings (decoding, removed page furniture) go with its first document
    warnings: [...(d.part === 0 ? (fileWarnings.get(d.source) ?? []) : []), ...d.warnings],
  }));
  const count = (pick: (d: PolicyDocument) => unknown) => documents.filter((d) => pick(d) !== null && pick(d) !== undefined).length;
  const tally = (pick: (d: PolicyDocument) => string) => {
    const out: Record<string, number> = {};
    for (const d of documents) out[pick(d)] = (out[pick(d)] ?? 0) + 1;
    return out;
  };
  return {
    summary: {
      files: files.length,
      skippedFiles: files.filter((f) => !f.ok).length,
      documents: documents.length,
      clauses: rows.reduce((n, r) => n + r.clauses, 0),
      articles: rows.reduce((n, r) => n + r.articles, 0),
      withTitle: count((d) => d.title),
      withDocNumber: count((d) => d.docNumber),
      withIssuer: count((d) => d.issuer),
      withDate: count((d) => d.date),
      withValidFrom: count((d) => d.validFrom),
      byType: tally((d) => d.type ?? '(none)'),
      byStatus: tally((d) => d.status),
      documentsWithWarnings: rows.filter((r) => r.warnings.length > 0).length,
      idCollisions: collisions,
    },
    documents: rows,
    skipped: files.filter((f) => !f.ok).map((f) => ({ source: f.source, warnings: f.warnings })),
  };
}

const COLUMNS: (keyof ReportRow)[] = ['source', 'id', 'title', 'docNumber', 'issuer', 'type', 'date', 'validFrom', 'validUntil', 'status', 'history', 'clauses', 'articles', 'warnings'];

/** Tab-separated, one document a line (opens in any spreadsheet); skipped files last. */
export function reportTsv(report: CorpusReport): string {
  const cell = (v: unknown) => (Array.isArray(v) ? v.join('; ') : v === null || v === undefined ? '' : String(v)).replace(/[\t\r\n]+/g, ' ');
  const lines = [COLUMNS.join('\t'), ...report.documents.map((r) => COLUMNS.map((c) => cell(r[c])).join('\t'))];
  for (const s of report.skipped) lines.push(COLUMNS.map((c) => (c === 'source' ? s.source : c === 'status' ? 'skipped' : c === 'warnings' ? cell(s.warnings) : '')).join('\t'));
  return `${lines.join('\n')}\n`;
}

/** Writes the report as JSON (.json) or tab-separated text (any other extension). */
export async function writeReport(file: string, report: CorpusReport): Promise<void> {
  await writeFile(file, extname(file).toLowerCase() === '.json' ? `${JSON.stringify(report, null, 1)}\n` : reportTsv(report));
}

/** A few lines for the terminal. */
export function reportSummaryText(report: CorpusReport): string {
  const s = report.summary;
  const pct = (n: number) => `${n} (${((100 * n) / Math.max(1, s.documents)).toFixed(1)}%)`;
  return [
    `${s.files} files (${s.skippedFiles} skipped) -> ${s.documents} documents, ${s.clauses} clauses, ${s.articles} articles`,
    `read: title ${pct(s.withTitle)}, 文号 ${pct(s.withDocNumber)}, issuer ${pct(s.withIssuer)}, date ${pct(s.withDate)}, in force from ${pct(s.withValidFrom)}`,
    `types: ${Object.entries(s.byType).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `status: ${Object.entries(s.byStatus).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `${s.documentsWithWarnings} documents with warnings${s.idCollisions.length ? `; ${s.idCollisions.length} file names gave one id (renamed)` : ''}`,
  ].join('\n');
}
