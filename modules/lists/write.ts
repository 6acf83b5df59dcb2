import { type CommandContext, Errors, Notify, NULL_ARRAY, OK, parseIntArg, type Reply } from '../../kernel';
import { Deque } from './deque';
import { moveElement, parseMpop, parseWhere, popMany, popOne } from './ops';
import { deleteIfEmpty, peekList } from './type';

const EMPTY: Reply[] = [];

/** LPUSH/RPUSH (the key is created when missing) and LPUSHX/RPUSHX (`onlyExisting`). */
export function push(ctx: CommandContext, argv: string[], left: boolean, onlyExisting: boolean): Reply {
  const key = argv[1];
  let list = peekList(ctx.db, key);
  if (list === undefined) {
    if (onlyExisting) return 0;
    list = new Deque();
    ctx.db.set(key, list);
  }
  if (left) for (let i = 2; i < argv.length; i++) list.pushFront(argv[i]);
  else for (let i = 2; i < argv.length; i++) list.pushBack(argv[i]);
  ctx.modified(key, Notify.LIST, left ? 'lpush' : 'rpush');
  return list.length;
}

/** LPOP/RPOP key [count]: a bulk string without count, an array with it. */
export function pop(ctx: CommandContext, argv: string[], left: boolean): Reply {
  if (argv.length > 3) throw Errors.wrongArity(argv[0].toLowerCase());
  const key = argv[1];
  if (argv.length === 2) {
    const list = peekList(ctx.db, key);
    return list === undefined ? null : popOne(ctx, key, list, left);
  }
  const count = parseIntArg(argv[2]);
  if (!(count >= 0)) throw Errors.mustBePositive;
  const list = peekList(ctx.db, key);
  if (list === undefined) return NULL_ARRAY;
  return count === 0 ? EMPTY : popMany(ctx, key, list, left, count);
}

/** LMPOP numkeys key... LEFT|RIGHT [COUNT count]: propagated as [LR]POP key n. */
export function lmpop(ctx: CommandContext, argv: string[]): Reply {
  const { keys, left, count } = parseMpop(argv, 1);
  return mpopFirst(ctx, keys, left, count) ?? NULL_ARRAY;
}

/** Pop from the first non-empty list of `keys`, as [key, elements]; undefined when none has any. */
export function mpopFirst(ctx: CommandContext, keys: string[], left: boolean, count: number): Reply[] | undefined {
  for (const key of keys) {
    const list = peekList(ctx.db, key);
    if (list === undefined) continue;
    const items = popMany(ctx, key, list, left, count);
    ctx.propagate([left ? 'LPOP' : 'RPOP', key, String(items.length)]);
    return [key, items];
  }
  return undefined;
}

/** LMOVE/RPOPLPUSH: null when the source is missing; the destination is checked only when not. */
export function lmove(ctx: CommandContext, src: string, dst: string, fromLeft: boolean, toLeft: boolean): Reply {
  const list = peekList(ctx.db, src);
  if (list === undefined) return null;
  return moveElement(ctx, src, list, dst, peekList(ctx.db, dst), fromLeft, toLeft);
}

export function lmoveCommand(ctx: CommandContext, argv: string[]): Reply {
  const fromLeft = parseWhere(argv[3]);
  const toLeft = parseWhere(argv[4]);
  return lmove(ctx, argv[1], argv[2], fromLeft, toLeft);
}

export function lset(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1];
  const list = peekList(ctx.db, key);
  if (list === undefined) throw Errors.noSuchKey;
  let i = parseIntArg(argv[2]);
  if (Number.isNaN(i)) throw Errors.notInteger;
  if (i < 0) i += list.length;
  if (i < 0 || i >= list.length) throw Errors.outOfRange;
  list.set(i, argv[3]);
  ctx.modified(key, Notify.LIST, 'lset');
  return OK;
}

/** LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without the key. */
export function linsert(ctx: CommandContext, argv: string[]): Reply {
  const where = argv[2].toLowerCase();
  if (where !== 'before' && where !== 'after') throw Errors.syntax;
  const key = argv[1];
  const list = peekList(ctx.db, key);
  if (list === undefined) return 0;
  const pivot = argv[3];
  // A packed list is decoded once rather than walked for every index.
  const items = list.packed ? list.toArray() : null;
  for (let i = 0; i < list.length; i++) {
    if ((items !== null ? items[i] : list.get(i)) !== pivot) continue;
    list.insert(where === 'after' ? i + 1 : i, argv[4]);
    ctx.modified(key, Notify.LIST, 'linsert');
    return list.length;
  }
  return -1;
}

export function lrem(ctx: CommandContext, argv: string[]): Reply {
  const count = parseIntArg(argv[2]);
  if (Number.isNaN(count)) throw Errors.notInteger;
  const key = argv[1];
  const list = peekList(ctx.db, key);
  if (list === undefined) return 0;
  const removed = list.remove(argv[3], count);
  if (removed !== 0) {
    ctx.modified(key, Notify.LIST, 'lrem');
    deleteIfEmpty(ctx, key, list);
  }
  return removed;
}

export function ltrim(ctx: CommandContext, argv: string[]): Reply {
  let start = parseIntArg(argv[2]);
  let end = parseIntArg(argv[3]);
  if (Number.isNaN(start) || Number.isNaN(end)) throw Errors.notInteger;
  const key = argv[1];
  const list = peekList(ctx.db, key);
  if (list === undefined) return OK;
  const len = list.length;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) {
    list.trim(len, 0);
  } else {
    if (end >= len) end = len - 1;
    list.trim(start, len - end - 1);
  }
  ctx.modified(key, Notify.LIST, 'ltrim');
  deleteIfEmpty(ctx, key, list);
  return OK;
}
