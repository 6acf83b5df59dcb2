/** Number parsing and formatting with Redis's exact rules (string2ll, strtod, %.17g). */
import { decimalInInt64 } from './int64';
import { anyBitBelow, bitLength, compare, doubleParts, fromDecimal, fromHex, isZero, mulPow10, shiftLeft, shiftRightRounded, toDecimal, toNumber } from './natural';

/**
 * The int64 limits as bigints, parseBigInt64 and isInt64 are for plugins only: no command path
 * computes with BigInt (V8's optimiser has crashed on it run hot; a guard-rail test keeps it out).
 */
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * string2ll: strict decimal int64 (optional '-', no '+', no spaces, no leading zeros).
 * Returns a number when it is a safe integer; beyond 2^53 its exact digits (the string
 * itself, already canonical), for the decimal arithmetic of kernel/util/int64.ts; null when
 * invalid. No BigInt: V8's optimiser has crashed the process on BigInt code run hot.
 */
export function parseInt64(s: string): number | string | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  const c0 = s.charCodeAt(0);
  if (c0 === 45 /* - */) {
    if (n === 1) return null;
    i = 1;
  } else if (c0 === 48 /* 0 */) {
    return n === 1 ? 0 : null;
  }
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return null;
  let v = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  if (v <= Number.MAX_SAFE_INTEGER) return c0 === 45 ? -v : v;
  return decimalInInt64(s) ? s : null;
}

/**
 * An int64 argument as a number (precision beyond 2^53 is irrelevant for indexes, counts
 * and times), or NaN when invalid.
 */
export function parseIntArg(s: string): number {
  const v = parseInt64(s);
  return v === null ? NaN : Number(v);
}

/** An int64 argument as a bigint, or null when invalid: for plugins, off the command path (see parseInt64). */
export function parseBigInt64(s: string): bigint | null {
  const v = parseInt64(s);
  return v === null ? null : BigInt(v);
}

export function isInt64(b: bigint): boolean {
  return b <= INT64_MAX && b >= INT64_MIN;
}

export { INT64_MAX, INT64_MIN };

const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/** 10^0..10^22: every one exact in a double. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
/** Significant digits the scan accumulates: below 10^15, under 2^53, so exact. */
const FAST_DIGITS = 15;

/**
 * strtod as Redis uses it (string2d, getDoubleFromObject): the whole string, no leading space,
 * "inf"/"infinity" in any case and C99 hex floats ("0x1p4") accepted, NaN and out-of-range
 * values (overflow, or underflow to zero) rejected. Returns NaN when invalid.
 *
 * A hand-written scan (scores, coordinates and timeouts are parsed on hot paths): a decimal of
 * at most 15 significant digits times 10^-22..10^22 is one exact integer and one exact power
 * of ten, so a single multiplication or division rounds it correctly, as strtod does; longer
 * or larger numbers go to Number() once the scan has checked strtod's grammar.
 */
