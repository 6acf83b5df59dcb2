import { int64Reply, type IntegerReply, uint64Decimal } from '../../kernel';

/**
 * BITFIELD's 64-bit arithmetic on two 32-bit halves: `hi` a signed int32, `lo` an unsigned one.
 * V8's optimiser has crashed the process on BigInt arithmetic in hot code, and BigInt made wide
 * fields several times slower than narrow ones. Results come back in `rh`/`rl` (no object per
 * operation).
 */
export const W = { rh: 0, rl: 0 };

const TWO_32 = 4294967296;

function set(hi: number, lo: number): void {
  W.rh = hi | 0;
  W.rl = lo >>> 0;
}

/** An integer of at most 2^53 in magnitude. */
export function fromNumber(v: number): void {
  const hi = Math.floor(v / TWO_32);
  set(hi, v - hi * TWO_32);
}

/** A valid int64 in decimal (parseInt64 accepted it), exactly. */
export function fromDecimal(s: string): void {
  const neg = s.charCodeAt(0) === 45;
  let hi = 0;
  let lo = 0;
  for (let i = neg ? 1 : 0; i < s.length; i++) {
    const l = lo * 10 + (s.charCodeAt(i) - 48);
    const carry = Math.floor(l / TWO_32);
    lo = l - carry * TWO_32;
    hi = ((hi >>> 0) * 10 + carry) % TWO_32;
  }
  if (neg) negate(hi, lo);
  else set(hi, lo);
}

export function negate(hi: number, lo: number): void {
  const l = (~lo + 1) >>> 0;
  set(~hi + (l === 0 ? 1 : 0), l);
}

/** a + b modulo 2^64. */
export function add(ah: number, al: number, bh: number, bl: number): void {
  const l = (al >>> 0) + (bl >>> 0);
  const carry = l >= TWO_32 ? 1 : 0;
  set(ah + bh + carry, l - carry * TWO_32);
}

/** a - b modulo 2^64. */
export function sub(ah: number, al: number, bh: number, bl: number): void {
  negate(bh, bl);
  add(ah, al, W.rh, W.rl);
}

/** a * m modulo 2^64, for 0 <= m <= 64. */
export function mulSmall(ah: number, al: number, m: number): void {
  const l = (al >>> 0) * m;
  const carry = Math.floor(l / TWO_32);
  set((ah >>> 0) * m + carry, l - carry * TWO_32);
}

export function lessSigned(ah: number, al: number, bh: number, bl: number): boolean {
  return ah < bh || (ah === bh && al >>> 0 < bl >>> 0);
}

export function lessUnsigned(ah: number, al: number, bh: number, bl: number): boolean {
  return ah >>> 0 < bh >>> 0 || (ah === bh && al >>> 0 < bl >>> 0);
}

/** The low `bits` bits as a two's complement integer (BigInt.asIntN). */
export function asIntN(bits: number, hi: number, lo: number): void {
  if (bits === 64) set(hi, lo);
  else if (bits > 32) set((hi << (64 - bits)) >> (64 - bits), lo);
  else if (bits === 32) set((lo | 0) < 0 ? -1 : 0, lo);
  else {
    const l = (lo << (32 - bits)) >> (32 - bits);
    set(l < 0 ? -1 : 0, l);
  }
}

/** The low `bits` bits, unsigned (BigInt.asUintN). */
export function asUintN(bits: number, hi: number, lo: number): void {
  if (bits === 64) set(hi, lo);
  else if (bits > 32) set(bits === 63 ? hi & 0x7fffffff : hi & ((1 << (bits - 32)) - 1), lo);
  else set(0, bits === 32 ? lo : lo & ((1 << bits) - 1));
}

/** 2^bits - 1, for 1 <= bits <= 64. */
export function ones(bits: number): void {
  asUintN(bits, -1, 0xffffffff);
}

/** `bits` bits from bit `offset`, most significant first, unsigned. */
export function read(p: Buffer, offset: number, bits: number): void {
  let hi = 0;
  let lo = 0;
  for (let j = 0; j < bits; j++, offset++) {
    const bit = (p[Math.floor(offset / 8)] >> (7 - (offset % 8))) & 1;
    hi = (hi << 1) | (lo >>> 31);
    lo = (lo << 1) | bit;
  }
  set(hi, lo);
}

/** The low `bits` bits of hi:lo written from bit `offset` on. */
export function write(p: Buffer, offset: number, bits: number, hi: number, lo: number): void {
  for (let j = bits - 1; j >= 0; j--, offset++) {
    const bit = j >= 32 ? (hi >>> (j - 32)) & 1 : (lo >>> j) & 1;
    const byte = Math.floor(offset / 8);
    const mask = 1 << (7 - (offset % 8));
    p[byte] = bit ? p[byte] | mask : p[byte] & ~mask;
  }
}

/** The reply for hi:lo read as signed or unsigned: an exact integer however large. */
export function reply(signed: boolean, hi: number, lo: number): number | IntegerReply {
  const neg = signed && hi < 0;
  if (neg) negate(hi, lo);
  const h = neg ? W.rh >>> 0 : hi >>> 0;
  const l = neg ? W.rl : lo >>> 0;
  if (h < 0x200000) return (neg ? -1 : 1) * (h * TWO_32 + l);
  return int64Reply((neg ? '-' : '') + uint64Decimal(h, l));
}
