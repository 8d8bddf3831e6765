// .doc (Word 97-2003) and .wps (WPS Office's Word-compatible format): both are OLE compound files
// with a WordDocument stream, read by word-extractor. Government sites also publish files with
// these names that are something else: a .docx, a web page saved as .doc, an RTF file; those are
// recognised by their first bytes and read as what they are, or named.
import WordExtractor from 'word-extractor';
import { tableText } from './table-text.ts';

export type WordBinaryContent =
  | { kind: 'ole'; text: string; warnings: string[] }
  | { kind: 'docx' | 'html' }
  | { kind: 'unreadable'; detail: string };

const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** What a .doc/.wps file holds, and for the Word binary format its text. */
export async function readWordBinary(bytes: Buffer): Promise<WordBinaryContent> {
  if (OLE.every((b, i) => bytes[i] === b)) {
    let document;
    try {
      document = await new WordExtractor().extract(bytes);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { kind: 'unreadable', detail: `not a Word or WPS document (${message})` };
    }
    const warnings: string[] = [];
    const boxes = document.getTextboxes({ includeHeadersAndFooters: false, includeBody: true }).trim();
    if (boxes !== '') warnings.push(`doc: ${boxes.replace(/\s/g, '').length} characters in text boxes are not read`);
    return { kind: 'ole', text: bodyText(document.getBody({ filterUnicode: false })), warnings };
  }
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return { kind: 'docx' };
  const head = bytes.subarray(0, 1024).toString('latin1').trimStart().toLowerCase();
  if (head.startsWith('{\\rtf')) return { kind: 'unreadable', detail: 'an RTF file with a Word name; save it as .docx' };
  if (head.startsWith('mime-version:') || /^(content-type|from|date|subject):/.test(head)) {
    return { kind: 'unreadable', detail: 'a web archive (MHT) with a Word name; save it as .docx or .html' };
  }
  if (/^(<\?xml|<!doctype html|<html|<head|<meta|<body|<div|<p[ >])/.test(head)) return { kind: 'html' };
  return { kind: 'unreadable', detail: 'neither a Word 97-2003 nor a WPS document' };
}

/**
 * word-extractor ends every table cell with a tab and every table row with a line break, so a
 * line that ends with a tab is a row of a table. Tables are written in the shared table form;
 * paragraphs stay one per line.
 */
function bodyText(body: string): string {
  const out: string[] = [];
  let rows: string[][] = [];
  const endTable = (): void => {
    if (rows.length > 0) out.push(tableText(rows).replace(/\n$/, ''));
    rows = [];
  };
  for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.endsWith('\t')) {
      rows.push(line.slice(0, -1).split('\t').map((c) => c.trim()));
      continue;
    }
    endTable();
    // a tab inside a paragraph is Word layout (a signature pushed right), not a table
    const text = line.replace(/\t/g, ' ').replace(/\s+$/, '');
    if (text.trim() !== '') out.push(text);
  }
  endTable();
  return out.join('\n') + '\n';
}
