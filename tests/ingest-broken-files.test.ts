// A corrupt, empty, binary or undecodable file is named in a warning and skipped; the rest ingests.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../ingest/load-corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ingesting a corpus with broken files', () => {
  it('skips each broken file with a warning naming it and ingests the others', async () => {
    const formats = 'tests/fixtures/formats';
    copyFileSync('corpus/yongzhou-gazette-2025-manufacturing-measures.txt', join(dir, 'measures.txt'));
    copyFileSync(join(formats, 'gbk.txt'), join(dir, 'gbk-excerpt.txt'));
    copyFileSync(join(formats, 'policy.docx'), join(dir, 'policy.docx'));
    for (const broken of ['empty.txt', 'binary.txt', 'undecodable.txt', 'corrupt.docx', 'corrupt.pdf', 'unsupported.xyz']) {
      copyFileSync(join(formats, broken), join(dir, broken));
    }
    writeFileSync(join(dir, 'truncated.pdf'), '%PDF-1.4\n1 0 obj <<');

    const corpus = await loadCorpus(dir, { today: '2026-11-26' });

    const skipped = corpus.files.filter((f) => !f.ok).map((f) => f.source).sort();
    expect(skipped).toEqual(['binary.txt', 'corrupt.docx', 'corrupt.pdf', 'empty.txt', 'truncated.pdf', 'undecodable.txt', 'unsupported.xyz']);
    for (const f of corpus.files.filter((x) => !x.ok)) expect(f.warnings.join(' ')).toContain(f.source);

    expect(corpus.documents.filter((d) => d.source === 'measures.txt')).toHaveLength(3);
    const gbk = corpus.documents.find((d) => d.source === 'gbk-excerpt.txt')!;
    expect(gbk.text).toContain('支持企业设备更新');
    expect(corpus.documents.find((d) => d.source === 'policy.docx')!.text.length).toBeGreaterThan(20);
  });
});
