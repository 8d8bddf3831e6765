// The HTTP API, in-process with supertest, on an index built from the seed corpus with the
// built-in embedder. The degraded path uses a real index built with the tiny twin model, served
// once with the model gone and once with an embedding deadline it cannot meet.
import { cp, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildIndex } from '../ingest/build-index.ts';
import { createApp } from '../server/app.ts';
import { loadIndex, type LoadedIndex } from '../server/load-index.ts';
import type { ApiSearchResponse } from '../server/document-card.ts';
import type { SearchResponse, SearchResult } from '../server/search.ts';
import { citeClause } from '../web/src/citation.ts';
import { ensureTestModel } from './helpers/test-model.ts';

let scratch: string;
let index: LoadedIndex;
let app: ReturnType<typeof createApp>;
const MEASURES = 'yongzhou-gazette-2025-manufacturing-measures';

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'api-'));
  const indexDir = path.join(scratch, 'index');
  await buildIndex({ corpusDir: path.resolve('corpus'), indexDir, embedder: 'builtin', warn: () => {} });
  index = await loadIndex(indexDir);
  app = createApp(index, { webDist: null });
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const searchFor = async (query: Record<string, string>): Promise<ApiSearchResponse> => {
  const res = await request(app).get('/api/search').query(query);
  expect(res.status).toBe(200);
  return res.body as ApiSearchResponse;
};
const errorOf = async (url: string, status: number): Promise<string> => {
  const res = await request(app).get(url);
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(typeof res.body.error.message).toBe('string');
  return res.body.error.code as string;
};

