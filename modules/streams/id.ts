import { ReplyError, uint64Decimal } from '../../kernel';

/**
 * A stream ID as a 16-character binary string: ms then seq, each 64 bits big-endian, one byte
 * per char. String order is ID order (what Redis gets from its 128-bit big-endian rax keys), so
 * IDs compare with `<` and key Maps directly, and both halves keep their full 64 bits without
 * BigInt: arithmetic works on 32-bit words.
 */
export type Id = string;

export const MIN_ID: Id = '\0'.repeat(16);
export const MAX_ID: Id = '\xff'.repeat(16);

export const INVALID_ID = new ReplyError('ERR Invalid stream ID specified as stream command argument');

const TWO32 = 4294967296;

/** The ID of four unsigned 32-bit words (ms high, ms low, seq high, seq low). */
export function makeId(mh: number, ml: number, sh: number, sl: number): Id {
  return String.fromCharCode(
    mh >>> 24, (mh >>> 16) & 255, (mh >>> 8) & 255, mh & 255,
    ml >>> 24, (ml >>> 16) & 255, (ml >>> 8) & 255, ml & 255,
    sh >>> 24, (sh >>> 16) & 255, (sh >>> 8) & 255, sh & 255,
    sl >>> 24, (sl >>> 16) & 255, (sl >>> 8) & 255, sl & 255,
  );
}

/** Word `k` (0..3) of an ID as an unsigned 32-bit number. */
export function word(id: Id, k: number): number {
  const p = k * 4;
  return ((id.charCodeAt(p) << 24) | (id.charCodeAt(p + 1) << 16) | (id.charCodeAt(p + 2) << 8) | id.charCodeAt(p + 3)) >>> 0;
}

/** An ID from a millisecond time and sequence below 2^53 (the common case). */
export function idOf(ms: number, seq: number): Id {
  return makeId(Math.floor(ms / TWO32), ms >>> 0, Math.floor(seq / TWO32), seq >>> 0);
}

function u64(hi: number, lo: number): string {
  return hi < 0x200000 ? String(hi * TWO32 + lo) : uint64Decimal(hi, lo);
}

/** "ms-seq" as Redis prints it. */
export function formatId(id: Id): string {
  return `${u64(word(id, 0), word(id, 1))}-${u64(word(id, 2), word(id, 3))}`;
}

/** The ms part as a decimal string. */
export function msPart(id: Id): string {
  return u64(word(id, 0), word(id, 1));
}

/** The ms part as a number when below 2^53, else -1. */
export function msOf(id: Id): number {
  const h = word(id, 0);
  return h < 0x200000 ? h * TWO32 + word(id, 1) : -1;
}

/** The seq part as a number when below 2^53, else -1. */
export function seqOf(id: Id): number {
  const h = word(id, 2);
  return h < 0x200000 ? h * TWO32 + word(id, 3) : -1;
}

/** The next ID (seq + 1, carrying into ms); null past the largest. */
export function nextId(id: Id): Id | null {
  if (id === MAX_ID) return null;
  let mh = word(id, 0), ml = word(id, 1), sh = word(id, 2), sl = word(id, 3);
  sl = (sl + 1) >>> 0;
  if (sl === 0) {
    sh = (sh + 1) >>> 0;
    if (sh === 0) {
      ml = (ml + 1) >>> 0;
      if (ml === 0) mh = (mh + 1) >>> 0;
    }
  }
  return makeId(mh, ml, sh, sl);
}

/** The previous ID; null below 0-0. */
export function prevId(id: Id): Id | null {
  if (id === MIN_ID) return null;
  let mh = word(id, 0), ml = word(id, 1), sh = word(id, 2), sl = word(id, 3);
  if (sl === 0) {
    if (sh === 0) {
      if (ml === 0) mh = (mh - 1) >>> 0;
      ml = (ml - 1) >>> 0;
    }
    sh = (sh - 1) >>> 0;
  }
  sl = (sl - 1) >>> 0;
  return makeId(mh, ml, sh, sl);
}

/** Whether an ID is 0-0. */
export function isZero(id: Id): boolean {
  return id === MIN_ID;
}

