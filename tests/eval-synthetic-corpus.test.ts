import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../ingest/load-corpus.ts';
import { varyText, writeSyntheticCorpus } from '../scripts/lib/synthetic-corpus.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLE = [
  '永州市推动先进制造业高质量发展若干措施',
  '（一）支持企业技术改造。对2025年设备投资500万元以上的项目给予奖励。湖南省另有规定的从其规定。鼓励企业上云。对新认定的企业奖励20万元。',
  '指标 | 单位 | 2025年',
  '规上工业企业 | 家 | 1196',
].join('\n');

describe('varyText', () => {
  it('gives the same text for the same copy and different text for another', () => {
    expect(varyText(SAMPLE, 3)).toBe(varyText(SAMPLE, 3));
    expect(varyText(SAMPLE, 3)).not.toBe(varyText(SAMPLE, 4));
    expect(varyText(SAMPLE, 1)).not.toBe(SAMPLE);
  });

  it('keeps the lines, the clause labels and the first sentence in place', () => {
    for (let copy = 1; copy < 6; copy++) {
      const lines = varyText(SAMPLE, copy).split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[1]).toMatch(/^（一）(?:支持|扶持)企业技术改造。/u);
      expect(lines[2]).toMatch(/^指标 \| 单位 \| 20\d\d年$/u);
    }
  });

  it('shifts years and keeps them years', () => {
    const years = [...varyText(SAMPLE, 2).matchAll(/(\d{4})年/gu)].map((m) => Number(m[1]));
    expect(years.length).toBeGreaterThan(0);
    for (const y of years) expect(Math.abs(y - 2025)).toBeLessThanOrEqual(5);
  });
});

describe('writeSyntheticCorpus', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes the seeds plus varied copies that ingest into about scale times the passages', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'synthetic-'));
    dirs.push(out);
    const seeds = await loadCorpus(path.join(root, 'corpus'));
    const written = await writeSyntheticCorpus(path.join(root, 'corpus'), out, 3);
    expect(written.files).toBe(5 + 2 * seeds.documents.length);
    expect((await readdir(out)).length).toBe(written.files);

    const loaded = await loadCorpus(out);
    expect(loaded.files.every((f) => f.ok)).toBe(true);
    const ratio = loaded.passages.length / seeds.passages.length;
    expect(ratio).toBeGreaterThan(2.85);
    expect(ratio).toBeLessThan(3.15);
    // varied, not duplicated
    expect(new Set(loaded.passages.map((p) => p.text)).size).toBeGreaterThan(0.9 * loaded.passages.length);
  });
});
