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

/** A running CRC64: update() with consecutive chunks, then digest(). */
export class Crc64 {
  private lo = 0;
  private hi = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = start; i < end; i++) {
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
