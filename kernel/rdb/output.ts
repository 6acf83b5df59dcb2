import { lzfCompress } from './lzf';

/** Strings up to this length are copied byte by byte rather than through Buffer.write. */
const SHORT_STRING = 32;

/** A growable byte buffer the encoder appends to. */
export class RdbOutput {
  buf = Buffer.allocUnsafe(1 << 16);
  len = 0;

  constructor(readonly compress: boolean) {}

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian lengths. */
  length(n: number): void {
    this.ensure(9);
    const b = this.buf;
    if (n < 64) {
      b[this.len++] = n;
    } else if (n < 16384) {
      b[this.len++] = 0x40 | (n >> 8);
      b[this.len++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      b[this.len++] = 0x80;
      b.writeUInt32BE(n, this.len);
      this.len += 4;
    } else {
      b[this.len++] = 0x81;
      b.writeUInt32BE(Math.floor(n / 4294967296), this.len);
      b.writeUInt32BE(n >>> 0, this.len + 4);
      this.len += 8;
    }
  }

  /** rdbSaveRawString: integer encoding when it round-trips, LZF when that saves space. */
  string(s: string): void {
    const n = s.length;
    // Only a digit or '-' can start an integer: most keys and values are not tried further.
    const c = n === 0 ? 0 : s.charCodeAt(0);
    if (n <= 11 && ((c >= 48 && c <= 57) || c === 45) && /^(0|-?[1-9][0-9]*)$/.test(s)) {
      const v = Number(s);
      if (v >= -128 && v <= 127) {
        this.ensure(2);
        this.buf[this.len++] = 0xc0;
        this.buf.writeInt8(v, this.len++);
        return;
      }
      if (v >= -32768 && v <= 32767) {
        this.ensure(3);
        this.buf[this.len++] = 0xc1;
        this.buf.writeInt16LE(v, this.len);
        this.len += 2;
        return;
      }
      if (v >= -2147483648 && v <= 2147483647) {
        this.ensure(5);
        this.buf[this.len++] = 0xc2;
        this.buf.writeInt32LE(v, this.len);
        this.len += 4;
        return;
      }
    }
    if (this.compress && n > 20) {
      const raw = Buffer.from(s, 'latin1');
      const packed = lzfCompress(raw, n - 4);
      if (packed !== null) {
        this.byte(0xc3);
        this.length(packed.length);
        this.length(n);
        this.bytes(packed);
        return;
      }
    }
    this.length(n);
    this.ensure(n);
    if (n > SHORT_STRING) {
      this.len += this.buf.write(s, this.len, n, 'latin1');
      return;
    }
    // A short string is copied here: a call into the buffer binding costs more than the loop.
    const b = this.buf;
    let at = this.len;
    for (let i = 0; i < n; i++) b[at++] = s.charCodeAt(i);
    this.len = at;
  }

  double(d: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.len);
    this.len += 8;
  }

  /** A signed 64-bit little-endian integer (expiry times), without BigInt. */
  millis(ms: number): void {
    this.ensure(8);
    const hi = Math.floor(ms / 4294967296);
    this.buf.writeUInt32LE(ms - hi * 4294967296, this.len);
    this.buf.writeInt32LE(hi, this.len + 4);
    this.len += 8;
  }

  /** A 64-bit length split in halves (module type ids): 0x81 and 8 big-endian bytes. */
  length64(hi: number, lo: number): void {
    this.ensure(9);
    this.buf[this.len++] = 0x81;
    this.buf.writeUInt32BE(hi, this.len);
    this.buf.writeUInt32BE(lo, this.len + 4);
    this.len += 8;
  }

  /** The bytes written so far, and start again (the buffer is reused). */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    return out;
  }
}