export function parseDouble(s: string): number {
  const n = s.length;
  let i = 0;
  let c = n === 0 ? -1 : s.charCodeAt(0);
  let neg = false;
  if (c === 45 /* - */ || c === 43 /* + */) {
    neg = c === 45;
    c = n === 1 ? -1 : s.charCodeAt(++i);
  }
  if ((c | 0x20) === 105 /* i */) return parseInfinity(s, i, neg);
  if (c === 48 /* 0 */ && i + 1 < n && (s.charCodeAt(i + 1) | 0x20) === 120 /* x */) {
    const h = HEX.exec(s);
    return h === null ? NaN : parseHexDouble(h[1] === '-', h[2], h[3] ?? '', h[4]);
  }
  let m = 0;
  let digits = 0;
  let scale = 0;
  let any = false;
  let nonZero = false;
  let exact = true;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    any = true;
    if (d !== 0) nonZero = true;
    else if (m === 0) continue;
    if (digits < FAST_DIGITS) {
      m = m * 10 + d;
      digits++;
    } else {
      exact = false;
    }
  }
  if (i < n && s.charCodeAt(i) === 46 /* . */) {
    for (i++; i < n; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      any = true;
      if (d !== 0) nonZero = true;
      else if (m === 0) {
        scale--;
        continue;
      }
      if (digits < FAST_DIGITS) {
        m = m * 10 + d;
        digits++;
        scale--;
      } else {
        exact = false;
      }
    }
  }
  if (!any) return NaN;
  let exp = 0;
  if (i < n && (s.charCodeAt(i) | 0x20) === 101 /* e */) {
    i++;
    let expNeg = false;
    if (i < n && (s.charCodeAt(i) === 45 || s.charCodeAt(i) === 43)) expNeg = s.charCodeAt(i++) === 45;
    const first = i;
    for (; i < n; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      // Beyond any double's range either way: the value no longer matters, only the grammar.
      if (exp < 100000) exp = exp * 10 + d;
    }
    // "1e" is strtod's "1" followed by junk.
    if (i === first) return NaN;
    if (expNeg) exp = -exp;
  }
  if (i !== n) return NaN;
  if (m === 0) return neg ? -0 : 0;
  if (exact) {
    const e = scale + exp;
    if (e >= 0 && e <= 22) return neg ? -(m * POW10[e]) : m * POW10[e];
    if (e < 0 && e >= -22) return neg ? -(m / POW10[-e]) : m / POW10[-e];
  }
  const v = Number(s);
  if (!Number.isFinite(v)) return NaN;
  // strtod reports ERANGE when a non-zero number rounds to zero: Redis refuses it.
  if (v === 0 && nonZero) return NaN;
  return v;
}

/** "inf" or "infinity", any case, after the sign at `at`. */
function parseInfinity(s: string, at: number, neg: boolean): number {
  const rest = s.slice(at).toLowerCase();
  if (rest !== 'inf' && rest !== 'infinity') return NaN;
  return neg ? -Infinity : Infinity;
}

/** A hex float, correctly rounded (half to even, subnormals included) as glibc's strtod. */
function parseHexDouble(neg: boolean, int: string, frac: string, pexp: string | undefined): number {
  if (int.length + frac.length === 0) return NaN;
  let mant = fromHex(int + frac);
  if (isZero(mant)) return neg ? -0 : 0;
  let exp2 = (pexp === undefined ? 0 : Number(pexp)) - 4 * frac.length;
  const bits = bitLength(mant);
  // Significant bits available at this magnitude: 53, fewer for subnormals.
  const top = bits - 1 + exp2;
  if (top > 1023) return NaN;
  const precision = top >= -1022 ? 53 : 53 - (-1022 - top);
  if (precision <= 0 && !(precision === 0 && anyBitBelow(mant, bits - 1))) {
    // Below half the smallest subnormal (or exactly half: ties to even, i.e. zero).
    return NaN;
  }
  const shift = bits - Math.max(precision, 0);
  if (shift > 0) {
    mant = shiftRightRounded(mant, shift);
    exp2 += shift;
  }
  // mant * 2^exp2 is exactly representable now; scale in two steps to stay in range.
  const v = toNumber(mant) * 2 ** Math.trunc(exp2 / 2) * 2 ** (exp2 - Math.trunc(exp2 / 2));
  if (!Number.isFinite(v)) return NaN;
  return neg ? -v : v;
}

