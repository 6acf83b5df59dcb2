/**
 * CRC-64/Jones as Redis computes it (crc64.c): reflected, polynomial 0xad93d23594c935a9,
 * init 0, no final xor; check value crc64("123456789") = 0xe9c6d914c4b8d9ca. Kept as two
 * 32-bit halves: BigInt arithmetic per byte would be far too slow for whole RDB files.
 */
const TLO = new Uint32Array(256);
const THI = new Uint32Array(256);
{
  // The polynomial bit-reversed, for the reflected (LSB-first) algorithm.
  const POLY_LO = 0xac4bc9b5;
  const POLY_HI = 0x95ac9329;
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let b = 0; b < 8; b++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi >>>= 1;
      if (carry) {
        lo = (lo ^ POLY_LO) >>> 0;
        hi = (hi ^ POLY_HI) >>> 0;
      }
    }
    TLO[i] = lo;
    THI[i] = hi;
  }
}

/**
 * Slicing-by-8 tables: entry k of table t is the CRC of byte k followed by t zero bytes, so
 * eight bytes are folded with eight independent lookups (per half) instead of a chain of eight.
 */
const SLO = new Uint32Array(256 * 8);
const SHI = new Uint32Array(256 * 8);
{
  SLO.set(TLO, 0);
  SHI.set(THI, 0);
  for (let t = 1; t < 8; t++) {
    for (let k = 0; k < 256; k++) {
      const lo = SLO[(t - 1) * 256 + k];
      const hi = SHI[(t - 1) * 256 + k];
      const idx = lo & 0xff;
      SLO[t * 256 + k] = (((lo >>> 8) | ((hi & 0xff) << 24)) ^ TLO[idx]) >>> 0;
      SHI[t * 256 + k] = ((hi >>> 8) ^ THI[idx]) >>> 0;
    }
  }
}

/** Whether an Int32Array's words read the bytes in little-endian order (as the loop above them does). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A running CRC64: update() with consecutive chunks, then digest(). */
export class Crc64 {
  private lo = 0;
  private hi = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let lo = this.lo;
    let hi = this.hi;
    let i = start;
    // Up to a 4-byte boundary of the memory, a byte at a time; then 8 bytes at a time read as
    // two words through a view (on a big-endian machine, bytes all the way).
    for (; i < end && ((buf.byteOffset + i) & 3) !== 0; i++) {
      const idx = (lo ^ buf[i]) & 0xff;
      lo = (((lo >>> 8) | ((hi & 0xff) << 24)) ^ TLO[idx]) >>> 0;
      hi = ((hi >>> 8) ^ THI[idx]) >>> 0;
    }
    if (LITTLE_ENDIAN && end - i >= 8) {
      const words = new Int32Array(buf.buffer, buf.byteOffset + i, (end - i) >> 2);
      const n = words.length & ~1;
      for (let w = 0; w < n; w += 2) {
        const a = (lo ^ words[w]) >>> 0;
        const b = (hi ^ words[w + 1]) >>> 0;
        const k7 = 7 * 256 + (a & 0xff);
        const k6 = 6 * 256 + ((a >>> 8) & 0xff);
        const k5 = 5 * 256 + ((a >>> 16) & 0xff);
        const k4 = 4 * 256 + (a >>> 24);
        const k3 = 3 * 256 + (b & 0xff);
        const k2 = 2 * 256 + ((b >>> 8) & 0xff);
        const k1 = 256 + ((b >>> 16) & 0xff);
        const k0 = b >>> 24;
        lo = (SLO[k7] ^ SLO[k6] ^ SLO[k5] ^ SLO[k4] ^ SLO[k3] ^ SLO[k2] ^ SLO[k1] ^ SLO[k0]) >>> 0;
        hi = (SHI[k7] ^ SHI[k6] ^ SHI[k5] ^ SHI[k4] ^ SHI[k3] ^ SHI[k2] ^ SHI[k1] ^ SHI[k0]) >>> 0;
      }
      i += 4 * n;
    }
    for (; i < end; i++) {
      const idx = (lo ^ buf[i]) & 0xff;
      lo = (((lo >>> 8) | ((hi & 0xff) << 24)) ^ TLO[idx]) >>> 0;
      hi = ((hi >>> 8) ^ THI[idx]) >>> 0;
    }
    this.lo = lo;
    this.hi = hi;
    return this;
  }

  /** The checksum as Redis stores it: 8 bytes, little-endian. */
  digest(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32LE(this.lo, 0);
    out.writeUInt32LE(this.hi, 4);
    return out;
  }
}

export function crc64(buf: Uint8Array, start = 0, end = buf.length): Buffer {
  return new Crc64().update(buf, start, end).digest();
}
