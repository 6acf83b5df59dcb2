import { IntegerReply } from '../reply';

/**
 * Exact 64-bit integers without BigInt: V8's optimising compiler has crashed the process on
 * BigInt arithmetic once a command ran hot, so values past 2^53 travel as decimal strings or as
 * two 32-bit halves, and only the rare out-of-double-range case pays for the slower path.
 */

/** The decimal digits of the unsigned 64-bit value hi * 2^32 + lo (hi, lo unsigned 32-bit). */
export function uint64Decimal(hi: number, lo: number): string {
  // 2^32 = 42949 * 10^5 + 67296: both partial products stay below 2^53.
  const a = hi * 42949;
  const b = hi * 67296 + lo;
  const head = a + Math.floor(b / 100000);
  const tail = b % 100000;
  if (head === 0) return String(tail);
  return `${head}${String(tail).padStart(5, '0')}`;
}

const INT64_MAX_DIGITS = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';

/** Whether decimal `s` (optional '-', no leading zeros) lies within int64, compared as digits. */
export function decimalInInt64(s: string): boolean {
  return !magnitudeAbove(s, s.charCodeAt(0) === 45 ? INT64_MIN_DIGITS : INT64_MAX_DIGITS);
}

/** Whether decimal `s` (optional '-', no leading zeros) is larger in magnitude than the digits `limit`. */
export function magnitudeAbove(s: string, limit: string): boolean {
  const digits = s.charCodeAt(0) === 45 ? s.slice(1) : s;
  return digits.length > limit.length || (digits.length === limit.length && digits > limit);
}

/** Compare magnitudes given as digit strings without leading zeros. */
function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function addDigits(a: string, b: string): string {
  let out = '';
  let carry = 0;
  for (let i = a.length - 1, j = b.length - 1; i >= 0 || j >= 0 || carry > 0; i--, j--) {
    const d = (i >= 0 ? a.charCodeAt(i) - 48 : 0) + (j >= 0 ? b.charCodeAt(j) - 48 : 0) + carry;
    carry = d >= 10 ? 1 : 0;
    out = String(d % 10) + out;
  }
  return out;
}

/** a - b for magnitudes with a >= b, without leading zeros in the result. */
function subtractDigits(a: string, b: string): string {
  let out = '';
  let borrow = 0;
  for (let i = a.length - 1, j = b.length - 1; i >= 0; i--, j--) {
    let d = a.charCodeAt(i) - 48 - borrow - (j >= 0 ? b.charCodeAt(j) - 48 : 0);
    borrow = d < 0 ? 1 : 0;
    if (d < 0) d += 10;
    out = String(d) + out;
  }
  const lead = out.search(/[1-9]/);
  return lead < 0 ? '0' : out.slice(lead);
}

/**
 * The exact sum of two integers given as decimals (optional '-', no leading zeros), as a
 * decimal: how int64 arithmetic past 2^53 is done without BigInt (INCRBY, HINCRBY, expiry).
 */
export function addDecimal(a: string, b: string): string {
  const an = a.charCodeAt(0) === 45;
  const bn = b.charCodeAt(0) === 45;
  const am = an ? a.slice(1) : a;
  const bm = bn ? b.slice(1) : b;
  if (an === bn) {
    const sum = addDigits(am, bm);
    return an && sum !== '0' ? `-${sum}` : sum;
  }
  const c = compareDigits(am, bm);
  if (c === 0) return '0';
  // The larger magnitude gives the sign.
  const diff = c > 0 ? subtractDigits(am, bm) : subtractDigits(bm, am);
  return (c > 0 ? an : bn) ? `-${diff}` : diff;
}

/** An int64 as the reply it makes: a number within double precision, else its exact digits. */
export function int64Reply(s: string): number | IntegerReply {
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : new IntegerReply(s);
}
