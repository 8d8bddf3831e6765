// Bigger corpora for the scale series, made from the seed corpus. Copy 0 is the seed files
// themselves; every further copy is each seed document's cleaned text, varied so the index does not
// just hold duplicates: place names rotated, years shifted, other numbers rescaled, synonyms swapped
// and the sentences after the first of each paragraph shuffled (the first carries the clause label
// and heading, so the clause tree keeps its shape). Copies are written as .txt files so the real
// ingest reads, cleans and segments them like any corpus.
//
// The vocabulary still grows far slower than in a real corpus of that size (the copies share their
// wording); the series measures how the index scales with passages, not with vocabulary.
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listCorpusFiles, loadCorpus } from '../../ingest/load-corpus.ts';

const CITIES = ['永州', '湖州', '长沙', '株洲', '湘潭', '衡阳', '邵阳', '岳阳', '常德', '益阳', '郴州', '怀化', '娄底', '嘉兴', '绍兴', '赣州'];
const PROVINCES = ['湖南', '广东', '浙江', '江西', '湖北', '广西', '福建', '四川', '安徽', '河南'];
const SYNONYMS: [string, string][] = [
  ['支持', '扶持'],
  ['推动', '推进'],
  ['加快', '加速'],
  ['提升', '提高'],
  ['培育', '培养'],
  ['鼓励', '引导'],
  ['实施', '推行'],
  ['打造', '建设'],
  ['加强', '强化'],
  ['奖励', '奖补'],
  ['重点', '重要'],
];

/** mulberry32: small, seeded, good enough to vary text. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alternation = (words: string[]) => new RegExp([...words].sort((a, b) => b.length - a.length).map(escape).join('|'), 'gu');

function rotation(names: string[], random: () => number): Map<string, string> {
  const shuffled = shuffle([...names], random);
  return new Map(names.map((name, i) => [name, shuffled[i]!]));
}

const SENTENCE_END = /(?<=[。！？；])/u;
const SYNONYM_OF = new Map(SYNONYMS.flatMap(([a, b]) => [[a, b] as const, [b, a] as const]));
const SYNONYM_PATTERN = alternation([...SYNONYM_OF.keys()]);
// Years are shifted, not rescaled, so they stay years; digits next to Latin letters (5G, AES100) are names.
const NUMBER = /(?<![A-Za-z\d.])\d+(?:\.\d+)?(?![A-Za-z\d])/gu;

/** The text of copy `copy` (>= 1) of a cleaned document: same structure, different wording and figures. */
export function varyText(text: string, copy: number): string {
  const random = seededRandom(0x5eed + copy * 7919);
  const cities = rotation(CITIES, random);
  const provinces = rotation(PROVINCES, random);
  const places = new Map([...cities, ...provinces]);
  const yearShift = (copy % 9) - 4 || 5;
  const scale = 0.5 + random();

  const lines = text.split('\n').map((line) => {
    if (line.includes(' | ')) return line; // a table row: cells stay in order
    const sentences = line.split(SENTENCE_END);
    if (sentences.length < 3) return line;
    return [sentences[0]!, ...shuffle(sentences.slice(1), random)].join('');
  });
  return lines
    .join('\n')
    .replace(alternation([...places.keys()]), (name) => places.get(name)!)
    .replace(SYNONYM_PATTERN, (word) => (random() < 0.5 ? SYNONYM_OF.get(word)! : word))
    .replace(NUMBER, (digits) => {
      const n = Number(digits);
      if (/^(19|20)\d\d$/u.test(digits)) return String(n + yearShift);
      const decimals = digits.split('.')[1]?.length ?? 0;
      return decimals > 0 ? (n * scale).toFixed(decimals) : String(Math.max(1, Math.round(n * scale)));
    });
}

export interface SyntheticCorpus {
  dir: string;
  files: number;
  bytes: number;
}

/** Writes `scale` copies of the seed corpus into outDir (created): the seed files, then scale - 1 varied copies. */
export async function writeSyntheticCorpus(seedDir: string, outDir: string, scale: number): Promise<SyntheticCorpus> {
  await mkdir(outDir, { recursive: true });
  const seedFiles = await listCorpusFiles(seedDir);
  let bytes = 0;
  for (const name of seedFiles) {
    await copyFile(join(seedDir, name), join(outDir, name));
    bytes += (await stat(join(seedDir, name))).size;
  }
  let files = seedFiles.length;
  if (scale > 1) {
    const { documents } = await loadCorpus(seedDir);
    for (let copy = 1; copy < scale; copy++) {
      for (const doc of documents) {
        const text = varyText(doc.text, copy);
        bytes += Buffer.byteLength(text);
        await writeFile(join(outDir, `c${String(copy).padStart(3, '0')}-${doc.id}.txt`), text);
        files++;
      }
    }
  }
  return { dir: outDir, files, bytes };
}
