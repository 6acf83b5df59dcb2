import { Crc64 } from './crc64';
import { RdbError } from './format';
import { lzfDecompress } from './lzf';
import { intsetEntries, listpackEntries, ziplistEntries, zipmapPairs } from './packed';
import { SHORT_ARG, shortLatin1 } from '../resp/parser';

/**
 * Thrown by a read past the bytes an open (still arriving) input holds: the reader rewinds to
 * the start of the record and tries again once more bytes came. Never escapes readRdb.
 */
export const NEED_MORE: Error = new Error('the RDB image has not arrived this far yet');

/**
 * A cursor over RDB bytes; every read is bounds-checked. An input can also grow while it is
 * read (a replica loading its master's image as it arrives): `append` adds bytes and, while
 * `open`, a read past the end throws NEED_MORE instead of RdbError.
 */
export class RdbInput {
  pos = 0;
  /** Bytes of `buf` that hold data. */
  end: number;
  /** More bytes may be appended. */
  open = false;
  /** Where the read that threw NEED_MORE would have ended. */
  wanted = 0;
  /** After NEED_MORE: read again once `end` reached this (see rewind). */
  resumeAt = 0;
  /** Set by lengthOrEncoding: the length it returned names a special string form. */
  private encoded = false;
  /** The CRC64 of the bytes before `summed` (see sumTo); made when first needed. */
  private crc: Crc64 | null = null;
  private summed = 0;

  constructor(public buf: Buffer) {
    this.end = buf.length;
  }

  /** An empty input that grows with `append` until `close`. */
  static growing(capacity: number): RdbInput {
    const input = new RdbInput(Buffer.allocUnsafe(Math.max(capacity, 1024)));
    input.end = 0;
    input.open = true;
    return input;
  }

