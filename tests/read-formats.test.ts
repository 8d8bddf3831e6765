// The formats government sites publish beside .docx and text PDFs: .doc, .wps, .ofd, .xlsx, .xls
// (alone, or as a notice's attachment) and scanned PDFs (OCR). Fixtures are made by
// scripts/make-format-fixtures.ts.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCorpus, ocrFromEnv } from '../ingest/load-corpus.ts';
import { parseFile } from '../ingest/parse-corpus.ts';
import { DEFAULT_READ_LIMITS, ReadError, readPolicyFile } from '../ingest/read-file.ts';
import { attachmentsByName } from '../ingest/readers/attachments.ts';
import type { PolicyDocument } from '../ingest/types.ts';

const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', 'formats', name);
const TODAY = '2026-11-26';
const temp: string[] = [];
afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

const labels = (d: PolicyDocument) => d.clauses.map((c) => c.label).filter(Boolean);
const tables = (d: PolicyDocument) => d.clauses.flatMap((c) => c.tables.map((t) => t.rows));

describe('.doc and .wps (Word 97 binary)', () => {
  it('reads a .doc notice: paragraphs, 文号, clauses and its table', async () => {
    const { documents } = await parseFile(fixture('notice.doc'), 'notice.doc', TODAY);
    expect(documents).toHaveLength(1);
    const d = documents[0]!;
    expect(d.title).toBe('永州市工业和信息化局关于做好2025年中小企业数字化转型工作的通知');
    expect(d.docNumber).toBe('永工信发〔2025〕12号');
    expect(labels(d)).toEqual(['一、', '二、', '（一）', '（二）', '三、']);
    expect(tables(d)).toEqual([[['地区', '任务数（家）', '备注'], ['冷水滩区', '60', ''], ['零陵区', '50', '含经开区']]]);
  });

  it('reads a .wps 办法 into its articles, the table in 第三条, typographic quotes kept', async () => {
    const { documents } = await parseFile(fixture('measures.wps'), 'measures.wps', TODAY);
    const d = documents[0]!;
    expect(d.title).toBe('永州市中小企业发展专项资金管理办法');
    expect(labels(d)).toEqual(['第一条', '第二条', '第三条', '第四条']);
    const third = d.clauses.find((c) => c.label === '第三条')!;
    expect(third.tables[0]!.rows[1]).toEqual(['国家级专精特新“小巨人”企业', '一次性奖励50万元']);
  });

  it('reads a .docx or a web page saved under a .doc name, and names an RTF one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doc-'));
    temp.push(dir);
    copyFileSync(fixture('policy.docx'), join(dir, 'policy.doc'));
    expect((await readPolicyFile(join(dir, 'policy.doc'))).warnings).toContain('a .docx file with a .doc name');
    writeFileSync(join(dir, 'page.doc'), '<html><body><p>关于开展检查的通知</p><p>一、检查范围</p></body></html>');
    expect((await readPolicyFile(join(dir, 'page.doc'))).text).toContain('一、检查范围');
    writeFileSync(join(dir, 'letter.wps'), '{\\rtf1\\ansi 通知}');
    const error = await readPolicyFile(join(dir, 'letter.wps')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadError);
    expect((error as ReadError).code).toBe('CORRUPT_FILE');
  });
});

