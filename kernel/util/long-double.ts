/**
 * INCRBYFLOAT as Redis computes it on x86-64: strtold into an 80-bit x87 long double
 * (64-bit mantissa), one addition, then printf("%.17Lf") with trailing zeros trimmed.
 * Emulated exactly on naturals of 16-bit limbs (natural.ts), not BigInt: V8's optimiser has
 * crashed the process on BigInt code once it ran hot. test/helpers/long-double-bigint.ts is
 * the same computation in BigInt, which the tests compare this one against.
 */
import {
  add as addNat,
  anyBitBelow,
  bitLength,
  compare,
  divPow5,
  fromDecimal,
  fromHex,
  isZero,
  mulAddSmall,
  mulPow10,
  type Natural,
  shiftLeft,
  shiftRight,
  shiftRightRounded,
  subtract,
  testBit,
  toDecimal,
  toNumber,
} from './natural';

/** A finite long double: (-1)^neg * mant * 2^exp. Zero has an empty mant. */
interface LongDouble {
  neg: boolean;
  mant: Natural;
  exp: number;
}

const PRECISION = 64;
/** Position of the lowest bit of the smallest denormal (2^-16445). */
const MIN_EXP = -16445;
/** Values at or beyond 2^16384 overflow to infinity. */
const MAX_BITS = 16384;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer input is refused. */
const MAX_CHARS = 5 * 1024;
/** Decimal magnitudes beyond these are certain overflow / underflow, before any big work. */
const MAX_DEC_EXP = 4933;
const MIN_DEC_EXP = -4952;
/** log2(5), a little over: bits of 5^p are at most ceil(p * LOG2_5) + 1. */
const LOG2_5 = 2.321928094887363;

const INF = 'inf';
type Parsed = LongDouble | typeof INF | null;

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?inf(?:inity)?$/i;
const SHORT_DECIMAL = /^-?\d{1,9}(?:\.\d{1,6})?$/;

/** Round mant * 2^exp (plus a nonzero tail below it when `sticky`) to nearest-even long double; null on overflow. */
function round(neg: boolean, mant: Natural, exp: number, sticky: boolean): LongDouble | null {
  let shift = bitLength(mant) - PRECISION;
  if (exp + shift < MIN_EXP) shift = MIN_EXP - exp;
  if (shift > 0) {
    // The dropped bits against half a unit: the top dropped bit, then any below it (or the tail).
    const half = testBit(mant, shift - 1);
    const above = half && (sticky || anyBitBelow(mant, shift - 1));
    mant = shiftRight(mant, shift);
    exp += shift;
    if (above || (half && testBit(mant, 0))) mant = mulAddSmall(mant, 1, 1);
  }
  if (isZero(mant)) return { neg, mant, exp: 0 };
  return exp + bitLength(mant) > MAX_BITS ? null : { neg, mant, exp };
}

/**
 * strtold as Redis's string2ld uses it: the whole string, no leading space, decimal or hex,
 * "inf"/"infinity"; NaN, overflow and underflow to zero are invalid (null).
 */
function parse(s: string): Parsed {
  if (s.length === 0 || s.length >= MAX_CHARS) return null;
  const dec = DECIMAL.exec(s);
  if (dec !== null) return parseDecimal(dec[1] === '-', dec[2], dec[3] ?? '', dec[4]);
  const hex = HEX.exec(s);
  if (hex !== null) return parseHex(hex[1] === '-', hex[2], hex[3] ?? '', hex[4]);
  return INFINITY.test(s) ? INF : null;
}

function parseDecimal(neg: boolean, int: string, frac: string, e: string | undefined): Parsed {
  if (int.length === 0 && frac.length === 0) return null;
  const digits = (int + frac).replace(/^0+/, '');
  if (digits.length === 0) return { neg, mant: [], exp: 0 };
  const p10 = (e === undefined ? 0 : Number(e)) - frac.length;
  const magnitude = digits.length + p10;
  if (magnitude - 1 > MAX_DEC_EXP || magnitude < MIN_DEC_EXP) return null;
  const d = fromDecimal(digits);
  let r: LongDouble | null;
  if (p10 >= 0) {
    r = round(neg, mulPow10(d, p10), 0, false);
  } else {
    // digits / 10^m is digits * 2^k / 5^m * 2^-(k+m): a quotient of at least PRECISION + 2
    // bits, the remainder as a sticky bit.
    const m = -p10;
    const k = Math.max(0, PRECISION + 2 + Math.ceil(m * LOG2_5) + 1 - bitLength(d));
    const q = shiftLeft(d, k);
    const inexact = divPow5(q, m);
    r = round(neg, q, -(k + m), inexact);
  }
  return r === null || isZero(r.mant) ? null : r;
}

