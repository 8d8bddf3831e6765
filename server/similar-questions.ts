// Articles that answered questions like this one cite. A question in people's own words shares
// few words with the article a lawyer would cite ("孩子在学校被打伤了" and 第一千二百零一条), but it
// often shares many with questions that were asked before and answered; their cited articles are
// a good guess for it. An office's log of answered questions is the table: each question with the
// articles (corpus file and 第X条) its answer cites. For a query, the most similar questions are
// found (tf-idf cosine over the character bigrams of what is asked, how it is asked left out, as
// relevance.ts reads a query), each cited article is scored by
// the summed similarity of the questions citing it, and an article counts only when at least
// two of those questions cite it: no single answer is repeated, and a question whose text is
// the query's own is not its own neighbour (its answer alone would be). `npm run learn:expansions`
// writes the table and measures it on questions it was not learned from, `npm run eval` by
// cross-validation (docs/SEARCH.md); the files of another corpus match nothing in it.
import shipped from './answered-questions.json' with { type: 'json' };
import { contentUnits } from './relevance.ts';

export interface AnsweredQuestions {
  about: string;
  source: { questions: string; count: number; learnedAt: string };
  /** [question, [corpus file, article label][]] */
  questions: [string, [string, string][]][];
}

export const SIMILAR_QUESTIONS = {
  /** How many of the most similar answered questions are read. */
  neighbours: 80,
  /** An article is suggested when at least this many of them cite it. */
  minQuestions: 2,
};

type Answered = { query: string; gold: readonly { file: string; article: string }[] };

/** The table's rows from answered questions: each question with its cited articles, once each. */
export function answeredTable(questions: readonly Answered[]): AnsweredQuestions['questions'] {
  return questions.map((q) => {
    const cited = new Map(q.gold.map((g) => [`${g.file}\u0000${g.article.replace(/\s+/gu, '')}`, [g.file, g.article.replace(/\s+/gu, '')] as [string, string]]));
    return [q.query, [...cited.values()]];
  });
}

const compactText = (text: string) => text.normalize('NFKC').replace(/[\s\p{P}]+/gu, '');

interface Model {
  /** The table it was made from. */
  rows: AnsweredQuestions['questions'];
  /** Per question: its text, compacted, and its cited articles as `file\0article`. */
  questions: string[];
  texts: string[];
  cited: string[][];
  idf: Map<string, number>;
  /** bigram -> [question, its weight in that question's unit vector] */
  postings: Map<string, [number, number][]>;
  /** A query's cosine with each question, reused from query to query. */
  similarity: Float64Array;
}

/** tf-idf weights ((1 + log tf) × idf), scaled to unit length. */
function unitVector(grams: readonly string[], idf: (g: string) => number): Map<string, number> {
  const tf = new Map<string, number>();
  for (const g of grams) tf.set(g, (tf.get(g) ?? 0) + 1);
  const v = new Map<string, number>();
  let norm = 0;
  for (const [g, n] of tf) {
    const w = (1 + Math.log(n)) * idf(g);
    if (w <= 0) continue;
    v.set(g, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [g, w] of v) v.set(g, w / norm);
  return v;
}

function modelOf(rows: AnsweredQuestions['questions']): Model {
  const grams = rows.map(([q]) => contentUnits(q));
  const df = new Map<string, number>();
  for (const g of grams) for (const b of new Set(g)) df.set(b, (df.get(b) ?? 0) + 1);
  const idf = new Map([...df].map(([b, n]) => [b, Math.log(rows.length / n)]));
  const postings = new Map<string, [number, number][]>();
  grams.forEach((g, question) => {
    for (const [b, w] of unitVector(g, (x) => idf.get(x) ?? 0)) {
      const list = postings.get(b);
      if (list === undefined) postings.set(b, [[question, w]]);
      else list.push([question, w]);
    }
  });
  return {
    rows,
    questions: rows.map(([q]) => q),
    texts: rows.map(([q]) => compactText(q)),
    cited: rows.map(([, articles]) => articles.map(([file, article]) => `${file}\u0000${article}`)),
    idf,
    postings,
    similarity: new Float64Array(rows.length),
  };
}

let model: Model | null | undefined;

/** Replaces the table in use (null: none; undefined: the shipped one again), for cross-validation. */
export function useAnsweredQuestions(rows: AnsweredQuestions['questions'] | null | undefined): void {
  model = rows === undefined ? undefined : rows === null ? null : modelOf(rows);
}

function current(): Model | null {
  if (model === undefined) model = modelOf((shipped as AnsweredQuestions).questions);
  return model;
}

/** The table of answered questions in use (null: none). */
export function answeredRows(): AnsweredQuestions['questions'] | null {
  return current()?.rows ?? null;
}

/** How many of the questions that led to a suggested article are shown with it. */
const QUESTIONS_SHOWN = 3;

export interface SimilarArticle {
  /** `corpus file\0article label` */
  article: string;
  /** The answered questions among the neighbours that cite it, most similar first (at most QUESTIONS_SHOWN). */
  questions: string[];
  /** The summed similarity of the neighbours that cite it (each the cosine of its words with the query's). */
  score: number;
}

/**
 * The articles that answered questions most like q cite, best first: each scored by the summed
 * similarity of the neighbours citing it, kept when at least minQuestions do.
 */
export function similarArticles(q: string): SimilarArticle[] {
  const m = current();
  if (m === null) return [];
  const query = unitVector(contentUnits(q), (g) => m.idf.get(g) ?? 0);
  // each question's cosine, summed in an array the size of the table (the questions a query's
  // bigrams reach are hundreds: a map of them costs more than the sums)
  const similarity = m.similarity.fill(0);
  const reached: number[] = [];
  for (const [g, w] of query) {
    for (const [question, v] of m.postings.get(g) ?? []) {
      if (similarity[question] === 0) reached.push(question);
      similarity[question]! += w * v;
    }
  }
  const own = compactText(q);
  const neighbours = reached
    .filter((question) => m.texts[question] !== own)
    .map((question): [number, number] => [question, similarity[question]!])
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, SIMILAR_QUESTIONS.neighbours);
  const found = new Map<string, { score: number; citing: number[] }>();
  for (const [question, s] of neighbours) {
    for (const article of m.cited[question]!) {
      const f = found.get(article);
      if (f === undefined) found.set(article, { score: s, citing: [question] });
      else {
        f.score += s;
        f.citing.push(question);
      }
    }
  }
  return [...found]
    .filter(([, f]) => f.citing.length >= SIMILAR_QUESTIONS.minQuestions)
    .sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([article, f]) => ({ article, questions: f.citing.slice(0, QUESTIONS_SHOWN).map((i) => m.questions[i]!), score: f.score }));
}
