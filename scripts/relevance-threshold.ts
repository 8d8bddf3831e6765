// npm run relevance [-- --laws-index DIR --dev-index DIR]
//
// Measures the relevance lines (server/relevance.ts) on every query set: for each query, whether
// its first correct result among the first ten (by the set's counting rule) is judged weak (below
// the result line, or among results that hold too little of the query), and whether off-topic
// queries get the empty state. `--line` and `--coverage` try other lines.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadIndex } from '../server/load-index.ts';
import { QUERY_COVERAGE_LINE, RELEVANCE_LINE, judgeResults, resultRelevanceText } from '../server/relevance.ts';
import { search, type SearchResult } from '../server/search.ts';
import { readQueries, scoreBy, type AnyQuery, type CountingRule } from './lib/evaluate.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'dev-index': { type: 'string', default: path.join(root, 'index') },
    'laws-index': { type: 'string', default: path.join(os.tmpdir(), 'policy-search-eval', 'laws-index') },
    line: { type: 'string' },
    coverage: { type: 'string' },
  },
});
const line = values.line !== undefined ? Number(values.line) : RELEVANCE_LINE;
const coverageLine = values.coverage !== undefined ? Number(values.coverage) : QUERY_COVERAGE_LINE;
// what the API judges, with the lines under test
const judge = (q: string, texts: string[]) => {
  const { relevance, weak } = judgeResults(q, texts, { result: line, coverage: coverageLine });
  return relevance.map((r, i) => ({ relevance: r, weak: weak[i]! }));
};

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
  '红烧肉怎么做才好吃',
  '怎样提高英语口语',
  '太阳系有几颗行星',
  '马拉松前一周怎么训练',
  '吉他和弦怎么按',
  '哪款扫地机器人好用',
  '熬夜后怎么恢复精神',
  '月球背面为什么看不见',
  '怎么给多肉植物浇水',
  '王者荣耀怎么上分',
  '如何挑选一个好西瓜',
  '海豚是怎么睡觉的',
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
    const judged = judge(query.query, res.results.map(resultText));
    if (judged.every((j) => j.weak)) nothingAbove++;
    if (outcome.rank === null) continue;
    answered++;
    const hit = judged[outcome.rank - 1]!;
    golds.push(hit.relevance);
    if (hit.weak) {
      below++;
      if (process.env.SHOW_LOW) console.log(`  weak ${hit.relevance.toFixed(2)} ${query.query} -> ${res.results[outcome.rank - 1]!.text.slice(0, 50)}`);
    }
  }
  golds.sort((a, b) => a - b);
  const q = (p: number) => golds[Math.floor(p * (golds.length - 1))]?.toFixed(2);
  console.log(
    `${set.name}: ${queries.length} queries, ${answered} with a correct result in the first ten; its relevance p2 ${q(0.02)}, p5 ${q(0.05)}, median ${q(0.5)}; ` +
      `judged weak (line ${line}, query coverage ${coverageLine}): ${below} (${pct(below, queries.length)} of queries); queries with no result above the lines: ${nothingAbove} (${pct(nothingAbove, queries.length)})`,
  );
  let empty = 0;
  for (const q of OFF_TOPIC) {
    const res = await search(index, { q, k: 10 });
    const judged = judge(q, res.results.map(resultText));
    if (judged.every((j) => j.weak)) empty++;
    else if (process.env.SHOW_LOW) console.log(`  off-topic answered: ${q}`);
  }
  console.log(`${set.name}: off-topic queries that get the empty state: ${empty} of ${OFF_TOPIC.length}`);
}
