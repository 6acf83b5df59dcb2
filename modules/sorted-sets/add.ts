import { type CommandContext, DoubleReply, Errors, Notify, parseDouble, parseIntArg, type Reply, ReplyError } from '../../kernel';
import { lexSpan, parseLexRange, parseScoreRange, scoreSpan } from './ranges';
import { type Limits, writeZset, ZSet } from './zset';

const nxXx = new ReplyError('ERR XX and NX options at the same time are not compatible');
const gtLtNx = new ReplyError('ERR GT, LT, and/or NX options at the same time are not compatible');
const incrPair = new ReplyError('ERR INCR option supports a single increment-element pair');
const nanScore = new ReplyError('ERR resulting score is not a number (NaN)');

const enum Flag {
  NX = 1,
  XX = 2,
  GT = 4,
  LT = 8,
  CH = 16,
  INCR = 32,
}

/** zaddGenericCommand: ZADD (and ZINCRBY with `incr` set). */
export function zadd(ctx: CommandContext, argv: string[], limits: Limits, incrOnly: boolean): Reply {
  let flags = incrOnly ? Flag.INCR : 0;
  let scoreIdx = 2;
  if (!incrOnly) {
    for (; scoreIdx < argv.length; scoreIdx++) {
      // Options are at most four letters: a longer argument is the first score.
      const a = argv[scoreIdx];
      if (a.length > 4) break;
      const o = a.toLowerCase();
      if (o === 'nx') flags |= Flag.NX;
      else if (o === 'xx') flags |= Flag.XX;
      else if (o === 'gt') flags |= Flag.GT;
      else if (o === 'lt') flags |= Flag.LT;
      else if (o === 'ch') flags |= Flag.CH;
      else if (o === 'incr') flags |= Flag.INCR;
      else break;
    }
  }
  const pairs = argv.length - scoreIdx;
  if (pairs === 0 || pairs % 2 !== 0) throw Errors.syntax;
  const n = pairs / 2;
  if ((flags & (Flag.NX | Flag.XX)) === (Flag.NX | Flag.XX)) throw nxXx;
  if ((flags & Flag.NX) !== 0 ? (flags & (Flag.GT | Flag.LT)) !== 0 : (flags & (Flag.GT | Flag.LT)) === (Flag.GT | Flag.LT)) {
    throw gtLtNx;
  }
  const incr = (flags & Flag.INCR) !== 0;
  if (incr && n > 1) throw incrPair;
  const scores = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const s = parseDouble(argv[scoreIdx + 2 * i]);
    if (Number.isNaN(s)) throw Errors.notFloat;
    scores[i] = s;
  }
  const key = argv[1];
  const db = ctx.db;
  let z = writeZset(db, key);
  if (z === undefined) {
    if ((flags & Flag.XX) !== 0) return incr ? null : 0;
    z = new ZSet();
    db.set(key, z);
  }
  let added = 0;
  let updated = 0;
  let processed = 0;
  let newScore = 0;
  let failure: ReplyError | null = null;
  for (let i = 0; i < n; i++) {
    let score = scores[i];
    const ele = argv[scoreIdx + 2 * i + 1];
    const at = z.locate(ele);
    if (at >= 0) {
      if ((flags & Flag.NX) !== 0) continue;
      const cur = z.scoreAt(at);
      if (incr) {
        score += cur;
        if (Number.isNaN(score)) {
          failure = nanScore;
          break;
        }
      }
      if (((flags & Flag.LT) !== 0 && score >= cur) || ((flags & Flag.GT) !== 0 && score <= cur)) continue;
      newScore = score;
      processed++;
      if (score !== cur) {
        z.setScoreAt(at, ele, score);
        updated++;
      }
    } else if ((flags & Flag.XX) === 0) {
      z.insertAt(at, score, ele, limits);
      newScore = score;
      added++;
      processed++;
    }
  }
  if (added + updated !== 0) ctx.modified(key, Notify.ZSET, incr ? 'zincr' : 'zadd');
  if (failure !== null) throw failure;
  if (incr) return processed !== 0 ? new DoubleReply(newScore) : null;
  return (flags & Flag.CH) !== 0 ? added + updated : added;
}

/** Delete an emptied sorted set, with the `del` event after the command's own. */
function dropIfEmpty(ctx: CommandContext, key: string, z: ZSet): void {
  if (z.size !== 0) return;
  ctx.db.delete(key);
  ctx.notify(Notify.GENERIC, 'del', key);
}

export function zrem(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1];
  const z = writeZset(ctx.db, key);
  if (z === undefined) return 0;
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    if (z.delete(argv[i])) deleted++;
    if (z.size === 0) break;
  }
  if (deleted !== 0) {
    ctx.modified(key, Notify.ZSET, 'zrem');
    dropIfEmpty(ctx, key, z);
  }
  return deleted;
}

export const enum RemBy {
  Rank,
  Score,
  Lex,
}

const REM_EVENTS = ['zremrangebyrank', 'zremrangebyscore', 'zremrangebylex'];

/** zremrangeGenericCommand: ZREMRANGEBYRANK / BYSCORE / BYLEX. */
export function zremrange(ctx: CommandContext, argv: string[], by: RemBy): Reply {
  let start = 0;
  let end = 0;
  let range: ReturnType<typeof parseScoreRange> | null = null;
  let lex: ReturnType<typeof parseLexRange> | null = null;
  if (by === RemBy.Rank) {
    start = parseIntArg(argv[2]);
    end = parseIntArg(argv[3]);
    if (Number.isNaN(start) || Number.isNaN(end)) throw Errors.notInteger;
  } else if (by === RemBy.Score) {
    range = parseScoreRange(argv[2], argv[3]);
  } else {
    lex = parseLexRange(argv[2], argv[3]);
  }
  const key = argv[1];
  const z = writeZset(ctx.db, key);
  if (z === undefined) return 0;
  let first = 0;
  let count = 0;
  if (by === RemBy.Rank) {
    const len = z.size;
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (start > end || start >= len) return 0;
    if (end >= len) end = len - 1;
    first = start;
    count = end - start + 1;
  } else {
    [first, count] = range !== null ? scoreSpan(z, range) : lexSpan(z, lex!);
  }
  if (count <= 0) return 0;
  const deleted = z.deleteRange(first, count);
  ctx.modified(key, Notify.ZSET, REM_EVENTS[by]);
  dropIfEmpty(ctx, key, z);
  return deleted;
}
