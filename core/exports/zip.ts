/**
 * A minimal ZIP writer (deflate, no ZIP64, no encryption): enough for an .xlsx, which is a ZIP of
 * a few XML parts. Layout per PKWARE's APPNOTE.TXT §4.3: local headers and data, then the central
 * directory, then the end-of-central-directory record.
 * https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */
import { promisify } from 'node:util';
import { crc32, deflateRaw, deflateRawSync } from 'node:zlib';
import { InvalidInput } from '../errors.ts';

export interface ZipEntry {
  /** Path inside the archive, forward slashes, no leading slash. */
  name: string;
  data: Uint8Array;
}

// Without ZIP64 every size and offset is 32-bit and the entry count 16-bit (APPNOTE §4.4.8–4.4.22).
const MAX_32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;
// A fixed timestamp (1980-01-01 00:00, the DOS epoch) keeps the same input giving the same bytes.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
// Bit 11: names are UTF-8 (APPNOTE §4.4.4), so accented sheet names survive.
const FLAG_UTF8 = 0x0800;
const METHOD_DEFLATE = 8;
const VERSION = 20;

interface Written {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

function localHeader(w: Written): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(VERSION, 4);
  h.writeUInt16LE(FLAG_UTF8, 6);
  h.writeUInt16LE(METHOD_DEFLATE, 8);
  h.writeUInt16LE(DOS_TIME, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  h.writeUInt32LE(w.crc, 14);
  h.writeUInt32LE(w.compressed, 18);
  h.writeUInt32LE(w.size, 22);
  h.writeUInt16LE(w.name.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, w.name]);
}

function centralHeader(w: Written): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(VERSION, 4);
  h.writeUInt16LE(VERSION, 6);
  h.writeUInt16LE(FLAG_UTF8, 8);
  h.writeUInt16LE(METHOD_DEFLATE, 10);
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(w.crc, 16);
  h.writeUInt32LE(w.compressed, 20);
  h.writeUInt32LE(w.size, 24);
  h.writeUInt16LE(w.name.length, 28);
  // extra length, comment length, disk number, internal and external attributes: all zero.
  h.writeUInt32LE(w.offset, 42);
  return Buffer.concat([h, w.name]);
}

function endOfDirectory(count: number, size: number, offset: number): Buffer {
  const h = Buffer.alloc(22);
  h.writeUInt32LE(0x06054b50, 0);
  h.writeUInt16LE(count, 8);
  h.writeUInt16LE(count, 10);
  h.writeUInt32LE(size, 12);
  h.writeUInt32LE(offset, 16);
  return h;
}

/** The ZIP archive of `entries`, deflated, in the given order. */
export function zip(entries: readonly ZipEntry[]): Buffer {
  checkNames(entries);
  return assemble(entries, entries.map((e) => deflateRawSync(e.data)));
}

const deflateRawAsync = promisify(deflateRaw);

/** The same archive, each entry deflated on libuv's thread pool instead of the event loop. */
export async function zipAsync(entries: readonly ZipEntry[]): Promise<Buffer> {
  checkNames(entries);
  const deflated: Buffer[] = [];
  for (const e of entries) deflated.push(await deflateRawAsync(e.data));
  return assemble(entries, deflated);
}

function checkNames(entries: readonly ZipEntry[]): void {
  if (entries.length > MAX_ENTRIES) throw new InvalidInput(`zip: at most ${MAX_ENTRIES} entries`, { field: 'entries' });
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!entry.name || entry.name.startsWith('/') || seen.has(entry.name)) {
      throw new InvalidInput(`zip: bad or repeated entry name "${entry.name}"`, { field: 'name' });
    }
    seen.add(entry.name);
  }
}

function assemble(entries: readonly ZipEntry[], deflated: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  const written: Written[] = [];
  let offset = 0;
  for (const [i, entry] of entries.entries()) {
    const data = deflated[i]!;
    const w: Written = { name: Buffer.from(entry.name, 'utf8'), crc: crc32(entry.data), compressed: data.length, size: entry.data.length, offset };
    const header = localHeader(w);
    parts.push(header, data);
    written.push(w);
    offset += header.length + data.length;
    if (offset > MAX_32 || entry.data.length > MAX_32) throw new InvalidInput('zip: archive over 4 GiB needs ZIP64', { field: 'entries' });
  }
  const directory = Buffer.concat(written.map(centralHeader));
  return Buffer.concat([...parts, directory, endOfDirectory(written.length, directory.length, offset)]);
}
