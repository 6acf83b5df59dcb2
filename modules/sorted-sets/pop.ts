import {
  type Blocking,
  type CommandContext,
  DoubleReply,
  Errors,
  Notify,
  NULL_ARRAY,
  parseInt64,
  parseTimeout,
  type Reply,
} from '../../kernel';
import { writeZset, ZSet } from './zset';

export const enum Where {
  Min,
  Max,
}

/** How genericZpopCommand shapes its reply. */
export const enum Shape {
  /** ZPOPMIN/ZPOPMAX: a flat [member, score, ...] array. */
  Flat,
  /** ZPOPMIN/ZPOPMAX with COUNT in RESP3: [[member, score], ...]. */
  Pairs,
  /** BZPOPMIN/BZPOPMAX: [key, member, score]. */
  Keyed,
  /** ZMPOP/BZMPOP: [key, [[member, score], ...]]. */
  KeyedPairs,
}

/**
 * Pop up to `count` members from the sorted set at `key` (which must exist) and build the
 * reply; `count` -1 means a plain single pop. Fires zpopmin/zpopmax (and del when emptied).
 */
function popFrom(ctx: CommandContext, key: string, z: ZSet, where: Where, count: number, shape: Shape): Reply {
  const n = Math.min(count === -1 ? 1 : count, z.size);
  const items: Reply[] = [];
  for (let i = 0; i < n; i++) {
    const c = z.at(where === Where.Min ? 0 : z.size - 1);
    const ele = c.ele;
    const score = c.score;
    z.delete(ele);
    if (shape === Shape.Pairs || shape === Shape.KeyedPairs) items.push([ele, new DoubleReply(score)]);
    else items.push(ele, new DoubleReply(score));
  }
  ctx.modified(key, Notify.ZSET, where === Where.Min ? 'zpopmin' : 'zpopmax');
  if (z.size === 0) {
    ctx.db.delete(key);
    ctx.notify(Notify.GENERIC, 'del', key);
  }
  if (shape === Shape.Keyed) items.unshift(key);
  return shape === Shape.KeyedPairs ? [key, items] : items;
}

/** ZPOPMIN/ZPOPMAX key [count]. */
export function zpop(ctx: CommandContext, argv: string[], where: Where): Reply {
  if (argv.length > 3) throw Errors.syntax;
  let count = -1;
  if (argv.length === 3) {
    const c = parseInt64(argv[2]);
    if (c === null || Number(c) < 0) throw Errors.mustBePositive;
    count = Number(c);
  }
  const key = argv[1];
  const z = writeZset(ctx.db, key);
  if (z === undefined || count === 0) return [];
  return popFrom(ctx, key, z, where, count, ctx.resp > 2 && count !== -1 ? Shape.Pairs : Shape.Flat);
}

/** The first non-empty sorted set among `keys` (WRONGTYPE on the first wrong key met). */
function firstNonEmpty(ctx: CommandContext, keys: string[]): number {
  for (let i = 0; i < keys.length; i++) {
    const z = writeZset(ctx.db, keys[i]);
    if (z !== undefined && z.size !== 0) return i;
  }
  return -1;
}

function popName(where: Where): string {
  return where === Where.Min ? 'ZPOPMIN' : 'ZPOPMAX';
}

/** Parsed [B]ZMPOP arguments. */
interface MPop {
  keys: string[];
  where: Where;
  count: number;
}

/** zmpopGenericCommand's parsing: numkeys key... MIN|MAX [COUNT count]. */
function parseMPop(argv: string[], numkeysIdx: number): MPop {
  const nk = parseInt64(argv[numkeysIdx]);
  if (nk === null || Number(nk) < 1) throw Errors.numkeysNotPositive;
  const whereIdx = numkeysIdx + Number(nk) + 1;
  if (whereIdx >= argv.length) throw Errors.syntax;
  const w = argv[whereIdx].toLowerCase();
  if (w !== 'min' && w !== 'max') throw Errors.syntax;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && argv[j].toLowerCase() === 'count' && j + 1 < argv.length) {
      const c = parseInt64(argv[++j]);
      if (c === null || Number(c) < 1) throw Errors.countNotPositive;
      count = Number(c);
    } else {
      throw Errors.syntax;
    }
  }
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), where: w === 'min' ? Where.Min : Where.Max, count: count === -1 ? 1 : count };
}

/** Pop from the first non-empty key, propagated as ZPOPMIN/ZPOPMAX; undefined when all are empty. */
function popFirst(ctx: CommandContext, keys: string[], where: Where, count: number, shape: Shape): Reply | undefined {
  const i = firstNonEmpty(ctx, keys);
  if (i < 0) return undefined;
  return popAndPropagate(ctx, keys[i], writeZset(ctx.db, keys[i])!, where, count, shape);
}

function popAndPropagate(ctx: CommandContext, key: string, z: ZSet, where: Where, count: number, shape: Shape): Reply {
  const r = popFrom(ctx, key, z, where, count, shape);
  ctx.propagate(count === -1 ? [popName(where), key] : [popName(where), key, String(count)]);
  return r;
}

export function zmpop(ctx: CommandContext, argv: string[]): Reply {
  const p = parseMPop(argv, 1);
  return popFirst(ctx, p.keys, p.where, p.count, Shape.KeyedPairs) ?? NULL_ARRAY;
}

/**
 * BZPOPMIN/BZPOPMAX (count -1) and BZMPOP: pop at once if a key has members, else block
 * until one is filled. A wrong-typed key met while serving is skipped, the client waits on.
 */
function blockingPop(ctx: CommandContext, blocking: Blocking, keys: string[], where: Where, count: number, timeoutArg: string, shape: Shape): Reply | Promise<Reply> {
  const ms = parseTimeout(timeoutArg);
  const now = popFirst(ctx, keys, where, count, shape);
  if (now !== undefined) return now;
  return blocking.block(ctx, keys, ms, (c) => serveBlocked(c, keys, where, count, shape), NULL_ARRAY);
}

function serveBlocked(ctx: CommandContext, keys: string[], where: Where, count: number, shape: Shape): Reply | undefined {
  for (const key of keys) {
    const v = ctx.db.peek(key);
    if (v instanceof ZSet && v.size !== 0) return popAndPropagate(ctx, key, v, where, count, shape);
  }
  return undefined;
}

export function bzpop(ctx: CommandContext, blocking: Blocking, argv: string[], where: Where): Reply | Promise<Reply> {
  return blockingPop(ctx, blocking, argv.slice(1, -1), where, -1, argv[argv.length - 1], Shape.Keyed);
}

export function bzmpop(ctx: CommandContext, blocking: Blocking, argv: string[]): Reply | Promise<Reply> {
  const p = parseMPop(argv, 2);
  return blockingPop(ctx, blocking, p.keys, p.where, p.count, argv[1], Shape.KeyedPairs);
}
