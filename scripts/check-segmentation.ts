// npm run check:segmentation [-- --corpus DIR] [--json]
//
// Measures segmentation and metadata of a corpus of markdown or text files against what the files
// themselves print, independently of the cleaning code: every line that begins with an article
// label (第X条, 第X条之N) should be an article clause of its own with that exact label, under the
// 编/分编/章/节 headings printed above it; no clause may carry masthead debris; and the report
// counts how many documents have each metadata field. Used on ../shared/laws/corpus.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCorpus } from '../ingest/load-corpus.ts';
import type { Clause, PolicyDocument } from '../ingest/types.ts';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: path.resolve('../shared/laws/corpus') },
    json: { type: 'boolean', default: false },
    misses: { type: 'string', default: '20' },
  'by-file': { type: 'boolean', default: false },
  },
});

const NUM = '[〇零一二三四五六七八九十百千两\\d]+';
const ARTICLE_LINE = new RegExp(`^(第${NUM}条(?:之[一二三四五六七八九十]+)?)(?=\\s|\\S)`);
const LEVELS: [RegExp, number][] = [
  [new RegExp(`^第${NUM}编`), 0],
  [new RegExp(`^第${NUM}分编`), 1],
  [new RegExp(`^第${NUM}章`), 2],
  [new RegExp(`^第${NUM}节`), 3],
];
const compact = (s: string) => s.normalize('NFKC').replace(/[\s#]+/g, '');

const corpusDir = path.resolve(values.corpus!);
const t0 = performance.now();
const corpus = await loadCorpus(corpusDir, { today: '2026-11-26' });
const parseSeconds = (performance.now() - t0) / 1000;

const bySource = new Map<string, PolicyDocument[]>();
for (const d of corpus.documents) bySource.set(d.source, [...(bySource.get(d.source) ?? []), d]);

let expected = 0;
let exact = 0;
let pathOk = 0;
const misses: string[] = [];
const pathMisses: string[] = [];
const pathMissFiles = new Map<string, number>();
let debris = 0;
const debrisExamples: string[] = [];

for (const file of corpus.files.filter((f) => f.ok)) {
  const raw = (await readFile(path.join(corpusDir, file.source), 'utf8')).replace(/\r\n?/g, '\n');
  const docs = bySource.get(file.source) ?? [];
  const articles: Clause[] = docs.flatMap((d) => d.clauses.filter((c) => c.kind === 'article'));
  // the date lines of the masthead (between the title and the marker): history, never clause text
  const infoEnd = raw.indexOf('<!-- INFO END -->');
  const masthead = (infoEnd > 0 ? raw.slice(0, infoEnd) : '')
    .split('\n')
    .slice(1)
    .map(compact)
    .filter((l) => l.length >= 8 && /^[（(]?(?:19|20)\d{2}年/.test(l));
  for (const d of docs) {
    for (const c of d.clauses) {
      const fields = [c.text, c.heading ?? '', ...c.path];
      const bad = fields.find((f) => /<!--|INFO END|#/.test(f) || masthead.some((m) => compact(f).includes(m)));
      if (bad !== undefined) {
        debris++;
        if (debrisExamples.length < 10) debrisExamples.push(`${file.source}: ${bad.slice(0, 60)}`);
      }
    }
  }
  let cursor = 0;
  const heads: (string | null)[] = [null, null, null, null];
  for (const rawLine of raw.split('\n')) {
    const line = rawLine.replace(/^\s*#{1,6}\s*/, '').trim();
    // an unlabelled heading the file marks with #'s ("## 附 则") stands at a chapter's rank
    const marked = /^\s*#{2,6}\s/.test(rawLine) || /^[总分附]\s*则$/.test(line) ? ([/./, 2] as [RegExp, number]) : undefined;
    const level = LEVELS.find(([re]) => re.test(line)) ?? marked;
    if (level) {
      heads[level[1]] = compact(line);
      for (let k = level[1] + 1; k < heads.length; k++) heads[k] = null;
      continue;
    }
    const m = ARTICLE_LINE.exec(line);
    if (!m) continue;
    expected++;
    const label = m[1]!;
    const want = compact(line).slice(0, 40);
    // in order: the next article clause with this label and this text
    let found = -1;
    for (let k = cursor; k < articles.length && k < cursor + 50; k++) {
      if (articles[k]!.label === label && compact(articles[k]!.text).startsWith(want)) {
        found = k;
        break;
      }
    }
    if (found < 0) {
      if (misses.length < Number(values.misses)) misses.push(`${file.source}: ${line.slice(0, 50)}`);
      continue;
    }
    cursor = found + 1;
    exact++;
    const wantPath = heads.filter((h): h is string => h !== null);
    const gotPath = articles[found]!.path.map(compact);
    if (gotPath.join('>') === wantPath.join('>')) pathOk++;
    else {
      pathMissFiles.set(file.source, (pathMissFiles.get(file.source) ?? 0) + 1);
      if (pathMisses.length < Number(values.misses)) pathMisses.push(`${file.source} ${label}: want ${wantPath.join('>') || '(none)'}; got ${articles[found]!.path.join('>') || '(none)'}`);
    }
  }
}

// An article's item that holds a paragraph after its own sentence ends ("（五）…的。" + "单位犯前款罪的…"):
// a later 款 of the article taken into its last item.
let itemsWithLaterParagraph = 0;
const laterParagraphExamples: string[] = [];
for (const d of corpus.documents) {
  const kinds = new Map(d.clauses.map((c) => [c.id, c.kind]));
  for (const c of d.clauses) {
    if (c.kind !== 'numbered' || kinds.get(c.parentId ?? '') !== 'article' || !/。\n(?![（(]?[一二三四五六七八九十\d]+[）)、.．])/.test(c.text.trimEnd())) continue;
    itemsWithLaterParagraph++;
    if (laterParagraphExamples.length < 5) laterParagraphExamples.push(`${d.source} ${c.path.at(-1)}${c.label}: ${c.text.slice(0, 60).replace(/\n/g, ' / ')}`);
  }
}

const docs = corpus.documents;
const share = (n: number) => `${n} (${((100 * n) / Math.max(1, docs.length)).toFixed(1)}%)`;
const ids = docs.map((d) => d.id);
const statuses = new Map<string, number>();
for (const d of docs) statuses.set(d.status, (statuses.get(d.status) ?? 0) + 1);
const result = {
  corpus: corpusDir,
  parseSeconds: Number(parseSeconds.toFixed(1)),
  files: corpus.files.length,
  skipped: corpus.files.filter((f) => !f.ok).length,
  documents: docs.length,
  uniqueIds: new Set(ids).size === ids.length,
  articleLines: expected,
  articleClauses: exact,
  articleShare: Number((exact / Math.max(1, expected)).toFixed(5)),
  pathShare: Number((pathOk / Math.max(1, exact)).toFixed(5)),
  clausesWithDebris: debris,
  itemsWithLaterParagraph,
  title: share(docs.filter((d) => d.title).length),
  issuer: share(docs.filter((d) => d.issuer).length),
  date: share(docs.filter((d) => d.date).length),
  validFrom: share(docs.filter((d) => d.validFrom).length),
  statuses: Object.fromEntries(statuses),
};
if (values.json) console.log(JSON.stringify({ ...result, misses, pathMisses, debrisExamples, laterParagraphExamples }, null, 1));
else {
  console.table(result);
  if (misses.length) console.log(`article lines that are no article clause of their own (first ${misses.length}):\n  ${misses.join('\n  ')}`);
  if (pathMissFiles.size) console.log(`files with wrong paths: ${pathMissFiles.size}; most: ${[...pathMissFiles].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([f, n]) => `${f} ${n}`).join(', ')}`);
  if (pathMisses.length) console.log(`articles with a wrong path (first ${pathMisses.length}):\n  ${pathMisses.join('\n  ')}`);
  if (laterParagraphExamples.length) console.log(`items holding a later paragraph of their article (first ${laterParagraphExamples.length}):\n  ${laterParagraphExamples.join('\n  ')}`);
  if (debrisExamples.length) console.log(`clauses with masthead debris (first ${debrisExamples.length}):\n  ${debrisExamples.join('\n  ')}`);
}
