import { type CommandContext, Errors, parseInt64, parseIntArg, type Reply, ReplyError } from '../../kernel';
import { readList } from './type';

/** LONG_MIN, as parseInt64 gives it (digits: past 2^53). */
const INT64_MIN_DIGITS = '-9223372036854775808';
const EMPTY: Reply[] = [];
const rankZero = new ReplyError(
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
);
const countNegative = new ReplyError("ERR COUNT can't be negative");
const maxlenNegative = new ReplyError("ERR MAXLEN can't be negative");

export function llen(ctx: CommandContext, argv: string[]): Reply {
  return readList(ctx, argv[1])?.length ?? 0;
}

export function lrange(ctx: CommandContext, argv: string[]): Reply {
  let start = parseIntArg(argv[2]);
  let end = parseIntArg(argv[3]);
  if (Number.isNaN(start) || Number.isNaN(end)) throw Errors.notInteger;
  const list = readList(ctx, argv[1]);
  if (list === undefined) return EMPTY;
  const len = list.length;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return EMPTY;
  if (end >= len) end = len - 1;
  return list.range(start, end);
}

export function lindex(ctx: CommandContext, argv: string[]): Reply {
  const list = readList(ctx, argv[1]);
  if (list === undefined) return null;
  let i = parseIntArg(argv[2]);
  if (Number.isNaN(i)) throw Errors.notInteger;
  if (i < 0) i += list.length;
  return i >= 0 && i < list.length ? list.get(i) : null;
}

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
export function lpos(ctx: CommandContext, argv: string[]): Reply {
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = j < argv.length - 1;
    if (opt === 'rank' && more) {
      const r = parseInt64(argv[++j]);
      if (r === null) throw Errors.notInteger;
      // Redis negates LONG_MIN into itself, which then matches from the tail's first match.
      rank = r === INT64_MIN_DIGITS ? -1 : Number(r);
      if (rank === 0) throw rankZero;
    } else if (opt === 'count' && more) {
      count = parseIntArg(argv[++j]);
      if (!(count >= 0)) throw countNegative;
    } else if (opt === 'maxlen' && more) {
      maxlen = parseIntArg(argv[++j]);
      if (!(maxlen >= 0)) throw maxlenNegative;
    } else {
      throw Errors.syntax;
    }
  }
  const list = readList(ctx, argv[1]);
  if (list === undefined) return count === -1 ? null : EMPTY;
  const element = argv[2];
  const len = list.length;
  const fromTail = rank < 0;
  const skip = Math.abs(rank) - 1;
  const limit = maxlen === 0 ? len : Math.min(len, maxlen);
  const out: number[] = [];
  let matches = 0;
  // A packed list is decoded once rather than walked for every index.
  const items = list.packed ? list.toArray() : null;
  for (let n = 0; n < limit; n++) {
    const i = fromTail ? len - 1 - n : n;
    if ((items !== null ? items[i] : list.get(i)) !== element || matches++ < skip) continue;
    if (count === -1) return i;
    out.push(i);
    if (count !== 0 && out.length === count) break;
  }
  return count === -1 ? null : out;
}
