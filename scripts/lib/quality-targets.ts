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
