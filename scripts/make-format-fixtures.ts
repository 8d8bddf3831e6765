// npx tsx scripts/make-format-fixtures.ts
// Writes the fixtures of the formats government sites publish beside .docx and text PDFs, into
// tests/fixtures/formats/ (they are committed; rerun this only to change them):
//   notice.ofd               a two-page OFD (GB/T 33190) as a red-header document is issued: the
//                            masthead in a page template, text placed glyph by glyph in mm, a table
//                            drawn with rules, a signature whose electronic seal (a GB/T 38540
//                            SES_Seal in DER) names 永州市人民政府办公室
//   notice.doc               a notice with a table, saved by LibreOffice as Word 97-2003
//   measures.wps             an 办法 in 第X条 with a table, in the Word 97 binary format that WPS
//                            Office writes its .wps files in (saved by LibreOffice: no WPS here)
//   notice-附件1 项目清单.xlsx  the notice's attachment: two sheets, a merged title row, a date
//   资金分配表.xlsx            a spreadsheet on its own
//   项目清单.xls               the attachment's workbook saved by LibreOffice as Excel 97-2003
//   scanned-measures.pdf     one page of the seed 措施 (corpus/yongzhou-gazette-…), typeset as a
//                            公文 page (16 pt, 28 characters a line), rendered at 150 dpi to a
//                            grey JPEG and wrapped in a PDF with no text layer
// The .doc and .wps need LibreOffice (apt-get install libreoffice-writer-nogui); without it they
// are left as they are.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import ExcelJS from 'exceljs';
import sharp from 'sharp';

const OUT = join(import.meta.dirname, '..', 'tests', 'fixtures', 'formats');

// ---------------------------------------------------------------------------------------------
// The scanned page: its text is the seed file's, as printed (the expected text of the OCR test).

const SCANNED_PAGE_PARAGRAPHS = [
  { text: '永州市推动先进制造业高质量发展若干措施', center: true },
  {
    text: '为加快推进新型工业化，构建永州“3×2”现代化产业体系，因地制宜发展新质生产力，推动先进制造业高质量发展，根据《中共湖南省委湖南省人民政府关于加快推进新型工业化打造国家重要先进制造业高地的实施意见》（湘发〔2024〕4号）等文件精神，结合永州实际，特制定以下措施。',
  },
  { text: '一、明确工作目标' },
  {
    text: '到2027年，打造区域先进制造业高地取得重大进展。加快打造食品加工、智能家居、现代农业、文化旅游、新能源、数字产业等6个千亿级产业；推动约500家企业扩能升级。力争制造业增加值占地区生产总值比重提高到25%以上，数字经济核心产业增加值占地区生产总值比重提高到10%以上。',
  },
  { text: '二、优化区域布局' },
  {
    text: '（一）改造提升传统产业。大力推动食品加工、智能家居（家电）等传统产业提质增效、转型升级，着力培育消费品工业“三品”标杆企业。',
  },
];

