// The questions the benchmarks time search with: the laws' real questions or the seeds' dev queries.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The first `count` queries of a query set by name (laws: laws-train.json, dev: the seeds' queries.dev.json), from ../shared/eval beside `root`. */
export function benchQuestions(root: string, set: string, count: number): string[] {
  const files: Record<string, string> = {
    laws: path.join(root, '../shared/eval/laws-train.json'),
    dev: path.join(root, '../shared/eval/queries.dev.json'),
  };
  const file = files[set];
  if (file === undefined) throw new Error(`--queries is laws or dev; got "${set}"`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { query: string }[]).slice(0, count).map((q) => q.query);
}
