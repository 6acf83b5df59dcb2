import { type CommandContext, EncodedReply, Errors, Notify, NULL_ARRAY, OK, parseInt64, type Reply, ReplyError } from '../../kernel';
import { formatId, type Id, isZero, MAX_ID, MIN_ID, msOf, nextId, parseId, parseRangeId, parseStrictId, seqAuto, seqOf } from './id';
import { taskNow } from './clock';
import { respOut } from './reply';
import { Cursor, Stream, Trim } from './stream';
import { limits, readStream, writeStream } from './type';

export const EXHAUSTED = new ReplyError('ERR The stream has exhausted the last possible ID, unable to add more items');
const ID_TOO_SMALL = new ReplyError('ERR The ID specified in XADD is equal or smaller than the target stream top item');
const ID_ZERO = new ReplyError('ERR The ID specified in XADD must be greater than 0-0');
const BOTH_STRATEGIES = new ReplyError('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
const MAXLEN_NEGATIVE = new ReplyError('ERR The MAXLEN argument must be >= 0.');
const LIMIT_NEGATIVE = new ReplyError('ERR The LIMIT argument must be >= 0.');
const LIMIT_NO_STRATEGY = new ReplyError('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
const LIMIT_NOT_APPROX = new ReplyError('ERR syntax error, LIMIT cannot be used without the special ~ option');
const XTRIM_NO_STRATEGY = new ReplyError('ERR syntax error, XTRIM must be called with a trimming strategy');
const TOO_LARGE = new ReplyError('ERR Elements are too large to be stored');

/** Largest total of an entry's strings (STREAM_LISTPACK_MAX_SIZE). */
const ENTRY_MAX = 1 << 30;

/** Whether `arg` is the option `lower` (letters only) in any case, without lower-casing it (an allocation). */
export function isOption(arg: string, lower: string): boolean {
  const n = lower.length;
  if (arg.length !== n) return false;
  for (let i = 0; i < n; i++) if ((arg.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

/** getLongLongFromObjectOrReply. */
export function longArg(arg: string, err: ReplyError = Errors.notInteger): number {
  const v = parseInt64(arg);
  if (v === null) throw err;
  return Number(v);
}

/** The trimming part of XADD and XTRIM, as streamParseAddOrTrimArgsOrReply reads it. */
export class TrimArgs {
  strategy = Trim.None;
  approx = false;
  maxLen = 0;
  minId: Id = MIN_ID;
  limit = 0;
  /** Index of the MAXLEN/MINID value (rewritten for propagation after approximate trimming). */
  argIdx = 0;
  /** XADD: the ID argument's index, the ID when given, NOMKSTREAM. */
  idIdx = 0;
  id: Id | null = null;
  seqGiven = true;
  noMkstream = false;
}

/** Parse options from argv[2]; for XADD stop at the ID (returned in `idIdx`). */
export function parseTrimArgs(argv: string[], xadd: boolean, obey: boolean): TrimArgs {
  const a = new TrimArgs();
  let limitGiven = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i];
    const lower = opt.toLowerCase();
    if (xadd && opt === '*') break;
    if ((lower === 'maxlen' || lower === 'minid') && more > 0) {
      if (a.strategy !== Trim.None) throw BOTH_STRATEGIES;
      a.approx = false;
      const next = argv[i + 1];
      if (more >= 2 && next === '~') {
        a.approx = true;
        i++;
      } else if (more >= 2 && next === '=') i++;
      if (lower === 'maxlen') {
        a.maxLen = longArg(argv[i + 1]);
        if (a.maxLen < 0) throw MAXLEN_NEGATIVE;
        a.strategy = Trim.MaxLen;
      } else {
        a.minId = parseStrictId(argv[i + 1]);
        a.strategy = Trim.MinId;
      }
      i++;
      a.argIdx = i;
    } else if (lower === 'limit' && more > 0) {
      a.limit = longArg(argv[i + 1]);
      if (a.limit < 0) throw LIMIT_NEGATIVE;
      limitGiven = true;
      i++;
    } else if (xadd && lower === 'nomkstream') {
      a.noMkstream = true;
    } else if (xadd) {
      a.id = parseId(opt, false, true, true);
      a.seqGiven = !seqAuto;
      break;
    } else {
      throw Errors.syntax;
    }
  }
  a.idIdx = i;
  if (a.limit !== 0 && a.strategy === Trim.None) throw LIMIT_NO_STRATEGY;
  if (!xadd && a.strategy === Trim.None) throw XTRIM_NO_STRATEGY;
  if (obey) {
    // The AOF being loaded (Redis's mustObeyClient): its trim arguments were made exact.
    a.limit = 0;
  } else if (limitGiven) {
    if (!a.approx) throw LIMIT_NOT_APPROX;
  } else if (a.approx) {
    a.limit = 100 * limits.maxEntries;
    if (a.limit <= 0 || a.limit > ENTRY_MAX) a.limit = 10000;
  }
  return a;
}

/**
 * What approximate trimming did, made exact for the AOF and replicas (Redis's
 * streamRewriteApproxSpecifier/TrimArgument): `=` for `~`, and the length or first ID reached.
 * LIMIT stays, as in Redis: a client that must obey (the AOF loader) ignores it.
 */
function exactTrimArgv(argv: string[], a: TrimArgs, s: Stream): string[] {
  const out = argv.slice();
  out[a.argIdx - 1] = '=';
  out[a.argIdx] = a.strategy === Trim.MaxLen ? String(s.length) : formatId(s.firstId);
  return out;
}

/** A connection-less client outside a script: the AOF loader, whose writes Redis applies as given. */
function obeys(ctx: CommandContext): boolean {
  return ctx.socket === null && ctx.caller === null;
}

/** XADD's arguments when the ID `*` comes right after the key: nothing to parse (never mutated). */
const NO_OPTIONS = new TrimArgs();
NO_OPTIONS.idIdx = 2;

/** XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...] */
export function xadd(ctx: CommandContext, argv: string[]): Reply {
  const a = argv[2] === '*' ? NO_OPTIONS : parseTrimArgs(argv, true, obeys(ctx));
  const fieldPos = a.idIdx + 1;
  const n = argv.length - fieldPos;
  if (n < 2 || n % 2 === 1) throw Errors.wrongArity('xadd');
  if (a.id !== null && a.seqGiven && isZero(a.id)) throw ID_ZERO;
  const key = argv[1];
  let s = writeStream(ctx, key);
  if (s === undefined) {
    if (a.noMkstream) return null;
    s = new Stream();
    ctx.db.set(key, s);
  }
  // Only an ID past 2^53 ms has lastMs -1: MAX_ID among them.
  if (s.lastMs < 0 && s.lastId === MAX_ID) throw EXHAUSTED;
  const id = newId(s, a, ctx.caller === null ? taskNow() : Date.now());
  let total = 0;
  for (let i = fieldPos; i < argv.length; i++) total += argv[i].length;
  if (total > ENTRY_MAX) throw TOO_LARGE;
  let reply: Reply;
  let text = '';
  const journaled = ctx.server.journal.active;
  if (id === null) {
    s.append(null, argv, fieldPos, limits, total, genMs, genSeq);
    // To a connection the reply leaves as RESP built from the millisecond's cached prefix.
    if (ctx.caller === null) reply = new EncodedReply(bulkPrefix(genMs, genSeq) + (genSeq < SEQ_CRLF.length ? SEQ_CRLF[genSeq] : `${genSeq}\r\n`));
    else reply = text = `${genMs}-${genSeq}`;
    if (journaled && text === '') text = `${genMs}-${genSeq}`;
  } else {
    s.append(id, argv, fieldPos, limits, total, msOf(id), seqOf(id));
    reply = text = formatId(id);
  }
  ctx.modified(key, Notify.STREAM, 'xadd');
  let prop: string[] | null = null;
  if (a.strategy !== Trim.None) {
    if (s.trim(a.strategy, a.maxLen, a.minId, a.approx, a.limit) > 0) ctx.notify(Notify.STREAM, 'xtrim', key);
    if (a.approx && journaled) prop = exactTrimArgv(argv, a, s);
  }
  if (journaled && (a.id === null || !a.seqGiven)) {
    prop ??= argv.slice();
    prop[a.idIdx] = text;
  }
  if (prop !== null) ctx.propagate(prop);
  return reply;
}

/** The parts of the ID newId generated when it returns null (both below 2^53). */
let genMs = -1;
let genSeq = 0;

/** `<seq>\r\n` of small sequence numbers: the tail of a generated ID's reply. */
const SEQ_CRLF: string[] = [];
for (let i = 0; i < 1024; i++) SEQ_CRLF.push(`${i}\r\n`);

/** The millisecond and sequence digit count last printed and their `$<len>\r\n<ms>-`: XADDs within one millisecond build it once. */
let prefixMs = -1;
let prefixDigits = 0;
let prefix = '';

function bulkPrefix(ms: number, seq: number): string {
  const digits = seq < 10 ? 1 : seq < 100 ? 2 : seq < 1000 ? 3 : String(seq).length;
  if (ms !== prefixMs || digits !== prefixDigits) {
    const m = String(ms);
    prefixMs = ms;
    prefixDigits = digits;
    prefix = `$${m.length + 1 + digits}\r\n${m}-`;
  }
  return prefix;
}

/**
 * The ID XADD adds: generated from the clock, `now` (returns null, the parts in genMs and genSeq),
 * `<ms>-*`, or given (checked against the top).
 */
function newId(s: Stream, a: TrimArgs, now: number): Id | null {
  if (a.id === null) {
    const lastMs = s.lastMs;
    if (lastMs >= 0) {
      if (now > lastMs) {
        genMs = now;
        genSeq = 0;
        return null;
      }
      const lastSeq = s.lastSeq;
      if (lastSeq >= 0 && lastSeq + 1 < 9007199254740992) {
        genMs = lastMs;
        genSeq = lastSeq + 1;
        return null;
      }
    }
    return nextId(s.lastId)!;
  }
  const last = s.lastId;
  let id = a.id;
  if (!a.seqGiven) {
    if (id.slice(0, 8) === last.slice(0, 8)) {
      // Redis 7.0 answers this (the sequence of that millisecond is used up) with ERANGE's text.
      if (last.slice(8) === '\xff'.repeat(8)) throw TOO_LARGE;
      id = nextId(last)!;
    }
  }
  if (id <= last) throw ID_TOO_SMALL;
  return id;
}

/** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] */
export function xtrim(ctx: CommandContext, argv: string[]): Reply {
  const a = parseTrimArgs(argv, false, obeys(ctx));
  const key = argv[1];
  const s = writeStream(ctx, key);
  if (s === undefined) return 0;
  const deleted = s.trim(a.strategy, a.maxLen, a.minId, a.approx, a.limit);
  if (deleted > 0) {
    ctx.modified(key);
    ctx.notify(Notify.STREAM, 'xtrim', key);
    ctx.server.keyspace.stats.dirty += deleted - 1;
    if (a.approx) ctx.propagate(exactTrimArgv(argv, a, s));
  }
  return deleted;
}

/** XDEL key id [id ...]: IDs are all checked before any is deleted. */
export function xdel(ctx: CommandContext, argv: string[]): Reply {
  const ids: Id[] = [];
  for (let i = 2; i < argv.length; i++) ids.push(parseStrictId(argv[i]));
  const key = argv[1];
  const s = writeStream(ctx, key);
  if (s === undefined) return 0;
  let deleted = 0;
  let first = false;
  for (const id of ids) {
    if (!s.delete(id)) continue;
    if (id === s.firstId) first = true;
    if (id > s.maxDeletedId) s.maxDeletedId = id;
    deleted++;
  }
  if (deleted > 0) {
    if (s.length === 0) s.firstId = MIN_ID;
    else if (first) s.refreshFirst();
    ctx.modified(key, Notify.STREAM, 'xdel');
    ctx.server.keyspace.stats.dirty += deleted - 1;
  }
  return deleted;
}

export function xlen(ctx: CommandContext, argv: string[]): Reply {
  return readStream(ctx, argv[1])?.length ?? 0;
}

/** An entry as replies show it: [id, [field, value, ...]]. */
export function entryReply(id: Id, pairs: string[]): Reply {
  return [formatId(id), pairs];
}

/** Up to `count` (0 = all) entries from a cursor: written as RESP, or as arrays for a script. */
export function collect(ctx: CommandContext, c: Cursor, count: number): Reply {
  if (ctx.caller !== null) {
    const out: Reply[] = [];
    while ((count === 0 || out.length < count) && c.next()) out.push([c.text(), c.pairs()]);
    return out;
  }
  let n = 0;
  while ((count === 0 || n < count) && c.next()) {
    c.write(respOut);
    n++;
  }
  return respOut.array(n);
}

/** XRANGE / XREVRANGE key start end [COUNT count] */
export function xrange(ctx: CommandContext, argv: string[], rev: boolean): Reply {
  const start = parseRangeId(rev ? argv[3] : argv[2], false, true);
  const end = parseRangeId(rev ? argv[2] : argv[3], true, false);
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (isOption(argv[j], 'count') && j + 1 < argv.length) {
      count = longArg(argv[j + 1]);
      if (count < 0) count = 0;
      j++;
    } else throw Errors.syntax;
  }
  const s = readStream(ctx, argv[1]);
  if (s === undefined) return [];
  if (count === 0) return NULL_ARRAY;
  if (start > end) return [];
  return collect(ctx, new Cursor(s, start, end, rev), count === -1 ? 0 : count);
}

/** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
export function xsetid(ctx: CommandContext, argv: string[]): Reply {
  const id = parseStrictId(argv[2]);
  let entriesAdded = -1;
  let maxDeleted = MIN_ID;
  for (let i = 3; i < argv.length; i += 2) {
    const more = argv.length - 1 - i;
    const opt = argv[i].toLowerCase();
    if (opt === 'entriesadded' && more > 0) {
      entriesAdded = longArg(argv[i + 1]);
      if (entriesAdded < 0) throw new ReplyError('ERR entries_added must be positive');
    } else if (opt === 'maxdeletedid' && more > 0) {
      maxDeleted = parseStrictId(argv[i + 1]);
      if (id < maxDeleted) throw new ReplyError('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
    } else throw Errors.syntax;
  }
  const key = argv[1];
  const s = writeStream(ctx, key);
  if (s === undefined) throw Errors.noSuchKey;
  if (s.length > 0) {
    if (id < s.edgeId(false)!) throw new ReplyError('ERR The ID specified in XSETID is smaller than the target stream top item');
    if (entriesAdded !== -1 && s.length > entriesAdded) {
      throw new ReplyError('ERR The entries_added specified in XSETID is smaller than the target stream length');
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (maxDeleted !== MIN_ID) s.maxDeletedId = maxDeleted;
  ctx.modified(key, Notify.STREAM, 'xsetid');
  return OK;
}