/** Scratch result of parseU64: the two 32-bit halves. */
let hi = 0;
let lo = 0;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** string2ll's strict form: what Redis reads as a long long first. Returns whether it is negative-and-valid. */
function strictNegative(s: string): boolean {
  if (s.length < 2 || s.length > 20 || s.charCodeAt(0) !== 45) return false;
  const c1 = s.charCodeAt(1);
  if (c1 < 49 || c1 > 57) return false;
  for (let i = 2; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  // "-9223372036854775808" is the most negative int64; anything longer in magnitude overflows.
  return s.length < 20 || s.slice(1) <= '9223372036854775808';
}

/**
 * Redis's string2ull: a long long if string2ll takes it (negative ones refused), else
 * strtoull (leading spaces, a sign, digits to the end; '-' negates modulo 2^64; overflow
 * refused). Sets hi/lo; false when invalid.
 */
function parseU64(s: string): boolean {
  if (strictNegative(s)) return false;
  const n = s.length;
  let i = 0;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) {
    neg = s.charCodeAt(i) === 45;
    i++;
  }
  if (i === n) return false;
  let h = 0;
  let l = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    l = l * 10 + d;
    const carry = Math.floor(l / TWO32);
    l -= carry * TWO32;
    h = h * 10 + carry;
    if (h >= TWO32) return false;
  }
  if (neg && (h !== 0 || l !== 0)) {
    l = (TWO32 - l) % TWO32;
    h = (TWO32 - h - (l === 0 ? 0 : 1)) % TWO32;
  }
  hi = h;
  lo = l;
  return true;
}

/** At most this many digits always make a number below 2^53. */
const SAFE_DIGITS = 15;

/**
 * `<ms>` or `<ms>-<seq>` in plain digits of at most 15 each (what clients send): read in one
 * pass, without slicing. Null for anything else, which the full parser decides.
 */
function plainId(s: string, missingSeqMax: boolean): Id | null {
  const n = s.length;
  let i = 0;
  let ms = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    ms = ms * 10 + d;
  }
  if (i === 0 || i > SAFE_DIGITS) return null;
  if (i === n) return missingSeqMax ? makeId(Math.floor(ms / TWO32), ms >>> 0, 0xffffffff, 0xffffffff) : idOf(ms, 0);
  if (s.charCodeAt(i) !== 45) return null;
  const from = ++i;
  let seq = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    seq = seq * 10 + d;
  }
  if (i === from || i - from > SAFE_DIGITS) return null;
  return idOf(ms, seq);
}

/** Set by parseId when the `<ms>-*` form was given (XADD). */
export let seqAuto = false;

/**
 * streamGenericParseIDOrReply: `-`, `+` (unless strict), `<ms>`, `<ms>-<seq>`, and `<ms>-*`
 * where `allowSeqAuto`. A missing seq is 0, or the largest when `missingSeqMax`.
 */
export function parseId(arg: string, missingSeqMax: boolean, strict = false, allowSeqAuto = false): Id {
  seqAuto = false;
  const plain = plainId(arg, missingSeqMax);
  if (plain !== null) return plain;
  if (arg.length > 127) throw INVALID_ID;
  const nul = arg.indexOf('\0');
  const s = nul < 0 ? arg : arg.slice(0, nul);
  if (s === '-' || s === '+') {
    if (strict) throw INVALID_ID;
    return s === '-' ? MIN_ID : MAX_ID;
  }
  const dash = s.indexOf('-');
  if (!parseU64(dash < 0 ? s : s.slice(0, dash))) throw INVALID_ID;
  const mh = hi;
  const ml = lo;
  if (dash < 0) return missingSeqMax ? makeId(mh, ml, 0xffffffff, 0xffffffff) : makeId(mh, ml, 0, 0);
  const rest = s.slice(dash + 1);
  if (allowSeqAuto && rest === '*') {
    seqAuto = true;
    return makeId(mh, ml, 0, 0);
  }
  if (!parseU64(rest)) throw INVALID_ID;
  return makeId(mh, ml, hi, lo);
}

/** A strict ID (no `-`/`+`). */
export function parseStrictId(arg: string): Id {
  return parseId(arg, false, true);
}

/**
 * An interval bound (XRANGE, XPENDING, XAUTOCLAIM): `(` makes it exclusive, moving it one ID
 * inward. Redis's error when that runs off either end.
 */
export function parseRangeId(arg: string, missingSeqMax: boolean, start: boolean): Id {
  if (arg.length > 1 && arg.charCodeAt(0) === 40) {
    const id = parseId(arg.slice(1), missingSeqMax, true);
    const moved = start ? nextId(id) : prevId(id);
    if (moved === null) throw new ReplyError(`ERR invalid ${start ? 'start' : 'end'} ID for the interval`);
    return moved;
  }
  return parseId(arg, missingSeqMax);
}
