/**
 * The reference for kernel/util/long-double.ts: INCRBYFLOAT as Redis computes it on x86-64
 * (strtold into an 80-bit x87 long double, one addition, printf("%.17Lf") trimmed), written
 * with BigInt, where exactness is plain to read. The server's version cannot use BigInt (V8's
 * optimiser has crashed the process on BigInt code run hot); tests compare the two.
 */
import { FloatIncr } from '../../kernel/util/long-double';

/** A finite long double: (-1)^neg * mant * 2^exp. Zero has mant 0n. */
interface LongDouble {
  neg: boolean;
  mant: bigint;
  exp: number;
}

const PRECISION = 64;
/** Position of the lowest bit of the smallest denormal (2^-16445). */
const MIN_EXP = -16445;
/** Values at or beyond 2^16384 overflow to infinity. */
const MAX_BITS = 16384;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer input is refused. */
const MAX_CHARS = 5 * 1024;
/** Decimal magnitudes beyond these are certain overflow / underflow, before any bigint work. */
const MAX_DEC_EXP = 4933;
const MIN_DEC_EXP = -4952;

const INF = 'inf';
type Parsed = LongDouble | typeof INF | null;

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?inf(?:inity)?$/i;
const SHORT_DECIMAL = /^-?\d{1,9}(?:\.\d{1,6})?$/;

function bitLength(m: bigint): number {
  return m === 0n ? 0 : m.toString(2).length;
}

/** Round mant * 2^exp (plus a nonzero tail below it when `sticky`) to nearest-even long double; null on overflow. */
function round(neg: boolean, mant: bigint, exp: number, sticky: boolean): LongDouble | null {
  const bits = bitLength(mant);
  let shift = bits - PRECISION;
  if (exp + shift < MIN_EXP) shift = MIN_EXP - exp;
  if (shift > 0) {
    const s = BigInt(shift);
    const dropped = mant & ((1n << s) - 1n);
    const half = 1n << (s - 1n);
    mant >>= s;
    exp += shift;
    if (dropped > half || (dropped === half && (sticky || (mant & 1n) === 1n))) mant += 1n;
  }
  if (mant === 0n) return { neg, mant, exp: 0 };
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
  if (digits.length === 0) return { neg, mant: 0n, exp: 0 };
  const p10 = (e === undefined ? 0 : Number(e)) - frac.length;
  const magnitude = digits.length + p10;
  if (magnitude - 1 > MAX_DEC_EXP || magnitude < MIN_DEC_EXP) return null;
  const d = BigInt(digits);
  let r: LongDouble | null;
  if (p10 >= 0) {
    r = round(neg, d * 10n ** BigInt(p10), 0, false);
  } else {
    const den = 10n ** BigInt(-p10);
    const k = Math.max(0, PRECISION + 2 + bitLength(den) - bitLength(d));
    const num = d << BigInt(k);
    r = round(neg, num / den, -k, num % den !== 0n);
  }
  return r === null || r.mant === 0n ? null : r;
}

function parseHex(neg: boolean, int: string, frac: string, p: string | undefined): Parsed {
  if (int.length === 0 && frac.length === 0) return null;
  const mant = BigInt('0x' + int + frac);
  if (mant === 0n) return { neg, mant, exp: 0 };
  const exp = (p === undefined ? 0 : Number(p)) - 4 * frac.length;
  const top = exp + bitLength(mant);
  if (top > MAX_BITS || top < MIN_EXP) return null;
  const r = round(neg, mant, exp, false);
  return r === null || r.mant === 0n ? null : r;
}

function add(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.mant === 0n && b.mant === 0n) return { neg: a.neg && b.neg, mant: 0n, exp: 0 };
  if (a.mant === 0n) return b;
  if (b.mant === 0n) return a;
  const exp = Math.min(a.exp, b.exp);
  const x = a.mant << BigInt(a.exp - exp);
  const y = b.mant << BigInt(b.exp - exp);
  const sum = (a.neg ? -x : x) + (b.neg ? -y : y);
  if (sum === 0n) return { neg: false, mant: 0n, exp: 0 };
  return round(sum < 0n, sum < 0n ? -sum : sum, exp, false);
}

const SCALE = 10n ** 17n;

/** printf("%.17Lf") with trailing zeros (and a bare '.') removed, "-0" printed as "0". */
function format(v: LongDouble): string {
  if (v.mant === 0n) return '0';
  let digits: string;
  if (v.exp >= 0) {
    digits = (v.mant << BigInt(v.exp)).toString();
  } else {
    const den = 1n << BigInt(-v.exp);
    const scaled = v.mant * SCALE;
    let q = scaled / den;
    const twice = (scaled % den) * 2n;
    if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
    const frac = (q % SCALE).toString().padStart(17, '0').replace(/0+$/, '');
    digits = (q / SCALE).toString() + (frac.length === 0 ? '' : '.' + frac);
  }
  return v.neg && digits !== '0' ? '-' + digits : digits;
}

/**
 * A number as Redis's getLongDoubleFromObject reads it, rounded to a double: beyond the
 * double range (yet a valid long double, such as 1e309) it is ±Infinity; NaN when invalid.
 */
export function parseLongDoubleReference(s: string): number {
  // A timeout such as "0", "5" or "0.25": the double is the long double's rounding too (at most
  // 15 significant digits), so the usual blocking call needs no BigInt arithmetic.
  if (SHORT_DECIMAL.test(s)) return Number(s);
  const v = parse(s);
  if (v === null) return NaN;
  if (v === INF) return s.charCodeAt(0) === 45 /* - */ ? -Infinity : Infinity;
  if (v.mant === 0n) return 0;
  const abs = Number(v.mant) * 2 ** v.exp;
  return v.neg ? -abs : abs;
}


/** The stored value `current` plus `incr`, formatted as Redis stores it, or why that is impossible. */
export function incrByFloatReference(current: string, incr: string): string | FloatIncr {
  const a = parse(current);
  if (a === null) return FloatIncr.Invalid;
  const b = parse(incr);
  if (b === null) return FloatIncr.Invalid;
  if (a === INF || b === INF) return FloatIncr.NotFinite;
  const sum = add(a, b);
  return sum === null ? FloatIncr.NotFinite : format(sum);
}
