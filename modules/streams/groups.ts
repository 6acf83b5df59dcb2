import {
  type Blocking,
  type CommandContext,
  cstr,
  Errors,
  type Journal,
  MapReply,
  Notify,
  NULL_ARRAY,
  OK,
  parseInt64,
  type Reply,
  ReplyError,
} from '../../kernel';
import { collect, entryReply, isOption, longArg } from './commands';
import { taskNow } from './clock';
import { respOut } from './reply';
import { formatId, type Id, MAX_ID, MIN_ID, nextId, parseId, parseRangeId, parseStrictId } from './id';
import { Consumer, Cursor, ENTRIES_READ_INVALID, Group, type IdList, Nack, Stream, UNOWNED } from './stream';
import { readStream, writeStream } from './type';

/** Without COUNT, a blocked read is served at most this many entries (XREAD_BLOCKED_DEFAULT_COUNT). */
const BLOCKED_DEFAULT_COUNT = 1000;

const BUSYGROUP = new ReplyError('BUSYGROUP Consumer Group name already exists');
const KEY_REQUIRED = new ReplyError(
  'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
);
const ENTRIESREAD_RANGE = new ReplyError('ERR value for ENTRIESREAD must be positive or -1');
const DOLLAR_IN_GROUP = new ReplyError(
  'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
);
const GT_OUTSIDE_GROUP = new ReplyError('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
// Redis 7.0 names XREAD and '$' here for XREADGROUP too.
const UNBALANCED = new ReplyError("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
const KEY_GONE = new ReplyError('UNBLOCKED the stream key no longer exists');
const GROUP_GONE = new ReplyError('NOGROUP the consumer group this client was blocked on no longer exists');

const TIMEOUT_NOT_INT = new ReplyError('ERR timeout is not an integer or out of range');
const TIMEOUT_NEGATIVE = new ReplyError('ERR timeout is negative');

/** BLOCK's milliseconds (getTimeoutFromObjectOrReply in UNIT_MILLISECONDS); 0 = forever. */
function blockTimeout(arg: string): number {
  const v = parseInt64(arg);
  if (v === null) throw TIMEOUT_NOT_INT;
  if (Number(v) < 0) throw TIMEOUT_NEGATIVE;
  return Number(v);
}

function subcommandSyntax(sub: string, container: string): ReplyError {
  return new ReplyError(`ERR unknown subcommand or wrong number of arguments for '${cstr(sub).slice(0, 128)}'. Try ${container} HELP.`);
}

function noGroup(key: string, group: string): ReplyError {
  return new ReplyError(`NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(group)}'`);
}

/** Writes that must reach the AOF and replicas as one unit (MULTI/EXEC when several). */
export class Writes {
  private static readonly idle = new Writes(false);
  private list: string[][] | null = null;
  private constructor(
    /** Whether anyone consumes the journal: when not, nothing is kept and callers skip building the writes. */
    readonly live: boolean,
  ) {}

  /** A command's writes: kept when the journal has a consumer (AOF, replicas), else the shared list that keeps none. */
  static of(journal: Journal): Writes {
    return journal.active ? new Writes(true) : Writes.idle;
  }

  add(argv: string[]): void {
    if (this.live) (this.list ??= []).push(argv);
  }

  /** Hand them to the journal now, in one unit; the command itself is not propagated. */
  flush(ctx: CommandContext, journal: Journal): void {
    // Without a journal the kernel propagates nothing anyway.
    if (!this.live || !journal.active) return;
    ctx.propagateInstead = [];
    if (this.list === null) return;
    journal.begin();
    for (const argv of this.list) journal.append(ctx.db.id, argv, ctx.propagateTargets);
    journal.end();
  }
}

/** streamPropagateXCLAIM: idempotent on a replica (FORCE, JUSTID, the group's last ID). */
function xclaimArgv(key: string, g: Group, idArg: string, nack: Nack): string[] {
  return [
    'XCLAIM', key, g.name, nack.consumer.name, '0', idArg,
    'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount),
    'FORCE', 'JUSTID', 'LASTID', formatId(g.lastId),
  ];
}

function setidArgv(key: string, g: Group): string[] {
  return ['XGROUP', 'SETID', key, g.name, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)];
}

/** streamCreateConsumer: counts as a change and fires `xgroup-createconsumer`. */
function createConsumer(ctx: CommandContext, key: string, g: Group, name: string): Consumer {
  const c = new Consumer(name, Date.now());
  g.consumers.set(name, c);
  ctx.modified(key, Notify.STREAM, 'xgroup-createconsumer');
  return c;
}

function dropNack(g: Group, id: Id, nack: Nack): void {
  g.pel.delete(id);
  nack.consumer.pel.remove(id);
}

// ---- XGROUP ---------------------------------------------------------------------------------

export function xgroup(ctx: CommandContext, argv: string[]): Reply {
  const sub = argv[1].toLowerCase();
  const key = argv[2];
  const name = argv[3];
  let mkstream = false;
  let entriesRead = ENTRIES_READ_INVALID;
  if (sub === 'create') {
    for (let i = 5; i < argv.length; ) {
      const opt = argv[i].toLowerCase();
      if (opt === 'mkstream') {
        mkstream = true;
        i++;
      } else if (opt === 'entriesread' && i + 1 < argv.length) {
        entriesRead = longArg(argv[i + 1]);
        if (entriesRead < 0 && entriesRead !== ENTRIES_READ_INVALID) throw ENTRIESREAD_RANGE;
        i += 2;
      } else throw subcommandSyntax(argv[1], 'XGROUP');
    }
  }
  let s = writeStream(ctx, key);
  if (s === undefined && !mkstream) throw KEY_REQUIRED;
  const g = s?.group(name);
  if (g === undefined && (sub === 'setid' || sub === 'createconsumer' || sub === 'delconsumer')) {
    throw new ReplyError(`NOGROUP No such consumer group '${cstr(name)}' for key name '${cstr(key)}'`);
  }
  switch (sub) {
    case 'create': {
      if (argv.length > 8) throw subcommandSyntax(argv[1], 'XGROUP');
      const id = argv[4] === '$' ? (s?.lastId ?? MIN_ID) : parseStrictId(argv[4]);
      if (s === undefined) {
        s = new Stream();
        ctx.db.set(key, s);
        ctx.modified(key);
      }
      if (g !== undefined) throw BUSYGROUP;
      (s.groups ??= new Map()).set(name, new Group(name, id, entriesRead));
      ctx.modified(key, Notify.STREAM, 'xgroup-create');
      return OK;
    }
    case 'setid': {
      if (argv.length !== 5 && argv.length !== 7) throw subcommandSyntax(argv[1], 'XGROUP');
      const id = argv[4] === '$' ? s!.lastId : parseId(argv[4], false);
      if (argv.length === 7) {
        if (argv[5].toLowerCase() !== 'entriesread') throw subcommandSyntax(argv[1], 'XGROUP');
        entriesRead = longArg(argv[6]);
        if (entriesRead < 0 && entriesRead !== ENTRIES_READ_INVALID) throw ENTRIESREAD_RANGE;
      }
      g!.lastId = id;
      g!.entriesRead = entriesRead;
      ctx.modified(key, Notify.STREAM, 'xgroup-setid');
      return OK;
    }
    case 'destroy': {
      if (g === undefined) return 0;
      s!.groups!.delete(name);
      ctx.modified(key, Notify.STREAM, 'xgroup-destroy');
      return 1;
    }
    case 'createconsumer': {
      if (g!.consumer(argv[4]) !== undefined) return 0;
      createConsumer(ctx, key, g!, argv[4]);
      return 1;
    }
    case 'delconsumer': {
      const c = g!.consumer(argv[4]);
      if (c === undefined) return 0;
      const pending = c.pel.size;
      for (const id of c.pel.list()) g!.pel.delete(id);
      g!.consumers.delete(c.name);
      ctx.modified(key, Notify.STREAM, 'xgroup-delconsumer');
      return pending;
    }
    default:
      throw subcommandSyntax(argv[1], 'XGROUP');
  }
}

export const XGROUP_HELP = [
  'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Prints this help.',
];

// ---- XREAD / XREADGROUP ---------------------------------------------------------------------

/** A parsed XREAD/XREADGROUP. `ids[i]` is the ID entries must be above; MAX_ID stands for `>`. */
interface ReadArgs {
  keys: string[];
  ids: Id[];
  count: number;
  timeout: number;
  group: string | null;
  consumer: string;
  noack: boolean;
}

const NO_KEYS: string[] = [];

function parseRead(ctx: CommandContext, argv: string[], grouped: boolean): ReadArgs {
  // The key and ID lists are made once their length is known (a literal's would be grown on the first push).
  const a: ReadArgs = { keys: NO_KEYS, ids: NO_KEYS, count: 0, timeout: -1, group: null, consumer: '', noack: false };
  let streamsArg = 0;
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i];
    if (isOption(o, 'block') && more > 0) {
      if (ctx.caller !== null) throw new ReplyError(`ERR ${argv[0]} command is not allowed with BLOCK option from scripts`);
      a.timeout = blockTimeout(argv[++i]);
    } else if (isOption(o, 'count') && more > 0) {
      a.count = longArg(argv[++i]);
      if (a.count < 0) a.count = 0;
    } else if (isOption(o, 'streams') && more > 0) {
      streamsArg = i + 1;
      n = argv.length - streamsArg;
      if (n % 2 !== 0) {
        throw UNBALANCED;
      }
      n /= 2;
      break;
    } else if (isOption(o, 'group') && more >= 2) {
      if (!grouped) throw new ReplyError('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
      a.group = argv[i + 1];
      a.consumer = argv[i + 2];
      i += 2;
    } else if (isOption(o, 'noack')) {
      if (!grouped) throw new ReplyError('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
      a.noack = true;
    } else throw Errors.syntax;
  }
  if (streamsArg === 0) throw Errors.syntax;
  if (grouped && a.group === null) throw new ReplyError('ERR Missing GROUP option for XREADGROUP');
  a.keys = new Array<string>(n);
  a.ids = new Array<Id>(n);
  for (let k = 0; k < n; k++) {
    const key = argv[streamsArg + k];
    const arg = argv[streamsArg + n + k];
    const s = readStream(ctx, key);
    if (a.group !== null && (s === undefined || s.group(a.group) === undefined)) {
      throw new ReplyError(`NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(a.group)}' in XREADGROUP with GROUP option`);
    }
    a.keys[k] = key;
    if (arg === '$') {
      if (grouped) throw DOLLAR_IN_GROUP;
      a.ids[k] = s?.lastId ?? MIN_ID;
    } else if (arg === '>') {
      if (!grouped) throw GT_OUTSIDE_GROUP;
      a.ids[k] = MAX_ID;
    } else a.ids[k] = parseStrictId(arg);
  }
  return a;
}

/** One stream's part of a read reply: [key, entries] (RESP2) or key => entries (RESP3). */
function readReply(ctx: CommandContext, parts: Reply[]): Reply {
  if (ctx.resp === 2) {
    const out: Reply[] = [];
    for (let i = 0; i < parts.length; i += 2) out.push([parts[i], parts[i + 1]]);
    return out;
  }
  return new MapReply(parts);
}

/**
 * New entries after `after` for a group's consumer (streamReplyWithRange with a group):
 * advances the group, adds pending entries unless NOACK, and records what to propagate.
 */
function deliver(ctx: CommandContext, key: string, s: Stream, g: Group, c: Consumer, after: Id, count: number, noack: boolean, w: Writes): Reply {
  if (after === MAX_ID) return [];
  const cur = new Cursor(s, after, MAX_ID, false, true);
  // Entries go out as RESP (respOut) to a connection, as arrays (out) to a script.
  const out: Reply[] | null = ctx.caller !== null ? [] : null;
  let n = 0;
  // consumerFor read the clock for this command just before.
  const now = c.seenTime;
  let advanced = false;
  while ((count === 0 || n < count) && cur.next()) {
    const id = cur.id;
    if (id > g.lastId) {
      if (g.entriesRead !== ENTRIES_READ_INVALID && !s.hasTombstones(id, null)) g.entriesRead++;
      else if (s.entriesAdded !== 0) g.entriesRead = s.estimateDistance(id);
      g.lastId = id;
      if (noack) advanced = true;
    }
    if (!noack) {
      let nack = g.pel.get(id);
      if (nack === undefined) {
        nack = new Nack(c, now, 1);
        g.pel.set(id, nack);
        c.pel.insert(id);
      } else {
        if (nack.consumer !== c) {
          nack.consumer.pel.remove(id);
          nack.consumer = c;
          c.pel.insert(id);
        }
        nack.deliveryTime = now;
        nack.deliveryCount = 1;
      }
      if (w.live) w.add(xclaimArgv(key, g, formatId(id), nack));
    }
    if (out !== null) out.push([cur.text(), cur.pairs()]);
    else cur.write(respOut);
    n++;
  }
  if (advanced && w.live) w.add(setidArgv(key, g));
  if (out !== null) return out;
  delivered = n;
  return RAW;
}

/** deliver's entries for a connection, left in respOut (`delivered` of them) for the caller to wrap. */
const RAW = NULL_ARRAY;
let delivered = 0;

/** A consumer's own pending entries above `after` (reading history): each counts as delivered again. */
function history(s: Stream, g: Group, c: Consumer, after: Id, count: number): Reply[] {
  const start = nextId(after);
  if (start === null) return [];
  const out: Reply[] = [];
  const now = Date.now();
  const pel = c.pel;
  for (let i = pel.lowerBound(start); i < pel.size && (count === 0 || out.length < count); i++) {
    const id = pel.key(i);
    const pairs = s.get(id);
    if (pairs === null) {
      out.push([formatId(id), NULL_ARRAY]);
      continue;
    }
    const nack = g.pel.get(id)!;
    nack.deliveryTime = now;
    nack.deliveryCount++;
    out.push(entryReply(id, pairs));
  }
  return out;
}

/** The group's consumer, created (and, with NOACK, propagated as CREATECONSUMER) when new. */
function consumerFor(ctx: CommandContext, key: string, g: Group, name: string, noack: boolean, w: Writes): Consumer {
  let c = g.consumer(name);
  if (c === undefined) {
    c = createConsumer(ctx, key, g, name);
    if (noack && w.live) w.add(['XGROUP', 'CREATECONSUMER', key, g.name, name]);
  }
  c.seenTime = ctx.caller === null ? taskNow() : Date.now();
  return c;
}

export function xread(ctx: CommandContext, argv: string[], grouped: boolean, blocking: Blocking, journal: Journal): Reply | Promise<Reply> {
  const a = parseRead(ctx, argv, grouped);
  const parts: Reply[] = [];
  const w = Writes.of(journal);
  for (let k = 0; k < a.keys.length; k++) {
    const key = a.keys[k];
    const s = ctx.db.peek(key) as Stream | undefined;
    if (s === undefined) continue;
    let after = a.ids[k];
    if (a.group !== null) {
      const g = s.group(a.group)!;
      let serve = false;
      let hist = false;
      if (after !== MAX_ID) serve = hist = true;
      else if (s.hasAbove(g.lastId)) {
        serve = true;
        after = g.lastId;
      }
      const c = consumerFor(ctx, key, g, a.consumer, a.noack, w);
      if (!serve) continue;
      ctx.willModify(key);
      let entries = hist ? history(s, g, c, after, a.count) : deliver(ctx, key, s, g, c, after, a.count, a.noack, w);
      ctx.modified(key);
      if (entries === RAW) {
        // The one stream asked for: its whole reply is written as RESP in one piece.
        if (a.keys.length === 1) {
          w.flush(ctx, journal);
          return respOut.keyed(ctx.resp, key, delivered);
        }
        entries = respOut.array(delivered);
      }
      parts.push(key, entries);
    } else if (s.hasAbove(after)) {
      parts.push(key, collect(ctx, new Cursor(s, nextId(after)!, MAX_ID, false), a.count));
    }
  }
  if (a.group !== null) w.flush(ctx, journal);
  if (parts.length > 0) return readReply(ctx, parts);
  if (a.timeout === -1 || ctx.denyBlocking) return NULL_ARRAY;
  const count = a.count !== 0 ? a.count : BLOCKED_DEFAULT_COUNT;
  return blocking.block(
    ctx,
    a.keys,
    a.timeout,
    (c) => serveBlocked(c, a, count, journal),
    NULL_ARRAY,
  );
}

/** A blocked XREAD/XREADGROUP retried after one of its keys changed (serveClientsBlockedOnStreamKey). */
function serveBlocked(ctx: CommandContext, a: ReadArgs, count: number, journal: Journal): Reply | undefined {
  for (let k = 0; k < a.keys.length; k++) {
    const key = a.keys[k];
    const v = ctx.db.peek(key);
    if (!(v instanceof Stream)) {
      // Redis 7.0 fails a blocked XREADGROUP whose stream went away; XREAD keeps waiting.
      if (a.group !== null) return KEY_GONE;
      continue;
    }
    const s = v;
    let after = a.ids[k];
    if (a.group !== null) {
      const g = s.group(a.group);
      if (g === undefined) return GROUP_GONE;
      after = g.lastId;
      if (!(s.lastId > after)) continue;
      const w = Writes.of(journal);
      const c = consumerFor(ctx, key, g, a.consumer, a.noack, w);
      let entries = deliver(ctx, key, s, g, c, after, count, a.noack, w);
      if (entries === RAW) entries = respOut.array(delivered);
      ctx.modified(key);
      w.flush(ctx, journal);
      return readReply(ctx, [key, entries]);
    }
    if (!(s.lastId > after)) continue;
    return readReply(ctx, [key, collect(ctx, new Cursor(s, nextId(after)!, MAX_ID, false), count)]);
  }
  return undefined;
}

// ---- XACK, XPENDING, XCLAIM, XAUTOCLAIM -----------------------------------------------------

export function xack(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1];
  const s = readStream(ctx, key);
  const g = s?.group(argv[2]);
  if (g === undefined) return 0;
  // IDs are all checked before any is acknowledged (one needs no list).
  const n = argv.length - 3;
  const one = n === 1 ? parseStrictId(argv[3]) : MIN_ID;
  const ids: Id[] | null = n === 1 ? null : [];
  if (ids !== null) for (let j = 3; j < argv.length; j++) ids.push(parseStrictId(argv[j]));
  let acked = 0;
  for (let j = 0; j < n; j++) {
    const id = ids === null ? one : ids[j];
    const nack = g.pel.get(id);
    if (nack === undefined) continue;
    if (acked === 0) ctx.willModify(key);
    dropNack(g, id, nack);
    acked++;
  }
  if (acked > 0) {
    ctx.modified(key);
    ctx.server.keyspace.stats.dirty += acked - 1;
  }
  return acked;
}

