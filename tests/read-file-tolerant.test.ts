// Tolerant decoding: a few undecodable bytes cost only themselves (U+FFFD, counted in a warning);
// a file that is mostly undecodable is still refused; UTF-16 without a byte order mark is found
// by its byte pattern whatever the script.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { ReadError, readPolicyFile } from '../ingest/read-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'tolerant-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXT =
  '永州市人民政府关于推动先进制造业高质量发展的若干措施\n' +
  '一、支持企业设备更新。抢抓政策机遇，引导企业开展工业领域大规模设备更新，对符合条件的项目给予贴息。\n' +
  '二、强化要素保障。统筹安排用地指标，优先保障重点项目，落实税费减免政策，降低企业成本。\n'.repeat(5);

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** The text encoded, with a byte sequence no decoder accepts put in after each of the given characters. */
function withBadBytes(text: string, encoding: string, after: number[], bad: number[]): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (const at of after) {
    parts.push(iconv.encode(text.slice(from, at), encoding), Buffer.from(bad));
    from = at;
  }
  parts.push(iconv.encode(text.slice(from), encoding));
  return Buffer.concat(parts);
}

describe('tolerant decoding', () => {
  it('reads GBK with three bad byte pairs, replacing them and counting them in a warning', async () => {
    // 0x81 starts a pair that a space cannot end
    const path = write('gbk-bad.txt', withBadBytes(TEXT, 'gbk', [20, 60, 150], [0x81, 0x20]));
    const result = await readPolicyFile(path);
    expect(result.encoding).toBe('GB18030');
    expect(result.text).toContain('强化要素保障');
    expect(result.text).toContain('\uFFFD');
    expect(result.warnings.join(' ')).toMatch(/\b3 undecodable byte sequence/);
  });

  it('reads UTF-8 with one bad byte', async () => {
    const path = write('utf8-bad.txt', withBadBytes(TEXT, 'utf8', [30], [0xff]));
    const result = await readPolicyFile(path);
    expect(result.encoding).toBe('UTF-8');
    expect(result.text).toContain('统筹安排用地指标');
    expect(result.warnings.join(' ')).toMatch(/\b1 undecodable byte sequence/);
  });

  it('still refuses a file that is mostly undecodable', async () => {
    const bytes = Buffer.alloc(2000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 3 === 0 ? 0x41 : 0xff;
    const error = await readPolicyFile(write('mostly-bad.txt', bytes)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadError);
    expect((error as ReadError).code).toBe('UNDECODABLE');
  });

  it.each([
    ['Chinese only, little-endian', TEXT.replace(/\n/g, ''), 'utf16le', 'UTF-16LE'],
    ['Chinese only, big-endian', TEXT.replace(/\n/g, ''), 'utf16be', 'UTF-16BE'],
    ['Chinese with line breaks, big-endian', TEXT, 'utf16be', 'UTF-16BE'],
    ['Russian, little-endian', 'Постановление правительства о поддержке промышленности и обновлении оборудования.\n'.repeat(4), 'utf16le', 'UTF-16LE'],
    ['English, big-endian', 'Measures to support equipment renewal in manufacturing enterprises.\n'.repeat(4), 'utf16be', 'UTF-16BE'],
  ])('finds BOM-less UTF-16 by its byte pattern: %s', async (_name, text, order, encoding) => {
    const le = Buffer.from(text, 'utf16le');
    const bytes = order === 'utf16le' ? le : Buffer.from(le).swap16();
    const result = await readPolicyFile(write(`utf16-${order}-${text.length}.txt`, bytes));
    expect(result.encoding).toBe(encoding);
    expect(result.text).toBe(text);
    expect(result.warnings.join(' ')).toMatch(/no byte order mark/);
  });

  it('does not take GBK or UTF-8 Chinese without ASCII for UTF-16', async () => {
    const pure = TEXT.replace(/\n/g, '');
    expect((await readPolicyFile(write('pure-gbk.txt', iconv.encode(pure, 'gbk')))).encoding).toBe('GB18030');
    expect((await readPolicyFile(write('pure-utf8.txt', Buffer.from(pure, 'utf8')))).encoding).toBe('UTF-8');
  });
});
