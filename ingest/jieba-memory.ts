// jieba builds its dictionary (some 350,000 words) inside its WebAssembly memory the first time it
// is used: half a second of every server start and every build. The memory as it stands right
// after that build is kept in a file and copied into the next process's fresh instance instead:
// the same bytes, so the same dictionary, for the price of reading 60 MB from the disk's cache.
//
// The file is a cache (node_modules/.cache/policy-clause-search/), named by a hash of jieba's
// WebAssembly file, written whole or not at all. One that cannot be read, or that does not give
// jieba's own answer to a probe sentence, is removed, and jieba builds its dictionary as before.
// The probe is asked both ways jieba answers: as words, and as tokens with their places, which
// come back through the values jieba's JavaScript side lends it. A memory kept by a process that
// had used jieba before (as two copies of the product in one process would) still segments the
// probe into the right words, but its tokens come back without their word.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { threadId } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import * as crypto from 'node:crypto';
import * as jieba from 'jieba-wasm';

const PAGE = 65536;
/** Segmented after a restore and compared with what jieba said when the memory was kept. */
const PROBE = '中华人民共和国政府采购法实施条例第十二条规定的专精特新中小企业';

let started = false;

/**
 * jieba with its dictionary built, from the kept memory where there is one (`file`: where it is
 * kept). Call before any other use of jieba; later calls do nothing. Says how jieba started.
 */
export function startJieba(file?: string): 'restored' | 'built' | 'started before' {
  if (started) return 'started before';
  started = true;
  const exports = (jieba as unknown as { __wasm?: Record<string, unknown> }).__wasm ?? {};
  const { memory } = exports;
  // the table of JavaScript values lent to WebAssembly, which grows with the first calls
  const table = Object.values(exports).find((e) => e instanceof WebAssembly.Table);
  let kept: string | null = file ?? null;
  try {
    kept ??= memoryFile();
  } catch {
    // no cache folder to be had: jieba builds its dictionary
  }
  const instance = memory instanceof WebAssembly.Memory && table instanceof WebAssembly.Table ? { memory, table } : null;
  if (instance !== null && kept !== null && restore(instance, kept)) return 'restored';
  jieba.cut('预热', true);
  if (instance !== null && kept !== null) keep(instance, kept);
  return 'built';
}

interface Instance {
  memory: WebAssembly.Memory;
  table: WebAssembly.Table;
}

/** What is kept beside the memory: the table's length then, and jieba's answers to the probe. */
interface Kept {
  table: number;
  probe: string;
  tokens: string;
}

function memoryFile(): string {
  const main = createRequire(import.meta.url).resolve('jieba-wasm');
  const wasm = readFileSync(join(dirname(main), 'jieba_rs_wasm_bg.wasm'));
  const name = `jieba-${crypto.createHash('sha1').update(wasm).digest('hex').slice(0, 16)}.memory`;
  // main is node_modules/jieba-wasm/pkg/nodejs/jieba_rs_wasm.js
  return join(dirname(main), '..', '..', '..', '.cache', 'policy-clause-search', name);
}

function probe(): string {
  return jieba.cut(PROBE, true).join(' ');
}

function probeTokens(): string {
  return JSON.stringify(jieba.tokenize(PROBE, 'search', true));
}

function keep({ memory, table }: Instance, file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    // a build's threads may each keep it at once
    const temporary = `${file}.${process.pid}-${threadId}.tmp`;
    writeFileSync(temporary, new Uint8Array(memory.buffer));
    const kept: Kept = { table: table.length, probe: probe(), tokens: probeTokens() };
    writeFileSync(`${file}.json`, JSON.stringify(kept));
    renameSync(temporary, file);
  } catch {
    // a cache that cannot be written only costs the next start its half second
  }
}

function restore({ memory, table }: Instance, file: string): boolean {
  let kept: Kept;
  let fd: number;
  try {
    kept = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as Kept;
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  const fresh = new Uint8Array(memory.buffer).slice();
  let restored = false;
  try {
    const size = fstatSync(fd).size;
    if (size % PAGE !== 0 || size < fresh.length || !(kept.table >= table.length) || typeof kept.probe !== 'string' || typeof kept.tokens !== 'string') return false;
    memory.grow((size - fresh.length) / PAGE);
    const view = new Uint8Array(memory.buffer);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, view, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    if (at !== size) return false;
    // the slots the memory counts on (their values are set as they are lent)
    if (kept.table > table.length) table.grow(kept.table - table.length);
    restored = probe() === kept.probe && probeTokens() === kept.tokens;
    return restored;
  } catch {
    return false;
  } finally {
    closeSync(fd);
    if (!restored) {
      // the fresh instance's bytes back, the rest as a grown memory starts: zero
      const view = new Uint8Array(memory.buffer);
      view.set(fresh);
      view.fill(0, fresh.length);
      rmSync(file, { force: true });
    }
  }
}
