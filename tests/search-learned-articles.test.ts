// Articles that answered questions keep citing are lifted for new questions: of two articles that
// share a question's words alike, the one several people's questions were answered by comes first.
// The table is learned from answered questions; an article one question cites is not in it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build-index.ts';
import { learnArticles, useLearnedArticles } from '../server/learned-articles.ts';
import { loadIndex, type EmbeddedIndex } from '../server/load-index.ts';
import { search } from '../server/search.ts';

// Two articles that share the question's words (房屋, 租赁, 合同) as often as each other.
const LAW = `中华人民共和国房屋测试法

第一条 房屋租赁合同应当采用书面形式，载明房屋的位置和租赁期限。
第二条 房屋租赁合同期满，承租人继续使用房屋的，原租赁合同继续有效。
第三条 出租人应当按照约定交付房屋。
`;

let scratch: string;
let index: EmbeddedIndex;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'learned-articles-'));
  await writeFile(path.join(scratch, '房屋测试法.md'), LAW);
  await writeFile(path.join(scratch, '其他规定.md'), '某市物业服务规定\n\n第一条 物业服务企业应当按照合同约定提供服务。\n');
  await buildIndex({ corpusDir: scratch, indexDir: path.join(scratch, 'index'), embedder: 'builtin', warn: () => {} });
  index = await loadIndex(path.join(scratch, 'index'));
}, 60_000);
afterAll(async () => {
  useLearnedArticles(undefined);
  await rm(scratch, { recursive: true, force: true });
});
afterEach(() => useLearnedArticles(undefined));

const labels = async (q: string) => (await search(index, { q })).results.map((r) => r.label);
const asked = (article: string) => ({ gold: [{ file: '房屋测试法.md', article }] });

describe('learned article priors', () => {
  it('lists an article only when at least two different questions cite it', () => {
    expect(learnArticles([asked('第二条'), asked('第二条'), asked('第一条'), { gold: [{ file: '房屋测试法.md', article: '第 二 条' }, { file: '房屋测试法.md', article: '第二条' }] }])).toEqual([
      ['房屋测试法.md', '第二条', 3],
    ]);
  });

  it('puts the article answered questions cite first among articles that match alike', async () => {
    useLearnedArticles(null);
    const without = await labels('房屋租赁合同');
    expect(without.slice(0, 2).sort()).toEqual(['第一条', '第二条']);
    const other = without[0] === '第一条' ? '第二条' : '第一条';

    useLearnedArticles(learnArticles([asked(other), asked(other), asked(other)]));
    expect((await labels('房屋租赁合同'))[0]).toBe(other);
  });

  it('does nothing for an article of another corpus or one cited once', async () => {
    useLearnedArticles(null);
    const without = await labels('房屋租赁合同');
    useLearnedArticles(learnArticles([{ gold: [{ file: '另一部法律.md', article: '第一条' }] }, { gold: [{ file: '另一部法律.md', article: '第一条' }] }, asked(without[1]!)]));
    expect(await labels('房屋租赁合同')).toEqual(without);
  });
});
