// Two files whose names clean to the same id ("policy a.txt" and "policy-a.txt", "notice.docx" and
// "notice.txt") are two documents, each cited under its own title; ingest says which id each got.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../ingest/load-corpus.ts';
import { assignStems } from '../ingest/parse-corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'corpus-ids-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const law = (title: string, body: string) => `# ${title}\n\n第一条 ${body}\n\n第二条 本办法自2025年1月1日起施行。\n`;

describe('document ids', () => {
  it('gives files whose names collide distinct ids, and passages cite their own document', async () => {
    writeFileSync(join(dir, 'policy a.md'), law('甲市设备更新贴息办法', '对购置新设备的企业给予贷款贴息。'));
    writeFileSync(join(dir, 'policy-a.md'), law('乙市人才引进办法', '对引进的高层次人才给予安家补贴。'));
    writeFileSync(join(dir, 'notice.txt'), '丙县关于做好防汛工作的通知\n\n各乡镇要落实防汛责任。');

    const corpus = await loadCorpus(dir, { today: '2026-11-26' });

    const ids = corpus.documents.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(corpus.documents).toHaveLength(3);
    const docs = new Map(corpus.documents.map((d) => [d.id, d]));
    for (const p of corpus.passages) {
      const doc = docs.get(p.docId)!;
      expect(doc.text.slice(p.start, p.end)).toBe(p.text);
    }
    const a = corpus.documents.find((d) => d.source === 'policy a.md')!;
    const b = corpus.documents.find((d) => d.source === 'policy-a.md')!;
    expect(corpus.passages.find((p) => p.text.includes('贷款贴息'))!.docId).toBe(a.id);
    expect(corpus.passages.find((p) => p.text.includes('安家补贴'))!.docId).toBe(b.id);
    expect(corpus.collisions).toHaveLength(1);
    expect(corpus.collisions[0]).toContain('policy-a.md');
  });

  it('maps the same file names to the same ids on every run, whatever their order', () => {
    const names = ['notice.pdf', 'notice.docx', 'a b.txt', 'a-b.txt', 'a_b.txt'];
    const first = assignStems(names).stems;
    const again = assignStems([...names].reverse()).stems;
    expect([...again.entries()].sort()).toEqual([...first.entries()].sort());
    expect(new Set(first.values()).size).toBe(names.length);
    expect(first.get('a b.txt')).toBe('a-b');
  });
});