export function xpending(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1];
  if (argv.length !== 3 && (argv.length < 6 || argv.length > 9)) throw Errors.syntax;
  let start = MIN_ID;
  let end = MAX_ID;
  let count = 0;
  let minIdle = 0;
  let consumerName: string | null = null;
  if (argv.length >= 6) {
    let si = 3;
    if (argv[3].toLowerCase() === 'idle') {
      minIdle = longArg(argv[4]);
      if (argv.length < 8) throw Errors.syntax;
      si += 2;
    }
    count = longArg(argv[si + 2]);
    if (count < 0) count = 0;
    start = parseRangeId(argv[si], false, true);
    end = parseRangeId(argv[si + 1], true, false);
    if (si + 3 < argv.length) consumerName = argv[si + 3];
  }
  const s = readStream(ctx, key);
  const g = s?.group(argv[2]);
  if (g === undefined) throw noGroup(key, argv[2]);
  if (argv.length === 3) {
    if (g.pel.size === 0) return [0, null, null, NULL_ARRAY];
    const owners: Reply[] = [];
    for (const c of g.sortedConsumers()) if (c.pel.size > 0) owners.push([c.name, String(c.pel.size)]);
    return [g.pel.size, formatId(g.pel.key(0)), formatId(g.pel.key(g.pel.size - 1)), owners];
  }
  let pel: IdList = g.pel;
  if (consumerName !== null) {
    const c = g.consumer(consumerName);
    if (c === undefined) return [];
    pel = c.pel;
  }
  const now = Date.now();
  const out: Reply[] = [];
  for (let i = pel.lowerBound(start); count > 0 && i < pel.size && pel.key(i) <= end; i++) {
    const id = pel.key(i);
    const nack = g.pel.get(id)!;
    if (minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    count--;
    out.push([formatId(id), nack.consumer.name, Math.max(0, now - nack.deliveryTime), nack.deliveryCount]);
  }
  return out;
}

