import { type Blocking, type CommandContext, Errors, NULL_ARRAY, parseTimeout, type Reply } from '../../kernel';
import { Deque } from './deque';
import { moveElement, parseMpop, parseWhere, popMany, popOne } from './ops';
import { mpopFirst, lmove } from './write';
import { peekList } from './type';

/** Park the client; on timeout every list blocking command answers a null array, as Redis. */
function park(blocking: Blocking, ctx: CommandContext, keys: string[], ms: number, serve: (c: CommandContext) => Reply | undefined): Reply | Promise<Reply> {
  return blocking.block(ctx, keys, ms, serve, NULL_ARRAY);
}

/** The list at `key` when it can serve a waiter; another type keeps the waiter blocked, as in Redis 7.0. */
function ready(ctx: CommandContext, key: string): Deque | undefined {
  const v = ctx.db.peek(key);
  return v instanceof Deque ? v : undefined;
}

/** BLPOP/BRPOP key... timeout: [key, element] from the first non-empty list. */
export function bpop(blocking: Blocking, ctx: CommandContext, argv: string[], left: boolean): Reply | Promise<Reply> {
  const ms = parseTimeout(argv[argv.length - 1]);
  const keys = argv.slice(1, -1);
  for (const key of keys) {
    const list = peekList(ctx.db, key);
    if (list === undefined) continue;
    ctx.propagate([left ? 'LPOP' : 'RPOP', key]);
    return [key, popOne(ctx, key, list, left)];
  }
  if (ctx.denyBlocking) return NULL_ARRAY;
  return park(blocking, ctx, keys, ms, (c) => {
    for (const key of keys) {
      const list = ready(c, key);
      if (list === undefined) continue;
      c.propagate([left ? 'LPOP' : 'RPOP', key]);
      return [key, popOne(c, key, list, left)];
    }
    return undefined;
  });
}

/** BLMPOP timeout numkeys key... LEFT|RIGHT [COUNT count]. */
export function blmpop(blocking: Blocking, ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
  const ms = parseTimeout(argv[1]);
  const { keys, left, count } = parseMpop(argv, 2);
  const served = mpopFirst(ctx, keys, left, count);
  if (served !== undefined) return served;
  if (ctx.denyBlocking) return NULL_ARRAY;
  return park(blocking, ctx, keys, ms, (c) => {
    for (const key of keys) {
      const list = ready(c, key);
      if (list === undefined) continue;
      const items = popMany(c, key, list, left, count);
      c.propagate([left ? 'LPOP' : 'RPOP', key, String(items.length)]);
      return [key, items];
    }
    return undefined;
  });
}

/** BRPOPLPUSH src dst timeout. */
export function brpoplpush(blocking: Blocking, ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
  const ms = parseTimeout(argv[3]);
  return bmove(blocking, ctx, argv[1], argv[2], false, true, ms, ['RPOPLPUSH', argv[1], argv[2]]);
}

/** BLMOVE src dst LEFT|RIGHT LEFT|RIGHT timeout. */
export function blmove(blocking: Blocking, ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
  const fromLeft = parseWhere(argv[3]);
  const toLeft = parseWhere(argv[4]);
  const ms = parseTimeout(argv[5]);
  return bmove(blocking, ctx, argv[1], argv[2], fromLeft, toLeft, ms, ['LMOVE', argv[1], argv[2], argv[3], argv[4]]);
}

/**
 * BLMOVE/BRPOPLPUSH: served at once like LMOVE when the source has elements. Inside MULTI or a
 * script an empty source answers a null bulk (not the null array of a timeout), as Redis does.
 */
function bmove(
  blocking: Blocking,
  ctx: CommandContext,
  src: string,
  dst: string,
  fromLeft: boolean,
  toLeft: boolean,
  ms: number,
  rewrite: string[],
): Reply | Promise<Reply> {
  if (peekList(ctx.db, src) !== undefined) {
    ctx.propagate(rewrite);
    return lmove(ctx, src, dst, fromLeft, toLeft);
  }
  if (ctx.denyBlocking) return null;
  const served =
    rewrite.length === 3 ? rewrite : ['LMOVE', src, dst, fromLeft ? 'left' : 'right', toLeft ? 'left' : 'right'];
  return park(blocking, ctx, [src], ms, (c) => {
    const list = ready(c, src);
    if (list === undefined) return undefined;
    // A destination of another type fails the wait with WRONGTYPE; the element stays put.
    const target = c.db.peek(dst);
    if (target !== undefined && !(target instanceof Deque)) return Errors.wrongType;
    c.propagate(served);
    return moveElement(c, src, list, dst, target, fromLeft, toLeft);
  });
}
