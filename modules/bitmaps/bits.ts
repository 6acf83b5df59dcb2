/** Bit-level reads over latin1 binary strings and buffers: popcount, bit search, bitfields. */

/** Set bits in each byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

/** Set bits of `s` in the inclusive bit range [from, to] (bit 0 is the MSB of byte 0). */
export function countBits(s: string, from: number, to: number): number {
  const first = Math.floor(from / 8);
  const last = Math.floor(to / 8);
  let n = 0;
  for (let i = first; i <= last; i++) n += POPCOUNT[s.charCodeAt(i)];
  // Take away the bits of the edge bytes that lie outside the range.
  n -= POPCOUNT[s.charCodeAt(first) & ~(0xff >> (from % 8)) & 0xff];
  n -= POPCOUNT[s.charCodeAt(last) & ((1 << (7 - (to % 8))) - 1)];
  return n;
}

/** Position of the first bit equal to `bit` in the inclusive bit range [from, to], or -1. */
export function findBit(s: string, bit: 0 | 1, from: number, to: number): number {
  const skip = bit === 1 ? 0 : 0xff;
  let pos = from;
  while (pos <= to) {
    const c = s.charCodeAt(Math.floor(pos / 8));
    // Whole bytes without the wanted bit are skipped at once.
    if ((pos % 8) === 0 && pos + 7 <= to && c === skip) {
      pos += 8;
      continue;
    }
    if (((c >> (7 - (pos % 8))) & 1) === bit) return pos;
    pos++;
  }
  return -1;
}

/**
 * The 9 bytes from `byte` on (zero past the end): enough for any field of up to 64 bits that
 * starts in that byte, as Redis's bitfield GET copies them.
 */
export function window(src: string | Buffer | undefined, byte: number): Buffer {
  const out = Buffer.alloc(9);
  if (src === undefined) return out;
  const end = Math.min(src.length, byte + 9);
  for (let i = byte; i < end; i++) out[i - byte] = typeof src === 'string' ? src.charCodeAt(i) : src[i];
  return out;
}

/** getUnsignedBitfield for a field of at most 32 bits, as a number (no BigInt on the usual path). */
export function readSmall(p: Buffer, offset: number, bits: number): number {
  let v = 0;
  for (let j = 0; j < bits; j++, offset++) v = v * 2 + ((p[Math.floor(offset / 8)] >> (7 - (offset % 8))) & 1);
  return v;
}

/** setUnsignedBitfield for a field of at most 32 bits: `value` modulo 2^bits, from bit `offset` on. */
export function writeSmall(p: Buffer, offset: number, bits: number, value: number): void {
  const m = 2 ** bits;
  const u = ((value % m) + m) % m;
  for (let j = bits - 1; j >= 0; j--, offset++) {
    const byte = Math.floor(offset / 8);
    const mask = 1 << (7 - (offset % 8));
    p[byte] = Math.floor(u / 2 ** j) % 2 === 1 ? p[byte] | mask : p[byte] & ~mask;
  }
}
