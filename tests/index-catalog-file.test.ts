import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CatalogError, packDocument, passagePacker, unpackCatalog, writeTexts, type PackedDocument, type PackedPassages } from '../ingest/catalog-file.ts';
import { linkDocuments } from '../ingest/link-documents.ts';
import { parseFile } from '../ingest/parse-corpus.ts';
import type { Passage, PolicyDocument } from '../ingest/types.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seeds = path.join(root, 'corpus');
const lawsExcerpt = path.join(root, 'tests', 'fixtures', 'laws-trademark-validity.md');

/** The seeds and a laws excerpt as the build has them before writing: parsed and linked. */
async function corpus(): Promise<{ documents: PolicyDocument[]; passages: Passage[] }> {
  const names = (await readdir(seeds)).filter((n) => n.endsWith('.txt')).sort();
  const parsed = [
    ...(await Promise.all(names.map((n) => parseFile(path.join(seeds, n), n, '2026-11-28')))),
    await parseFile(lawsExcerpt, 'laws-trademark-validity.md', '2026-11-28'),
  ];
  const documents = parsed.flatMap((p) => p.documents);
  linkDocuments(documents);
  return { documents, passages: parsed.flatMap((p) => p.passages) };
}

/** What the index files hold, through JSON as they are written and read. */
function written(documents: PolicyDocument[], passages: Passage[]): { docs: PackedDocument[]; texts: Buffer; lines: PackedPassages[] } {
  return {
    docs: documents.map((d) => JSON.parse(JSON.stringify(packDocument(d))) as PackedDocument),
    texts: Buffer.from(documents.map((d) => d.text).join(''), 'utf16le'),
    lines: ((packer) => packer.lines.map((from) => JSON.parse(JSON.stringify(packer.line(from))) as PackedPassages))(passagePacker(documents, passages)),
  };
}

describe('the index’s documents, texts and passages files', () => {
  it('give back every document, clause (tables, a 解读’s links) and passage as built, in index order', async () => {
    const { documents, passages } = await corpus();
    expect(documents.some((d) => d.clauses.some((c) => c.tables.length > 0))).toBe(true);
    expect(documents.some((d) => d.clauses.some((c) => c.explains !== undefined))).toBe(true);
    // an index updated in place keeps its old passages first: not in document order
    const order = [...passages.slice(40), ...passages.slice(0, 40)];
    // ids of another form than the clause's id and a number are kept whole
    order[3] = { ...order[3]!, id: 'a-passage-named-by-hand' };
    order[4] = { ...order[4]!, id: `${order[4]!.clauseId}:007` };
    const { docs, texts, lines } = written(documents, order);
    const back = unpackCatalog(docs, texts, lines);
    expect(back.documents).toEqual(documents);
    expect(back.passages).toEqual(order);
    expect(back.clausesById.get(documents[2]!.clauses[3]!.id)).toEqual(documents[2]!.clauses[3]);
    expect(back.documentsById.get(documents[1]!.id)!.title).toBe(documents[1]!.title);
    // each text is a slice of the document's: the clause's words as printed
    const clause = back.documents[0]!.clauses.find((c) => c.label !== null)!;
    expect(back.documents[0]!.text.slice(clause.start, clause.end)).toBe(clause.text);
    expect(clause.text.startsWith(clause.label!)).toBe(true);
  });

  it('keeps children in their own order where it is not the order of the clauses under a parent', async () => {
    const { documents, passages } = await corpus();
    const parent = documents[0]!.clauses.find((c) => c.childIds.length >= 2)!;
    parent.childIds = [...parent.childIds].reverse();
    const { docs, texts, lines } = written(documents, passages);
    expect(docs[0]!.clauses.children).toBeDefined();
    expect(docs[1]!.clauses.children).toBeUndefined();
    expect(unpackCatalog(docs, texts, lines).documents[0]!.clauses.find((c) => c.id === parent.id)!.childIds).toEqual(parent.childIds);
  });

  it('refuses a damaged file, naming which, instead of serving wrong text', async () => {
    const { documents, passages } = await corpus();
    const refused = (damage: (files: ReturnType<typeof written>) => void): CatalogError['file'] | 'accepted' => {
      const files = written(documents, passages);
      damage(files);
      try {
        unpackCatalog(files.docs, files.texts, files.lines);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(CatalogError);
        return (error as CatalogError).file;
      }
    };
    expect(refused(() => {})).toBe('accepted');
    expect(refused((f) => (f.texts = f.texts.subarray(0, f.texts.length - 200)))).toBe('texts');
    expect(refused((f) => (f.texts = Buffer.concat([f.texts, Buffer.from('多余', 'utf16le')])))).toBe('texts');
    expect(refused((f) => (f.docs[1]!.clauses.end[2] = f.docs[1]!.length + 5))).toBe('documents');
    expect(refused((f) => (f.docs[1]!.clauses.parent[2] = 9999))).toBe('documents');
    expect(refused((f) => f.docs[1]!.clauses.kind.pop())).toBe('documents');
    expect(refused((f) => (f.docs[2]!.clauses.id[0] = f.docs[1]!.clauses.id[0]!))).toBe('documents');
    expect(refused((f) => (f.lines[0]!.clause[5] = 99999))).toBe('passages');
    expect(refused((f) => (f.lines[0]!.end[5] = 1e9))).toBe('passages');
  });

  it('writes the texts in UTF-16 through gzip, a text longer than a piece of the stream whole', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'catalog-texts-'));
    try {
      const long = '第一条　为了规范政府采购行为，制定本法。'.repeat(40_000); // 800,000 characters
      const texts = ['湖州市', long, '', '附件：申报表', long.slice(0, 300_000)];
      const file = path.join(dir, 'texts.utf16.gz');
      await writeTexts(file, texts.map((text) => ({ text }) as PolicyDocument), 3);
      expect(gunzipSync(await readFile(file)).toString('utf16le')).toBe(texts.join(''));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to write a clause that names another document than its own', async () => {
    const { documents } = await corpus();
    documents[0]!.clauses[1]!.parentId = documents[1]!.clauses[0]!.id;
    expect(() => packDocument(documents[0]!)).toThrow(/is not one of its own/);
  });
});