function findCjkFont(): string {
  for (const path of [
    '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc',
    '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  ]) {
    if (existsSync(path)) return path;
  }
  throw new Error('no CJK font: apt-get install fonts-noto-cjk');
}

/** Characters of a line: a 公文 page has 28 a line at 16 pt (GB/T 9704); wide Latin digits count half. */
function wrap(text: string, perLine: number, indent: number): string[] {
  const lines: string[] = [];
  let line = '';
  let width = indent;
  for (const ch of text) {
    const w = /[\x20-\x7e]/.test(ch) ? 0.5 : 1;
    if (width + w > perLine) {
      lines.push(line);
      line = '';
      width = 0;
    }
    line += ch;
    width += w;
  }
  if (line) lines.push(line);
  return lines;
}

async function scannedPdf(): Promise<Buffer> {
  GlobalFonts.registerFromPath(findCjkFont(), 'FixtureSerif');
  const dpi = 150;
  const mm = (v: number) => Math.round((v / 25.4) * dpi);
  const width = mm(210);
  const height = mm(297);
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#111';
  const size = Math.round((16 / 72) * dpi); // 16 pt
  const lineHeight = Math.round(size * 1.75);
  const left = mm(28);
  const textWidth = mm(156);
  let y = mm(37) + size;
  for (const p of SCANNED_PAGE_PARAGRAPHS) {
    g.font = `${size}px FixtureSerif`;
    if ('center' in p) {
      g.font = `bold ${Math.round(size * 1.2)}px FixtureSerif`;
      const w = g.measureText(p.text).width;
      g.fillText(p.text, left + (textWidth - w) / 2, y);
      y += Math.round(lineHeight * 1.4);
      continue;
    }
    wrap(p.text, 28, 2).forEach((line, i) => {
      g.fillText(line, left + (i === 0 ? 2 * size : 0), y);
      y += lineHeight;
    });
  }
  const png = canvas.toBuffer('image/png');
  // a scan: grey, JPEG, a little soft
  const jpeg = await sharp(png).grayscale().blur(0.6).jpeg({ quality: 80 }).toBuffer();
  return imagePdf(jpeg, width, height, dpi);
}

/** A one-page PDF whose page is one JPEG image and nothing else (no fonts, no text). */
function imagePdf(jpeg: Buffer, pixelsWide: number, pixelsHigh: number, dpi: number): Buffer {
  const w = (pixelsWide / dpi) * 72;
  const h = (pixelsHigh / dpi) * 72;
  const content = Buffer.from(`q ${w.toFixed(2)} 0 0 ${h.toFixed(2)} 0 0 cm /Im0 Do Q\n`);
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w.toFixed(2)} ${h.toFixed(2)}] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>`),
    Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`), content, Buffer.from('\nendstream')]),
    Buffer.concat([
      Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${pixelsWide} /Height ${pixelsHigh} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`),
      jpeg,
      Buffer.from('\nendstream'),
    ]),
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let at = parts[0]!.length;
  objects.forEach((body, i) => {
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    offsets.push(at);
    parts.push(obj);
    at += obj.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// OFD

/** A zip archive (deflated entries, UTF-8 names). */
function zip(files: Array<[string, Buffer | string]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of files) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** DER: tag, length, content. */
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const seq = (...c: Buffer[]) => der(0x30, ...c);
const ia5 = (s: string) => der(0x16, Buffer.from(s, 'ascii'));
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
const int = (n: number) => der(0x02, Buffer.from([n]));
const time = (s: string) => der(0x18, Buffer.from(s, 'ascii'));

/** A GB/T 38540 SES_Seal's shape: header, esID, property (type, name, certs, dates), picture; no signature. */
function sesSeal(name: string): Buffer {
  const header = seq(ia5('ES'), int(4), ia5('FIXTURE'));
  const property = seq(int(1), utf8(name), int(1), seq(der(0x04, Buffer.from('certificate'))), time('20250101000000Z'), time('20250101000000Z'), time('20301231000000Z'));
  const picture = seq(ia5('png'), der(0x04, Buffer.from('picture')), int(42), int(42));
  return seq(seq(header, ia5('4311000000001'), property, picture), seq(der(0x04, Buffer.from('cert')), der(0x06, Buffer.from([0x2a, 0x81, 0x1c])), der(0x03, Buffer.from([0, 1, 2]))));
}

const NS = 'xmlns:ofd="http://www.ofdspec.org/2016"';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface OfdPage {
  objects: string[];
}

function ofdNotice(): Buffer {
  let id = 100;
  const size = 5.6; // 16 pt in mm
  const text = (x: number, y: number, s: string, fontSize = size, font = 2): string => {
    const chars = [...s];
    const width = chars.length * fontSize + fontSize;
    const deltas = chars.length > 1 ? ` DeltaX="g ${chars.length - 1} ${fontSize}"` : '';
    return `<ofd:TextObject ID="${id++}" Boundary="${x} ${(y - fontSize).toFixed(2)} ${width} ${fontSize * 1.4}" Font="${font}" Size="${fontSize}"><ofd:TextCode X="0" Y="${fontSize}"${deltas}>${esc(s)}</ofd:TextCode></ofd:TextObject>`;
  };
  // a paragraph of 28 characters a line, the first indented by two
  const paragraph = (page: OfdPage, y: number, s: string): number => {
    wrap(s, 28, 2).forEach((line, i) => {
      page.objects.push(text(28 + (i === 0 ? 2 * size : 0), y, line));
      y += size * 1.75;
    });
    return y;
  };
  const rule = (x1: number, y1: number, x2: number, y2: number): string =>
    `<ofd:PathObject ID="${id++}" Boundary="${Math.min(x1, x2)} ${Math.min(y1, y2)} ${Math.abs(x2 - x1) || 0.35} ${Math.abs(y2 - y1) || 0.35}" LineWidth="0.35"><ofd:AbbreviatedData>M ${x1 - Math.min(x1, x2)} ${y1 - Math.min(y1, y2)} L ${x2 - Math.min(x1, x2)} ${y2 - Math.min(y1, y2)}</ofd:AbbreviatedData></ofd:PathObject>`;

  const page1: OfdPage = { objects: [] };
  let y = 80;
  page1.objects.push(text(73, y, '永政办发〔2025〕8号'));
  y += 20;
  page1.objects.push(text(39, y, '永州市人民政府办公室关于开展', 7.8, 3));
  y += 12;
  page1.objects.push(text(39, y, '2025年工业企业技术改造奖补申报的通知', 7.8, 3));
  y += 16;
  page1.objects.push(text(28, y, '各县市区人民政府，市直有关单位：'));
  y += size * 1.75;
  y = paragraph(page1, y, '为推动工业企业加快技术改造，现就2025年技术改造奖补申报有关事项通知如下。');
  page1.objects.push(text(28 + 2 * size, y, '一、申报条件'));
  y += size * 1.75;
  y = paragraph(page1, y, '（一）在我市依法登记注册、具有独立法人资格的规模以上工业企业。');
  y = paragraph(page1, y, '（二）项目于2024年1月1日以后开工，设备投资不低于500万元。');
  page1.objects.push(text(28 + 2 * size, y, '二、奖补标准'));
  y += size * 1.75;
  y = paragraph(page1, y, '按设备投资额给予奖补，各档标准如下表。');

  const page2: OfdPage = { objects: [] };
  // a table of three columns and three rows, drawn with rules
  const xs = [28, 78, 128, 182];
  const ys = [40, 52, 64, 76];
  for (const yy of ys) page2.objects.push(rule(xs[0]!, yy, xs[3]!, yy));
  for (const xx of xs) page2.objects.push(rule(xx, ys[0]!, xx, ys[3]!));
  const cells = [
    ['设备投资额', '奖补比例', '单个项目上限'],
    ['500万元至2000万元', '5%', '50万元'],
    ['2000万元以上', '8%', '200万元'],
  ];
  cells.forEach((row, r) => row.forEach((cell, c) => page2.objects.push(text(xs[c]! + 2, ys[r]! + 9, cell, 4.2))));
  y = 90;
  page2.objects.push(text(28 + 2 * size, y, '三、申报时间'));
  y += size * 1.75;
  y = paragraph(page2, y, '请于2025年6月30日前将申报材料报送市工业和信息化局。');
  y += 20;
  page2.objects.push(text(110, y, '永州市人民政府办公室'));
  y += size * 1.75;
  page2.objects.push(text(118, y, '2025年4月2日'));

  const content = (page: OfdPage) =>
    `<?xml version="1.0" encoding="UTF-8"?><ofd:Page ${NS}><ofd:Template TemplateID="50" ZOrder="Background"/><ofd:Content><ofd:Layer ID="${id++}">${page.objects.join('')}</ofd:Layer></ofd:Content></ofd:Page>`;
  // the red masthead and the red rule under it, on every page's template, as issuers lay them out
  const template = `<?xml version="1.0" encoding="UTF-8"?><ofd:Page ${NS}><ofd:Content><ofd:Layer ID="60">${text(40, 50, '永州市人民政府办公室文件', 12, 3)}</ofd:Layer></ofd:Content></ofd:Page>`;
  const masthead = `<?xml version="1.0" encoding="UTF-8"?><ofd:Page ${NS}><ofd:Content><ofd:Layer ID="61"><ofd:PathObject ID="62" Boundary="28 62 154 1" LineWidth="0.7"><ofd:AbbreviatedData>M 0 0 L 154 0</ofd:AbbreviatedData></ofd:PathObject></ofd:Layer></ofd:Content></ofd:Page>`;

  return zip([
    [
      'OFD.xml',
      `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD ${NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>6c1e5c2f0d1e4b7d9b1a2f3e4d5c6b7a</ofd:DocID><ofd:Title>永州市人民政府办公室关于开展2025年工业企业技术改造奖补申报的通知</ofd:Title><ofd:Author>永州市人民政府办公室</ofd:Author><ofd:CreationDate>2025-04-02</ofd:CreationDate><ofd:CustomDatas><ofd:CustomData Name="文号">永政办发〔2025〕8号</ofd:CustomData></ofd:CustomDatas></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot><ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody></ofd:OFD>`,
    ],
    [
      'Doc_0/Document.xml',
      `<?xml version="1.0" encoding="UTF-8"?><ofd:Document ${NS}><ofd:CommonData><ofd:MaxUnitID>${id + 10}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:TemplatePage ID="50" BaseLoc="Tpls/Tpl_0/Content.xml"/><ofd:TemplatePage ID="51" BaseLoc="Tpls/Tpl_1/Content.xml"/></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/><ofd:Page ID="2" BaseLoc="Pages/Page_1/Content.xml"/></ofd:Pages></ofd:Document>`,
    ],
    [
      'Doc_0/PublicRes.xml',
      `<?xml version="1.0" encoding="UTF-8"?><ofd:Res ${NS} BaseLoc="Res"><ofd:Fonts><ofd:Font ID="2" FontName="仿宋_GB2312" FamilyName="仿宋"/><ofd:Font ID="3" FontName="方正小标宋简体" FamilyName="方正小标宋简体"/></ofd:Fonts></ofd:Res>`,
    ],
    ['Doc_0/Tpls/Tpl_0/Content.xml', template],
    ['Doc_0/Tpls/Tpl_1/Content.xml', masthead],
    ['Doc_0/Pages/Page_0/Content.xml', content(page1).replace('TemplateID="50" ZOrder="Background"/>', 'TemplateID="50" ZOrder="Background"/><ofd:Template TemplateID="51" ZOrder="Background"/>')],
    ['Doc_0/Pages/Page_1/Content.xml', content(page2).replace('<ofd:Template TemplateID="50" ZOrder="Background"/>', '')],
    [
      'Doc_0/Signs/Signatures.xml',
      `<?xml version="1.0" encoding="UTF-8"?><ofd:Signatures ${NS}><ofd:MaxSignId>1</ofd:MaxSignId><ofd:Signature ID="1" Type="Seal" BaseLoc="Sign_0/Signature.xml"/></ofd:Signatures>`,
    ],
    [
      'Doc_0/Signs/Sign_0/Signature.xml',
      `<?xml version="1.0" encoding="UTF-8"?><ofd:Signature ${NS}><ofd:SignedInfo><ofd:Provider ProviderName="fixture" Version="1.0"/><ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod><ofd:SignatureDateTime>20250402100000Z</ofd:SignatureDateTime><ofd:References CheckMethod="1.2.156.10197.1.401"><ofd:Reference FileRef="/Doc_0/Pages/Page_1/Content.xml"><ofd:CheckValue>AAAA</ofd:CheckValue></ofd:Reference></ofd:References><ofd:StampAnnot ID="1" PageRef="2" Boundary="115 120 42 42"/><ofd:Seal><ofd:BaseLoc>Seal.esl</ofd:BaseLoc></ofd:Seal></ofd:SignedInfo><ofd:SignedValue>SignedValue.dat</ofd:SignedValue></ofd:Signature>`,
    ],
    ['Doc_0/Signs/Sign_0/Seal.esl', sesSeal('永州市人民政府办公室')],
    ['Doc_0/Signs/Sign_0/SignedValue.dat', seq(sesSeal('永州市人民政府办公室'), der(0x03, Buffer.from([0, 9, 9])))],
  ]);
}

// ---------------------------------------------------------------------------------------------
// .doc and .wps, through LibreOffice

const NOTICE_HTML = `<html><head><meta charset="utf-8"></head><body>
<p align="center">永州市工业和信息化局</p>
<p align="center">关于做好2025年中小企业数字化转型工作的通知</p>
<p align="center">永工信发〔2025〕12号</p>
<p>各县市区工业和信息化局：</p>
<p>为推动中小企业数字化转型，现将有关事项通知如下。</p>
<p>一、工作目标</p>
<p>到2025年底，全市完成200家中小企业数字化改造。</p>
<p>二、支持措施</p>
<p>（一）对完成改造的企业，按投资额的10%给予奖补，最高50万元。</p>
<p>（二）各地按下表分解任务。</p>
<table border="1"><tr><td>地区</td><td>任务数（家）</td><td>备注</td></tr><tr><td>冷水滩区</td><td>60</td><td></td></tr><tr><td>零陵区</td><td>50</td><td>含经开区</td></tr></table>
<p>三、工作要求</p>
<p>各地于2025年12月10日前报送完成情况。</p>
<p>附件：1. 项目清单</p>
<p>永州市工业和信息化局</p>
<p>2025年3月18日</p>
</body></html>`;

const MEASURES_HTML = `<html><head><meta charset="utf-8"></head><body>
<p align="center">永州市中小企业发展专项资金管理办法</p>
<p>第一条 为规范中小企业发展专项资金管理，提高资金使用效益，制定本办法。</p>
<p>第二条 专项资金由市财政预算安排，用于支持中小企业专精特新发展。</p>
<p>第三条 专项资金按下列标准分配：</p>
<table border="1"><tr><td>支持方向</td><td>标准</td></tr><tr><td>国家级专精特新“小巨人”企业</td><td>一次性奖励50万元</td></tr><tr><td>省级专精特新中小企业</td><td>一次性奖励20万元</td></tr></table>
<p>第四条 本办法自2025年5月1日起施行，有效期五年。</p>
</body></html>`;

function wordBinary(html: string, target: string): boolean {
  const soffice = ['soffice', 'libreoffice'].find((cmd) => {
    try {
      execFileSync('which', [cmd], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!soffice) {
    console.warn(`LibreOffice not found: ${target} left as it is`);
    return false;
  }
  const dir = mkdtempSync(join(tmpdir(), 'fixture-'));
  try {
    writeFileSync(join(dir, 'source.html'), html);
    execFileSync(soffice, ['--headless', '--convert-to', 'doc:MS Word 97', '--outdir', dir, join(dir, 'source.html')], { stdio: 'ignore', timeout: 120_000 });
    copyFileSync(join(dir, 'source.doc'), join(OUT, target));
    return true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An .xlsx fixture saved again by LibreOffice as Excel 97-2003. */
function excel97(source: string, target: string): void {
  const soffice = ['soffice', 'libreoffice'].find((cmd) => {
    try {
      execFileSync('which', [cmd], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!soffice) return console.warn(`LibreOffice not found: ${target} left as it is`);
  const dir = mkdtempSync(join(tmpdir(), 'fixture-'));
  try {
    copyFileSync(join(OUT, source), join(dir, 'source.xlsx'));
    execFileSync(soffice, ['--headless', '--convert-to', 'xls:MS Excel 97', '--outdir', dir, join(dir, 'source.xlsx')], { stdio: 'ignore', timeout: 120_000 });
    copyFileSync(join(dir, 'source.xls'), join(OUT, target));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// .xlsx

async function attachmentXlsx(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const list = book.addWorksheet('项目清单');
  list.mergeCells('A1:D1');
  list.getCell('A1').value = '2025年中小企业数字化改造项目清单';
  list.addRow(['序号', '企业名称', '改造内容', '计划完成时间']);
  list.addRow([1, '永州市湘江机械有限公司', '生产线数控化改造', new Date(Date.UTC(2025, 8, 30))]);
  list.addRow([2, '零陵区潇湘食品有限公司', 'MES系统上线', new Date(Date.UTC(2025, 10, 15))]);
  const totals = book.addWorksheet('汇总');
  totals.addRow(['地区', '项目数']);
  totals.addRow(['冷水滩区', 1]);
  totals.addRow(['零陵区', 1]);
  totals.addRow(['合计', { formula: 'SUM(B2:B3)', result: 2 }]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

async function fundsXlsx(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Sheet1');
  sheet.addRow(['县市区', '分配金额（万元）', '用途']);
  sheet.addRow(['冷水滩区', 120, '技术改造奖补']);
  sheet.addRow(['零陵区', 95.5, '技术改造奖补']);
  sheet.addRow(['祁阳市', 80, '专精特新奖励']);
  return Buffer.from(await book.xlsx.writeBuffer());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(join(OUT, 'notice.ofd'), ofdNotice());
  writeFileSync(join(OUT, 'scanned-measures.pdf'), await scannedPdf());
  writeFileSync(join(OUT, 'scanned-measures.expected.txt'), SCANNED_PAGE_PARAGRAPHS.map((p) => p.text + '\n').join(''));
  writeFileSync(join(OUT, 'notice-附件1 项目清单.xlsx'), await attachmentXlsx());
  writeFileSync(join(OUT, '资金分配表.xlsx'), await fundsXlsx());
  excel97('notice-附件1 项目清单.xlsx', '项目清单.xls');
  wordBinary(NOTICE_HTML, 'notice.doc');
  wordBinary(MEASURES_HTML, 'measures.wps');
  for (const name of ['项目清单.xls', 'notice.ofd', 'scanned-measures.pdf', 'notice-附件1 项目清单.xlsx', '资金分配表.xlsx', 'notice.doc', 'measures.wps']) {
    const path = join(OUT, name);
    if (existsSync(path)) console.log(`${name}: ${readFileSync(path).length} bytes`);
  }
}
