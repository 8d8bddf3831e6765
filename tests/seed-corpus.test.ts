// The five seed files end to end: documents, metadata and clause trees as a reader expects them.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus, type LoadedCorpus } from '../ingest/load-corpus.ts';

let corpus: LoadedCorpus;
beforeAll(async () => {
  corpus = await loadCorpus('corpus', { today: '2026-11-26' });
});
const docsOf = (source: string) => corpus.documents.filter((d) => d.source === source);

describe('seed corpus', () => {
  it('splits the Yongzhou gazette excerpt into its three documents with their metadata', () => {
    const docs = docsOf('yongzhou-gazette-2025-manufacturing-measures.txt');
    expect(docs.map((d) => ({ title: d.title, docNumber: d.docNumber, issuer: d.issuer, date: d.date, type: d.type, region: d.region, validFrom: d.validFrom, validUntil: d.validUntil, status: d.status }))).toEqual([
      { title: '永州市推动先进制造业高质量发展若干措施', docNumber: '永政发〔2025〕2号', issuer: '永州市人民政府', date: '2025-03-10', type: '措施', region: '永州市', validFrom: '2025-03-10', validUntil: '2027-12-31', status: '现行有效' },
      // the 解读 takes the status and validity of the measure it explains
      { title: '《永州市推进先进制造业高质量发展若干措施》解读', docNumber: null, issuer: '永州市工信局', date: null, type: '解读', region: '永州市', validFrom: '2025-03-10', validUntil: '2027-12-31', status: '现行有效' },
      { title: '永州市人民政府关于李序军同志正式任职的通知', docNumber: '永政人〔2025〕3号', issuer: '永州市人民政府', date: '2025-03-12', type: '任免', region: '永州市', validFrom: null, validUntil: null, status: '未知' },
    ]);
  });

  it('gives the measures （一）…（十） as ten clauses under their four sections', () => {
    const measures = docsOf('yongzhou-gazette-2025-manufacturing-measures.txt')[0]!;
    const sections = measures.clauses.filter((c) => c.kind === 'numbered' && /^[一二三四]、$/.test(c.label ?? ''));
    expect(sections.map((c) => `${c.label}${c.heading}`)).toEqual(['一、明确工作目标', '二、优化区域布局', '三、加快技术改造', '四、强化要素保障']);
    const items = measures.clauses.filter((c) => /^（[一二三四五六七八九十]+）$/.test(c.label ?? ''));
    expect(items.map((c) => `${c.path.join('')}｜${c.label}${c.heading}`)).toEqual([
      '二、优化区域布局｜（一）改造提升传统产业',
      '二、优化区域布局｜（二）培育壮大新兴产业',
      '三、加快技术改造｜（三）支持企业设备更新',
      '三、加快技术改造｜（四）支持企业数智改造',
      '三、加快技术改造｜（五）支持企业技术创新',
      '三、加快技术改造｜（六）支持企业低碳转型',
      '三、加快技术改造｜（七）支持企业品牌提升',
      '三、加快技术改造｜（八）支持企业融通发展',
      '四、强化要素保障｜（九）加大政策要素保障',
      '四、强化要素保障｜（十）支持开展表扬激励',
    ]);
    const third = items[2]!;
    expect(third.text).toContain('由受益财政按贷款本金的1%给予贴息，贴息期限1年。');
    expect(third.text).not.toContain('（四）');
  });

  it('makes every item of the Hunan plan its own clause', () => {
    const plan = docsOf('hunan-15th-five-year-manufacturing-plan.txt')[0]!;
    expect(plan.docNumber).toBe('湘政发〔2026〕6号');
    expect(plan.validUntil).toBe('2030-12-31');
    const traditional = plan.clauses.find((c) => c.label === '（一）' && c.heading === '改造提升传统产业')!;
    const items = plan.clauses.filter((c) => c.parentId === traditional.id);
    expect(items.map((c) => `${c.label}${c.heading}`)).toEqual(['1.石化产业', '2.冶金产业', '3.有色金属产业', '4.建材产业', '5.食品产业', '6.轻工产业', '7.纺织产业']);
    for (const item of items) expect(item.text.split('\n')).toHaveLength(1);
    const table = plan.clauses.flatMap((c) => c.tables)[0]!;
    expect(table.rows[0]).toEqual(['类别', '序号', '指标名称', '单位', '基期值（2025年）', '目标值（2030年）']);
  });

  it('pairs the Huzhou interview questions with their answers', () => {
    const [doc] = docsOf('huzhou-manufacturing-opinions-interview.txt');
    const qa = doc!.clauses.filter((c) => c.kind === 'qa');
    expect(qa).toHaveLength(6);
    expect(qa[0]!.heading).toBe('产业是制造业发展的核心基础，此次的《意见》在产业创强赶超方面有哪些规划？');
    expect(qa[0]!.text).toContain('答：加快布局重点赛道。');
  });

  it('splits the magazine page into its two articles', () => {
    expect(docsOf('hunan-guangdong-industry-reviews-2025.txt').map((d) => [d.title, d.issuer, d.type])).toEqual([
      ['湖南锚定“三高四新”蓝图 构建工业经济增长第二曲线', '湖南省工业和信息化厅', '新闻'],
      ['广东坚持守正创新 推动制造业高质量发展开新局', '广东省工业和信息化厅', '新闻'],
    ]);
  });

  it('leaves no page furniture or spaced-out text in any clause', () => {
    for (const doc of corpus.documents) {
      for (const c of doc.clauses) {
        expect(c.text).not.toMatch(/市政府文件|bookmark|_Toc|\*\*/);
        // three single characters in a row, separated by spaces: "为 加 快"
        const tokens = c.text.replace(/ \| /g, "\t").split(/ +/);
        const spaced = tokens.some((_, i) => tokens.slice(i, i + 3).length === 3 && tokens.slice(i, i + 3).every((t) => [...t].length === 1));
        expect(spaced, c.text).toBe(false);
      }
    }
  });

  it('cuts long clauses into passages at sentence ends, each short enough to quote', () => {
    for (const p of corpus.passages) expect(p.text.length).toBeLessThanOrEqual(600);
    const clauseEnd = new Map(corpus.documents.flatMap((d) => d.clauses.map((c) => [c.id, c.end] as const)));
    for (const p of corpus.passages) {
      if (p.end !== clauseEnd.get(p.clauseId)) expect(p.text).toMatch(/[。；！？][”’）]*$|\|[^\n]*$/);
    }
  });
});