export function xclaim(ctx: CommandContext, argv: string[], journal: Journal): Reply {
  const key = argv[1];
  const s = readStream(ctx, key);
  const g = s?.group(argv[2]);
  if (s === undefined || g === undefined) throw noGroup(key, argv[2]);
  let minIdle = longArg(argv[4], new ReplyError('ERR Invalid min-idle-time argument for XCLAIM'));
  if (minIdle < 0) minIdle = 0;
  const ids: Id[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    let id: Id;
    try {
      id = parseStrictId(argv[j]);
    } catch {
      break;
    }
    ids.push(id);
  }
  const now = Date.now();
  let deliveryTime = -1;
  let retryCount = -1;
  let force = false;
  let justid = false;
  let lastId = MIN_ID;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j].toLowerCase();
    if (opt === 'force') force = true;
    else if (opt === 'justid') justid = true;
    else if (opt === 'idle' && more > 0) deliveryTime = now - longArg(argv[++j], new ReplyError('ERR Invalid IDLE option argument for XCLAIM'));
    else if (opt === 'time' && more > 0) deliveryTime = longArg(argv[++j], new ReplyError('ERR Invalid TIME option argument for XCLAIM'));
    else if (opt === 'retrycount' && more > 0) retryCount = longArg(argv[++j], new ReplyError('ERR Invalid RETRYCOUNT option argument for XCLAIM'));
    else if (opt === 'lastid' && more > 0) lastId = parseStrictId(argv[++j]);
    else throw new ReplyError(`ERR Unrecognized XCLAIM option '${cstr(argv[j])}'`);
  }
  if (deliveryTime === -1 || deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  const w = Writes.of(journal);
  let changed = false;
  let propagateLast = false;
  if (lastId > g.lastId) {
    g.lastId = lastId;
    propagateLast = true;
    changed = true;
  }
  let consumer: Consumer | undefined;
  const out: Reply[] = [];
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    let nack = g.pel.get(id);
    const pairs = s.get(id);
    if (pairs === null) {
      if (nack !== undefined) {
        if (w.live) w.add(xclaimArgv(key, g, argv[5 + k], nack));
        propagateLast = false;
        dropNack(g, id, nack);
        changed = true;
      }
      continue;
    }
    let fresh = false;
    if (force && nack === undefined) {
      fresh = true;
      nack = new Nack(UNOWNED, now, 1);
      g.pel.set(id, nack);
    }
    if (nack === undefined) continue;
    if (!fresh && minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    if (consumer === undefined) {
      consumer = g.consumer(argv[3]);
      if (consumer === undefined) consumer = createConsumer(ctx, key, g, argv[3]);
      else consumer.seenTime = now;
    }
    if (!fresh && nack.consumer !== consumer) nack.consumer.pel.remove(id);
    nack.deliveryTime = deliveryTime;
    if (retryCount >= 0) nack.deliveryCount = retryCount;
    else if (!justid) nack.deliveryCount++;
    if (fresh || nack.consumer !== consumer) {
      consumer.pel.insert(id);
      nack.consumer = consumer;
    }
    out.push(justid ? formatId(id) : entryReply(id, pairs));
    if (w.live) w.add(xclaimArgv(key, g, argv[5 + k], nack));
    propagateLast = false;
    changed = true;
  }
  if (propagateLast && w.live) w.add(setidArgv(key, g));
  if (changed) ctx.modified(key);
  w.flush(ctx, journal);
  return out;
}

