// The files inside a zip archive (OFD and XLSX are zips of XML), read from its central
// directory. Call it after read-file.ts's checkZip has bounded the entry count and the
// decompressed size; each entry is still inflated with a cap, never trusting the size it declares.
import { inflateRawSync } from 'node:zlib';

export interface ZipEntries {
  names(): string[];
  /** An entry's bytes, or null when there is no such entry. Names are matched without a leading '/' and case-insensitively. */
  read(name: string): Buffer | null;
}

export function zipEntries(bytes: Buffer, maxEntryBytes: number): ZipEntries {
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw new Error('not a zip archive');
  const count = bytes.readUInt16LE(eocd + 10);
  const entries = new Map<string, { name: string; method: number; compressed: number; local: number }>();
  let at = bytes.readUInt32LE(eocd + 16);
  for (let n = 0; n < count && at + 46 <= bytes.length && bytes.readUInt32LE(at) === 0x02014b50; n++) {
    const nameLength = bytes.readUInt16LE(at + 28);
    const utf8 = (bytes.readUInt16LE(at + 8) & 0x800) !== 0;
    const rawName = bytes.subarray(at + 46, at + 46 + nameLength);
    // names are UTF-8 when flagged; tools on Chinese Windows write them in GBK, which latin1 keeps intact enough to match ASCII paths
    const name = (utf8 ? rawName.toString('utf8') : rawName.toString('latin1')).replace(/\\/g, '/').replace(/^\/+/, '');
    entries.set(name.toLowerCase(), { name, method: bytes.readUInt16LE(at + 10), compressed: bytes.readUInt32LE(at + 20), local: bytes.readUInt32LE(at + 42) });
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return {
    names: () => [...entries.values()].map((e) => e.name),
    read(name: string): Buffer | null {
      const entry = entries.get(name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase());
      if (!entry) return null;
      const { local, method, compressed } = entry;
      if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) throw new Error(`zip entry ${entry.name} is damaged`);
      const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
      const data = bytes.subarray(start, Math.min(bytes.length, start + compressed));
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data, { maxOutputLength: Math.max(1, maxEntryBytes) });
      throw new Error(`zip entry ${entry.name} uses compression method ${method}`);
    },
  };
}
