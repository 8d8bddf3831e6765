// Documents that speak of each other are linked: a 解读 to the measure it explains (whose status it
// takes), a regulation to the law it implements.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../ingest/load-corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'corpus-links-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('links between documents', () => {
  it('links the seeds’ 解读 to the measure it explains, misquoted title and all, and gives it the measure’s status', async () => {
    const { documents } = await loadCorpus('corpus', { today: '2026-11-26' });
    const measure = documents.find((d) => d.docNumber === '永政发〔2025〕2号')!;
    const interpretation = documents.find((d) => d.title === '《永州市推进先进制造业高质量发展若干措施》解读')!;
    expect(interpretation.explains).toBe(measure.id);
    expect(measure.explainedBy).toEqual([interpretation.id]);
    expect(interpretation.status).toBe('现行有效');
    expect(interpretation.validUntil).toBe(measure.validUntil);
    // a 解读 of a document that is not in the corpus keeps its own status
    const huzhou = documents.find((d) => d.id === 'huzhou-manufacturing-opinions-interview')!;
    expect(huzhou.explains).toBeNull();
  });

  it('links a regulation to the law it cites by title, and the law back', async () => {
    writeFileSync(join(dir, '专利法.md'), '# 中华人民共和国专利法\n\n第一条 为了保护专利权人的合法权益，制定本法。\n');
    writeFileSync(join(dir, '专利法实施细则.md'), '# 中华人民共和国专利法实施细则\n\n第一条 根据《中华人民共和国专利法》（以下简称专利法），制定本细则。\n\n第二条 依照《中华人民共和国民法典》处理。\n');
    const { documents } = await loadCorpus(dir, { today: '2026-11-26' });
    const law = documents.find((d) => d.title === '中华人民共和国专利法')!;
    const rules = documents.find((d) => d.title === '中华人民共和国专利法实施细则')!;
    expect(rules.cites).toEqual([law.id]);
    expect(law.citedBy).toEqual([rules.id]);
    expect(law.cites).toEqual([]);
  });
});
