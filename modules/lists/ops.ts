import { type CommandContext, Errors, Notify, parseIntArg } from '../../kernel';
import { Deque } from './deque';
import { deleteIfEmpty } from './type';


/** LEFT or RIGHT (any case): true for LEFT; anything else is a syntax error. */
export function parseWhere(arg: string): boolean {
  const w = arg.toLowerCase();
  if (w === 'left') return true;
  if (w === 'right') return false;
  throw Errors.syntax;
}

/** LMPOP/BLMPOP's `numkeys key... LEFT|RIGHT [COUNT count]`, starting at `numkeys`'s index. */
export interface MpopArgs {
  keys: string[];
  left: boolean;
  count: number;
}

export function parseMpop(argv: string[], at: number): MpopArgs {
  const numkeys = parseIntArg(argv[at]);
  if (!(numkeys >= 1)) throw Errors.numkeysNotPositive;
  const whereAt = at + numkeys + 1;
  if (whereAt >= argv.length) throw Errors.syntax;
  const left = parseWhere(argv[whereAt]);
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && argv[j].toLowerCase() === 'count' && j < argv.length - 1) {
      count = parseIntArg(argv[++j]);
      if (!(count >= 1)) throw Errors.countNotPositive;
    } else {
      throw Errors.syntax;
    }
  }
  return { keys: argv.slice(at + 1, whereAt), left, count: count === -1 ? 1 : count };
}

/** Pop one element from a non-empty list, with its event; an emptied list deletes its key. */
export function popOne(ctx: CommandContext, key: string, list: Deque, left: boolean): string {
  const v = left ? list.popFront() : list.popBack();
  ctx.modified(key, Notify.LIST, left ? 'lpop' : 'rpop');
  deleteIfEmpty(ctx, key, list);
  return v;
}

/** Pop up to `count` elements (one event for all of them). */
export function popMany(ctx: CommandContext, key: string, list: Deque, left: boolean, count: number): string[] {
  const n = Math.min(count, list.length);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = left ? list.popFront() : list.popBack();
  ctx.modified(key, Notify.LIST, left ? 'lpop' : 'rpop');
  deleteIfEmpty(ctx, key, list);
  return out;
}

/**
 * LMOVE's work once both keys are checked: pop from `src`'s list, push onto `dst` (created
 * when missing; the same list when src is dst), with Redis's event order.
 */
export function moveElement(
  ctx: CommandContext,
  src: string,
  list: Deque,
  dst: string,
  dstList: Deque | undefined,
  fromLeft: boolean,
  toLeft: boolean,
): string {
  const v = fromLeft ? list.popFront() : list.popBack();
  let target = dstList;
  if (target === undefined) {
    target = new Deque();
    ctx.db.set(dst, target);
  }
  if (toLeft) target.pushFront(v);
  else target.pushBack(v);
  ctx.modified(dst, Notify.LIST, toLeft ? 'lpush' : 'rpush');
  ctx.modified(src, Notify.LIST, fromLeft ? 'lpop' : 'rpop');
  deleteIfEmpty(ctx, src, list);
  return v;
}
