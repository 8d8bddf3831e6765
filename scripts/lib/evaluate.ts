// Runs one system over a query set and scores it by the counting rule: metrics overall and per
// kind, and for every query whose first result is not correct, what came first instead.
import { readFile } from 'node:fs/promises';
import {
  scoreArticleQuery,
  scoreQuery,
  summarizeByKind,
  type ArticleQuery,
  type EvalQuery,
  type Metrics,
  type QueryOutcome,
  type RankedText,
} from './eval-metrics.ts';

/** A result as the report shows it; `path`, `label` and `answer` only where the system has them. */
export interface EvalHit extends RankedText {
  docTitle: string;
  /** The corpus file of the result's document: the article rule needs it. */
  source?: string;
  label?: string | null;
  path?: string[];
}

/** Which counting rule a query set is scored by (../shared/eval/README.md). */
export type CountingRule = 'gold-strings' | 'gold-articles';
export type AnyQuery = EvalQuery | ArticleQuery;

/** Scores one query's hits by the set's rule. */
export function scoreBy(rule: CountingRule, query: AnyQuery, hits: readonly EvalHit[], hasAnswers: boolean): QueryOutcome {
  return rule === 'gold-strings'
    ? scoreQuery(query as EvalQuery, hits, hasAnswers)
    : scoreArticleQuery(
        query as ArticleQuery,
        hits.map((h) => ({ ...h, source: h.source ?? '' })),
        hasAnswers,
      );
}

export interface Miss {
  id: string;
  kind: string;
  query: string;
  /** Rank of the first correct result, null when none of the first ten is. */
  rank: number | null;
  first: { docTitle: string; path: string[]; text: string } | null;
}

export interface SystemReport {
  name: string;
  metrics: Metrics;
  byKind: Record<string, Metrics>;
  outcomes: QueryOutcome[];
  misses: Miss[];
}

export const PREVIEW_CHARS = 60;

export async function readQueries(file: string): Promise<EvalQuery[]>;
export async function readQueries(file: string, rule: 'gold-articles'): Promise<ArticleQuery[]>;
export async function readQueries(file: string, rule?: CountingRule): Promise<AnyQuery[]>;
export async function readQueries(file: string, rule?: CountingRule): Promise<AnyQuery[]> {
  const data: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!Array.isArray(data)) throw new Error(`${file}: expected a JSON array of queries`);
  return data.map((q: Partial<EvalQuery>, i) => {
    if (typeof q.id !== 'string' || typeof q.query !== 'string' || !Array.isArray(q.gold) || q.gold.length === 0) {
      throw new Error(`${file}: query ${i} needs id, query and a non-empty gold list`);
    }
    // gold of the other rule's kind would score nothing: refused, not measured
    if (rule === 'gold-articles' && !q.gold.every((g: unknown) => isGoldArticle(g))) throw new GoldKindError(`${file}: query ${q.id} has a gold that is not an article ({ file, article, text })`);
    if (rule === 'gold-strings' && !q.gold.every((g: unknown) => typeof g === 'string')) throw new GoldKindError(`${file}: query ${q.id} has a gold that is not a string`);
    return { ...q, kind: q.kind ?? 'other' } as AnyQuery;
  });
}

/** A query file whose gold is of the other counting rule's kind. */
export class GoldKindError extends Error {}

function isGoldArticle(g: unknown): boolean {
  return typeof g === 'object' && g !== null && ['file', 'article', 'text'].every((k) => typeof (g as Record<string, unknown>)[k] === 'string');
}

export async function evaluateSystem(
  name: string,
  queries: readonly AnyQuery[],
  run: (query: string, asked: AnyQuery) => Promise<EvalHit[]>,
  { hasAnswers, rule = 'gold-strings' }: { hasAnswers: boolean; rule?: CountingRule },
): Promise<SystemReport> {
  const outcomes: QueryOutcome[] = [];
  const misses: Miss[] = [];
  for (const q of queries) {
    const hits = await run(q.query, q);
    const outcome = scoreBy(rule, q, hits, hasAnswers);
    outcomes.push(outcome);
    if (outcome.rank !== 1) {
      const top = hits[0];
      misses.push({
        id: q.id,
        kind: q.kind,
        query: q.query,
        rank: outcome.rank,
        first: top ? { docTitle: top.docTitle, path: top.path ?? [], text: [...top.text.replace(/\s+/gu, '')].slice(0, PREVIEW_CHARS).join('') } : null,
      });
    }
  }
  const { all, byKind } = summarizeByKind(outcomes);
  return { name, metrics: all, byKind, outcomes, misses };
}
