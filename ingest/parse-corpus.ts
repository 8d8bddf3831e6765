// One corpus file -> its documents with metadata and clause trees, and their passages.
import { basename, extname } from 'node:path';
import { cleanText } from './clean-text.ts';
import { extractMetadata } from './extract-metadata.ts';
import { makePassages } from './make-passages.ts';
import { readPolicyFile } from './read-file.ts';
import { pairQuestions, segmentClauses } from './segment-clauses.ts';
import { splitDocuments } from './split-documents.ts';
import type { Passage, PolicyDocument } from './types.ts';

export interface ParsedFile {
  source: string;
  documents: PolicyDocument[];
  passages: Passage[];
  warnings: string[];
}

/** A URL-safe id from a file name: yongzhou-measures.txt -> yongzhou-measures. */
export function fileStem(source: string): string {
  return basename(source, extname(source))
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase() || 'document';
}

export function parseText(source: string, raw: string, today: string): ParsedFile {
  const { blocks, warnings } = cleanText(raw);
  const stem = fileStem(source);
  const documents: PolicyDocument[] = [];
  const passages: Passage[] = [];
  splitDocuments(blocks).forEach((docBlocks, part) => {
    const id = part === 0 ? stem : `${stem}-${part + 1}`;
    const paired = pairQuestions(docBlocks);
    const { meta, headerBlocks } = extractMetadata(paired, today);
    const { text, clauses } = segmentClauses(id, paired, headerBlocks);
    const docWarnings: string[] = [];
    if (meta.title === null) docWarnings.push('no title found');
    if (clauses.length === 0) docWarnings.push('no clauses found');
    documents.push({ id, source, part, ...meta, text, clauses, warnings: docWarnings });
    passages.push(...makePassages(clauses, text));
  });
  return { source, documents, passages, warnings };
}

export async function parseFile(path: string, source: string, today: string): Promise<ParsedFile> {
  const read = await readPolicyFile(path);
  const parsed = parseText(source, read.text, today);
  parsed.warnings.unshift(...read.warnings);
  return parsed;
}
