// The quality bar of issue 6, checked against an eval run: hybrid search with the built-in
// embedder must clear fixed floors and beat both reference baselines.
import type { Metrics } from './eval-metrics.ts';

/** The README's figures for the baselines on the 40 dev queries (answer@1 is not defined for them). */
export const README_REFERENCE: { name: string; metrics: Omit<Metrics, 'queries' | 'answer1'> }[] = [
  { name: 'README reference: BM25', metrics: { mrr10: 0.766, recall1: 0.625, recall5: 0.925, recall10: 0.95 } },
  { name: 'README reference: Orama', metrics: { mrr10: 0.639, recall1: 0.5, recall5: 0.8, recall10: 0.875 } },
];

export interface TargetCheck {
  target: string;
  value: string;
  /** null: not measured in this run. */
  met: boolean | null;
}

export const metText = (met: boolean | null): string => (met === null ? 'not measured' : met ? 'yes' : 'NO');

export function checkQualityTargets(hybrid: Metrics, baselines: { name: string; metrics: Metrics }[]): TargetCheck[] {
  const f = (x: number | null) => (x === null ? '—' : x.toFixed(3));
  const checks: TargetCheck[] = [
    { target: 'hybrid MRR@10 >= 0.85', value: f(hybrid.mrr10), met: hybrid.mrr10 >= 0.85 },
    { target: 'hybrid Recall@5 >= 0.95', value: f(hybrid.recall5), met: hybrid.recall5 >= 0.95 },
    { target: 'hybrid answer@1 >= 0.70', value: f(hybrid.answer1), met: (hybrid.answer1 ?? 0) >= 0.7 },
  ];
  for (const b of baselines) {
    checks.push(
      { target: `MRR@10 above ${b.name}`, value: `${f(hybrid.mrr10)} vs ${f(b.metrics.mrr10)}`, met: hybrid.mrr10 > b.metrics.mrr10 },
      { target: `Recall@1 above ${b.name}`, value: `${f(hybrid.recall1)} vs ${f(b.metrics.recall1)}`, met: hybrid.recall1 > b.metrics.recall1 },
    );
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------
// Per query set (npm run eval): the bar of the real-questions work, for each set and its rule.

export type EvalSetName = 'dev' | 'laws';

/** The README's reference figures per set (../shared/eval/README.md), shown beside our own runs of the baselines. */
export const SET_REFERENCE: Record<EvalSetName, { name: string; metrics: Partial<Metrics> }[]> = {
  dev: README_REFERENCE,
  laws: [
    { name: 'README reference: naive RAG BM25', metrics: { mrr10: 0.403, recall1: 0.247, recall5: 0.454, recall10: 0.531, recall50: 0.695 } },
    { name: 'README reference: STARD BM25', metrics: { mrr10: 0.362, recall1: 0.209, recall5: 0.385, recall10: 0.449, recall50: 0.588 } },
  ],
};

export function checkSetTargets(
  set: EvalSetName,
  product: { mode: string; metrics: Metrics }[],
  baselines: { name: string; metrics: Metrics }[],
): TargetCheck[] {
  const hybrid = product.find((p) => p.mode === 'hybrid')?.metrics;
  if (hybrid === undefined) return [];
  const f = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(3));
  const checks: TargetCheck[] = [];
  const floor = (name: string, value: number | null | undefined, min: number) =>
    checks.push({ target: `hybrid ${name} >= ${min.toFixed(2)}`, value: f(value), met: value == null ? null : value >= min });
  if (set === 'dev') {
    floor('MRR@10', hybrid.mrr10, 0.88);
    floor('answer@1', hybrid.answer1, 0.8);
  } else {
    floor('MRR@10', hybrid.mrr10, 0.5);
    floor('R@10', hybrid.recall10, 0.62);
    floor('R@50', hybrid.recall50, 0.8);
    const gap = hybrid.cited1 == null || hybrid.hit1 === undefined ? null : hybrid.hit1 - hybrid.cited1;
    checks.push({ target: 'cited@1 within 0.01 of hit@1', value: `${f(hybrid.cited1)} vs ${f(hybrid.hit1)}`, met: gap === null ? null : gap <= 0.01 + 1e-9 });
  }
  const others = [
    ...product.filter((p) => p.mode === 'keyword').map((p) => ({ name: 'keyword', metrics: p.metrics })),
    ...baselines,
  ];
  for (const o of others) {
    for (const [label, key] of [
      ['MRR@10', 'mrr10'],
      ['R@1', 'recall1'],
      ['R@10', 'recall10'],
    ] as const) {
      checks.push({ target: `hybrid ${label} >= ${o.name}`, value: `${f(hybrid[key])} vs ${f(o.metrics[key])}`, met: hybrid[key] >= o.metrics[key] - 1e-9 });
    }
  }
  return checks;
}
