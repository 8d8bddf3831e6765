// The reader end to end, in Debian's Chromium: the built web app served by the real Express app
// over an index built from seed files plus a fixture whose clauses carry HTML-looking text.
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build-index.ts';
import type { Clause, Embedder } from '../ingest/types.ts';
import { createApp } from '../server/app.ts';
import { loadIndex, type LoadedIndex } from '../server/load-index.ts';
import { citeClause } from '../web/src/citation.ts';
import { ARTIFACTS_DIR, chromiumStatus, ensureWebBuild, launchChromium } from './helpers/browser.ts';

const SEED_FILES = ['yongzhou-gazette-2025-manufacturing-measures.txt', 'hunan-15th-five-year-manufacturing-plan.txt'];
const FIXTURE_DIR = 'tests/fixtures/e2e-corpus';
const MEASURES = 'yongzhou-gazette-2025-manufacturing-measures';
const CIVIL_CODE_FIXTURE = 'tests/fixtures/golden/law-civil-code-1000.raw.md';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

async function listen(app: Express): Promise<{ server: Server; base: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

interface DocBody {
  document: { id: string; title: string | null; docNumber: string | null };
  clauses: Clause[];
}

const chromium = chromiumStatus();
if (!chromium.available) {
  if (process.env.CI === 'true') {
    describe('reader in a browser', () => {
      it('runs in CI', () => {
        throw new Error(`${chromium.message}. CI must run the browser tests; .ci/run installs Chromium.`);
      });
    });
  } else {
    console.warn(`\n[e2e-reader] SKIPPED: ${chromium.message}\n`);
  }
}

describe.runIf(chromium.available)('reader in a browser', () => {
  let tmp: string;
  let server: Server;
  let base: string;
  let browser: Browser;
  let index: LoadedIndex;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'e2e-reader-'));
    const corpusDir = join(tmp, 'corpus');
    await mkdir(corpusDir);
    for (const file of SEED_FILES) await copyFile(join('corpus', file), join(corpusDir, file));
    for (const file of await readdir(FIXTURE_DIR)) await copyFile(join(FIXTURE_DIR, file), join(corpusDir, file));
    // a law as the national database publishes it: markdown with a head of history lines
    await copyFile(CIVIL_CODE_FIXTURE, join(corpusDir, 'civil-code.md'));

    const [webDist] = await Promise.all([
      ensureWebBuild(),
      buildIndex({ corpusDir, indexDir: join(tmp, 'index'), embedder: 'builtin', warn: () => {} }),
    ]);
    index = await loadIndex(join(tmp, 'index'));
    ({ server, base } = await listen(createApp(index, { webDist })));
    browser = await launchChromium();
    await mkdir(ARTIFACTS_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (server) await close(server);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** A page in a fresh context that records script errors and dialogs: a passage that ran as HTML would show up here. */
  async function open(viewport = DESKTOP, { bypassCSP = false } = {}) {
    // bypassCSP only for the accessibility check, whose script the page's CSP rightly refuses
    const context = await browser.newContext({ viewport, baseURL: base, permissions: ['clipboard-read', 'clipboard-write'], bypassCSP });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    return { page, problems, close: () => context.close() };
  }

  async function getDoc(id: string): Promise<DocBody> {
    const res = await fetch(`${base}/api/docs/${encodeURIComponent(id)}`);
    expect(res.status).toBe(200);
    return (await res.json()) as DocBody;
  }

  /** The clause's top edge lies inside the viewport, below the sticky citation bar. */
  function topInViewport(page: Page, id: string): Promise<boolean> {
    return page.evaluate((clauseId) => {
      const el = document.getElementById(clauseId);
      if (!el) return false;
      const { top } = el.getBoundingClientRect();
      return top >= 0 && top < window.innerHeight / 2;
    }, id);
  }

  async function expectTarget(page: Page, id: string) {
    await page.locator(`[id="${id}"].is-target`).waitFor();
    // a smooth scroll on a loaded machine can take seconds
    await expect.poll(() => topInViewport(page, id), { timeout: 15_000 }).toBe(true);
    expect(await page.locator('.is-target').count()).toBe(1);
  }

  const readClipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

  it('asks a question, opens the clause, copies its citation and link, and goes back', async () => {
    const { page, problems, close } = await open();
    await page.goto('/');
    const box = page.getByRole('searchbox');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('q');
    const question = '我们买了新设备，贷款利息能补吗？';
    await box.fill(question);
    await box.press('Enter');
    await page.locator('.result').first().waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe(question);
    expect(await page.locator('.result mark').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS_DIR}/search-desktop.png`, fullPage: true, animations: 'disabled' });

    // "/" brings the cursor back to the box from anywhere on the page
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');

    const first = page.locator('.result').first();
    const href = await first.locator('a.open-link').getAttribute('href');
    const match = /^\/doc\/([^#]+)#(.+)$/.exec(href ?? '');
    expect(match, `查看原文 link: ${href}`).not.toBeNull();
    const [, docId = '', clauseId = ''] = match!;
    const doc = await getDoc(decodeURIComponent(docId));
    const citation = citeClause(doc.document, clauseId, doc.clauses);
    expect(citation.startsWith('《')).toBe(true);
    // the card's 复制引用 copies what the reader's gives for that clause
    await first.getByRole('button', { name: /^复制引用/ }).click();
    await page.getByText(`已复制：${citation}`).waitFor();
    expect(await readClipboard(page)).toBe(citation);
    const answer = (await first.locator('strong.answer').first().textContent())?.trim();
    await first.getByRole('link', { name: /^查看原文/ }).click();
    await page.waitForURL(`**/doc/${docId}#${clauseId}`);
    await expectTarget(page, clauseId);
    // the reader keeps the search: its words are marked in the clause, its answer in bold
    expect(await page.locator('.is-target mark').count()).toBeGreaterThan(0);
    if (answer) expect(await page.locator('.is-target strong.answer').first().textContent()).toBe(answer);
    await page.screenshot({ path: `${ARTIFACTS_DIR}/reader-emphasis.png`, animations: 'disabled' });

    await page.evaluate(() => navigator.clipboard.writeText(''));
    await page.getByRole('button', { name: '复制引用' }).click();
    await expect.poll(() => readClipboard(page)).toBe(citation);

    await page.getByRole('button', { name: '复制链接' }).click();
    await expect.poll(() => readClipboard(page)).toBe(`${base}/doc/${docId}#${clauseId}`);

    await page.goBack();
    await page.locator('.result').first().waitFor();
    expect(await page.getByRole('searchbox').inputValue()).toBe(question);
    expect(problems).toEqual([]);
    await close();
  });

  it('goes back to the results as they were: same place on the page, no new request', async () => {
    const { page, problems, close } = await open();
    await page.goto(`/?${new URLSearchParams({ q: '企业 奖励', k: '30' })}`);
    await page.locator('.result').nth(7).waitFor();
    const later = page.locator('.result').nth(7);
    await later.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 120));
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(300);
    let searches = 0;
    page.on('request', (r) => {
      if (r.url().includes('/api/search')) searches++;
    });
    // where the page stood when it was left: at the moment the reader's address is pushed
    await page.evaluate(() => {
      const push = window.history.pushState.bind(window.history);
      window.history.pushState = (...args: Parameters<History['pushState']>) => {
        (window as unknown as { clickedAt: number }).clickedAt = window.scrollY;
        push(...args);
      };
    });
    await later.getByRole('link', { name: /^查看原文/ }).click();
    await page.waitForURL('**/doc/**');
    const clickedAt = await page.evaluate(() => (window as unknown as { clickedAt: number }).clickedAt);
    expect(clickedAt).toBeGreaterThan(300);
    await page.goBack();
    await page.locator('.result').nth(7).waitFor();
    // back where it was (the link's focus may have nudged the page a line), with the result in view
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(clickedAt - 100);
    expect(Math.abs((await page.evaluate(() => window.scrollY)) - clickedAt)).toBeLessThanOrEqual(100);
    expect(await page.locator('.result').nth(7).isVisible()).toBe(true);
    const box = await page.locator('.result').nth(7).boundingBox();
    expect(box!.y).toBeGreaterThan(-box!.height);
    expect(box!.y).toBeLessThan(900);
    expect(searches).toBe(0);
    expect(problems).toEqual([]);
    await close();
  });

  it('shows the document a query names as a card, then what the rest of the query finds, or says it is not there', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const { page, problems, close } = await open(viewport);
      for (const q of ['湘政发〔2026〕6号', '湘政发2026 6号', '永政发〔2025〕2号']) {
        await page.goto(`/?${new URLSearchParams({ q })}`);
        const card = page.locator('.doc-card');
        await card.waitFor();
        const expected = q.startsWith('永') ? '永州市推动先进制造业高质量发展若干措施' : '湖南省推进新型工业化和制造强省建设“十五五”规划';
        expect(await card.locator('.result-title').textContent(), q).toBe(expected);
        expect(await card.locator('.doc-number').textContent()).toMatch(/〔20\d\d〕\d号/);
        // the measures' 解读 is named on the card and opens in the reader
        if (q.startsWith('永')) expect(await card.locator('.doc-links').getByRole('link', { name: /解读/ }).getAttribute('href')).toBe(`/doc/${MEASURES}-2`);
      }
      await page.screenshot({ path: `${ARTIFACTS_DIR}/doc-card-${viewport.width}.png`, animations: 'disabled' });
      await page.goto(`/?${new URLSearchParams({ q: '湘政发〔2026〕6号 贴息' })}`);
      await page.locator('.doc-card').waitFor();
      expect(await page.getByRole('note').filter({ hasText: '没有与“贴息”直接相关的条款' }).count()).toBe(1);
      // search within the document from its card
      await page.locator('.doc-card input').fill('人工智能');
      await page.locator('.doc-card').getByRole('button', { name: '检索' }).click();
      await page.waitForURL(/doc=hunan-15th-five-year-manufacturing-plan/);
      // the previous answer stays on screen while the new one loads: wait for the new one
      await expect
        .poll(async () => {
          const titles = await page.locator('.result .result-title').allTextContents();
          return titles.length > 0 && titles.every((t) => t.includes('十五五'));
        })
        .toBe(true);
      expect(problems).toEqual([]);
      await close();
    }
  });

  it('names a result’s neighbour written alike, with the wording, and opens it in the reader', async () => {
    const { page, problems, close } = await open();
    await page.goto(`/?${new URLSearchParams({ q: '新入统规上工业企业 一次性奖励' })}`);
    await page.locator('.result').first().waitFor();
    const alike = page.locator('.result-alike').first();
    expect(await alike.textContent()).toMatch(/与本条写有相同文字（“.{20,}”），引用前请核对/u);
    const neighbour = alike.getByRole('link').first();
    const name = (await neighbour.textContent()) ?? '';
    expect(name).toMatch(/^[一二三四五六七八九十]+、（[一二三四五六七八九十]+）$/u);
    await alike.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS_DIR}/search-alike.png`, animations: 'disabled' });
    await neighbour.click();
    // the reader opens at that clause
    await page.locator('.is-target').waitFor();
    expect(await page.locator('.is-target').textContent()).toContain(name.replace(/^.*?(（[一二三四五六七八九十]+）)$/u, '$1'));
    expect(problems).toEqual([]);
    await close();
  });

  it('ranks the measure above its 解读, shows 本条解读 under it, and links the two clauses in the reader', async () => {
    const { page, problems, close } = await open();
    await page.goto(`/?${new URLSearchParams({ q: '设备更新 贴息' })}`);
    await page.locator('.result').first().waitFor();
    const measure = page.locator('.result').filter({ has: page.locator('.linked-clause summary', { hasText: '本条解读' }) }).first();
    await measure.locator('summary').click();
    expect(await measure.locator('.linked-clause p').textContent()).toMatch(/^三是支持企业设备更新/);
    const titles = await page.locator('.result .result-title').allTextContents();
    const firstMeasure = titles.indexOf('永州市推动先进制造业高质量发展若干措施');
    const firstInterpretation = titles.findIndex((t) => t.includes('解读'));
    expect(firstMeasure).toBeGreaterThanOrEqual(0);
    if (firstInterpretation >= 0) expect(firstMeasure).toBeLessThan(firstInterpretation);
    await page.screenshot({ path: `${ARTIFACTS_DIR}/interpretation.png`, animations: 'disabled' });
    // in the reader: the measure's clause leads to its 解读, and back
    await measure.getByRole('link', { name: /^查看原文/ }).click();
    await page.locator('.is-target').getByRole('link', { name: '本条解读 →' }).click();
    await page.locator('.is-target').getByRole('link', { name: '解读的条款 →' }).waitFor();
    expect(await page.locator('.is-target').textContent()).toContain('三是支持企业设备更新');
    expect(problems).toEqual([]);
    await close();
  });

  it('filters to clauses in force with one click, saying how many it hides', async () => {
    const { page, problems, close } = await open();
    // on by default when most documents have a known status
    const health = (await (await fetch(`${base}/api/health`)).json()) as { documents: number; statuses: Record<string, number> };
    const byDefault = (health.statuses['现行有效'] ?? 0) + (health.statuses['已失效'] ?? 0) >= 0.8 * health.documents;
    await page.goto(`/?${new URLSearchParams({ q: '企业 任职 措施' })}`);
    await page.locator('.result').first().waitFor();
    const toggle = page.getByRole('checkbox', { name: '仅现行有效' });
    expect(await toggle.isChecked()).toBe(byDefault);
    await page.goto(`/?${new URLSearchParams({ q: '企业 任职 措施', all: '1' })}`);
    await page.locator('.result').first().waitFor();
    expect(await toggle.isChecked()).toBe(false);
    await toggle.click();
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await page.locator('.result').first().waitFor();
    // polled: the checkbox turns before the filtered results replace the unfiltered ones
    await expect.poll(() => page.locator('.result .badge').allTextContents()).toSatisfy((badges: string[]) => badges.every((b) => b.includes('现行有效')));
    await expect.poll(() => page.locator('.hidden-count').textContent()).toMatch(/另有 \d+ 条已失效或效力未知的条款未显示/);
    await page.getByRole('button', { name: '显示全部' }).click();
    await expect.poll(() => toggle.isChecked()).toBe(false);
    expect(problems).toEqual([]);
    await close();
  });

  it('opens a deep link cold, cites the clause exactly, and follows the outline', async () => {
    const doc = await getDoc(MEASURES);
    const clause = doc.clauses.find((c) => c.label === '（三）' && c.heading === '支持企业设备更新');
    const other = doc.clauses.find((c) => c.label === '（五）');
    expect(clause, 'the measures have clause 三、（三）').toBeDefined();
    expect(other).toBeDefined();

    const { page, problems, close } = await open();
    await page.goto(`/doc/${MEASURES}#${clause!.id}`);
    await expectTarget(page, clause!.id);
    await expect.poll(() => page.title()).toContain('永州市推动先进制造业高质量发展若干措施');
    await page.screenshot({ path: `${ARTIFACTS_DIR}/reader-desktop.png`, animations: 'disabled' });
    await page.getByRole('button', { name: '复制引用' }).click();
    await expect
      .poll(() => readClipboard(page))
      .toBe('《永州市推动先进制造业高质量发展若干措施》（永政发〔2025〕2号）三、（三）');

    await page.locator('.outline').getByRole('link', { name: /^（五）/ }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe(`#${other!.id}`);
    await expectTarget(page, other!.id);

    // a hash typed into the address bar moves the highlight too
    await page.evaluate((id) => (window.location.hash = id), clause!.id);
    await expectTarget(page, clause!.id);
    expect(problems).toEqual([]);
    await close();
  });

  it('opens a law at its article: the head shows its history, the outline its 编 and 章, the citation the article', async () => {
    const doc = await getDoc('civil-code');
    const article = doc.clauses.find((c) => c.label === '第一千条')!;
    expect(article.path).toEqual(['第四编 人格权', '第一章 一般规定']);

    const { page, problems, close } = await open();
    await page.goto(`/doc/civil-code#${article.id}`);
    // the excerpt is short: the article is marked, though the page cannot scroll it to the top
    await page.locator(`[id="${article.id}"].is-target`).waitFor();
    const history = page.locator('.reader-head .doc-history');
    expect(await history.textContent()).toContain('2020年5月28日 第十三届全国人民代表大会第三次会议通过');
    expect(await page.locator('.reader-head .validity').textContent()).toBe('施行日期：2021-01-01');
    await page.locator('.outline').getByRole('link', { name: /第四编/ }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS_DIR}/reader-law.png`, animations: 'disabled' });
    await page.getByRole('button', { name: '复制引用' }).click();
    await expect.poll(() => readClipboard(page)).toBe('《中华人民共和国民法典》第一千条');
    await page.getByText('已复制：《中华人民共和国民法典》第一千条').waitFor();
    await page.getByRole('button', { name: '复制条文及出处' }).click();
    await expect.poll(() => readClipboard(page)).toBe(`${article.text}\n（《中华人民共和国民法典》第一千条）`);
    expect(problems).toEqual([]);
    await close();
  });

  it('links a measure and its 解读 both ways in the reader', async () => {
    const { page, problems, close } = await open();
    await page.goto(`/doc/${MEASURES}`);
    const link = page.locator('.reader-head .doc-links').getByRole('link', { name: '《永州市推进先进制造业高质量发展若干措施》解读' });
    await link.click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/doc/${MEASURES}-2`);
    await page.locator('.reader-head .doc-links').getByRole('link', { name: '《永州市推动先进制造业高质量发展若干措施》' }).waitFor();
    expect(await page.locator('.reader-head .badge').first().textContent()).toContain('现行有效');
    expect(problems).toEqual([]);
    await close();
  });

  it('passes axe with no serious or critical violation, has one h1 and shifts its layout by at most 0.1, on every page at both widths', async () => {
    const pages = ['/', `/?q=${encodeURIComponent('设备更新 贴息')}`, `/doc/${MEASURES}`, '/docs', '/doc/civil-code'];
    const found: string[] = [];
    const shifts: string[] = [];
    for (const viewport of [DESKTOP, PHONE]) {
      const { page, close } = await open(viewport, { bypassCSP: true });
      for (const path of pages) {
        await page.goto(path);
        await page.waitForLoadState('networkidle');
        await page.locator('main :is(.result, .reader-text, .doc-list, .hero)').first().waitFor();
        if ((await page.locator('h1').count()) !== 1) found.push(`${viewport.width}px ${path}: ${await page.locator('h1').count()} h1`);
        // cumulative layout shift since the page began loading (Chromium reports it to observers)
        const shift = await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              let total = 0;
              new PerformanceObserver((list) => {
                for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) if (!e.hadRecentInput) total += e.value;
              }).observe({ type: 'layout-shift', buffered: true });
              setTimeout(() => resolve(total), 300);
            }),
        );
        shifts.push(`${viewport.width}px ${path} ${shift.toFixed(3)}`);
        if (shift > 0.1) found.push(`${viewport.width}px ${path}: layout shift ${shift.toFixed(3)}`);
        await page.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
          const result = await axe.run(document, { resultTypes: ['violations'] });
          return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
        });
        for (const v of violations) found.push(`${viewport.width}px ${path}: ${v}`);
      }
      await close();
    }
    console.log(`[layout shift] ${shifts.join('; ')}`);
    expect(found).toEqual([]);
  });

  it('renders tables from the clause tree as <table>', async () => {
    const { page, close } = await open();
    await page.goto('/doc/hunan-15th-five-year-manufacturing-plan');
    const table = page.locator('.reader-text table').first();
    await table.waitFor();
    expect(await table.locator('th').first().textContent()).toBe('类别');
    // the " | "-joined lines the table was stored as are not shown as text
    expect(await page.locator('.reader-text p', { hasText: ' | ' }).count()).toBe(0);
    await close();
  });

  it('shows the empty state for a query nothing matches', async () => {
    const { page, problems, close } = await open();
    await page.goto('/?q=zzzzqqq');
    await page.getByRole('heading', { name: '没有找到相关条款' }).waitFor();
    expect(await page.locator('.result').count()).toBe(0);
    expect(problems).toEqual([]);
    await close();
  });

  it('says so when nothing matches well, setting the nearest clauses apart', async () => {
    const { page, problems, close } = await open();
    await page.goto(`/?${new URLSearchParams({ q: '量子纠缠 火星殖民' })}`);
    await page.getByRole('heading', { name: '未找到直接相关的条款' }).waitFor();
    expect(await page.getByRole('heading', { name: '相关度较低' }).count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS_DIR}/search-weak.png`, animations: 'disabled' });
    expect(problems).toEqual([]);
    await close();
  });

  it('shows markup in a passage as literal text, in results and in the reader', async () => {
    const { page, problems, close } = await open();
    for (const [query, literal] of [
      ['过滤网页脚本代码', '<script>alert(1)</script>'],
      ['过滤图片事件属性', '<img src=x onerror=alert(1)>'],
    ] as const) {
      await page.goto(`/?q=${encodeURIComponent(query)}`);
      const card = page.locator('.result', { hasText: literal }).first();
      await card.waitFor();
      expect(await card.locator('.passage').innerText()).toContain(literal);
    }
    await page.locator('.result', { hasText: '<img src=x onerror=alert(1)>' }).first().getByRole('link', { name: /^查看原文/ }).click();
    await page.locator('.is-target').waitFor();
    const text = await page.locator('.reader-text').innerText();
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('main script, main img').count()).toBe(0);
    expect(problems).toEqual([]);
    await close();
  });

  it('says so when semantic search is down and keyword results stand in', async () => {
    // the same index, with a query embedder that fails as an unloadable model would
    const real = index.embedder;
    const broken: Embedder = {
      info: real.info,
      embedPassages: (texts) => real.embedPassages(texts),
      fingerprint: () => real.fingerprint(),
      embedQuery: () => Promise.reject(new Error('model offline')),
    };
    const degraded = await listen(createApp({ ...index, embedder: broken }, { webDist: await ensureWebBuild() }));
    const { page, problems, close: closePage } = await open();
    try {
      await page.goto(`${degraded.base}/?q=${encodeURIComponent('设备更新 贴息')}`);
      await page.getByRole('note').filter({ hasText: '语义检索暂不可用' }).waitFor();
      expect(await page.locator('.result').count()).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    } finally {
      await closePage();
      await close(degraded.server);
    }
  });

  it('fits a 390 px phone screen', async () => {
    const { page, problems, close } = await open(PHONE);
    await page.goto(`/?q=${encodeURIComponent('设备更新 贴息')}`);
    await page.locator('.result').first().waitFor();
    const noSideScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(await noSideScroll()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS_DIR}/search-390.png`, fullPage: true, animations: 'disabled' });

    const href = await page.locator('.result a.open-link').first().getAttribute('href');
    await page.locator('.result a.open-link').first().click();
    const clauseId = decodeURIComponent(href!.split('#')[1] ?? '');
    await expectTarget(page, clauseId);
    expect(await noSideScroll()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS_DIR}/reader-390.png`, animations: 'disabled' });

    await page.goto('/docs');
    await page.locator('.doc-item').first().waitFor();
    expect(await page.locator('.doc-item').count()).toBeGreaterThanOrEqual(3);
    expect(await noSideScroll()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS_DIR}/docs-390.png`, fullPage: true, animations: 'disabled' });
    expect(problems).toEqual([]);
    await close();
  });

  it('follows the reading position in the outline, and opens the outline from a button on a phone', async () => {
    const doc = await getDoc('hunan-15th-five-year-manufacturing-plan');
    const deep = doc.clauses.filter((c) => c.label && c.heading)[15]!;
    for (const viewport of [DESKTOP, PHONE]) {
      const { page, problems, close } = await open(viewport);
      await page.goto('/doc/hunan-15th-five-year-manufacturing-plan');
      await page.locator('.reader-text .clause').first().waitFor();
      await page.evaluate((id) => window.scrollTo(0, document.getElementById(id)!.getBoundingClientRect().top + window.scrollY - 100), deep.id);
      await expect.poll(() => page.locator('.outline a.is-reading').getAttribute('data-clause')).toBe(deep.id);
      if (viewport === PHONE) {
        const before = await page.evaluate(() => window.scrollY);
        await page.getByRole('button', { name: '目录' }).click();
        const reading = page.locator('.outline a.is-reading');
        await expect.poll(() => reading.isVisible()).toBe(true);
        const box = (await reading.boundingBox())!;
        expect(box.y).toBeGreaterThanOrEqual(0);
        expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
        // the page stayed where it was
        expect(await page.evaluate(() => window.scrollY)).toBe(before);
        await page.screenshot({ path: `${ARTIFACTS_DIR}/reader-outline-390.png`, animations: 'disabled' });
        await reading.click();
        await expect.poll(() => page.locator('.outline').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      } else {
        expect(await page.getByRole('button', { name: '目录' }).isVisible()).toBe(false);
      }
      expect(problems).toEqual([]);
      await close();
    }
  });

  it('scrolls a wide table sideways on a phone, its first column and header in view, figures unbroken', async () => {
    const { page, problems, close } = await open(PHONE);
    await page.goto('/doc/hunan-15th-five-year-manufacturing-plan');
    const wrap = page.locator('.reader-text .table-wrap').first();
    await wrap.waitFor();
    await wrap.scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'the page itself does not scroll sideways').toBeLessThanOrEqual(390);
    const sizes = await wrap.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(sizes.scroll).toBeGreaterThan(sizes.client);
    const firstCell = wrap.locator('tbody tr').first().locator('td').first();
    const before = (await firstCell.boundingBox())!.x;
    await wrap.evaluate((el) => el.scrollBy(200, 0));
    await expect.poll(async () => (await firstCell.boundingBox())!.x).toBe(before);
    // a figure cell is one line high, whatever the column count
    const shortCells = wrap.locator('td.short');
    expect(await shortCells.count()).toBeGreaterThan(0);
    const wrapped = await shortCells.evaluateAll((cells) =>
      cells.slice(0, 20).filter((c) => {
        // more than one line box: the text's height exceeds one line
        const range = document.createRange();
        range.selectNodeContents(c);
        return range.getClientRects().length > 1;
      }).map((c) => (c as HTMLElement).innerText),
    );
    expect(wrapped).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS_DIR}/reader-table-390.png`, animations: 'disabled' });
    expect(problems).toEqual([]);
    await close();
  });
});
