// A process of its own that uses jieba before starting it from the memory kept at argv[2] (there
// is none yet, so it builds and keeps one): as a second copy of the product in one process would.
import { add_word, tokenize } from 'jieba-wasm';
import { startJieba } from '../../ingest/jieba-memory.ts';

const [file] = process.argv.slice(2);
tokenize('谁可以成为个体工商户？', 'search', true);
add_word('政府采购法');
console.log(startJieba(file));
