import { type CommandContext, DoubleReply, Errors, Notify, parseIntArg, type Reply, ReplyError } from '../../kernel';
import { lexGteMin, lexLteMax, type LexRange, parseLexRange, parseScoreRange, type ScoreRange, scoreGteMin, scoreLteMax } from './ranges';
import type { ZNode } from './skiplist';
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

/** Members (and scores) in the order given: flat in RESP2, [member, score] pairs in RESP3. */
export function nodesReply(nodes: ZNode[], withScores: boolean, resp: number): Reply[] {
  if (!withScores) {
    const out = new Array<Reply>(nodes.length);
    for (let i = 0; i < nodes.length; i++) out[i] = nodes[i].ele;
    return out;
  }
  if (resp === 2) {
    const out = new Array<Reply>(nodes.length * 2);
    for (let i = 0; i < nodes.length; i++) {
      out[2 * i] = nodes[i].ele;
      out[2 * i + 1] = new DoubleReply(nodes[i].score);
    }
    return out;
  }
  const out = new Array<Reply>(nodes.length);
  for (let i = 0; i < nodes.length; i++) out[i] = [nodes[i].ele, new DoubleReply(nodes[i].score)];
  return out;
}

/** Nodes at ranks start..end (Redis's clamping of negative and out-of-range indexes). */
function byRank(z: ZSet, start: number, end: number, rev: boolean): ZNode[] {
  const len = z.size;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return [];
  if (end >= len) end = len - 1;
  const n = end - start + 1;
  const out = new Array<ZNode>(n);
  let x = rev ? z.zsl.at(len - 1 - start) : z.zsl.at(start);
  for (let i = 0; i < n && x !== null; i++) {
    out[i] = x;
    x = rev ? x.backward : x.next[0];
  }
  return out;
}

/** Skip `offset` nodes from `x` in the walking direction, by rank: O(log N) rather than O(offset). */
function skip(z: ZSet, x: ZNode | null, offset: number, rev: boolean): ZNode | null {
  if (x === null || offset === 0) return x;
  if (offset < 0) return null;
  const r = z.zsl.rankOf(x);
  return z.zsl.at(rev ? r - offset : r + offset);
}

function byScore(z: ZSet, r: ScoreRange, offset: number, limit: number, rev: boolean): ZNode[] {
  const out: ZNode[] = [];
  if (offset > 0 && offset >= z.size) return out;
  let x = skip(z, rev ? z.zsl.lastInRange(r) : z.zsl.firstInRange(r), offset, rev);
  while (x !== null && limit-- !== 0) {
    if (rev ? !scoreGteMin(x.score, r) : !scoreLteMax(x.score, r)) break;
    out.push(x);
    x = rev ? x.backward : x.next[0];
  }
  return out;
}

function byLex(z: ZSet, r: LexRange, offset: number, limit: number, rev: boolean): ZNode[] {
  const out: ZNode[] = [];
  if (offset > 0 && offset >= z.size) return out;
  let x = skip(z, rev ? z.zsl.lastInLexRange(r) : z.zsl.firstInLexRange(r), offset, rev);
  while (x !== null && limit-- !== 0) {
    if (rev ? !lexGteMin(x.ele, r) : !lexLteMax(x.ele, r)) break;
    out.push(x);
    x = rev ? x.backward : x.next[0];
  }
  return out;
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
  let nodes: ZNode[];
  if (z === undefined) nodes = [];
  else if (by === By.Rank) nodes = byRank(z, start, end, rev);
  else if (score !== null) nodes = byScore(z, score, offset, limit, rev);
  else nodes = byLex(z, lex!, offset, limit, rev);
  if (dst === null) return nodesReply(nodes, withScores, ctx.resp);
  return storeNodes(ctx, dst, nodes, limits);
}

function storeNodes(ctx: CommandContext, dst: string, nodes: ZNode[], limits: Limits): Reply {
  const out = new ZSet();
  for (let i = 0; i < nodes.length; i++) out.insert(nodes[i].score, nodes[i].ele, limits);
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
  if (z === undefined) return 0;
  const a = z.zsl.firstInRange(r);
  if (a === null) return 0;
  const b = z.zsl.lastInRange(r)!;
  return z.zsl.rankOf(b) - z.zsl.rankOf(a) + 1;
}

export function zlexcount(ctx: CommandContext, argv: string[]): Reply {
  const r = parseLexRange(argv[2], argv[3]);
  const z = readZset(ctx, argv[1]);
  if (z === undefined) return 0;
  const a = z.zsl.firstInLexRange(r);
  if (a === null) return 0;
  const b = z.zsl.lastInLexRange(r)!;
  return z.zsl.rankOf(b) - z.zsl.rankOf(a) + 1;
}
