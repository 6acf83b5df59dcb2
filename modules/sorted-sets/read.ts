import { type CommandContext, DoubleReply, Errors, formatDouble, globMatch, magnitudeAbove, MAX_REPLY_COUNT, parseInt64, parseScanCursor, parseScanOptions, type Reply } from '../../kernel';
import type { ZCursor } from './zset';
import { readZset, type ZSet } from './zset';

/** LONG_MAX / 2, as digits: ZRANDMEMBER's largest count WITHSCORES (compared without BigInt). */
const HALF_LONG = '4611686018427387903';

export function zcard(ctx: CommandContext, argv: string[]): Reply {
  return readZset(ctx, argv[1])?.size ?? 0;
}

export function zscore(ctx: CommandContext, argv: string[]): Reply {
  const s = readZset(ctx, argv[1])?.score(argv[2]);
  return s === undefined ? null : new DoubleReply(s);
}

export function zmscore(ctx: CommandContext, argv: string[]): Reply {
  const z = readZset(ctx, argv[1]);
  const out = new Array<Reply>(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const s = z?.score(argv[i]);
    out[i - 2] = s === undefined ? null : new DoubleReply(s);
  }
  return out;
}

export function zrank(ctx: CommandContext, argv: string[], rev: boolean): Reply {
  const z = readZset(ctx, argv[1]);
  const r = z === undefined ? -1 : z.rank(argv[2]);
  if (r < 0) return null;
  return rev ? z!.size - 1 - r : r;
}

function randomRank(z: ZSet): number {
  return Math.floor(Math.random() * z.size);
}

/** One reply entry of ZRANDMEMBER: RESP3 pairs with scores, flat in RESP2. */
function pushMember(out: Reply[], c: ZCursor, withScores: boolean, resp: number): void {
  if (!withScores) out.push(c.ele);
  else if (resp === 2) out.push(c.ele, new DoubleReply(c.score));
  else out.push([c.ele, new DoubleReply(c.score)]);
}

/** zrandmemberCommand / zrandmemberWithCountCommand. */
export function zrandmember(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length === 2) {
    const z = readZset(ctx, argv[1]);
    return z === undefined ? null : z.at(randomRank(z)).ele;
  }
  const raw = parseInt64(argv[2]);
  if (raw === null) throw Errors.notInteger;
  if (typeof raw === 'string' && argv[2] === '-9223372036854775808') throw Errors.longOutOfRange;
  if (argv.length > 4 || (argv.length === 4 && argv[3].toLowerCase() !== 'withscores')) throw Errors.syntax;
  const withScores = argv.length === 4;
  // With scores the reply doubles in length: Redis refuses counts beyond LONG_MAX/2.
  if (withScores && typeof raw === 'string' && magnitudeAbove(argv[2], HALF_LONG)) throw Errors.valueOutOfRange;
  let l = Number(raw);
  const z = readZset(ctx, argv[1]);
  if (z === undefined || l === 0) return [];
  const resp = ctx.resp;
  const out: Reply[] = [];
  const unique = l > 0;
  if (!unique) l = -l;
  const size = z.size;
  if (!unique || l === 1) {
    if (l > MAX_REPLY_COUNT) throw Errors.replyTooLarge;
    for (let i = 0; i < l; i++) pushMember(out, z.at(randomRank(z)), withScores, resp);
    return out;
  }
  if (l >= size) {
    // The whole set, highest score first, as Redis 7.0 happens to reply.
    for (const c = z.at(size - 1); c.valid; c.prev()) pushMember(out, c, withScores, resp);
    return out;
  }
  let picked: number[];
  if (l * 3 > size) {
    // Most of the set: drop random ranks from the full list until `l` remain.
    picked = Array.from({ length: size }, (_, i) => i);
    while (picked.length > l) {
      const i = Math.floor(Math.random() * picked.length);
      picked[i] = picked[picked.length - 1];
      picked.pop();
    }
  } else {
    const seen = new Set<number>();
    while (seen.size < l) seen.add(randomRank(z));
    picked = [...seen];
  }
  for (const r of picked) pushMember(out, z.at(r), withScores, resp);
  return out;
}

/** ZSCAN: a listpack-encoded set comes back whole with cursor 0, as in Redis. */
export function zscan(ctx: CommandContext, argv: string[]): Reply {
  const cursor = parseScanCursor(argv[2]);
  const z = readZset(ctx, argv[1]);
  if (z === undefined) return ['0', []];
  const { count, pattern } = parseScanOptions(argv, 3, false);
  const items: Reply[] = [];
  let next = 0;
  const index = z.index;
  if (index === null) {
    z.forEach((ele, score) => {
      if (pattern === null || globMatch(pattern, ele)) items.push(ele, formatDouble(score));
    });
  } else {
    next = index.scan(cursor, count, (ele) => {
      if (pattern === null || globMatch(pattern, ele)) items.push(ele, formatDouble(z.score(ele)!));
    });
  }
  return [String(next), items];
}
