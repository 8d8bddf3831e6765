// The steps of the ranking (docs/SEARCH.md, "How search ranks"), each of which `npm run eval --
// --ablate` switches off in turn, the rest left as shipped: what each brings, on every query set.
// A step is switched off through the setting that weighs it, or by taking its learned table out
// of use.
import { KEYWORD_LEG } from '../../server/corpus-priors.ts';
import { useFirstPlaceModel } from '../../server/first-place.ts';
import { useLearnedExpansions } from '../../server/learned-expansions.ts';
import { QUERY_MAP } from '../../server/query-map.ts';
import { FUSION } from '../../server/search.ts';

export interface Ablation {
  /** The step, as docs/SEARCH.md names it. */
  name: string;
  /**
   * Switches the step off; returns what switches it on again. Called again whenever the learned
   * tables in use change (a fold's, or the shipped ones), since a table step is one of them.
   */
  off: () => () => void;
}

/** Sets target[key] to value; returns what sets it back. */
function setting<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): () => void {
  const before = target[key];
  target[key] = value;
  return () => {
    target[key] = before;
  };
}

const settings =
  (...changes: (() => () => void)[]) =>
  () => {
    const restores = changes.map((change) => change());
    return () => restores.reverse().forEach((restore) => restore());
  };

export const ABLATIONS: Ablation[] = [
  { name: 'question and function words weigh nothing', off: () => setting(KEYWORD_LEG, 'dropAsking', false) },
  { name: 'the question part of a query that compares, counted twice', off: () => setting(FUSION, 'focusWeight', 0) },
  { name: 'numbers searched both ways', off: () => setting(FUSION, 'numeralWeight', 0) },
  { name: 'the thesaurus\'s official words (keyword leg)', off: () => setting(FUSION, 'expansionWeight', 0) },
  {
    name: 'learned expansions',
    off: () => {
      useLearnedExpansions(null);
      // the tables in use are put back by whoever set them (a fold's); alone, the shipped ones
      return () => useLearnedExpansions(undefined);
    },
  },
  { name: 'the words of what similar questions cite', off: () => setting(FUSION, 'feedbackWeight', 0) },
  { name: 'citation prior', off: () => setting(KEYWORD_LEG, 'citationPrior', 0) },
  { name: 'article prior', off: () => setting(KEYWORD_LEG, 'articlePrior', 0) },
  {
    name: 'learned priors (articles and laws)',
    off: settings(
      () => setting(KEYWORD_LEG, 'learnedArticles', 0),
      () => setting(KEYWORD_LEG, 'learnedDocuments', 0),
    ),
  },
  { name: 'sections (hierarchical ranking)', off: () => setting(KEYWORD_LEG, 'sectionLevel', 0) },
  {
    name: 'vector leg',
    off: settings(
      () => setting(FUSION, 'vectorWeight', 0),
      () => setting(FUSION, 'builtinVectorWeight', 0),
    ),
  },
  { name: 'agreement trust (a fixed vector weight instead)', off: () => setting(FUSION, 'adaptive', false) },
  { name: 'the built-in embedder\'s query map', off: () => setting(QUERY_MAP, 'use', false) },
  { name: 'one sentence that holds the question', off: () => setting(FUSION, 'sentenceWeight', 0) },
  { name: 'a named region weighs more', off: () => setting(FUSION, 'regionWeight', 0) },
  { name: 'what similar questions cite, placed', off: () => setting(FUSION, 'suggestedPlaces', []) },
  {
    name: 'which of one law\'s first results comes first',
    off: () => {
      useFirstPlaceModel(null);
      return () => useFirstPlaceModel(undefined);
    },
  },
];
