import { type CommandContext, type ConfigParam, type DataType, type Database, emitBatched, Errors, Notify, PACKED_OVERHEAD, RdbType } from '../../kernel';
import { Deque } from './deque';

export const ListType: DataType<Deque> = {
  name: 'list',
  is: (v): v is Deque => v instanceof Deque,
  // Redis 7.0 stores every list as a quicklist (listpack-encoded small lists came in 7.2).
  encoding: () => 'quicklist',
  clone: (v) => v.clone(),
  memory: (v) => (v.packed ? PACKED_OVERHEAD + v.length : 48 + v.length * 16) + v.bytes,
  elements: (v) => v.toArray(),
  digest: (v, d) => {
    const items = v.toArray();
    for (let i = 0; i < items.length; i++) d.mix(items[i]);
  },
  fromElements: (items) => Deque.from(items),
  codec: {
    // Written as a plain list, which Redis 7.0 loads (and packs itself); read in every form.
    rdbTypes: [RdbType.List, RdbType.ListZiplist, RdbType.ListQuicklist, RdbType.ListQuicklist2],
    save: (out, v) => {
      const items = v.toArray();
      out.length(items.length);
      for (let i = 0; i < items.length; i++) out.string(items[i]);
    },
    load: (input, type) => {
      const items =
        type === RdbType.List ? input.strings() : type === RdbType.ListZiplist ? input.ziplist() : input.quicklist(type === RdbType.ListQuicklist2);
      return items.length === 0 ? null : Deque.from(items);
    },
    rewrite: (key, v, emit) => emitBatched(emit, 'RPUSH', key, v.toArray()),
  },
};

/**
 * Redis's list parameters. They shape the quicklist's nodes (size and compression), which
 * changes no reply in 7.0, so they are accepted and shown but nothing reads them (a list's
 * packed form has its own fixed limits, see Deque).
 */
export const LIST_CONFIG: ConfigParam[] = [
  {
    name: 'list-max-listpack-size',
    aliases: ['list-max-ziplist-size'],
    doc: 'Largest quicklist node: a positive entry count, or -1..-5 for 4/8/16/32/64 KB.',
    type: 'int',
    default: -2,
    min: -2147483648,
    max: 2147483647,
  },
  {
    name: 'list-compress-depth',
    doc: 'Quicklist nodes left uncompressed at each end (0 = no compression).',
    type: 'int',
    default: 0,
    min: 0,
    max: 2147483647,
  },
];

/** A list as write commands look it up (no hit/miss statistics); WRONGTYPE for another type. */
export function peekList(db: Database, key: string): Deque | undefined {
  const v = db.peek(key);
  if (v === undefined || v instanceof Deque) return v;
  throw Errors.wrongType;
}

/** A list as read commands look it up: statistics, and a keymiss event when missing. */
export function readList(ctx: CommandContext, key: string): Deque | undefined {
  const v = ctx.db.getTyped(key, ListType);
  if (v === undefined) ctx.keyMiss(key);
  return v;
}

/** After removing elements: an emptied list deletes its key, as every Redis aggregate does. */
export function deleteIfEmpty(ctx: CommandContext, key: string, list: Deque): void {
  if (list.length !== 0) return;
  ctx.db.delete(key);
  ctx.notify(Notify.GENERIC, 'del', key);
}