/** printf("%.17g"): how Redis 7.0 replies with doubles (ZSCORE, RESP3 doubles, ...). */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const neg = d < 0;
  const e = d.toExponential(16);
  const at = e.indexOf('e');
  let digits = e.slice(neg ? 1 : 0, at).replace('.', '');
  const exp = Number(e.slice(at + 1));
  // toExponential rounds an exact tie up; printf rounds it to the even neighbour.
  const last = digits.charCodeAt(16) - 48;
  if ((last & 1) === 1 && isTie(neg ? -d : d)) digits = digits.slice(0, 16) + String(last - 1);
  let out: string;
  if (exp < -4 || exp >= 17) {
    const frac = stripZeros(digits.slice(1));
    const abs = Math.abs(exp);
    out = `${digits[0]}${frac === '' ? '' : `.${frac}`}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  } else if (exp >= 0) {
    const frac = stripZeros(digits.slice(exp + 1));
    out = frac === '' ? digits.slice(0, exp + 1) : `${digits.slice(0, exp + 1)}.${frac}`;
  } else {
    out = `0.${'0'.repeat(-exp - 1)}${stripZeros(digits)}`;
  }
  return neg ? `-${out}` : out;
}

function stripZeros(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 48) end--;
  return s.slice(0, end);
}

/**
 * isTie without BigInt where d's exact decimal expansion has at most 100 significant digits,
 * so toPrecision(100) writes it whole: a tie when the 18 digits are all there is.
 */
function isTieExact(d: number, digits18: string): boolean {
  const p = d.toPrecision(100);
  const e = p.indexOf('e');
  const sig = (e < 0 ? p : p.slice(0, e)).replace('.', '').replace(/^0+/, '');
  return sig.startsWith(digits18) && /^0*$/.test(sig.slice(18));
}

/** Whether positive `d` lies exactly halfway between two 17-significant-digit decimals. */
function isTie(d: number): boolean {
  const e = d.toExponential(17);
  const at = e.indexOf('e');
  if (e.charCodeAt(at - 1) !== 53 /* 5 */) return false;
  if (d > 1e-20 && d < 1e100) return isTieExact(d, e.slice(0, at).replace('.', ''));
  // The 18-digit decimal ending in 5 must be the exact value of d.
  let a = fromDecimal(e.slice(0, at).replace('.', ''));
  const parts = doubleParts(d);
  let b = parts.mant;
  const k = Number(e.slice(at + 1)) - 17;
  if (k >= 0) a = mulPow10(a, k);
  else b = mulPow10(b, -k);
  if (parts.exp >= 0) b = shiftLeft(b, parts.exp);
  else a = shiftLeft(a, -parts.exp);
  return compare(a, b) === 0;
}

/** printf("%.<digits>f"), exact as glibc prints it (an exact tie rounds to the even neighbour). */
export function formatFixed(d: number, digits: number): string {
  if (!Number.isFinite(d)) return Number.isNaN(d) ? 'nan' : d > 0 ? 'inf' : '-inf';
  const neg = d < 0 || Object.is(d, -0);
  const a = Math.abs(d);
  let s: string;
  if (a >= 1e21) {
    // An integer: toFixed would switch to exponent notation.
    const { mant, exp } = doubleParts(a);
    s = toDecimal(shiftLeft(mant, exp)) + (digits > 0 ? `.${'0'.repeat(digits)}` : '');
  } else {
    s = a.toFixed(digits);
    // toFixed rounds an exact tie up; a tie needs a value with at most digits+1 binary decimals.
    if (Number.isInteger(a * 2 ** (digits + 1))) {
      const longer = a.toFixed(digits + 1);
      if (longer.charCodeAt(longer.length - 1) === 53 /* 5 */) {
        const down = longer.slice(0, digits === 0 ? -2 : -1);
        if ((down.charCodeAt(down.length - 1) & 1) === 0) s = down;
      }
    }
  }
  return neg ? `-${s}` : s;
}

/** Redis's ld2string in LD_STR_HUMAN mode: %.17Lf without trailing zeros (GEOPOS coordinates). */
export function formatHumanDouble(d: number): string {
  let s = formatFixed(d, 17);
  if (s.indexOf('.') >= 0) {
    let end = s.length;
    while (s.charCodeAt(end - 1) === 48) end--;
    if (s.charCodeAt(end - 1) === 46 /* . */) end--;
    s = s.slice(0, end);
  }
  return s === '-0' ? '0' : s;
}

/** Redis's bytesToHuman: INFO's `*_human` fields (`1023B`, `1.00K`, `2.50M`, ...). */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)}${units[i]}`;
}
