// Honest relevance: how much of what the query asks for a result's text contains. Scores from the
// ranking are relative (the first result always scores highest, even for a query the collection
// cannot answer), so the page needs a measure it can compare with a fixed line: the share of the
// query's content bigrams (question and function words left out) found in the passage. Below the
// line a result is set apart as 相关度较低, and a query with nothing above it gets "未找到直接相关
// 的条款". The line is measured on every query set (scripts/relevance-threshold.ts, docs/SEARCH.md).
// An everyday word the thesaurus knows counts as found where the text says it officially: an
// article about the 出租人 holds the 房东 of "房东要涨房租".
import { everydayWords } from './policy-thesaurus.ts';

/**
 * A result below this share of the query is 相关度较低. Measured (npm run relevance, built-in
 * embedder): with the coverage line below, the first correct result of a query is judged weak on
 * 0% of the seeds' dev queries and 1.4% of laws-train's. The learned priors bring correct articles
 * that share few of a question's words into the first ten; at 0.1 they were 2.8% (docs/SEARCH.md).
 */
export const RELEVANCE_LINE = 0.05;

/**
 * A query whose words the first results hold less than this share of, all together, is one the
 * collection does not answer ("猫咪为什么喜欢晒太阳" finds 太阳 and nothing else): every result is
 * 相关度较低. 21 of 24 off-topic questions get the empty state on the seeds, 10 of 24 on the laws;
 * 2.7% of the laws questions do too (docs/SEARCH.md has other lines measured).
 */
export const QUERY_COVERAGE_LINE = 0.25;
/** How many of the first results the query coverage looks at. */
export const COVERAGE_DEPTH = 10;

// Words that ask rather than say what is asked about, longest first.
const ASKING =
  /请问|怎么办|怎么样|怎么|如何|为什么|什么样|什么|哪些|哪个|哪里|多少|是否|可不可以|可以|能不能|能否|需不需要|需要|应该|应当|有没有|有哪些|我们|你们|他们|我|你|他|她|吗|呢|吧|啊|了|的|地|得|着|过|是|有|在|和|与|及|或|被|把|给|对|向|从|就|都|也|还|又|要|会|能|该/g;

/** The query's content as character bigrams (single characters where a run is one character long). */
export function contentUnits(query: string): string[] {
  const runs = query.replace(ASKING, ' ').match(/[\p{Script=Han}]+|[A-Za-z0-9]+/gu) ?? [];
  const units = new Set<string>();
  for (const run of runs) {
    if (!/\p{Script=Han}/u.test(run) || run.length === 1) units.add(run.toLowerCase());
    else for (let i = 0; i + 1 < run.length; i++) units.add(run.slice(i, i + 2));
  }
  return [...units];
}

type Synonyms = ReturnType<typeof everydayWords>;

/** The query's everyday words with their official ones, but not those that ask (什么时候 -> 时间 is no content). */
const synonymsOf = (query: string): Synonyms => everydayWords(query).filter(({ word }) => word.replace(ASKING, '') === word);

/** Whether a unit of the query stands in an everyday word (or holds a one-character one) that the text says officially. */
const saidOfficially = (u: string, synonyms: Synonyms, haystack: string): boolean =>
  synonyms.some(({ word, official }) => (word.length === 1 ? u.includes(word) : word.includes(u)) && official.some((o) => haystack.includes(o)));

function coverage(units: readonly string[], haystack: string, synonyms: Synonyms): number {
  if (units.length === 0) return 1;
  let found = 0;
  for (const u of units) if (haystack.includes(u) || (synonyms.length > 0 && saidOfficially(u, synonyms, haystack))) found++;
  return found / units.length;
}

/** The query as what is asked: its keywords when typed apart as keywords, else the whole of it. */
function askedParts(query: string): string[][] {
  const keywords = query.trim().split(/\s+/).filter((k) => contentUnits(k).length > 0);
  if (keywords.length >= 2 && keywords.every((k) => k.length <= 8)) return keywords.map(contentUnits);
  return [contentUnits(query)];
}

/**
 * Share of the query's content units that the text contains, 0 to 1 (1 for a query with none).
 * Keywords typed apart ("设备更新 贴息", "量子纠缠 火星殖民") are each asked for: the text is as
 * relevant as its weakest keyword. A question in a sentence is judged as a whole.
 */
export function relevanceOf(query: string, text: string): number {
  return weakestCoverage(askedParts(query), text, synonymsOf(query));
}

function weakestCoverage(parts: readonly string[][], text: string, synonyms: Synonyms): number {
  const haystack = text.toLowerCase();
  return Math.min(...parts.map((units) => coverage(units, haystack, synonyms)));
}

/**
 * How each of a query's results (in rank order, as resultRelevanceText gives them) relates to it:
 * its relevance, and whether it is weak: below the line, or among results that together hold too
 * little of the query to answer it. `lines` other than the product's are for measuring them.
 */
export function judgeResults(
  query: string,
  texts: readonly string[],
  lines: { result: number; coverage: number } = { result: RELEVANCE_LINE, coverage: QUERY_COVERAGE_LINE },
): { relevance: number[]; weak: boolean[]; covered: number } {
  const parts = askedParts(query);
  const synonyms = synonymsOf(query);
  const relevance = texts.map((t) => weakestCoverage(parts, t, synonyms));
  const covered = weakestCoverage(parts, texts.slice(0, COVERAGE_DEPTH).join('\n'), synonyms);
  const weak = relevance.map((r) => r < lines.result || covered < lines.coverage);
  return { relevance, weak, covered };
}

/**
 * What a result says: its document's title, its place and its text (a query may name the law or
 * the chapter), and for a clause suggested by similar answered questions, those questions, shown
 * with it: the reason it is there; for a 刑法 article led by the crime the query names, that name.
 */
export function resultRelevanceText(r: {
  docTitle: string | null;
  path: readonly string[];
  label: string | null;
  heading: string | null;
  text: string;
  similarQuestions?: readonly string[];
  crimeName?: string;
}): string {
  return [r.docTitle ?? '', ...r.path, r.label ?? '', r.heading ?? '', r.text, ...(r.similarQuestions ?? []), r.crimeName ?? ''].join('\n');
}
