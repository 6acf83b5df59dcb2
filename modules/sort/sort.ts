import { type CommandContext, type DataType, Errors, Notify, type Reply, ReplyError, type TypeRegistry } from '../../kernel';
import { lookupByPattern, sortScore } from './lookup';
import { parseSortOptions, type SortOptions } from './options';

const notDouble = new ReplyError("ERR One or more scores can't be converted into double");
const noLists = new ReplyError('ERR SORT STORE needs the lists module');

/** One element with what it sorts by. */
interface Item {
  obj: string;
  score: number;
  /** ALPHA with BY: the looked-up value, null when missing. */
  cmp: string | null;
}

/** memcmp order with length as the tie-break (compareStringObjects); latin1 strings compare bytewise. */
function binary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll in the C/C.UTF-8 locales Redis runs in: byte order, up to the first NUL. */
function collate(a: string, b: string): number {
  const i = a.indexOf('\0');
  const j = b.indexOf('\0');
  return binary(i < 0 ? a : a.slice(0, i), j < 0 ? b : b.slice(0, j));
}

/** sortCompare. */
function comparator(o: SortOptions): (x: Item, y: Item) => number {
  const sign = o.desc ? -1 : 1;
  if (!o.alpha) {
    return (x, y) => sign * (x.score > y.score ? 1 : x.score < y.score ? -1 : binary(x.obj, y.obj));
  }
  const cmpStrings = o.store !== null ? binary : collate;
  if (o.by !== null) {
    return (x, y) => {
      if (x.cmp === null || y.cmp === null) return sign * (x.cmp === y.cmp ? 0 : x.cmp === null ? -1 : 1);
      return sign * cmpStrings(x.cmp, y.cmp);
    };
  }
  return (x, y) => sign * cmpStrings(x.obj, y.obj);
}

/**
 * SORT and SORT_RO (sortCommandGeneric). Elements come from the sorted value's DataType
 * (`elements`: lists in order, sets, sorted sets by score); hash fields for "key->field"
 * through `field`; STORE builds the list with the list type's `fromElements`.
 */
export function sortCommand(ctx: CommandContext, types: TypeRegistry, argv: string[], readonly: boolean): Reply {
  // BY and GET patterns may name any key: Redis allows them only with read access to all keys.
  const patterns = !ctx.restricted || ctx.server.access.readsAnyKey(ctx, ctx.current!, argv);
  const o = parseSortOptions(argv, readonly, patterns);
  const v = ctx.db.get(argv[1]);
  let type: DataType | null = null;
  if (v === undefined) {
    ctx.keyMiss(argv[1]);
  } else {
    type = types.of(v);
    if (type.elements === undefined) throw Errors.wrongType;
  }
  const isSet = type !== null && type.name === 'set';
  // A set has no order of its own: a stored result, or a script's (replicated as its effects),
  // must not depend on it, so sort it.
  if (o.dontSort && isSet && (o.store !== null || ctx.flags.has('script'))) {
    o.dontSort = false;
    o.alpha = true;
    o.by = null;
  }
  const all = type === null ? [] : type.elements!(v);
  const n = all.length;
  let start = o.limitStart < 0 ? 0 : o.limitStart;
  let end = o.limitCount < 0 ? n - 1 : start + o.limitCount - 1;
  if (start >= n) {
    start = n - 1;
    end = n - 2;
  }
  if (end >= n) end = n - 1;

  let vector: string[] = all;
  if (o.dontSort && !isSet && type !== null) {
    // Lists and sorted sets keep their order (reversed for DESC): take just the range.
    vector = [];
    if (o.desc) for (let i = n - 1 - start; i >= n - 1 - end; i--) vector.push(all[i]);
    else for (let i = start; i <= end; i++) vector.push(all[i]);
    end -= start;
    start = 0;
  }

  if (!o.dontSort) {
    const items: Item[] = new Array<Item>(vector.length);
    let badScore = false;
    for (let j = 0; j < vector.length; j++) {
      const item: Item = { obj: vector[j], score: 0, cmp: null };
      items[j] = item;
      const by = o.by !== null ? lookupByPattern(ctx, types, o.by, item.obj) : item.obj;
      if (by === null) continue;
      if (o.alpha) {
        if (o.by !== null) item.cmp = by;
      } else {
        item.score = sortScore(by);
        if (Number.isNaN(item.score)) badScore = true;
      }
    }
    if (badScore) throw notDouble;
    items.sort(comparator(o));
    vector = items.map((i) => i.obj);
  }

  const count = end - start + 1;
  if (o.store === null) {
    const out: Reply[] = [];
    for (let j = start; j <= end; j++) {
      if (o.gets.length === 0) out.push(vector[j]);
      for (const g of o.gets) out.push(lookupByPattern(ctx, types, g, vector[j]));
    }
    return out;
  }

  const stored: string[] = [];
  for (let j = start; j <= end; j++) {
    if (o.gets.length === 0) stored.push(vector[j]);
    for (const g of o.gets) stored.push(lookupByPattern(ctx, types, g, vector[j]) ?? '');
  }
  const key = o.store;
  if (stored.length > 0) {
    const fromElements = types.byName('list')?.fromElements;
    if (fromElements === undefined) throw noLists;
    ctx.db.set(key, fromElements(stored));
    ctx.modified(key, Notify.LIST, 'sortstore');
    ctx.server.keyspace.stats.dirty += stored.length - 1;
  } else if (ctx.db.delete(key)) {
    ctx.modified(key, Notify.GENERIC, 'del');
  }
  return o.gets.length === 0 ? count : count * o.gets.length;
}
