import { type CommandContext, cstr, Errors, MapReply, type Reply, ReplyError } from '../../kernel';
import { collect, entryReply, longArg } from './commands';
import { formatId, MAX_ID, MIN_ID } from './id';
import { Cursor, ENTRIES_READ_INVALID, type Group, Stream } from './stream';

export const XINFO_HELP = [
  'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
];

/** XINFO's key lookup, common to its subcommands: "no such key" when missing. */
function infoStream(ctx: CommandContext, key: string): Stream {
  const v = ctx.db.get(key);
  if (v === undefined) {
    ctx.keyMiss(key);
    throw Errors.noSuchKey;
  }
  if (!(v instanceof Stream)) throw Errors.wrongType;
  return v;
}

/**
 * How many nodes Redis's radix tree would have for these node keys (XINFO's radix-tree-nodes):
 * a compressed node for each run of shared bytes, a branching node where keys diverge, a leaf
 * per key.
 */
export function raxNodes(keys: string[]): number {
  if (keys.length === 0) return 1;
  return subtree(keys, 0, keys.length, 0);
}

function subtree(keys: string[], from: number, to: number, depth: number): number {
  const first = keys[from];
  const width = first.length;
  if (depth === width) return 1;
  if (to - from === 1) return 2;
  const last = keys[to - 1];
  let lcp = depth;
  while (lcp < width && first.charCodeAt(lcp) === last.charCodeAt(lcp)) lcp++;
  return (lcp > depth ? 1 : 0) + branch(keys, from, to, lcp);
}

function branch(keys: string[], from: number, to: number, depth: number): number {
  let n = 1;
  let i = from;
  while (i < to) {
    const c = keys[i].charCodeAt(depth);
    let j = i + 1;
    while (j < to && keys[j].charCodeAt(depth) === c) j++;
    n += subtree(keys, i, j, depth + 1);
    i = j;
  }
  return n;
}

function entriesRead(g: Group): Reply {
  return g.entriesRead === ENTRIES_READ_INVALID ? null : g.entriesRead;
}

function head(s: Stream): Reply[] {
  const keys = s.nodes.map((n) => n.master);
  return [
    'length', s.length,
    'radix-tree-keys', s.nodes.length,
    'radix-tree-nodes', raxNodes(keys),
    'last-generated-id', formatId(s.lastId),
    'max-deleted-entry-id', formatId(s.maxDeletedId),
    'entries-added', s.entriesAdded,
    'recorded-first-entry-id', formatId(s.firstId),
  ];
}

export function xinfoStream(ctx: CommandContext, argv: string[]): Reply {
  const s = infoStream(ctx, argv[2]);
  let full = false;
  let count = 10;
  if (argv.length > 3) {
    const syntax = new ReplyError(`ERR unknown subcommand or wrong number of arguments for '${cstr(argv[1]).slice(0, 128)}'. Try XINFO HELP.`);
    if (argv[3].toLowerCase() !== 'full') throw syntax;
    full = true;
    if (argv.length > 4) {
      if (argv.length !== 6 || argv[4].toLowerCase() !== 'count') throw syntax;
      count = longArg(argv[5]);
      if (count < 0) count = 10;
    }
  }
  const out = head(s);
  if (!full) {
    const first = new Cursor(s, MIN_ID, MAX_ID, false);
    const last = new Cursor(s, MIN_ID, MAX_ID, true);
    out.push(
      'groups', s.groups?.size ?? 0,
      'first-entry', first.next() ? entryReply(first.id, first.pairs()) : null,
      'last-entry', last.next() ? entryReply(last.id, last.pairs()) : null,
    );
    return new MapReply(out);
  }
  out.push('entries', collect(ctx, new Cursor(s, MIN_ID, MAX_ID, false), count));
  const groups: Reply[] = [];
  for (const g of s.sortedGroups()) {
    const pending: Reply[] = [];
    for (const id of g.pel.list()) {
      if (count !== 0 && pending.length >= count) break;
      const nack = g.pel.get(id)!;
      pending.push([formatId(id), nack.consumer.name, nack.deliveryTime, nack.deliveryCount]);
    }
    const consumers: Reply[] = [];
    for (const c of g.sortedConsumers()) {
      const own: Reply[] = [];
      for (const id of c.pel.list()) {
        if (count !== 0 && own.length >= count) break;
        const nack = g.pel.get(id)!;
        own.push([formatId(id), nack.deliveryTime, nack.deliveryCount]);
      }
      consumers.push(new MapReply(['name', c.name, 'seen-time', c.seenTime, 'pel-count', c.pel.size, 'pending', own]));
    }
    groups.push(
      new MapReply([
        'name', g.name,
        'last-delivered-id', formatId(g.lastId),
        'entries-read', entriesRead(g),
        'lag', s.lag(g),
        'pel-count', g.pel.size,
        'pending', pending,
        'consumers', consumers,
      ]),
    );
  }
  out.push('groups', groups);
  return new MapReply(out);
}

export function xinfoGroups(ctx: CommandContext, argv: string[]): Reply {
  const s = infoStream(ctx, argv[2]);
  return s.sortedGroups().map(
    (g) =>
      new MapReply([
        'name', g.name,
        'consumers', g.consumers.size,
        'pending', g.pel.size,
        'last-delivered-id', formatId(g.lastId),
        'entries-read', entriesRead(g),
        'lag', s.lag(g),
      ]),
  );
}

export function xinfoConsumers(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[2];
  const s = infoStream(ctx, key);
  const g = s.group(argv[3]);
  if (g === undefined) throw new ReplyError(`NOGROUP No such consumer group '${cstr(argv[3])}' for key name '${cstr(key)}'`);
  const now = Date.now();
  return g.sortedConsumers().map((c) => new MapReply(['name', c.name, 'pending', c.pel.size, 'idle', Math.max(0, now - c.seenTime)]));
}