describe('.ofd (GB/T 33190)', () => {
  it('reads a two-page OFD in reading order: masthead template, 文号, paragraphs, the ruled table, the seal', async () => {
    const read = await readPolicyFile(fixture('notice.ofd'));
    const lines = read.text.split('\n').filter((l) => l.trim() !== '');
    expect(lines.slice(0, 4)).toEqual(['永州市人民政府办公室文件', '永政办发〔2025〕8号', '永州市人民政府办公室关于开展', '2025年工业企业技术改造奖补申报的通知']);
    expect(read.text.indexOf('二、奖补标准')).toBeLessThan(read.text.indexOf('\t设备投资额'));
    expect(read.text.indexOf('\t设备投资额')).toBeLessThan(read.text.indexOf('三、申报时间'));
    expect(read.warnings).toContain('ofd: sealed by 永州市人民政府办公室');
    expect(read.meta).toEqual({
      title: '永州市人民政府办公室关于开展2025年工业企业技术改造奖补申报的通知',
      docNumber: '永政办发〔2025〕8号',
      issuer: '永州市人民政府办公室',
    });

    const { documents } = await parseFile(fixture('notice.ofd'), 'notice.ofd', TODAY);
    const d = documents[0]!;
    expect(d.title).toBe('永州市人民政府办公室关于开展2025年工业企业技术改造奖补申报的通知');
    expect(d.docNumber).toBe('永政办发〔2025〕8号');
    expect(d.issuer).toBe('永州市人民政府办公室');
    expect(labels(d)).toEqual(['一、', '（一）', '（二）', '二、', '三、']);
    expect(tables(d)).toEqual([
      [
        ['设备投资额', '奖补比例', '单个项目上限'],
        ['500万元至2000万元', '5%', '50万元'],
        ['2000万元以上', '8%', '200万元'],
      ],
    ]);
  });

  it('is held to the zip limits before anything is inflated', async () => {
    const error = await readPolicyFile(fixture('notice.ofd'), { ...DEFAULT_READ_LIMITS, maxZipEntries: 3 }).catch((e: unknown) => e);
    expect((error as ReadError).code).toBe('OVER_LIMIT');
    expect((error as ReadError).message).toContain('MAX_ZIP_ENTRIES');
  });

  it('names a zip that is no OFD', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ofd-'));
    temp.push(dir);
    copyFileSync(fixture('policy.docx'), join(dir, 'x.ofd'));
    expect(((await readPolicyFile(join(dir, 'x.ofd')).catch((e: unknown) => e)) as ReadError).code).toBe('CORRUPT_FILE');
  });
});

