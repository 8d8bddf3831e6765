import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packParse, parseFile, unpackParse, type ParsedFile } from '../ingest/parse-corpus.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seeds = path.join(root, 'corpus');
const lawsExcerpt = path.join(root, 'tests', 'fixtures', 'laws-trademark-validity.md');

async function parses(): Promise<ParsedFile[]> {
  const names = (await readdir(seeds)).filter((n) => n.endsWith('.txt'));
  return [
    ...(await Promise.all(names.map((n) => parseFile(path.join(seeds, n), n, '2026-11-28')))),
    await parseFile(lawsExcerpt, 'laws-trademark-validity.md', '2026-11-28'),
  ];
}

describe('the build cache’s packed parse', () => {
  it('gives back every document, clause and passage as parsed, field by field and in the same order', async () => {
    for (const parsed of await parses()) {
      const back = unpackParse(JSON.parse(JSON.stringify(packParse(parsed))));
      expect(back, parsed.source).toEqual(parsed);
      // the same order of fields: the index files written from it are the same bytes
      expect(JSON.stringify(back), parsed.source).toBe(JSON.stringify(parsed));
    }
  });

  it('keeps fields it does not pack (a clause linked to the one it explains) and is a fraction of the parse', async () => {
    const [parsed] = await parses();
    const clause = parsed!.documents[0]!.clauses[1]!;
    clause.explains = 'elsewhere';
    clause.interpretations = ['a', 'b'];
    const packed = JSON.stringify(packParse(parsed!));
    const back = unpackParse(JSON.parse(packed));
    expect(back.documents[0]!.clauses[1]).toEqual(clause);
    expect(packed.length).toBeLessThan(JSON.stringify(parsed).length / 2);
  });

  it('refuses a passage outside its clause’s document rather than keep a wrong one', async () => {
    const [parsed] = await parses();
    parsed!.passages[0]!.docId = 'another';
    expect(() => packParse(parsed!)).toThrow(/outside its clause's document/);
  });
});
