import { describe, expect, it } from 'vitest';
import { cleanText, collapseSpacedOut } from '../ingest/clean-text.ts';

const paragraphs = (raw: string) => cleanText(raw).blocks.flatMap((b) => (b.kind === 'paragraph' ? [b.text] : []));

describe('cleaning extraction damage', () => {
  it('collapses spaced-out characters and numbers', () => {
    expect(collapseSpacedOut('为 加 快 推 进 新 型 工 业 化 ， 构 建 永 州')).toBe('为加快推进新型工业化，构建永州');
    expect(collapseSpacedOut('力争推动“上云”企业1 5 0 0 0家以上')).toBe('力争推动“上云”企业15000家以上');
    expect(collapseSpacedOut('“湖南省民营企业 1 0 0强”')).toBe('“湖南省民营企业 100强”');
  });

  it('does not glue Latin words or table cells together', () => {
    expect(collapseSpacedOut('NB-IoT and AES 100 engines')).toBe('NB-IoT and AES 100 engines');
    expect(collapseSpacedOut('新增省级以上专精特新小巨人企业 家 14 100')).toBe('新增省级以上专精特新小巨人企业 家 14 100');
    expect(paragraphs('支持 5G 与 NB-IoT 协同发展，推广 Open Source 方案。')).toEqual(['支持5G与NB-IoT协同发展，推广Open Source方案。']);
  });

  it('joins hard line breaks inside sentences and keeps paragraph breaks', () => {
    const raw = [
      '（三）支持企业设备更新。抢抓政策机',
      '',
      '遇，引导企业开展工业领域大规模设备更新。',
      '',
      '每年支持120家左右工业企业开展技术改造和',
      '',
      '设备更新，推动约500家工业企业扩能提质。',
      '',
      '（四）支持企业数智改造。重点打造一批',
      '',
      '省级及以上标杆示范企业。',
    ].join('\n');
    expect(paragraphs(raw)).toEqual([
      '（三）支持企业设备更新。抢抓政策机遇，引导企业开展工业领域大规模设备更新。每年支持120家左右工业企业开展技术改造和设备更新，推动约500家工业企业扩能提质。',
      '（四）支持企业数智改造。重点打造一批省级及以上标杆示范企业。',
    ]);
  });

  it('removes running headers and page numbers, also in the middle of a sentence', () => {
    const page = (n: number, body: string) => `${body}\n\n市 政 府 文 件\n ${n}\n`;
    const raw = [
      page(1, '对项目一年期（含）以上设备购置贷款，由受益财政按贷款'),
      ' 本金的1%给予贴息，贴息期限1年。单个项目',
      page(2, '贴息1次，最高不超过50万元，单个企业每年'),
      ' 最多贴息2个项目。',
      '— 3 —',
    ].join('\n');
    expect(paragraphs(raw)).toEqual(['对项目一年期（含）以上设备购置贷款，由受益财政按贷款本金的1%给予贴息，贴息期限1年。单个项目贴息1次，最高不超过50万元，单个企业每年最多贴息2个项目。']);
  });

  it('removes bookmark markers and unwraps bold markers', () => {
    const raw = '[bookmark: _Toc31316]湖南省推进新型工业化和制造强省建设“十五五”规划\n●前三季度，湖南工业经济增长**7.8%**，居全国第**10**。';
    expect(paragraphs(raw)).toEqual(['湖南省推进新型工业化和制造强省建设“十五五”规划', '●前三季度，湖南工业经济增长7.8%，居全国第10。']);
  });

  it('keeps tab-separated tables as rows of cells, with wrapped cells joined', () => {
    const raw = '\t类别\n\t序号\n\t基期值\n（2025年）\n\n\t绿色\n发展\n\t21\n\t≥35\n\n\t\n\t22\n\t/\n\n下文。';
    const table = cleanText(raw).blocks.find((b) => b.kind === 'table');
    expect(table).toEqual({ kind: 'table', rows: [['类别', '序号', '基期值（2025年）'], ['绿色发展', '21', '≥35'], ['', '22', '/']] });
  });

  it('takes a 文号 printed as a page footer out of the running sentence', () => {
    const raw = '着力培育消费品工业“三\n\n永政发〔2025〕2号\n\nYZCR-2025-00001\n\n品”标杆企业。';
    const { blocks } = cleanText(raw);
    expect(blocks).toEqual([
      { kind: 'docNumber', text: '永政发〔2025〕2号' },
      { kind: 'paragraph', text: '着力培育消费品工业“三品”标杆企业。' },
    ]);
  });
});
