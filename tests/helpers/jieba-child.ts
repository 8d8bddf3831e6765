// A process of its own (its own jieba): starts jieba with the memory kept at argv[2], tokenizes
// argv[3] with a policy dictionary, and prints how jieba started and the tokens as JSON.
import { createChineseTokenizer } from '../../ingest/chinese-tokenizer.ts';
import { startJieba } from '../../ingest/jieba-memory.ts';

const [file, text] = process.argv.slice(2);
const how = startJieba(file);
const tokenizer = createChineseTokenizer({ dictionary: ['专精特新', '设备更新', '湘政发〔2026〕6号'] });
console.log(JSON.stringify({ how, tokens: tokenizer.tokenize(text!), words: tokenizer.words(text!) }));
