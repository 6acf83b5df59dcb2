import { type CommandContext, DoubleReply, Errors, Notify, parseIntArg, type Reply, ReplyError } from '../../kernel';
import { type LexRange, lexSpan, parseLexRange, parseScoreRange, type ScoreRange, scoreSpan } from './ranges';
import { type Limits, readZset, ZSet } from './zset';

const limitNeedsBy = new ReplyError('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
const lexNoScores = new ReplyError('ERR syntax error, WITHSCORES not supported in combination with BYLEX');

export const enum By {
  Auto,
  Rank,
  Score,
  Lex,
}

export const enum Dir {
  Auto,
  Forward,
  Reverse,
}

/** Members picked from a sorted set, in reply order, with their scores. */
export interface Picked {
  eles: string[];
  scores: number[];
}

/** Members (and scores) in the order given: flat in RESP2, [member, score] pairs in RESP3. */
export function pickedReply(p: Picked, withScores: boolean, resp: number): Reply[] {
  const { eles, scores } = p;
  if (!withScores) return eles;
  if (resp === 2) {
    const out = new Array<Reply>(eles.length * 2);
    for (let i = 0; i < eles.length; i++) {
      out[2 * i] = eles[i];
      out[2 * i + 1] = new DoubleReply(scores[i]);
    }
    return out;
  }
  const out = new Array<Reply>(eles.length);
  for (let i = 0; i < eles.length; i++) out[i] = [eles[i], new DoubleReply(scores[i])];
  return out;
}

/** `n` members from `rank` on, walking down the order when `rev`. */
function walk(z: ZSet, rank: number, n: number, rev: boolean): Picked {
  const eles = new Array<string>(n);
  const scores = new Array<number>(n);
  const c = z.at(rank);
  for (let i = 0; i < n; i++) {
    eles[i] = c.ele;
    scores[i] = c.score;
    if (rev) c.prev();
    else c.next();
  }
  return { eles, scores };
}

/** Every member in order, with its score. */
export function allMembers(z: ZSet): Picked {
  return walk(z, 0, z.size, false);
}

/** No members: a fresh value each time, as the reply array goes to the caller. */
function none(): Picked {
  return { eles: [], scores: [] };
}

/** Members at ranks start..end (Redis's clamping of negative and out-of-range indexes). */
function byRank(z: ZSet, start: number, end: number, rev: boolean): Picked {
  const len = z.size;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return none();
  if (end >= len) end = len - 1;
  return walk(z, rev ? len - 1 - start : start, end - start + 1, rev);
}

/** The members of a span [first, first + count) after LIMIT's offset and count, from either end. */
function fromSpan(z: ZSet, [first, count]: [number, number], offset: number, limit: number, rev: boolean): Picked {
  if (offset < 0 || offset >= count) return none();
  const n = limit < 0 ? count - offset : Math.min(limit, count - offset);
  return walk(z, rev ? first + count - 1 - offset : first + offset, n, rev);
}

/**
 * zrangeGenericCommand: ZRANGE and its legacy forms, and ZRANGESTORE (`dst` given).
 * `by`/`dir` are fixed by the legacy commands; Auto lets the options choose.
 */
export function zrange(ctx: CommandContext, argv: string[], first: number, by: By, dir: Dir, dst: string | null, limits: Limits): Reply {
  let minArg = argv[first + 1];
  let maxArg = argv[first + 2];
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = first + 3; j < argv.length; j++) {
    const o = argv[j].toLowerCase();
    const left = argv.length - j - 1;
    if (dst === null && o === 'withscores') withScores = true;
    else if (o === 'limit' && left >= 2) {
      offset = parseIntArg(argv[j + 1]);
      limit = parseIntArg(argv[j + 2]);
      if (Number.isNaN(offset) || Number.isNaN(limit)) throw Errors.notInteger;
      j += 2;
    } else if (dir === Dir.Auto && o === 'rev') dir = Dir.Reverse;
    else if (by === By.Auto && o === 'bylex') by = By.Lex;
    else if (by === By.Auto && o === 'byscore') by = By.Score;
    else throw Errors.syntax;
  }
  if (by === By.Auto) by = By.Rank;
  const rev = dir === Dir.Reverse;
  if (limit !== -1 && by === By.Rank) throw limitNeedsBy;
  if (withScores && by === By.Lex) throw lexNoScores;
  if (rev && by !== By.Rank) {
    const t = minArg;
    minArg = maxArg;
    maxArg = t;
  }
  let start = 0;
  let end = 0;
  let score: ScoreRange | null = null;
  let lex: LexRange | null = null;
  if (by === By.Rank) {
    start = parseIntArg(minArg);
    end = parseIntArg(maxArg);
    if (Number.isNaN(start) || Number.isNaN(end)) throw Errors.notInteger;
  } else if (by === By.Score) {
    score = parseScoreRange(minArg, maxArg);
  } else {
    lex = parseLexRange(minArg, maxArg);
  }
  const src = argv[first];
  const z = readZset(ctx, src);
  let picked: Picked;
  if (z === undefined) picked = none();
  else if (by === By.Rank) picked = byRank(z, start, end, rev);
  else if (score !== null) picked = fromSpan(z, scoreSpan(z, score), offset, limit, rev);
  else picked = fromSpan(z, lexSpan(z, lex!, rev), offset, limit, rev);
  if (dst === null) return pickedReply(picked, withScores, ctx.resp);
  const out = new ZSet();
  for (let i = 0; i < picked.eles.length; i++) out.insert(picked.scores[i], picked.eles[i], limits);
  return storeResult(ctx, dst, out, 'zrangestore');
}

/** Store a computed sorted set at `dst`, or delete `dst` when it is empty; replies the size. */
export function storeResult(ctx: CommandContext, dst: string, out: ZSet, event: string): Reply {
  if (out.size === 0) {
    if (ctx.db.delete(dst)) ctx.modified(dst, Notify.GENERIC, 'del');
    return 0;
  }
  ctx.db.set(dst, out);
  ctx.modified(dst, Notify.ZSET, event);
  return out.size;
}

export function zcount(ctx: CommandContext, argv: string[]): Reply {
  const r = parseScoreRange(argv[2], argv[3]);
  const z = readZset(ctx, argv[1]);
  return z === undefined ? 0 : scoreSpan(z, r)[1];
}

export function zlexcount(ctx: CommandContext, argv: string[]): Reply {
  const r = parseLexRange(argv[2], argv[3]);
  const z = readZset(ctx, argv[1]);
  return z === undefined ? 0 : lexSpan(z, r)[1];
}
