/**
 * Unsigned integers of any size without BigInt, for the few exact computations a command needs
 * past 64 bits (INCRBYFLOAT's long doubles): V8's optimising compiler has crashed the process
 * on BigInt arithmetic run hot. A natural is an array of 16-bit limbs, least significant
 * first, with no zero limb on top (zero is the empty array). 16-bit limbs leave room in a
 * double for multiplying or dividing by numbers up to 2^37 exactly (limb * m + carry < 2^53).
 */
export type Natural = number[];

const LIMB = 65536;
/** The largest power of ten a limb operation takes at once (10^11 < 2^37). */
const POW10_STEP = 11;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11];

function trim(n: Natural): Natural {
  let len = n.length;
  while (len > 0 && n[len - 1] === 0) len--;
  n.length = len;
  return n;
}

export function isZero(n: Natural): boolean {
  return n.length === 0;
}

export function fromNumber(v: number): Natural {
  const n: Natural = [];
  while (v > 0) {
    n.push(v % LIMB);
    v = Math.floor(v / LIMB);
  }
  return n;
}

/** n * m + add, in place (m and add below 2^37). */
export function mulAddSmall(n: Natural, m: number, add: number): Natural {
  let carry = add;
  for (let i = 0; i < n.length; i++) {
    const t = n[i] * m + carry;
    carry = Math.floor(t / LIMB);
    n[i] = t - carry * LIMB;
  }
  while (carry > 0) {
    const c = Math.floor(carry / LIMB);
    n.push(carry - c * LIMB);
    carry = c;
  }
  return n;
}

/** floor(n / d) in place (d below 2^37); returns the remainder. */
export function divSmall(n: Natural, d: number): number {
  let rem = 0;
  for (let i = n.length - 1; i >= 0; i--) {
    const t = rem * LIMB + n[i];
    const q = Math.floor(t / d);
    n[i] = q;
    rem = t - q * d;
  }
  trim(n);
  return rem;
}

/** n * 10^p, in place. */
export function mulPow10(n: Natural, p: number): Natural {
  for (; p > 0; p -= POW10_STEP) mulAddSmall(n, POW10[Math.min(p, POW10_STEP)], 0);
  return n;
}

/** The largest power of five a limb operation takes at once (5^15 < 2^37). */
const POW5_STEP = 15;
const POW5 = Array.from({ length: POW5_STEP + 1 }, (_, i) => 5 ** i);

/**
 * floor(n / 5^p) in place; returns whether the division was inexact. Dividing by the factors
 * one after the other gives the same quotient, and a nonzero remainder at any step means one
 * overall.
 */
export function divPow5(n: Natural, p: number): boolean {
  let inexact = false;
  for (; p > 0 && n.length > 0; p -= POW5_STEP) if (divSmall(n, POW5[Math.min(p, POW5_STEP)]) !== 0) inexact = true;
  return inexact;
}

/** n * 5^p, in place. */
export function mulPow5(n: Natural, p: number): Natural {
  for (; p > 0; p -= POW5_STEP) mulAddSmall(n, POW5[Math.min(p, POW5_STEP)], 0);
  return n;
}

/**
 * n rounded to its top `bits` bits, half to even: [the kept bits, how far they were shifted
 * down]. n itself is left alone.
 */
export function roundToBits(n: Natural, bits: number): [Natural, number] {
  const shift = bitLength(n) - bits;
  if (shift <= 0) return [n, 0];
  return [shiftRightRounded(n, shift), shift];
}

/** n / 2^shift rounded to nearest, ties to even. */
export function shiftRightRounded(n: Natural, shift: number): Natural {
  const q = shiftRight(n, shift);
  const half = testBit(n, shift - 1);
  return half && (anyBitBelow(n, shift - 1) || testBit(q, 0)) ? mulAddSmall(q, 1, 1) : q;
}

/** The decimal digits `s` (only 0-9) as a natural. */
export function fromDecimal(s: string): Natural {
  const n: Natural = [];
  let i = 0;
  const first = s.length % POW10_STEP || POW10_STEP;
  for (let end = first; end <= s.length; end += POW10_STEP) {
    mulAddSmall(n, POW10[end - i], Number(s.slice(i, end)));
    i = end;
  }
  return trim(n);
}

