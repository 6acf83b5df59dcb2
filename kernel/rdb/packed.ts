import { uint64Decimal } from '../util/int64';

/**
 * Decoders for the compact encodings Redis puts inside RDB strings: ziplist, listpack,
 * intset and zipmap. Each returns the elements as binary strings (integers in decimal, as
 * Redis would print them). Bounds are checked: corrupt input throws, never reads past the end.
 */

function corrupt(what: string): Error {
  return new Error(`corrupt ${what}`);
}

function need(buf: Buffer, pos: number, n: number, what: string): void {
  if (pos + n > buf.length) throw corrupt(what);
}

/** A little-endian int64 in decimal, exactly, without BigInt. */
function int64LE(buf: Buffer, p: number): string {
  const hi = buf.readInt32LE(p + 4);
  const lo = buf.readUInt32LE(p);
  if (hi >= -0x200000 && hi < 0x200000) return String(hi * 4294967296 + lo);
  if (hi >= 0) return uint64Decimal(hi, lo);
  // The two's complement of a negative value, as unsigned halves.
  const nlo = (~lo + 1) >>> 0;
  const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
  return `-${uint64Decimal(nhi, nlo)}`;
}

/** ziplist: zlbytes, zltail, zllen, entries (prevlen, encoding, data), 0xff. */
export function ziplistEntries(buf: Buffer): string[] {
  const out: string[] = [];
  need(buf, 0, 11, 'ziplist');
  let p = 10;
  for (;;) {
    need(buf, p, 1, 'ziplist');
    if (buf[p] === 0xff) break;
    p += buf[p] === 0xfe ? 5 : 1;
    need(buf, p, 1, 'ziplist');
    const enc = buf[p];
    const kind = enc >> 6;
    if (kind !== 3) {
      let len: number;
      if (kind === 0) {
        len = enc & 0x3f;
        p += 1;
      } else if (kind === 1) {
        need(buf, p, 2, 'ziplist');
        len = ((enc & 0x3f) << 8) | buf[p + 1];
        p += 2;
      } else {
        need(buf, p, 5, 'ziplist');
        len = buf.readUInt32BE(p + 1);
        p += 5;
      }
      need(buf, p, len, 'ziplist');
      out.push(buf.latin1Slice(p, p + len));
      p += len;
      continue;
    }
    p += 1;
    let v: number | string;
    if (enc === 0xc0) {
      need(buf, p, 2, 'ziplist');
      v = buf.readInt16LE(p);
      p += 2;
    } else if (enc === 0xd0) {
      need(buf, p, 4, 'ziplist');
      v = buf.readInt32LE(p);
      p += 4;
    } else if (enc === 0xe0) {
      need(buf, p, 8, 'ziplist');
      v = int64LE(buf, p);
      p += 8;
    } else if (enc === 0xf0) {
      need(buf, p, 3, 'ziplist');
      v = buf.readIntLE(p, 3);
      p += 3;
    } else if (enc === 0xfe) {
      need(buf, p, 1, 'ziplist');
      v = buf.readInt8(p);
      p += 1;
    } else if (enc >= 0xf1 && enc <= 0xfd) {
      v = (enc & 0x0f) - 1;
    } else {
      throw corrupt('ziplist');
    }
    out.push(String(v));
  }
  return out;
}

/** Bytes of a listpack entry's back-length field for an entry of `len` bytes (lpEncodeBacklen). */
function backlenSize(len: number): number {
  return len <= 127 ? 1 : len < 16383 ? 2 : len < 2097151 ? 3 : len < 268435455 ? 4 : 5;
}

/** listpack: total bytes, count, entries (encoding, data, backlen), 0xff. */
export function listpackEntries(buf: Buffer): string[] {
  const out: string[] = [];
  need(buf, 0, 7, 'listpack');
  let p = 6;
  for (;;) {
    need(buf, p, 1, 'listpack');
    const b = buf[p];
    if (b === 0xff) break;
    let head: number;
    let len = 0;
    let value: string | null = null;
    if ((b & 0x80) === 0) {
      head = 1;
      value = String(b & 0x7f);
    } else if ((b & 0xc0) === 0x80) {
      head = 1;
      len = b & 0x3f;
    } else if ((b & 0xe0) === 0xc0) {
      need(buf, p, 2, 'listpack');
      head = 2;
      const u = ((b & 0x1f) << 8) | buf[p + 1];
      value = String(u >= 1 << 12 ? u - (1 << 13) : u);
    } else if ((b & 0xf0) === 0xe0) {
      need(buf, p, 2, 'listpack');
      head = 2;
      len = ((b & 0x0f) << 8) | buf[p + 1];
    } else if (b === 0xf0) {
      need(buf, p, 5, 'listpack');
      head = 5;
      len = buf.readUInt32LE(p + 1);
    } else {
      const size = b === 0xf1 ? 2 : b === 0xf2 ? 3 : b === 0xf3 ? 4 : b === 0xf4 ? 8 : 0;
      if (size === 0) throw corrupt('listpack');
      need(buf, p, 1 + size, 'listpack');
      head = 1 + size;
      value = size === 8 ? int64LE(buf, p + 1) : String(buf.readIntLE(p + 1, size));
    }
    if (value === null) {
      need(buf, p + head, len, 'listpack');
      value = buf.latin1Slice(p + head, p + head + len);
    }
    const entry = head + len;
    p += entry + backlenSize(entry);
    out.push(value);
  }
  return out;
}

/** intset: encoding (2, 4 or 8 bytes), length, sorted little-endian integers. */
export function intsetEntries(buf: Buffer): string[] {
  need(buf, 0, 8, 'intset');
  const width = buf.readUInt32LE(0);
  const n = buf.readUInt32LE(4);
  if (width !== 2 && width !== 4 && width !== 8) throw corrupt('intset');
  need(buf, 8, n * width, 'intset');
  const out: string[] = new Array<string>(n);
  for (let i = 0, p = 8; i < n; i++, p += width) {
    out[i] = width === 8 ? int64LE(buf, p) : String(buf.readIntLE(p, width));
  }
  return out;
}

/** zipmap (hashes before Redis 2.6): zmlen, then len key len free value [free bytes]..., 0xff. */
export function zipmapPairs(buf: Buffer): [string, string][] {
  const out: [string, string][] = [];
  let p = 1;
  const readLen = (): number => {
    need(buf, p, 1, 'zipmap');
    const b = buf[p];
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b !== 254) throw corrupt('zipmap');
    need(buf, p, 5, 'zipmap');
    const n = buf.readUInt32LE(p + 1);
    p += 5;
    return n;
  };
  for (;;) {
    need(buf, p, 1, 'zipmap');
    if (buf[p] === 0xff) break;
    const klen = readLen();
    need(buf, p, klen, 'zipmap');
    const key = buf.latin1Slice(p, p + klen);
    p += klen;
    const vlen = readLen();
    need(buf, p, 1 + vlen, 'zipmap');
    const free = buf[p];
    p += 1;
    const value = buf.latin1Slice(p, p + vlen);
    p += vlen + free;
    out.push([key, value]);
  }
  return out;
}
