import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseText } from '../ingest/parse-corpus.ts';
import { ReadError, readPolicyFile, setReadOptions, SUPPORTED_EXTENSIONS } from '../ingest/read-file.ts';

// OCR of scanned pages is tested in read-formats.test.ts; here a scan is a file without text.
beforeAll(() => setReadOptions({ ocr: false }));

const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', 'formats', name);

// Six lines of the seed corpus (000, 永州市推动先进制造业高质量发展若干措施), line breaks as published.
const EXCERPT = [
  '（三）支持企业设备更新。抢抓政策机',
  '遇，引导企业开展工业领域大规模设备更新。',
  '每年支持120家左右工业企业开展技术改造和',
  '设备更新，到2027年，推动约500家工业企业',
  '就地扩能提质增效。对当年在建且通过湖南省',
  '制造强省项目库系统入库的设备更新和技术改',
  '',
].join('\n');

async function readError(path: string): Promise<ReadError> {
  const error = await readPolicyFile(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReadError);
  return error as ReadError;
}

describe('readPolicyFile: text encodings', () => {
  it.each([
    ['utf8.txt', 'UTF-8'],
    ['utf8-bom.txt', 'UTF-8'],
    ['gbk.txt', 'GB18030'], // with CRLF line ends, as Chinese Windows exports them
    ['utf16le.txt', 'UTF-16LE'], // with BOM and CRLF
    ['utf16be.txt', 'UTF-16BE'],
    ['utf16le-nobom.txt', 'UTF-16LE'],
  ])('%s decodes to the exact text (%s)', async (name, encoding) => {
    const result = await readPolicyFile(fixture(name));
    expect(result.text).toBe(EXCERPT);
    expect(result.format).toBe('txt');
    expect(result.encoding).toBe(encoding);
  });

  it('says when UTF-16 was recognised without a byte order mark', async () => {
    const result = await readPolicyFile(fixture('utf16le-nobom.txt'));
    expect(result.warnings.join(' ')).toMatch(/no byte order mark/);
    expect((await readPolicyFile(fixture('utf8.txt'))).warnings).toEqual([]);
  });

  it('rejects random high bytes instead of garbling them as GB18030', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-file-'));
    try {
      let seed = 1;
      const random = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      for (let i = 0; i < 30; i++) {
        const bytes = Array.from({ length: 50 + random(500) }, () => (i % 2 ? 0xa1 + random(94) : 0x80 + random(128)));
        const path = join(dir, `random-${i}.txt`);
        writeFileSync(path, Buffer.from(bytes));
        expect((await readError(path)).code).toBe('UNDECODABLE');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readPolicyFile: markdown', () => {
  it('hands markdown to the cleaner as written, and the cleaner reads its headings', async () => {
    const result = await readPolicyFile(fixture('policy.md'));
    expect(result.format).toBe('md');
    expect(result.text).toBe(readFileSync(fixture('policy.md'), 'utf8'));

    const [doc] = parseText('policy.md', result.text, '2026-11-26').documents;
    expect(doc!.title).toBe('永州市推动先进制造业高质量发展若干措施');
    const item = doc!.clauses.find((c) => c.label === '（三）')!;
    expect(item.path).toEqual(['三、加快技术改造']);
    expect(item.heading).toBe('支持企业设备更新');
    expect(item.text).not.toContain('**');
    // "#" without a space is text, and so is a "# " inside a code fence
    expect(doc!.text).toContain('#不是标题：井号后没有空格');
    expect(doc!.text).toContain('# 代码块里的井号保留');
    expect(doc!.text).not.toContain('```');
  });
});

describe('readPolicyFile: html', () => {
  it('decodes a GBK page by its meta charset and keeps blocks, lists and table rows', async () => {
    const result = await readPolicyFile(fixture('gbk.html'));
    expect(result.format).toBe('html');
    expect(result.encoding).toBe('GB18030');
    expect(result.warnings).toEqual([]);
    expect(result.text).toBe(
      [
        '首页 > 政务公开',
        '永州市推动先进制造业',
        '高质量发展若干措施',
        '三、加快技术改造',
        '（三）支持企业设备更新。抢抓政策机遇，引导企业开展工业领域大规模设备更新。每年支持120家左右工业企业开展技术改造和设备更新，“到2027年”，推动约500家工业企业就地扩能提质增效。',
        '市工信局',
        '市发改委&市财政局',
        '序号\t指标名称\t目标值',
        '1\t全省规模以上制造业 增加值年均增速\t≥6.5%',
        '2\t规模以上工业企业营业收入利润率\t≥5%',
        '',
        '（市工信局、市发改委、市财政局按职责分工负责）',
        '',
      ].join('\n'),
    );
    expect(result.text).not.toMatch(/脚本|请启用|text-indent|永州市人民政府$/m);
  });

  it('reads layout tables as blocks, fills merged cells, and distrusts a wrong charset', async () => {
    const result = await readPolicyFile(fixture('layout.html'));
    expect(result.encoding).toBe('UTF-8');
    expect(result.warnings.join(' ')).toMatch(/declared charset gb2312/);
    expect(result.text).toBe(
      [
        '湖南省“十五五”制造业发展主要目标',
        '类别\t序号\t指标名称',
        '质量效益\t1\t全省规模以上制造业增加值年均增速',
        '\t2\t规模以上工业企业营业收入利润率',
        '',
        '注：加*表示为2024年数据。',
        '',
      ].join('\n'),
    );
  });
});

describe('readPolicyFile: docx', () => {
  it('gives one line per paragraph and the table in the seed corpus tab form', async () => {
    const result = await readPolicyFile(fixture('policy.docx'));
    expect(result.format).toBe('docx');
    expect(result.encoding).toBeNull();
    expect(result.text).toBe(
      '（三）支持企业设备更新。抢抓政策机遇，引导企业开展工业领域大规模设备更新。\n' +
        '每年支持120家左右工业企业开展技术改造和设备更新，到2027年，推动约500家工业企业就地扩能提质增效。\n' +
        '\t指标名称\n\t单位\n\t目标值\n（2030年）\n\n' +
        '\t全省规模以上制造业增加值年均增速\n\t%\n\t≥6.5\n\n' +
        '\n',
    );
  });

  it('writes merged cells as the seed does: a spanning row as one cell, a vertical merge as empty cells', async () => {
    const result = await readPolicyFile(fixture('policy-merged-table.docx'));
    expect(result.text).toBe(
      '到2030年，先进制造业高地标志性工程取得显著成效。\n' +
        '\t专栏  湖南省“十五五”制造业发展主要目标\n\n' +
        '\t类别\n\t序号\n\t指标名称\n\n' +
        '\t质量\n效益\n\t1\n\t全省规模以上制造业增加值年均增速\n\n' +
        '\t\n\t2\n\t规模以上工业企业营业收入利润率\n\n' +
        '\n' +
        // A Word tab becomes a space (a leading tab marks a cell); a line break starts a line.
        '注： [ ]代表累计数。\n加*表示为2024年数据。\n',
    );
  });
});

describe('readPolicyFile: pdf', () => {
  it('extracts the Chinese text layer of a LibreOffice PDF', async () => {
    const result = await readPolicyFile(fixture('policy.pdf'));
    expect(result.format).toBe('pdf');
    expect(result.encoding).toBeNull();
    const compact = result.text.replace(/\s+/g, '');
    expect(compact).toContain('（三）支持企业设备更新。抢抓政策机遇，引导企业开展工业领域大规模设备更新。');
    expect(compact).toContain('每年支持120家左右工业企业开展技术改造和设备更新，到2027年，推动约500家工业企业就地扩能提质增效。');
    expect(compact).toContain('全省规模以上制造业增加值年均增速');
    expect(result.text.split('\n')[0]).toBe('（三）支持企业设备更新。抢抓政策机遇，引导企业开展工业领域大规模设备更新。');
  });

  it('decodes a font that is not embedded through the bundled CJK CMaps, one line per baseline, pages split by a form feed', async () => {
    const result = await readPolicyFile(fixture('cid-gb.pdf'));
    expect(result.text).toBe(
      [
        '湖南省人民政府公报',
        '三、加快技术改造',
        '（三）支持企业设备更新。抢抓政策机遇，',
        '引导企业开展工业领域大规模设备更新。',
        '\f',
        '湖南省人民政府公报',
        '每年支持120家左右工业企业开展技术改造和',
        '设备更新，到2027年，推动约500家工业企业',
        '',
      ].join('\n'),
    );
  });
});

describe('readPolicyFile: files it cannot read', () => {
  it.each([
    ['empty.txt', 'EMPTY_FILE'],
    ['whitespace.txt', 'EMPTY_FILE'],
    ['binary.txt', 'BINARY_FILE'],
    ['undecodable.txt', 'UNDECODABLE'],
    ['corrupt.docx', 'CORRUPT_FILE'],
    ['no-document.docx', 'CORRUPT_FILE'],
    ['corrupt.pdf', 'CORRUPT_FILE'],
    ['scanned.pdf', 'EMPTY_FILE'],
    ['unsupported.xyz', 'UNSUPPORTED_FORMAT'],
  ])('%s -> %s, naming the file', async (name, code) => {
    const error = await readError(fixture(name));
    expect(error.code).toBe(code);
    expect(error.file).toBe(fixture(name));
    expect(error.message).toContain(fixture(name));
  });

  it('says a PDF without text is probably scanned', async () => {
    const error = await readError(fixture('scanned.pdf'));
    expect(error.warnings).toContain('no text layer (scanned PDF?)');
  });

  it('lists what it reads', () => {
    expect([...SUPPORTED_EXTENSIONS].sort()).toEqual(['.doc', '.docx', '.et', '.htm', '.html', '.md', '.ofd', '.pdf', '.txt', '.wps', '.xls', '.xlsx']);
  });
});