function parseHex(neg: boolean, int: string, frac: string, p: string | undefined): Parsed {
  if (int.length === 0 && frac.length === 0) return null;
  const mant = fromHex(int + frac);
  if (isZero(mant)) return { neg, mant, exp: 0 };
  const exp = (p === undefined ? 0 : Number(p)) - 4 * frac.length;
  const top = exp + bitLength(mant);
  if (top > MAX_BITS || top < MIN_EXP) return null;
  const r = round(neg, mant, exp, false);
  return r === null || isZero(r.mant) ? null : r;
}

function add(a: LongDouble, b: LongDouble): LongDouble | null {
  if (isZero(a.mant) && isZero(b.mant)) return { neg: a.neg && b.neg, mant: [], exp: 0 };
  if (isZero(a.mant)) return b;
  if (isZero(b.mant)) return a;
  const exp = Math.min(a.exp, b.exp);
  const x = shiftLeft(a.mant, a.exp - exp);
  const y = shiftLeft(b.mant, b.exp - exp);
  if (a.neg === b.neg) return round(a.neg, addNat(x, y), exp, false);
  const c = compare(x, y);
  if (c === 0) return { neg: false, mant: [], exp: 0 };
  // The larger magnitude gives the sign.
  return c > 0 ? round(a.neg, subtract(x, y), exp, false) : round(b.neg, subtract(y, x), exp, false);
}

/** printf("%.17Lf") with trailing zeros (and a bare '.') removed, "-0" printed as "0". */
function format(v: LongDouble): string {
  if (isZero(v.mant)) return '0';
  let digits: string;
  if (v.exp >= 0) {
    digits = toDecimal(shiftLeft(v.mant, v.exp));
  } else {
    // mant * 10^17 / 2^-exp, rounded to nearest even: 17 decimals as one integer.
    const shift = -v.exp;
    const scaled = mulAddSmall(mulAddSmall(v.mant.slice(), 1e9, 0), 1e8, 0);
    const all = toDecimal(shiftRightRounded(scaled, shift)).padStart(18, '0');
    const frac = all.slice(-17).replace(/0+$/, '');
    digits = all.slice(0, -17).replace(/^0+(?=\d)/, '') + (frac.length === 0 ? '' : '.' + frac);
  }
  return v.neg && digits !== '0' ? '-' + digits : digits;
}

/**
 * A number as Redis's getLongDoubleFromObject reads it, rounded to a double: beyond the
 * double range (yet a valid long double, such as 1e309) it is ±Infinity; NaN when invalid.
 */
export function parseLongDouble(s: string): number {
  // A timeout such as "0", "5" or "0.25": the double is the long double's rounding too (at most
  // 15 significant digits), so the usual blocking call needs no big arithmetic.
  if (SHORT_DECIMAL.test(s)) return Number(s);
  const v = parse(s);
  if (v === null) return NaN;
  if (v === INF) return s.charCodeAt(0) === 45 /* - */ ? -Infinity : Infinity;
  if (isZero(v.mant)) return 0;
  const abs = toNumber(v.mant) * 2 ** v.exp;
  return v.neg ? -abs : abs;
}

export enum FloatIncr {
  /** The stored value or the increment is not a valid float. */
  Invalid,
  /** The result is NaN or infinite. */
  NotFinite,
}

/** The stored value `current` plus `incr`, formatted as Redis stores it, or why that is impossible. */
export function incrByFloat(current: string, incr: string): string | FloatIncr {
  const a = parse(current);
  if (a === null) return FloatIncr.Invalid;
  const b = parse(incr);
  if (b === null) return FloatIncr.Invalid;
  if (a === INF || b === INF) return FloatIncr.NotFinite;
  const sum = add(a, b);
  return sum === null ? FloatIncr.NotFinite : format(sum);
}