  /**
   * Bytes arrived. A larger buffer is a copy: views handed out earlier (`raw`) keep the old one,
   * whose bytes never change.
   */
  append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.end + chunk.length));
      this.buf.copy(next, 0, 0, this.end);
      this.buf = next;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /**
   * Fold the bytes up to `pos` into the running checksum: a load in slices sums what each
   * slice read, so the image's checksum is not one pass over all of it at the end.
   */
  sumTo(pos: number): void {
    if (pos <= this.summed) return;
    (this.crc ??= new Crc64()).update(this.buf, this.summed, pos);
    this.summed = pos;
  }

  /** The CRC64 of the bytes before `pos` (at or after every position given to sumTo). */
  checksum(pos: number): Buffer {
    this.sumTo(pos);
    return (this.crc ?? new Crc64()).digest();
  }

  /** No more bytes will come: reading past the end is an error again. */
  close(): void {
    this.open = false;
  }

  /**
   * Rewind to `start` after NEED_MORE and note in `resumeAt` from how many bytes on trying
   * again is worth it: at least what the failed read wanted, and twice what the record had
   * read, so a record spanning many chunks is not parsed again for each one.
   */
  rewind(start: number): void {
    const failedAt = this.wanted;
    this.pos = start;
    this.resumeAt = Math.max(failedAt, start + 2 * (failedAt - start));
  }

  private need(n: number): void {
    if (this.pos + n <= this.end) return;
    if (this.open) {
      this.wanted = this.pos + n;
      throw NEED_MORE;
    }
    throw new RdbError(`unexpected end of data at offset ${this.pos} (truncated file?)`);
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  raw(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /**
   * rdbLoadLen: a length, or (with `encoded` set) the special string form an encoded length
   * names. A field rather than a tuple: this runs twice per key of a large load.
   */
  private lengthOrEncoding(): number {
    const b = this.byte();
    const kind = b >> 6;
    this.encoded = false;
    if (kind === 0) return b & 0x3f;
    if (kind === 1) return ((b & 0x3f) << 8) | this.byte();
    if (kind === 3) {
      this.encoded = true;
      return b & 0x3f;
    }
    if (b === 0x80) return this.raw(4).readUInt32BE(0);
    if (b === 0x81) {
      const hi = this.raw(8).readUInt32BE(0);
      if (hi > 0x1fffff) throw new RdbError('length out of range');
      return hi * 4294967296 + this.buf.readUInt32BE(this.pos - 4);
    }
    throw new RdbError(`unknown length encoding ${b} at offset ${this.pos - 1}`);
  }

  length(): number {
    const n = this.lengthOrEncoding();
    if (this.encoded) throw new RdbError(`unexpected string encoding at offset ${this.pos - 1}`);
    return n;
  }

  bufferString(): Buffer {
    const n = this.lengthOrEncoding();
    if (!this.encoded) return this.raw(n);
    switch (n) {
      case 0:
        return Buffer.from(String(this.raw(1).readInt8(0)), 'latin1');
      case 1:
        return Buffer.from(String(this.raw(2).readInt16LE(0)), 'latin1');
      case 2:
        return Buffer.from(String(this.raw(4).readInt32LE(0)), 'latin1');
      case 3: {
        const clen = this.length();
        const len = this.length();
        // Read first: NEED_MORE must pass the catch below untouched.
        const packed = this.raw(clen);
        try {
          return lzfDecompress(packed, len);
        } catch (e) {
          throw new RdbError((e as Error).message);
        }
      }
      default:
        throw new RdbError(`unknown string encoding ${n}`);
    }
  }

  string(): string {
    const start = this.pos;
    const n = this.lengthOrEncoding();
    if (this.encoded) {
      this.pos = start;
      const b = this.bufferString();
      return b.latin1Slice(0, b.length);
    }
    // The common case, a plain string: read in place, without a Buffer view per string, and
    // a short one without a call into the buffer binding (as the command parser reads them).
    this.need(n);
    const at = this.pos;
    this.pos += n;
    return n <= SHORT_ARG ? shortLatin1(this.buf, at, n) : this.buf.latin1Slice(at, at + n);
  }

  /** ZSET_2 scores: binary little-endian doubles. */
  binaryDouble(): number {
    return this.raw(8).readDoubleLE(0);
  }

  /** Old ZSET scores: a length byte (253 nan, 254 +inf, 255 -inf) and ASCII. */
  asciiDouble(): number {
    const n = this.byte();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    return parseScore(this.raw(n).toString('latin1'));
  }
  
  /** A 64-bit length as two unsigned 32-bit halves (module type ids). */
  length64(): [hi: number, lo: number] {
    const b = this.byte();
    if (b !== 0x81) {
      this.pos--;
      return [0, this.length()];
    }
    const raw = this.raw(8);
    return [raw.readUInt32BE(0), raw.readUInt32BE(4)];
  }

  /** A signed 64-bit little-endian integer (expiry times), without BigInt. */
  millis(): number {
    const raw = this.raw(8);
    return raw.readInt32LE(4) * 4294967296 + raw.readUInt32LE(0);
  }

  /** A length, then that many strings (RDB_TYPE_LIST, RDB_TYPE_SET). */
  strings(): string[] {
    const n = this.length();
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.string());
    return out;
  }

  /** A string holding a ziplist: its entries. */
  ziplist(): string[] {
    const blob = this.bufferString();
    return packed(() => ziplistEntries(blob));
  }

  /** A string holding a listpack: its entries. */
  listpack(): string[] {
    const blob = this.bufferString();
    return packed(() => listpackEntries(blob));
  }

  /** A string holding an intset: its members in decimal. */
  intset(): string[] {
    const blob = this.bufferString();
    return packed(() => intsetEntries(blob));
  }

  /** A string holding a zipmap: its pairs. */
  zipmap(): [string, string][] {
    const blob = this.bufferString();
    return packed(() => zipmapPairs(blob));
  }

  /** RDB_TYPE_LIST_QUICKLIST(_2): nodes of ziplists, or of listpacks and plain elements. */
  quicklist(v2: boolean): string[] {
    const nodes = this.length();
    const items: string[] = [];
    for (let i = 0; i < nodes; i++) {
      // QUICKLIST_2 nodes say whether they hold one plain element (1) or a listpack (2).
      const container = v2 ? this.length() : 2;
      if (container === 1) items.push(this.string());
      else if (container === 2) for (const e of v2 ? this.listpack() : this.ziplist()) items.push(e);
      else throw new RdbError(`unknown quicklist container ${container}`);
    }
    return items;
  }
}

function packed<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new RdbError((e as Error).message);
  }
}

/** Flat [a, b, c, d] as [[a, b], [c, d]]: packed hashes and sorted sets. */
export function pairs(flat: string[]): [string, string][] {
  if (flat.length % 2 !== 0) throw new RdbError('odd number of elements in a packed hash or sorted set');
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

/** strtod as Redis applies it to scores ("inf", "-inf", "1.5e10"). */
export function parseScore(s: string): number {
  const l = s.toLowerCase();
  if (l === 'inf' || l === '+inf' || l === 'infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  const v = Number(s);
  if (Number.isNaN(v)) throw new RdbError(`bad score '${s}'`);
  return v;
}
