/** Number parsing and formatting with Redis's exact rules (string2ll, strtod, %.17g). */

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * string2ll: strict decimal int64 (optional '-', no '+', no spaces, no leading zeros).
 * Returns a number when it is a safe integer, a bigint beyond that, null when invalid.
 */
export function parseInt64(s: string): number | bigint | null {
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
  const b = BigInt(s);
  return b > INT64_MAX || b < INT64_MIN ? null : b;
}

/**
 * An int64 argument as a number (precision beyond 2^53 is irrelevant for indexes, counts
 * and times), or NaN when invalid.
 */
export function parseIntArg(s: string): number {
  const v = parseInt64(s);
  if (v === null) return NaN;
  return typeof v === 'number' ? v : Number(v);
}

/** An int64 argument as a bigint, or null when invalid. */
export function parseBigInt64(s: string): bigint | null {
  const v = parseInt64(s);
  return v === null ? null : BigInt(v);
}

export function isInt64(b: bigint): boolean {
  return b <= INT64_MAX && b >= INT64_MIN;
}

export { INT64_MAX, INT64_MIN };

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)(?:inf|infinity)$/i;

/**
 * strtod as Redis uses it (getDoubleFromObject): the whole string, no leading space,
 * "inf"/"-inf" accepted, NaN and out-of-range values rejected. Returns NaN when invalid.
 */
export function parseDouble(s: string): number {
  if (s.length === 0) return NaN;
  if (DECIMAL.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : NaN;
  }
  const m = INFINITY.exec(s);
  if (m !== null) return m[1] === '-' ? -Infinity : Infinity;
  return NaN;
}

/** printf("%.17g"): how Redis 7.0 replies with doubles (ZSCORE, RESP3 doubles, ...). */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const e = d.toExponential(16);
  const at = e.indexOf('e');
  const exp = Number(e.slice(at + 1));
  if (exp < -4 || exp >= 17) {
    const mant = stripZeros(e.slice(0, at));
    const abs = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return stripZeros(d.toFixed(16 - exp));
}

function stripZeros(s: string): string {
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}
