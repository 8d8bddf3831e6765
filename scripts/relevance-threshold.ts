// npm run relevance [-- --laws-index DIR --dev-index DIR]
//
// Measures the relevance line (server/relevance.ts) on every query set: for each query, the
// relevance of its first correct result among the first ten (by the set's counting rule), and for
// off-topic queries the relevance of their best result. Prints the share of queries whose correct
// result falls below the line, and the share of off-topic queries that get the empty state.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadIndex } from '../server/load-index.ts';
import { RELEVANCE_LINE, relevanceOf, resultRelevanceText } from '../server/relevance.ts';
import { search, type SearchResult } from '../server/search.ts';
import { readQueries, scoreBy, type AnyQuery, type CountingRule } from './lib/evaluate.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'dev-index': { type: 'string', default: path.join(root, 'index') },
    'laws-index': { type: 'string', default: path.join(os.tmpdir(), 'policy-search-eval', 'laws-index') },
    line: { type: 'string' },
  },
});
const line = values.line !== undefined ? Number(values.line) : RELEVANCE_LINE;

// Questions no policy or law in these collections answers.
const OFF_TOPIC = [
  '量子纠缠 火星殖民',
  '如何烤出松软的戚风蛋糕',
  '梅西和C罗谁的进球更多',
  '黑洞的事件视界有多大',
  '猫咪为什么喜欢晒太阳',
  '推荐几部好看的科幻电影',
  '周杰伦的新专辑什么时候发行',
  '围棋的定式有哪些',
  '恐龙是怎么灭绝的',
  '咖啡豆烘焙程度怎么选',
  'Python列表推导式怎么写',
  '宇宙大爆炸之前有什么',
];

const sets: { name: string; queries: string; index: string; rule: CountingRule }[] = [
  { name: 'dev', queries: path.join(root, '../shared/eval/queries.dev.json'), index: values['dev-index']!, rule: 'gold-strings' },
  { name: 'laws', queries: path.join(root, '../shared/eval/laws-train.json'), index: values['laws-index']!, rule: 'gold-articles' },
];

const resultText = (r: SearchResult) => resultRelevanceText(r);
const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)}%`;
for (const set of sets) {
  const index = await loadIndex(path.resolve(set.index));
  const queries: AnyQuery[] = await readQueries(set.queries, set.rule as never);
  const golds: number[] = [];
  let answered = 0;
  let below = 0;
  let nothingAbove = 0;
  for (const query of queries) {
    const res = await search(index, { q: query.query, k: 10 });
    const hits = res.results.map((r) => {
      const doc = index.documentsById.get(r.docId)!;
      return { text: r.text, answer: r.answer, docTitle: r.docTitle ?? '', source: doc.source, label: r.label, path: r.path };
    });
    const outcome = scoreBy(set.rule, query, hits, true);
    if (res.results.every((r) => relevanceOf(query.query, resultText(r)) < line)) nothingAbove++;
    if (outcome.rank === null) continue;
    answered++;
    const hit = res.results[outcome.rank - 1]!;
    const relevance = relevanceOf(query.query, resultText(hit));
    golds.push(relevance);
    if (relevance < line) {
      below++;
      if (process.env.SHOW_LOW) console.log(`  low ${relevance.toFixed(2)} ${query.query} -> ${hit.text.slice(0, 50)}`);
    }
  }
  golds.sort((a, b) => a - b);
  const q = (p: number) => golds[Math.floor(p * (golds.length - 1))]?.toFixed(2);
  console.log(
    `${set.name}: ${queries.length} queries, ${answered} with a correct result in the first ten; its relevance p2 ${q(0.02)}, p5 ${q(0.05)}, median ${q(0.5)}; ` +
      `below the line ${line}: ${below} (${pct(below, queries.length)} of queries); queries with no result above the line: ${nothingAbove} (${pct(nothingAbove, queries.length)})`,
  );
  let empty = 0;
  for (const q of OFF_TOPIC) {
    const res = await search(index, { q, k: 10 });
    const best = Math.max(0, ...res.results.map((r) => relevanceOf(q, resultText(r))));
    if (best < line) empty++;
  }
  console.log(`${set.name}: off-topic queries that get the empty state: ${empty} of ${OFF_TOPIC.length}`);
}
