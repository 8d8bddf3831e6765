// Attachments published beside their notice: "notice.pdf" with "notice-附件1 项目清单.xlsx" (or
// "notice_附件2.docx", "notice附件3：资金分配表.xlsx"). An attachment is read into its notice's
// document, after the notice's text, under the line "附件1" and its title, as the notice prints
// it; a file named 附件… with no notice of that name beside it is a document of its own.
import { basename, extname } from 'node:path';
import { readPolicyFile, type ReadResult } from '../read-file.ts';
import { typeOf } from '../extract-metadata.ts';
import type { PolicyDocument } from '../types.ts';

/** "附件1", "附件 2", "附件三", "附件" at the start of what follows the notice's name. */
const ATTACHMENT_LABEL = /^[\s_\-—－·.、:：（(]*(附\s*件\s*[0-9一二三四五六七八九十]*)[\s_\-—－·.、:：）)]*/u;

/** What follows a notice's name in its attachment's name: a separator or none, then 附件. */
const AFTER_NOTICE = /^[\s_\-—－·.、:：（(]*附\s*件/u;

const stemOf = (name: string): string => basename(name, extname(name)).normalize('NFKC').trim();

/**
 * Which files are attachments of which: for each file whose name is another file's name
 * followed by 附件…, that other file (the longest such name). Returns notice -> attachments,
 * attachments in name order.
 */
export function attachmentsByName(names: string[]): Map<string, string[]> {
  const stems = names.map((n) => ({ name: n, stem: stemOf(n) }));
  const out = new Map<string, string[]>();
  for (const file of stems) {
    let notice: { name: string; stem: string } | null = null;
    for (const other of stems) {
      if (other === file || other.stem === '' || !file.stem.startsWith(other.stem)) continue;
      if (!AFTER_NOTICE.test(file.stem.slice(other.stem.length))) continue;
      if (!notice || other.stem.length > notice.stem.length) notice = other;
    }
    if (notice) out.set(notice.name, [...(out.get(notice.name) ?? []), file.name].sort());
  }
  // an attachment is never itself a notice with attachments: its own would go to its notice
  for (const attached of [...out.values()].flat()) {
    const own = out.get(attached);
    if (!own) continue;
    out.delete(attached);
    for (const [notice, list] of out) if (list.includes(attached)) out.set(notice, [...list, ...own].sort());
  }
  return out;
}

/** The label and title an attachment is printed under: ("附件1", "项目清单"). */
export function attachmentHeading(notice: string, attachment: string): { label: string; title: string } {
  const rest = stemOf(attachment).slice(stemOf(notice).length);
  const match = ATTACHMENT_LABEL.exec(rest);
  const label = (match?.[1] ?? '附件').replace(/\s+/g, '');
  const title = rest.slice(match?.[0].length ?? 0).trim();
  return { label, title };
}

/** A notice's text followed by each attachment's, each under its label and title. */
export async function readWithAttachments(path: string, attachments: Array<{ path: string; source: string }>, source = basename(path)): Promise<ReadResult> {
  const read = await readPolicyFile(path);
  if (attachments.length === 0) return read;
  let text = read.text.replace(/\s*$/, '\n');
  const warnings = [...read.warnings];
  for (const attachment of attachments) {
    const { label, title } = attachmentHeading(source, attachment.source);
    let body: ReadResult;
    try {
      body = await readPolicyFile(attachment.path);
    } catch (error) {
      warnings.push(`attachment ${attachment.source} not read: ${(error as Error).message}`);
      continue;
    }
    // a spreadsheet's text opens with its file name as a title; here the heading stands for it
    const content = body.format === 'xlsx' || body.format === 'xls' ? body.text.replace(/^[^\n]*\n+/, '') : body.text;
    text += `\n${label}\n\n${title ? `${title}\n\n` : ''}${content.replace(/\s*$/, '\n')}`;
    warnings.push(`${attachment.source}: read as ${label} of this document`, ...body.warnings.map((w) => `${attachment.source}: ${w}`));
  }
  return { ...read, text, warnings };
}

/** What the reader learned beside the text: OCR; an OFD's title, 文号 and seal, a spreadsheet's name, where the text gave none. */
export function applyReadFacts(documents: PolicyDocument[], read: ReadResult): void {
  for (const [i, d] of documents.entries()) {
    if (read.ocr) d.ocr = read.ocr;
    if (i === 0 && read.meta) {
      if (d.title === null && read.meta.title) {
        d.title = read.meta.title;
        d.type ??= typeOf(d.title, d.issuer ?? read.meta.issuer ?? null, d.history, false);
        d.warnings = d.warnings.filter((w) => w !== 'no title found');
      }
      d.docNumber ??= read.meta.docNumber;
      d.issuer ??= read.meta.issuer;
    }
  }
}