describe('.xlsx', () => {
  it('a spreadsheet on its own is a document named by its file, its sheet a table', async () => {
    const { documents } = await parseFile(fixture('资金分配表.xlsx'), '资金分配表.xlsx', TODAY);
    const d = documents[0]!;
    expect(d.title).toBe('资金分配表');
    expect(tables(d)).toEqual([
      [
        ['县市区', '分配金额（万元）', '用途'],
        ['冷水滩区', '120', '技术改造奖补'],
        ['零陵区', '95.5', '技术改造奖补'],
        ['祁阳市', '80', '专精特新奖励'],
      ],
    ]);
  });

  it('reads an Excel 97-2003 .xls workbook: shared strings, numbers, dates, formula results, both sheets', async () => {
    const { documents } = await parseFile(fixture('项目清单.xls'), '项目清单.xls', TODAY);
    const d = documents[0]!;
    expect(d.title).toBe('项目清单');
    expect(tables(d)).toEqual([
      [
        ['序号', '企业名称', '改造内容', '计划完成时间'],
        ['1', '永州市湘江机械有限公司', '生产线数控化改造', '2025-09-30'],
        ['2', '零陵区潇湘食品有限公司', 'MES系统上线', '2025-11-15'],
      ],
      [['地区', '项目数'], ['冷水滩区', '1'], ['零陵区', '1'], ['合计', '2']],
    ]);
  });

  it('finds attachments by file name', () => {
    expect(attachmentsByName(['notice.doc', 'notice-附件1 项目清单.xlsx', 'notice_附件2.xlsx', 'other.pdf', '附件3.xlsx'])).toEqual(
      new Map([['notice.doc', ['notice-附件1 项目清单.xlsx', 'notice_附件2.xlsx']]]),
    );
  });

  it('an attachment beside its notice becomes the notice’s 附件 with each sheet a table; no document of its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    temp.push(dir);
    for (const name of ['notice.doc', 'notice-附件1 项目清单.xlsx']) copyFileSync(fixture(name), join(dir, name));
    const corpus = await loadCorpus(dir, { today: TODAY, inProcess: true });
    expect(corpus.documents.map((d) => d.id)).toEqual(['notice']);
    const d = corpus.documents[0]!;
    const appendix = d.clauses.find((c) => c.kind === 'appendix')!;
    expect(appendix.tables.map((t) => t.rows)).toEqual([
      [
        ['序号', '企业名称', '改造内容', '计划完成时间'],
        ['1', '永州市湘江机械有限公司', '生产线数控化改造', '2025-09-30'],
        ['2', '零陵区潇湘食品有限公司', 'MES系统上线', '2025-11-15'],
      ],
      [['地区', '项目数'], ['冷水滩区', '1'], ['零陵区', '1'], ['合计', '2']],
    ]);
    expect(d.text).toContain('2025年中小企业数字化改造项目清单');
    const attached = corpus.files.find((f) => f.source === 'notice-附件1 项目清单.xlsx')!;
    expect(attached).toMatchObject({ ok: true, warnings: ['read as an attachment of notice.doc'] });
    expect(attached.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

/** Share of the expected characters (whitespace aside) the recognized text gets right: 1 - edit distance / length. */
function characterAccuracy(expected: string, actual: string): number {
  const a = [...expected.replace(/\s/g, '')];
  const b = [...actual.replace(/\s/g, '')];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return 1 - previous[b.length]! / a.length;
}

describe('scanned PDF (OCR)', () => {
  it('recognizes a page scanned at 150 dpi: ≥ 95% of its characters, its measures as clauses, marked with its confidence', async () => {
    const expected = readFileSync(fixture('scanned-measures.expected.txt'), 'utf8');
    const { documents, warnings } = await parseFile(fixture('scanned-measures.pdf'), 'scanned-measures.pdf', TODAY);
    const d = documents[0]!;
    expect(characterAccuracy(expected, d.text)).toBeGreaterThanOrEqual(0.95);
    expect(d.ocr?.pages).toBe(1);
    expect(d.ocr?.confidence).toBeGreaterThan(0.9);
    expect(warnings.some((w) => /^ocr: page\(s\) 1 recognized from the image, mean confidence \d+\.\d%$/.test(w))).toBe(true);
    expect(d.clauses.filter((c) => c.label).map((c) => `${c.label}${c.heading}`)).toEqual(['一、明确工作目标', '二、优化区域布局', '（一）改造提升传统产业']);
    // about 10 s on two idle cores (models loaded, one page); more while other suites run beside it
  }, 180_000);

  it('stops OCR that needs more memory than MAX_OCR_MEMORY_MB allows', async () => {
    const limits = { ...DEFAULT_READ_LIMITS, maxOcrMemoryMb: 150 };
    const error = (await readPolicyFile(fixture('scanned-measures.pdf'), limits).catch((e: unknown) => e)) as ReadError;
    expect(error.code).toBe('OVER_LIMIT');
    expect(error.message).toContain('MAX_OCR_MEMORY_MB');
  });

  it('never recognizes a PDF that has a text layer', async () => {
    const read = await readPolicyFile(fixture('policy.pdf'));
    expect(read.ocr).toBeUndefined();
  });

  it('OCR is on unless OCR=off (what --no-ocr sets), and the reader threads obey it', async () => {
    expect(ocrFromEnv({})).toBe(true);
    expect(ocrFromEnv({ OCR: 'off' })).toBe(false);
    expect(ocrFromEnv({ OCR: '0' })).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'no-ocr-'));
    temp.push(dir);
    copyFileSync(fixture('scanned-measures.pdf'), join(dir, 'scan.pdf'));
    copyFileSync(fixture('notice.ofd'), join(dir, 'notice.ofd'));
    const corpus = await loadCorpus(dir, { today: TODAY, ocr: false });
    expect(corpus.documents.map((d) => d.id)).toEqual(['notice']);
    expect(corpus.files.find((f) => f.source === 'scan.pdf')!.warnings[0]).toContain('OCR is off');
  });

  it('with OCR off, a scan is skipped with a clear word', async () => {
    const error = (await readPolicyFile(fixture('scanned-measures.pdf'), DEFAULT_READ_LIMITS, { ocr: false }).catch((e: unknown) => e)) as ReadError;
    expect(error.code).toBe('EMPTY_FILE');
    expect(error.message).toContain('OCR is off');
  });
});