describe('GET /api/search', () => {
  it('answers a question with clauses: place, passage, answer sentence, highlights and link', async () => {
    const body = await searchFor({ q: '我们买了新设备，贷款利息能补吗？' });
    expect(body).toMatchObject({ query: '我们买了新设备，贷款利息能补吗？', mode: 'hybrid' });
    expect(body.tookMs).toBeGreaterThanOrEqual(0);
    expect(body.results).toHaveLength(10);
    const top = body.results.slice(0, 2).map((r) => r.text).join('\n');
    expect(top).toMatch(/贴息/);
    const first = body.results[0]!;
    expect(first.answer).toMatch(/贴息/);
    expect(first.url).toBe(`/doc/${first.docId}#${first.clauseId}`);
    const clause = index.clausesById.get(first.clauseId)!;
    expect(clause.text).toContain(first.answer);
    expect(first.path).toEqual(clause.path);
    expect(first.text.length).toBeLessThanOrEqual(600);
  });

  it("gives each result the citation the reader's 复制引用 gives for that clause", async () => {
    const body = await searchFor({ q: '设备更新 贴息', k: '20' });
    const measures = body.results.find((r) => r.docId === MEASURES && r.label === '（三）')!;
    expect(measures.citation).toBe('《永州市推动先进制造业高质量发展若干措施》（永政发〔2025〕2号）三、（三）');
    for (const r of body.results) {
      const doc = await request(app).get(`/api/docs/${encodeURIComponent(r.docId)}`);
      expect(r.citation).toBe(citeClause(doc.body.document, r.clauseId, doc.body.clauses));
    }
  });

  it('gives one result per clause, each with document metadata', async () => {
    const body = await searchFor({ q: '设备更新 贴息', k: '20' });
    const ids = body.results.map((r) => r.clauseId);
    expect(new Set(ids).size).toBe(ids.length);
    const measures = body.results.find((r) => r.docId === MEASURES)!;
    expect(measures).toMatchObject({
      docTitle: '永州市推动先进制造业高质量发展若干措施',
      docNumber: '永政发〔2025〕2号',
      issuer: '永州市人民政府',
      date: '2025-03-10',
      status: '现行有效',
    });
  });

  it('marks the query’s terms with character ranges into text', async () => {
    const body = await searchFor({ q: '设备更新 贴息' });
    const r = body.results.find((x) => x.text.includes('贴息'))!;
    const marked = r.highlights.map(([s, e]) => r.text.slice(s, e));
    expect(marked).toContain('贴息');
    for (const [s, e] of r.highlights) {
      expect(0 <= s && s < e && e <= r.text.length).toBe(true);
    }
    const sorted = [...r.highlights].sort((a, b) => a[0] - b[0]);
    expect(r.highlights).toEqual(sorted);
  });

  it('leads with the document a 文号 names, whatever its brackets', async () => {
    for (const q of ['永政发〔2025〕2号', '永政发[2025]2号', '永政发（2025）2号', '永政人〔2025〕3号']) {
      const body = await searchFor({ q });
      const expected = q.startsWith('永政人') ? `${MEASURES}-3` : MEASURES;
      expect(body.results[0]!.docId, q).toBe(expected);
      if (expected === MEASURES) expect(body.results[0]!.text, q).toMatch(/现将《永州市推动先进制造业高质量发展若干措施》印发给你们/u);
    }
    // the card names the documents it is linked with: the measures' 解读
    const { document } = await searchFor({ q: '永政发〔2025〕2号' });
    expect(document!.related.explainedBy.map((d) => d.title)).toEqual(['《永州市推进先进制造业高质量发展若干措施》解读']);
    expect(document!.related.explainedBy[0]!.id).toBe(`${MEASURES}-2`);
  });

  it('answers a query that names a document with its card, then its clauses that match the rest', async () => {
    const PLAN = 'hunan-15th-five-year-manufacturing-plan';
    for (const q of ['湘政发〔2026〕6号', '湘政发2026 6号', '湘政发[2026]6号']) {
      const body = await searchFor({ q });
      expect(body.document?.id, q).toBe(PLAN);
      expect(body.document!.docNumber).toBe('湘政发〔2026〕6号');
      expect(body.document!.outline.length).toBeGreaterThan(3);
      expect(body.within).toEqual({ docId: PLAN, rest: '', found: true });
      expect(body.results.every((r) => r.docId === PLAN), q).toBe(true);
      // only its name was asked: the document opens at its head, the notice that issues it
      expect(body.results[0]!.text, q).toMatch(/^各市州、县市区人民政府.*现将《湖南省推进新型工业化和制造强省建设“十五五”规划》印发给你们/su);
    }
    // the rest of the query is looked for inside the document
    const inside = await searchFor({ q: '湘政发〔2026〕6号 人工智能' });
    expect(inside.within).toEqual({ docId: PLAN, rest: '人工智能', found: true });
    expect(inside.results[0]!.docId).toBe(PLAN);
    expect(inside.results[0]!.text).toMatch(/人工智能/);
    // …and when it is not in the document, the page can say so; results come from everywhere
    const elsewhere = await searchFor({ q: '湘政发〔2026〕6号 贴息' });
    expect(elsewhere.within).toEqual({ docId: PLAN, rest: '贴息', found: false });
    expect(elsewhere.results[0]!.text).toMatch(/贴息/);
    // a query that names no document has no card
    expect((await searchFor({ q: '设备更新 贴息' })).document).toBeUndefined();
  });

  it('puts the measure above its own 解读, and gives each the other: 本条解读 and 解读的条款', async () => {
    for (const q of ['设备更新 贴息', '我们买了新设备，贷款利息能补吗？']) {
      const { results } = await searchFor({ q });
      const measure = results.findIndex((r) => r.docId === MEASURES && r.label === '（三）');
      const interpretation = results.findIndex((r) => r.docId === `${MEASURES}-2` && r.label === '三是');
      expect(measure, q).toBeGreaterThanOrEqual(0);
      if (interpretation >= 0) expect(measure, q).toBeLessThan(interpretation);
      expect(results[measure]!.interpretation?.text).toMatch(/^三是支持企业设备更新/);
      expect(results[measure]!.interpretation?.url).toMatch(new RegExp(`^/doc/${MEASURES}-2#`));
      if (interpretation >= 0) expect(results[interpretation]!.explains?.label).toBe('（三）');
    }
  });

  it('counts only results that hold enough of the query as related, and sets the others apart', async () => {
    const offTopic = await searchFor({ q: '量子纠缠 火星殖民' });
    expect(offTopic.strong).toBe(0);
    expect(offTopic.results.every((r) => r.weak)).toBe(true);
    // one word of it (太阳) in some clauses is not an answer
    const oneWord = await searchFor({ q: '猫咪为什么喜欢晒太阳' });
    expect(oneWord.strong).toBe(0);
    // an enterprise's question in its own words is answered
    const asked = await searchFor({ q: '我们买了新设备，贷款利息能补吗？' });
    expect(asked.strong).toBeGreaterThan(0);
    expect(asked.results[0]!.docId).toBe(MEASURES);
    const real = await searchFor({ q: '设备更新 贴息' });
    expect(real.strong).toBeGreaterThan(0);
    // each card says how long its document is valid
    const measure = real.results.find((r) => r.docId === MEASURES)!;
    expect([measure.validFrom, measure.validUntil]).toEqual(['2025-03-10', '2027-12-31']);
    expect(real.results[0]!.weak).toBe(false);
    // the related ones first, the weak ones after them
    const firstWeak = real.results.findIndex((r) => r.weak);
    if (firstWeak >= 0) expect(real.results.slice(firstWeak).every((r) => r.weak)).toBe(true);
  });

  it('leads with the document a query names by its title', async () => {
    const body = await searchFor({ q: '永州市“十四五”工业发展规划' });
    expect(body.results[0]!.docId).toBe('yongzhou-14th-five-year-industry-plan');
  });

  it('finds 专精特新 “小巨人” clauses by keyword', async () => {
    const body = await searchFor({ q: '专精特新 小巨人', mode: 'keyword' });
    expect(body.mode).toBe('keyword');
    expect(body.results[0]!.text).toMatch(/专精特新/);
  });

  it('runs each mode', async () => {
    for (const mode of ['keyword', 'vector', 'hybrid']) {
      const body = await searchFor({ q: '绿色工厂 奖励', mode });
      expect(body.mode).toBe(mode);
      expect(body.results.length).toBeGreaterThan(0);
      expect(body.degraded).toBeUndefined();
    }
  });

  it('returns k results, 10 by default, 1 to 50', async () => {
    expect((await searchFor({ q: '企业' })).results).toHaveLength(10);
    expect((await searchFor({ q: '企业', k: '1' })).results).toHaveLength(1);
    expect((await searchFor({ q: '企业', k: '50' })).results).toHaveLength(50);
  });

  it('filters by document, type, issuer, region, year and status, with facet counts', async () => {
    const all = await searchFor({ q: '企业 奖励', k: '50' });
    expect(all.facets.region['永州市']).toBeGreaterThan(0);
    expect(all.facets.region['湖南省']).toBeGreaterThan(0);
    const check = async (filter: Record<string, string>, ok: (r: SearchResult) => boolean) => {
      const body = await searchFor({ q: '企业 奖励', k: '50', ...filter });
      expect(body.results.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(body.results.every(ok), JSON.stringify(filter)).toBe(true);
      expect(body.total).toBeGreaterThanOrEqual(body.results.length);
    };
    await check({ doc: MEASURES }, (r) => r.docId === MEASURES);
    await check({ type: '规划' }, (r) => index.documentsById.get(r.docId)!.type === '规划');
    await check({ issuer: '永州市人民政府' }, (r) => r.issuer === '永州市人民政府');
    await check({ region: '湖州市' }, (r) => index.documentsById.get(r.docId)!.region === '湖州市');
    await check({ year: '2025' }, (r) => r.date?.startsWith('2025') === true);
    await check({ status: '现行有效' }, (r) => r.status === '现行有效');
    await check({ region: '永州市', type: '措施' }, (r) => r.docId === MEASURES);
  });

  it('finds as many clauses as a facet value promised, alone and beside another filter', async () => {
    const q = '企业 奖励';
    const all = await searchFor({ q });
    let checked = 0;
    for (const [group, counts] of Object.entries(all.facets) as [string, Record<string, number>][]) {
      for (const [value, count] of Object.entries(counts)) {
        const narrowed = await searchFor({ q, [group]: value });
        expect(narrowed.total, `${group}=${value}`).toBe(count);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
    // with 类型 chosen, the 状态 counts are those of that type
    const type = Object.keys(all.facets.type)[0]!;
    const typed = await searchFor({ q, type });
    for (const [status, count] of Object.entries(typed.facets.status)) {
      expect((await searchFor({ q, type, status })).total, `${type} ${status}`).toBe(count);
    }
    // and the 类型 counts stay those of the whole pool, so another type can still be chosen
    expect(typed.facets.type).toEqual(all.facets.type);
  });

  it('treats hostile and odd input as text', async () => {
    const odd = [
      '<script>alert(1)</script>',
      "' OR 1=1; DROP TABLE clauses; --",
      '设备🚀更新😀贴息',
      'AI芯片 chip 半導體 설비',
      '../../etc/passwd',
      '贴息\u0000\u0007\u001b[31m',
      '%s %d {{7*7}} ${7*7}',
      '\u202e息贴',
    ];
    for (const q of odd) {
      const res = await request(app).get('/api/search').query({ q });
      expect(res.status, q).toBe(200);
      expect(Array.isArray(res.body.results)).toBe(true);
    }
    const body = await searchFor({ q: '贴息\u0000\u0007' });
    expect(body.query).toBe('贴息');
  });

  it('rejects bad input with a 4xx and a code', async () => {
    expect(await errorOf('/api/search', 400)).toBe('QUERY_MISSING');
    expect(await errorOf('/api/search?q=%20%20', 400)).toBe('QUERY_MISSING');
    expect(await errorOf('/api/search?q=%00%01', 400)).toBe('QUERY_MISSING');
    expect((await request(app).get('/api/search').query({ q: '贴'.repeat(1000) })).status).toBe(200);
    for (const k of ['0', '51', 'abc', '1.5', '-1', '']) {
      expect(await errorOf(`/api/search?q=a&k=${k}`, 400), `k=${k}`).toBe('INVALID_K');
    }
    expect(await errorOf('/api/search?q=a&mode=semantic', 400)).toBe('INVALID_MODE');
    expect(await errorOf(`/api/search?q=a&type=${encodeURIComponent('小说')}`, 400)).toBe('INVALID_FILTER');
    expect(await errorOf(`/api/search?q=a&status=${encodeURIComponent('有效')}`, 400)).toBe('INVALID_FILTER');
    expect(await errorOf(`/api/search?q=a&issuer=${encodeURIComponent('国务院')}`, 400)).toBe('INVALID_FILTER');
    expect(await errorOf(`/api/search?q=a&region=${encodeURIComponent('火星')}`, 400)).toBe('INVALID_FILTER');
    expect(await errorOf('/api/search?q=a&year=20x5', 400)).toBe('INVALID_FILTER');
    expect(await errorOf('/api/search?q=a&doc=..%2F..%2Fetc%2Fpasswd', 400)).toBe('INVALID_FILTER');
    expect(await errorOf('/api/search?q=a&q=b', 400)).toBe('INVALID_PARAMETER');
    expect(await errorOf('/api/search?q=a&k=1&k=2', 400)).toBe('INVALID_PARAMETER');
  });

  it('answers a year with no documents with an empty list, not an error', async () => {
    const body = await searchFor({ q: '企业', year: '1999' });
    expect(body.results).toEqual([]);
    expect(body.total).toBe(0);
  });
});

describe('GET /api/docs, /api/docs/:id, /api/clauses/:id, /api/health', () => {
  it('lists every document with metadata and clause counts, filterable', async () => {
    const res = await request(app).get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(8);
    const measures = res.body.documents.find((d: { id: string }) => d.id === MEASURES);
    expect(measures).toMatchObject({ docNumber: '永政发〔2025〕2号', type: '措施', status: '现行有效', validUntil: '2027-12-31' });
    expect(measures.clauseCount).toBeGreaterThan(10);
    expect(measures.text).toBeUndefined();
    const plans = await request(app).get('/api/docs').query({ type: '规划' });
    expect(plans.body.documents.map((d: { id: string }) => d.id).sort()).toEqual(['hunan-15th-five-year-manufacturing-plan', 'yongzhou-14th-five-year-industry-plan']);
    expect((await request(app).get('/api/docs').query({ status: '已失效' })).body.total).toBeGreaterThan(0);
    expect(await errorOf(`/api/docs?type=${encodeURIComponent('小说')}`, 400)).toBe('INVALID_FILTER');
  });

  it('gives a document’s full text and clause tree with tables', async () => {
    const res = await request(app).get('/api/docs/hunan-15th-five-year-manufacturing-plan');
    expect(res.status).toBe(200);
    const { document, clauses } = res.body;
    expect(document.title).toMatch(/十五五/);
    expect(typeof document.text).toBe('string');
    const box = clauses.find((c: { kind: string; tables: unknown[] }) => c.kind === 'box' && c.tables.length > 0);
    expect(box.tables[0].rows[0]).toContain('指标名称');
    for (const c of clauses) expect(document.text.slice(c.start, c.end)).toBe(c.text);
    const byId = new Map(clauses.map((c: { id: string }) => [c.id, c]));
    for (const c of clauses) for (const child of c.childIds) expect(byId.has(child)).toBe(true);
  });

  it('names the documents a document is linked with: a measure its 解读, the 解读 its measure', async () => {
    const measure = await request(app).get(`/api/docs/${MEASURES}`);
    expect(measure.body.related.explainedBy).toEqual([
      { id: `${MEASURES}-2`, title: '《永州市推进先进制造业高质量发展若干措施》解读', type: '解读', status: '现行有效' },
    ]);
    const interpretation = await request(app).get(`/api/docs/${MEASURES}-2`);
    expect(interpretation.body.related.explains.map((d: { title: string }) => d.title)).toEqual(['永州市推动先进制造业高质量发展若干措施']);
    expect(interpretation.body.document.status).toBe('现行有效');
  });

  it('gives a clause with its document', async () => {
    const clause = index.documentsById.get(MEASURES)!.clauses.find((c) => c.label === '（三）')!;
    const res = await request(app).get(`/api/clauses/${clause.id}`);
    expect(res.status).toBe(200);
    expect(res.body.clause).toMatchObject({ id: clause.id, label: '（三）', path: ['三、加快技术改造'] });
    expect(res.body.document).toMatchObject({ id: MEASURES, docNumber: '永政发〔2025〕2号' });
  });

  it('404s unknown ids, including path traversal, with a code', async () => {
    expect(await errorOf('/api/docs/no-such-doc', 404)).toBe('DOCUMENT_NOT_FOUND');
    expect(await errorOf('/api/docs/..%2F..%2Fetc%2Fpasswd', 404)).toBe('DOCUMENT_NOT_FOUND');
    expect(await errorOf('/api/docs/%3Cscript%3E', 404)).toBe('DOCUMENT_NOT_FOUND');
    expect(await errorOf('/api/clauses/000000000000', 404)).toBe('CLAUSE_NOT_FOUND');
    expect(await errorOf("/api/clauses/1'%20OR%20'1'='1", 404)).toBe('CLAUSE_NOT_FOUND');
    expect(await errorOf('/api/nothing-here', 404)).toBe('NOT_FOUND');
    expect(await errorOf('/api/docs/%E0%A4%A', 400)).toBe('BAD_REQUEST');
  });

  it('reports the index in /api/health', async () => {
    const res = await request(app).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', documents: 8, clauses: 211, passages: 237, formatVersion: 8 });
    expect(res.body.embedder).toMatchObject({ id: 'builtin-lsa-v1', kind: 'builtin' });
    expect(Date.parse(res.body.builtAt)).not.toBeNaN();
  });
});

describe('HTTP hygiene', () => {
  it('sends security headers and no CORS header unless configured', async () => {
    const res = await request(app).get('/api/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const open = createApp(index, { webDist: null, corsOrigin: 'https://portal.example.gov.cn' });
    const cors = await request(open).get('/api/health');
    expect(cors.headers['access-control-allow-origin']).toBe('https://portal.example.gov.cn');
  });

  it('answers only GET, and refuses request bodies', async () => {
    const post = await request(app).post('/api/search').send({ q: '贴息' });
    expect(post.status).toBe(405);
    expect(post.body.error.code).toBe('METHOD_NOT_ALLOWED');
    const big = await request(app).get('/api/search?q=a').set('Content-Type', 'text/plain').send('x'.repeat(5000));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('turns an unexpected failure into a generic 500 and logs it', async () => {
    const logged: string[] = [];
    const backend = Object.assign(Object.create(index.backend) as LoadedIndex['backend'], { keywordTopK: () => Promise.reject(new Error('disk on fire')) });
    const broken: LoadedIndex = { ...index, backend };
    const failing = createApp(broken, { webDist: null, logError: (m) => logged.push(m) });
    const res = await request(failing).get('/api/search').query({ q: '贴息', mode: 'keyword' });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL');
    expect(JSON.stringify(res.body)).not.toMatch(/disk on fire|at /);
    expect(logged.join('\n')).toMatch(/GET \/api\/search/);
  });

  it('serves the web app’s page for its routes, and its files', async () => {
    const dist = path.join(scratch, 'dist');
    await mkdir(path.join(dist, 'assets'), { recursive: true });
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>政策条款知识库</title>');
    await writeFile(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
    const withWeb = createApp(index, { webDist: dist });
    for (const route of ['/', '/doc/x', '/docs?q=1']) {
      const res = await request(withWeb).get(route);
      expect(res.status, route).toBe(200);
      expect(res.text).toMatch(/政策条款知识库/);
    }
    expect((await request(withWeb).get('/assets/app.js')).text).toBe('console.log(1)');
    expect((await request(withWeb).get('/api/nope')).body.error.code).toBe('NOT_FOUND');
  });
});

describe('degraded search', () => {
  let twinIndexDir: string;
  let modelCopy: string;

  beforeAll(async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed: network access in a test');
    });
    modelCopy = path.join(scratch, 'model');
    await cp(await ensureTestModel({ tiny: true }), modelCopy, { recursive: true });
    twinIndexDir = path.join(scratch, 'twin-index');
    await buildIndex({ corpusDir: path.resolve('corpus'), indexDir: twinIndexDir, embedder: 'bge-small-zh', modelDir: modelCopy, warn: () => {} });
  });
  afterAll(() => vi.unstubAllGlobals());

  it('answers from keywords, and says so, when the query embedding misses its deadline', async () => {
    const twin = await loadIndex(twinIndexDir, { modelDir: modelCopy });
    expect(twin.embedderProblem).toBeNull();
    // a generous deadline: a busy test machine must not make this one degraded
    const normal = await request(createApp(twin, { webDist: null, embedTimeoutMs: 30_000 })).get('/api/search').query({ q: '设备更新 贴息' });
    expect(normal.body.degraded).toBeUndefined();
    const hurried = createApp(twin, { webDist: null, embedTimeoutMs: 1 });
    // The worker embeds one query at a time: of eight long queries sent at once, the later ones
    // wait for the earlier ones and miss a 1 ms deadline, however fast the machine.
    const q = '设备更新 贴息 '.repeat(20).trim();
    const responses = await Promise.all(Array.from({ length: 8 }, () => request(hurried).get('/api/search').query({ q })));
    for (const res of responses) {
      expect(res.status).toBe(200);
      expect(res.body.results.length).toBeGreaterThan(0);
      expect(res.body.results[0].text).toMatch(/设备更新|贴息/);
    }
    const degraded = responses.filter((res) => res.body.degraded !== undefined);
    expect(degraded.length).toBeGreaterThan(0);
    expect(degraded[0]!.body.degraded).toMatch(/longer than 1 ms/);
  });

  it('answers from keywords, and says so, when the model files are gone', async () => {
    await rm(path.join(modelCopy, 'onnx'), { recursive: true });
    const twin = await loadIndex(twinIndexDir, { modelDir: modelCopy });
    const served = createApp(twin, { webDist: null });
    for (const mode of ['hybrid', 'vector']) {
      const res = await request(served).get('/api/search').query({ q: '设备更新 贴息', mode });
      expect(res.status).toBe(200);
      expect(res.body.degraded).toMatch(/semantic search is unavailable/);
      expect(res.body.degraded).not.toContain(modelCopy); // a reason for people, not the server's paths
      expect(res.body.results[0].text).toMatch(/设备更新|贴息/);
    }
    const health = await request(served).get('/api/health');
    expect(health.body.status).toBe('degraded');
  });
});