/** The hexadecimal digits `s` as a natural. */
export function fromHex(s: string): Natural {
  const n: Natural = [];
  for (let end = s.length; end > 0; end -= 4) n.push(parseInt(s.slice(Math.max(0, end - 4), end), 16));
  return trim(n);
}

export function bitLength(n: Natural): number {
  const len = n.length;
  return len === 0 ? 0 : (len - 1) * 16 + (32 - Math.clz32(n[len - 1]));
}

export function testBit(n: Natural, bit: number): boolean {
  const limb = bit >>> 4;
  return limb < n.length && ((n[limb] >>> (bit & 15)) & 1) === 1;
}

/** Whether any bit below `bit` is set. */
export function anyBitBelow(n: Natural, bit: number): boolean {
  const limb = Math.min(bit >>> 4, n.length);
  for (let i = 0; i < limb; i++) if (n[i] !== 0) return true;
  return limb < n.length && (n[limb] & ((1 << (bit & 15)) - 1)) !== 0;
}

export function shiftLeft(n: Natural, bits: number): Natural {
  if (n.length === 0) return [];
  const limbs = bits >>> 4;
  const b = bits & 15;
  const out: Natural = new Array<number>(limbs).fill(0);
  let carry = 0;
  for (let i = 0; i < n.length; i++) {
    const t = n[i] * (1 << b) + carry;
    carry = Math.floor(t / LIMB);
    out.push(t - carry * LIMB);
  }
  if (carry > 0) out.push(carry);
  return out;
}

export function shiftRight(n: Natural, bits: number): Natural {
  const limbs = bits >>> 4;
  const b = bits & 15;
  const out: Natural = [];
  for (let i = limbs; i < n.length; i++) {
    const hi = i + 1 < n.length ? n[i + 1] : 0;
    out.push(((n[i] >>> b) | (hi << (16 - b))) & 0xffff);
  }
  return trim(out);
}

export function compare(a: Natural, b: Natural): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

export function add(a: Natural, b: Natural): Natural {
  const out: Natural = [];
  let carry = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const t = (a[i] ?? 0) + (b[i] ?? 0) + carry;
    carry = t >= LIMB ? 1 : 0;
    out.push(t - carry * LIMB);
  }
  if (carry > 0) out.push(carry);
  return out;
}

/** a - b, for a >= b. */
export function subtract(a: Natural, b: Natural): Natural {
  const out: Natural = [];
  let borrow = 0;
  for (let i = 0; i < a.length; i++) {
    let t = a[i] - (b[i] ?? 0) - borrow;
    borrow = t < 0 ? 1 : 0;
    t += borrow * LIMB;
    out.push(t);
  }
  return trim(out);
}

/** The value as a double: exact up to 2^53, rounded once to nearest up to 64 bits (only the last step rounds). */
export function toNumber(n: Natural): number {
  let v = 0;
  for (let i = n.length - 1; i >= 0; i--) v = v * LIMB + n[i];
  return v;
}

/** The decimal digits of n ("0" for zero). */
export function toDecimal(n: Natural): string {
  return toRadix(n, 10);
}

/** The digits of n in base `radix` (2 to 36), lower case ("0" for zero). */
export function toRadix(n: Natural, radix: number): string {
  if (n.length === 0) return '0';
  // As many digits at once as a division below 2^37 allows.
  let step = 1;
  while (radix ** (step + 1) < 2 ** 37) step++;
  const work = n.slice();
  const parts: string[] = [];
  while (work.length > 0) parts.push(divSmall(work, radix ** step).toString(radix));
  let s = parts[parts.length - 1];
  for (let i = parts.length - 2; i >= 0; i--) s += parts[i].padStart(step, '0');
  return s;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** A finite positive double as mant * 2^exp, exactly (its 53-bit significand, subnormals included). */
export function doubleParts(x: number): { mant: Natural; exp: number } {
  F64[0] = x;
  const lo = U32[0];
  const hi = U32[1];
  const biased = (hi >>> 20) & 0x7ff;
  const top = (hi & 0xfffff) | (biased === 0 ? 0 : 0x100000);
  const mant = trim([lo & 0xffff, lo >>> 16, top & 0xffff, top >>> 16]);
  return { mant, exp: biased === 0 ? -1074 : biased - 1075 };
}
