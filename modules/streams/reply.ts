import { EncodedReply } from '../../kernel';

/**
 * Replies of entries written straight from the nodes' bytes as RESP (kernel EncodedReply): an
 * entry is `*2 $id *2k $field $value ...` in RESP2 and RESP3 alike, so XRANGE and the reads
 * copy each string once, into one scratch buffer, instead of slicing it into a string, putting
 * it in arrays and encoding those.
 */

/** Room kept before the entries for the array header (and a read's key), written once the count is known. */
const HEAD = 64;
/** A scratch buffer grown past this is dropped after the reply that needed it. */
const KEEP = 1 << 20;

const POW10: number[] = [];
for (let p = 1, i = 0; i <= 16; i++, p *= 10) POW10.push(p);

/** Decimal digits of a non-negative safe integer. */
function digits(n: number): number {
  let d = 1;
  while (d < 16 && n >= POW10[d]) d++;
  return d;
}

export class RespWriter {
  buf = Buffer.allocUnsafeSlow(4096);
  len = HEAD;

  /** Make room for `n` more bytes. */
  room(n: number): Buffer {
    const need = this.len + n;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const grown = Buffer.allocUnsafeSlow(size);
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    return this.buf;
  }

  /** `<prefix><n>\r\n` for a count or length below 2^53. */
  head(prefix: number, n: number): void {
    const d = digits(n);
    const b = this.room(d + 3);
    b[this.len++] = prefix;
    this.num(n, d);
    b[this.len++] = 13;
    b[this.len++] = 10;
  }

  /** The digits of n (below 2^53, `d` of them); the caller made room. */
  num(n: number, d: number): void {
    const b = this.buf;
    let p = this.len + d - 1;
    this.len += d;
    // The low eight digits in int32 arithmetic, the rest as a double.
    let hi = n >= 1e8 ? Math.floor(n / 1e8) : 0;
    let lo = n - hi * 1e8;
    const stop = p - (d > 8 ? 8 : d);
    while (p > stop) {
      const q = (lo / 10) | 0;
      b[p--] = 48 + lo - q * 10;
      lo = q;
    }
    while (hi > 0) {
      const q = Math.floor(hi / 10);
      b[p--] = 48 + hi - q * 10;
      hi = q;
    }
  }

  /** An ID "ms-seq" as a bulk string, both parts below 2^53. */
  id(ms: number, seq: number): void {
    const dm = digits(ms);
    const ds = digits(seq);
    const n = dm + 1 + ds;
    const b = this.room(n + 8);
    b[this.len++] = 36;
    this.num(n, digits(n));
    b[this.len++] = 13;
    b[this.len++] = 10;
    this.num(ms, dm);
    b[this.len++] = 45;
    this.num(seq, ds);
    b[this.len++] = 13;
    b[this.len++] = 10;
  }

  /** A string as a bulk string. */
  bulk(s: string): void {
    const n = s.length;
    this.head(36, n);
    const b = this.room(n + 2);
    let p = this.len;
    if (n <= 32) for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    else p += b.write(s, p, 'latin1');
    b[p++] = 13;
    b[p++] = 10;
    this.len = p;
  }

  /** `n` bytes of `src` from `at` as a bulk string. */
  bulkBytes(src: Buffer, at: number, n: number): void {
    this.head(36, n);
    const b = this.room(n + 2);
    let p = this.len;
    if (n <= 32) for (let i = 0; i < n; i++) b[p++] = src[at + i];
    else p += src.copy(b, p, at, at + n);
    b[p++] = 13;
    b[p++] = 10;
    this.len = p;
  }

  /** The reply: an array of the `count` items written since the last one. */
  array(count: number): EncodedReply {
    const d = digits(count);
    this.header(HEAD - d - 3, count, d);
    return this.take(HEAD - d - 3);
  }

  /**
   * A read's reply for one stream (XREAD, XREADGROUP): [[key, entries]] in RESP2, {key: entries}
   * in RESP3, the entries being the `count` items written since the last reply.
   */
  keyed(resp: number, key: string, count: number): EncodedReply {
    const kl = key.length;
    const dk = digits(kl);
    const d = digits(count);
    const outer = resp === 2 ? '*1\r\n*2\r\n' : '%1\r\n';
    const start = HEAD - d - 3 - (kl + dk + 5) - outer.length;
    if (start < 0) return new EncodedReply(`${outer}$${kl}\r\n${key}\r\n${this.array(count).resp}`);
    const b = this.buf;
    let p = start;
    for (let i = 0; i < outer.length; i++) b[p++] = outer.charCodeAt(i);
    b[p++] = 36;
    this.put(p, kl, dk);
    p += dk;
    b[p++] = 13;
    b[p++] = 10;
    for (let i = 0; i < kl; i++) b[p++] = key.charCodeAt(i);
    b[p++] = 13;
    b[p++] = 10;
    this.header(p, count, d);
    return this.take(start);
  }

  /** `*<count>\r\n` at `p` (`d` digits), ending where the items start. */
  private header(p: number, count: number, d: number): void {
    const b = this.buf;
    b[p] = 42;
    this.put(p + 1, count, d);
    b[p + 1 + d] = 13;
    b[p + 2 + d] = 10;
  }

  /** The digits of a count or length (`d` of them) at `p`. */
  private put(p: number, n: number, d: number): void {
    const b = this.buf;
    for (let k = p + d - 1; k >= p; k--) {
      const q = Math.floor(n / 10);
      b[k] = 48 + n - q * 10;
      n = q;
    }
  }

  /** The reply from `start` (its headers) to the last item; the writer starts over. */
  private take(start: number): EncodedReply {
    const b = this.buf;
    const out = new EncodedReply(b.latin1Slice(start, this.len));
    this.len = HEAD;
    if (b.length > KEEP) this.buf = Buffer.allocUnsafeSlow(4096);
    return out;
  }
}

/** One writer serves every reply: replies are built one at a time. */
export const respOut = new RespWriter();
