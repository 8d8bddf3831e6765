// npm run search -- "设备更新 贴息" [--k 5 --mode hybrid|keyword|vector --index DIR --json]
// The API's search, from a terminal: ranked clauses with their place and link.
import { parseArgs } from 'node:util';
import { ApiError } from './errors.ts';
import { loadIndex } from './load-index.ts';
import { search, type SearchMode } from './search.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    k: { type: 'string', default: '5' },
    mode: { type: 'string', default: 'hybrid' },
    index: { type: 'string', default: process.env.INDEX_DIR ?? 'index' },
    json: { type: 'boolean', default: false },
  },
});

try {
  const index = await loadIndex(values.index);
  const response = await search(index, { q: positionals.join(' '), k: Number(values.k), mode: values.mode as SearchMode });
  if (values.json) {
    console.log(JSON.stringify(response, null, 2));
  } else {
    const port = process.env.PORT ?? '3000';
    console.log(`${response.results.length} of ${response.total} clauses, ${response.mode}, ${response.tookMs} ms, embedder ${index.manifest.embedder.id}`);
    if (response.degraded) console.log(`(degraded: ${response.degraded})`);
    response.results.forEach((r, i) => {
      const where = [...r.path, `${r.label ?? ''}${r.heading ?? ''}`].filter((s) => s !== '').join(' › ');
      console.log(`\n${i + 1}. 《${r.docTitle ?? r.docId}》${r.docNumber ? `（${r.docNumber}）` : ''} ${where}`);
      console.log(`   答：${r.answer}`);
      console.log(`   http://localhost:${port}${r.url}`);
    });
  }
} catch (error) {
  console.error(error instanceof ApiError ? `${error.code}: ${error.message}` : (error as Error).message);
  process.exit(1);
}