/** Largest XAUTOCLAIM COUNT (LONG_MAX / 16: Redis sizes an array by it). */
const AUTOCLAIM_MAX_COUNT = '576460752303423487';
const COUNT_RANGE = new ReplyError('ERR COUNT must be > 0');

export function xautoclaim(ctx: CommandContext, argv: string[], journal: Journal): Reply {
  const key = argv[1];
  let minIdle = longArg(argv[4], new ReplyError('ERR Invalid min-idle-time argument for XAUTOCLAIM'));
  if (minIdle < 0) minIdle = 0;
  const start = parseRangeId(argv[5], false, true);
  let count = 100;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j].toLowerCase();
    if (opt === 'count' && more > 0) {
      const v = longArg(argv[j + 1], COUNT_RANGE);
      // Compared as digits: the limit is past 2^53, where doubles round it up to 2^59.
      const digits = argv[j + 1];
      if (v < 1 || digits.length > 18 || (digits.length === 18 && digits > AUTOCLAIM_MAX_COUNT)) throw COUNT_RANGE;
      count = v;
      j++;
    } else if (opt === 'justid') justid = true;
    else throw Errors.syntax;
  }
  const s = readStream(ctx, key);
  const g = s?.group(argv[2]);
  if (s === undefined || g === undefined) throw noGroup(key, argv[2]);
  let attempts = count * 10;
  const now = Date.now();
  const w = Writes.of(journal);
  const claimed: Reply[] = [];
  const deleted: Reply[] = [];
  let consumer: Consumer | undefined;
  let i = g.pel.lowerBound(start);
  for (; attempts > 0 && count > 0 && i < g.pel.size; attempts--) {
    const id = g.pel.key(i);
    const nack = g.pel.at(i);
    const pairs = s.get(id);
    if (pairs === null) {
      if (w.live) w.add(xclaimArgv(key, g, formatId(id), nack));
      dropNack(g, id, nack);
      deleted.push(formatId(id));
      count--;
      continue;
    }
    i++;
    if (minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    if (consumer === undefined) {
      consumer = g.consumer(argv[3]);
      if (consumer === undefined) consumer = createConsumer(ctx, key, g, argv[3]);
      else consumer.seenTime = now;
    }
    if (nack.consumer !== consumer) {
      nack.consumer.pel.remove(id);
      consumer.pel.insert(id);
      nack.consumer = consumer;
    }
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    claimed.push(justid ? formatId(id) : entryReply(id, pairs));
    count--;
    if (w.live) w.add(xclaimArgv(key, g, formatId(id), nack));
  }
  const cursor = i < g.pel.size ? formatId(g.pel.key(i)) : '0-0';
  // Redis counts each claimed or released pending entry as a change.
  if (claimed.length + deleted.length > 0) ctx.modified(key);
  w.flush(ctx, journal);
  return [cursor, claimed, deleted];
}
