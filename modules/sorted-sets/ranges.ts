import { parseDouble, ReplyError } from '../../kernel';
import type { ZSet } from './zset';

export const notFloatRange = new ReplyError('ERR min or max is not a float');
export const notLexRange = new ReplyError('ERR min or max not valid string range item');

/** A score interval; `minex`/`maxex` for the "(" exclusive form. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** A lex interval bound: a member, or the "-" / "+" infinities. */
export const enum Lex {
  Value = 0,
  Minus = 1,
  Plus = 2,
}

export interface LexRange {
  min: string;
  max: string;
  minKind: Lex;
  maxKind: Lex;
  minex: boolean;
  maxex: boolean;
}

const PLAIN_DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A range bound as zslParseRange reads it: plain strtod, so leading whitespace is skipped,
 * overflow gives +-inf, the empty string is 0 and the text ends at a NUL byte. NaN = invalid.
 */
function strtod(s: string): number {
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  if (s.length === 0) return 0;
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  const t = i === 0 ? s : s.slice(i);
  if (PLAIN_DECIMAL.test(t)) return Number(t);
  return parseDouble(t);
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

export function parseScoreRange(minArg: string, maxArg: string): ScoreRange {
  const minex = minArg.charCodeAt(0) === 40; /* ( */
  const maxex = maxArg.charCodeAt(0) === 40;
  const min = strtod(minex ? minArg.slice(1) : minArg);
  const max = strtod(maxex ? maxArg.slice(1) : maxArg);
  if (Number.isNaN(min) || Number.isNaN(max)) throw notFloatRange;
  return { min, max, minex, maxex };
}

export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

/** zslParseLexRangeItem: "(" or "[" prefixed members, or exactly "-" / "+" (exclusive). */
function lexItem(s: string, r: LexRange, isMin: boolean): void {
  const c = s.charCodeAt(0);
  let kind: Lex;
  let value = '';
  let ex: boolean;
  if (c === 43 /* + */ || c === 45 /* - */) {
    if (s.length > 1 && s.charCodeAt(1) !== 0) throw notLexRange;
    kind = c === 43 ? Lex.Plus : Lex.Minus;
    ex = true;
  } else if (c === 40 /* ( */ || c === 91 /* [ */) {
    kind = Lex.Value;
    value = s.slice(1);
    ex = c === 40;
  } else {
    throw notLexRange;
  }
  if (isMin) {
    r.minKind = kind;
    r.min = value;
    r.minex = ex;
  } else {
    r.maxKind = kind;
    r.max = value;
    r.maxex = ex;
  }
}

export function parseLexRange(minArg: string, maxArg: string): LexRange {
  const r: LexRange = { min: '', max: '', minKind: Lex.Value, maxKind: Lex.Value, minex: false, maxex: false };
  lexItem(minArg, r, true);
  lexItem(maxArg, r, false);
  return r;
}

/** sdscmplex(min, max) > 0, or equal with an exclusive end: nothing can match. */
export function lexRangeEmpty(r: LexRange): boolean {
  let cmp: number;
  if (r.minKind === r.maxKind && r.minKind !== Lex.Value) cmp = 0;
  else if (r.minKind === Lex.Minus || r.maxKind === Lex.Plus) cmp = -1;
  else if (r.minKind === Lex.Plus || r.maxKind === Lex.Minus) cmp = 1;
  else cmp = r.min < r.max ? -1 : r.min > r.max ? 1 : 0;
  return cmp > 0 || (cmp === 0 && (r.minex || r.maxex));
}

/** The members of a sorted set within a score range: [rank of the first, how many]. */
export function scoreSpan(z: ZSet, r: ScoreRange): [number, number] {
  if (scoreRangeEmpty(r)) return [0, 0];
  const first = z.rankByScore(r.min, r.minex);
  const end = z.rankByScore(r.max, !r.maxex);
  return [first, Math.max(0, end - first)];
}

function lexGteMin(v: string, r: LexRange): boolean {
  if (r.minKind !== Lex.Value) return r.minKind === Lex.Minus;
  return r.minex ? v > r.min : v >= r.min;
}

function lexLteMax(v: string, r: LexRange): boolean {
  if (r.maxKind !== Lex.Value) return r.maxKind === Lex.Plus;
  return r.maxex ? v < r.max : v <= r.max;
}

/**
 * The members within a lex range: [rank of the first, how many], walking down from the end
 * when `rev` (ZREVRANGEBYLEX). Lex ranges are meant for sets whose scores are all equal. A
 * listpack-encoded set is read as Redis reads a listpack, which also fixes the answer when
 * scores differ: from the head (or tail) to the first member at or past the bound, then on
 * while members stay within the other bound. A larger set finds both bounds by rank.
 */
export function lexSpan(z: ZSet, r: LexRange, rev = false): [number, number] {
  if (lexRangeEmpty(r)) return [0, 0];
  const len = z.size;
  if (z.listpack) {
    // zzlIsInLexRange, then zzlFirstInLexRange / zzlLastInLexRange and the walk.
    if (len === 0 || !lexGteMin(z.at(len - 1).ele, r) || !lexLteMax(z.at(0).ele, r)) return [0, 0];
    if (!rev) {
      let rank = 0;
      const c = z.at(0);
      for (; c.valid && !lexGteMin(c.ele, r); c.next()) rank++;
      let n = 0;
      for (; c.valid && lexLteMax(c.ele, r); c.next()) n++;
      return [rank, n];
    }
    let rank = len - 1;
    const c = z.at(rank);
    for (; c.valid && !lexLteMax(c.ele, r); c.prev()) rank--;
    let n = 0;
    for (; c.valid && lexGteMin(c.ele, r); c.prev()) n++;
    return [rank - n + 1, n];
  }
  const first = r.minKind === Lex.Minus ? 0 : r.minKind === Lex.Plus ? len : z.rankByLex(r.min, r.minex);
  const end = r.maxKind === Lex.Plus ? len : r.maxKind === Lex.Minus ? 0 : z.rankByLex(r.max, !r.maxex);
  return [first, Math.max(0, end - first)];
}
