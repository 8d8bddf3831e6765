// An official types a 文号 ("永政发〔2025〕2号") to find a policy: the document opens at its head, and
// next come the passages of other documents that write that 文号 (its 解读, the notice that
// implements it), before the document's own clauses in which 2025 and 2 happen to weigh most.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedIndex } from '../server/load-index.ts';
import { search, SEARCH_MODES } from '../server/search.ts';
import { scratchIndex, type ScratchIndex } from './helpers/scratch-index.ts';

const MEASURES = `永州市人民政府关于印发《永州市推动先进制造业高质量发展若干措施》的通知
永政发〔2025〕2号
各县市区人民政府，市人民政府各办委局：
现将《永州市推动先进制造业高质量发展若干措施》印发给你们，请认真贯彻执行。
永州市人民政府
2025年2月10日

永州市推动先进制造业高质量发展若干措施
一、培育壮大产业集群
（一）支持企业设备更新。每年支持120家左右工业企业开展技术改造和设备更新，到2025年，力争新增2家省级以上绿色工厂。
（二）支持企业数智改造。到2027年，力争推动“上云”企业15000家，对新认定的2家省级智能制造标杆企业给予奖励。
`;

const INTERPRETATION = `《永州市推动先进制造业高质量发展若干措施》解读
近日，市人民政府印发了《永州市推动先进制造业高质量发展若干措施》（永政发〔2025〕2号，以下简称《若干措施》）。为更好地理解和落实《若干措施》，现解读如下。
一、出台背景
为加快推进新型工业化，推动先进制造业高质量发展，制定本措施。
`;

const OTHER = `永州市人民政府办公室关于印发《永州市工业园区标准化厂房管理办法》的通知
永政办发〔2025〕3号
各县市区人民政府：
《永州市工业园区标准化厂房管理办法》已经市人民政府同意，现印发给你们。根据永政发〔2025〕3号文件精神，2025年起对新建厂房给予补助。
`;

let scratch: ScratchIndex;
let index: EmbeddedIndex;

beforeAll(async () => {
  scratch = await scratchIndex({ 'measures.txt': MEASURES, 'interpretation.txt': INTERPRETATION, 'other.txt': OTHER }, 'doc-number-');
  index = scratch.index;
}, 60_000);
afterAll(async () => {
  await scratch.remove();
});

describe('a query that is a 文号', () => {
  it('opens the document at its head, then gives the passages of other documents that write it', async () => {
    for (const mode of SEARCH_MODES) {
      for (const q of ['永政发〔2025〕2号', '永政发[2025]2号', '永政发2025 2号']) {
        const { results } = await search(index, { q, mode });
        const [head, quoting, ...rest] = results;
        expect(head!.text, `${mode} ${q}`).toMatch(/现将《永州市推动先进制造业高质量发展若干措施》印发给你们/u);
        expect(quoting!.docTitle, `${mode} ${q}`).toMatch(/解读/u);
        expect(quoting!.text).toMatch(/永政发〔2025〕2号/u);
        // a document that writes another 文号 (永政发〔2025〕3号, 永政办发〔2025〕3号) is not lifted: it
        // comes after every clause of the document asked for
        const ownLast = results.findLastIndex((r) => r.docId === head!.docId);
        const otherFirst = results.findIndex((r) => /标准化厂房/u.test(r.docTitle ?? ''));
        if (otherFirst >= 0) expect(otherFirst, `${mode} ${q}`).toBeGreaterThan(ownLast);
      }
    }
  });
});
