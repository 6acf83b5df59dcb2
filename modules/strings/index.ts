import { constants } from 'buffer';
import {
  Command,
  type CommandContext,
  Errors,
  FloatIncr,
  incrByFloat,
  inject,
  addDecimal,
  decimalInInt64,
  int64Reply,
  Keyspace,
  Notify,
  OK,
  parseInt64,
  parseIntArg,
  RedisModule,
  type Reply,
  ReplyError,
} from '../../kernel';
import { lcsReply, type LcsOptions } from './lcs';
import { expireAt, Opt, parseExtended } from './options';
import { peekString, StringType } from './type';

export { StringType } from './type';

const offsetOutOfRange = new ReplyError('ERR offset is out of range');
const decrementOverflow = new ReplyError('ERR decrement would overflow');
const lcsWrongType = new ReplyError('ERR The specified keys must contain string values');
const lcsIdxAndLen = new ReplyError('ERR If you want both the length and indexes, please just use IDX.');

/**
 * checkStringLength: a string may not outgrow proto-max-bulk-len, nor V8's own string limit
 * (just under 512 MB), which stands in for the allocation failure Redis would hit instead.
 */
function checkLength(ctx: CommandContext, size: number, append: number): void {
  const total = size + append;
  if (total > ctx.server.parserLimits.maxBulkLen || total > constants.MAX_STRING_LENGTH) throw Errors.stringTooLong;
}

/** INCR/DECR/INCRBY/DECRBY: int64 arithmetic, on the digits once past 2^53. Keeps the TTL. */
function incrBy(ctx: CommandContext, key: string, by: number | string): Reply {
  const db = ctx.db;
  const cur = peekString(db, key);
  let next: number | string = typeof by === 'number' ? by : String(by);
  if (cur !== undefined) {
    const v = parseInt64(cur);
    if (v === null) throw Errors.notInteger;
    next = typeof v === 'number' && typeof by === 'number' ? v + by : NaN;
    if (!Number.isSafeInteger(next)) {
      // Past 2^53 the sum is done on the digits, exactly and without BigInt.
      next = addDecimal(String(v), String(by));
      if (!decimalInInt64(next)) throw Errors.overflow;
    }
  }
  const text = String(next);
  db.set(key, text, true);
  ctx.modified(key, Notify.STRING, 'incrby');
  return typeof next === 'number' ? next : int64Reply(text);
}

/** setGenericCommand: SET with its options, SETNX, SETEX and PSETEX. */
function setGeneric(
  ctx: CommandContext,
  cmd: string,
  flags: number,
  argv: string[],
  value: string,
  expire: string | undefined,
  okReply: Reply,
  abortReply: Reply,
): Reply {
  const key = argv[1];
  const db = ctx.db;
  let when: number | string = 0;
  if (expire !== undefined) {
    when = expireAt(expire, (flags & (Opt.EX | Opt.EXAT)) !== 0, (flags & (Opt.EX | Opt.PX)) !== 0, cmd);
  }
  const withGet = (flags & Opt.GET) !== 0;
  let old: string | null = null;
  if (withGet) {
    old = db.getTyped(key, StringType) ?? null;
    if (old === null) ctx.keyMiss(key);
  }
  if ((flags & (Opt.NX | Opt.XX)) !== 0) {
    const found = withGet ? old !== null : db.has(key);
    if ((flags & Opt.NX) !== 0 ? found : !found) return withGet ? old : abortReply;
  }
  db.set(key, value, (flags & Opt.KEEPTTL) !== 0);
  ctx.modified(key, Notify.STRING, 'set');
  const propagating = ctx.server.journal.active;
  if (expire !== undefined) {
    db.setExpire(key, Number(when));
    ctx.notify(Notify.GENERIC, 'expire', key);
    if (propagating) ctx.propagate(['SET', key, value, 'PXAT', String(when)]);
  } else if (withGet && propagating) {
    ctx.propagate(argv.filter((a, i) => i < 3 || a.toLowerCase() !== 'get'));
  }
  return withGet ? old : okReply;
}

/** GETRANGE/SUBSTR on a value, with Redis's clamping of negative and out-of-range indexes. */
function range(v: string, start: number, end: number): string {
  const len = v.length;
  if (start < 0 && end < 0 && start > end) return '';
  if (start < 0) start = Math.max(0, len + start);
  if (end < 0) end = Math.max(0, len + end);
  if (end >= len) end = len - 1;
  return start > end || len === 0 ? '' : v.slice(start, end + 1);
}

@RedisModule({ name: 'strings' })
export default class StringsModule {
  constructor(@inject(Keyspace) keyspace: Keyspace) {
    keyspace.types.register(StringType);
  }

  @Command('get')
  get(ctx: CommandContext, argv: string[]): Reply {
    const v = ctx.db.getTyped(argv[1], StringType);
    if (v !== undefined) return v;
    ctx.keyMiss(argv[1]);
    return null;
  }

  @Command('set')
  set(ctx: CommandContext, argv: string[]): Reply {
    if (argv.length === 3) {
      ctx.db.set(argv[1], argv[2]);
      ctx.modified(argv[1], Notify.STRING, 'set');
      return OK;
    }
    const { flags, expire } = parseExtended(argv, 3, true);
    return setGeneric(ctx, 'set', flags, argv, argv[2], expire, OK, null);
  }

  @Command('setnx')
  setnx(ctx: CommandContext, argv: string[]): Reply {
    return setGeneric(ctx, 'setnx', Opt.NX, argv, argv[2], undefined, 1, 0);
  }

  @Command('setex')
  setex(ctx: CommandContext, argv: string[]): Reply {
    return setGeneric(ctx, 'setex', Opt.EX, argv, argv[3], argv[2], OK, null);
  }

  @Command('psetex')
  psetex(ctx: CommandContext, argv: string[]): Reply {
    return setGeneric(ctx, 'psetex', Opt.PX, argv, argv[3], argv[2], OK, null);
  }

  @Command('getex')
  getex(ctx: CommandContext, argv: string[]): Reply {
    const { flags, expire } = parseExtended(argv, 2, false);
    const key = argv[1];
    const db = ctx.db;
    const v = db.getTyped(key, StringType);
    if (v === undefined) {
      ctx.keyMiss(key);
      return null;
    }
    if (expire !== undefined) {
      const when = expireAt(expire, (flags & (Opt.EX | Opt.EXAT)) !== 0, (flags & (Opt.EX | Opt.PX)) !== 0, 'getex');
      // An absolute time already past deletes the key, as checkAlreadyExpired does.
      if ((flags & (Opt.EXAT | Opt.PXAT)) !== 0 && Number(when) <= Date.now()) {
        db.delete(key);
        ctx.modified(key, Notify.GENERIC, 'del');
        ctx.propagate(['DEL', key]);
      } else {
        db.setExpire(key, Number(when));
        ctx.modified(key, Notify.GENERIC, 'expire');
        ctx.propagate(['PEXPIREAT', key, String(when)]);
      }
    } else if ((flags & Opt.PERSIST) !== 0 && db.persist(key)) {
      ctx.modified(key, Notify.GENERIC, 'persist');
      ctx.propagate(['PERSIST', key]);
    }
    return v;
  }

  @Command('getdel')
  getdel(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    const v = ctx.db.getTyped(key, StringType);
    if (v === undefined) {
      ctx.keyMiss(key);
      return null;
    }
    ctx.db.delete(key);
    ctx.modified(key, Notify.GENERIC, 'del');
    ctx.propagate(['DEL', key]);
    return v;
  }

  @Command('getset')
  getset(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    const v = ctx.db.getTyped(key, StringType);
    if (v === undefined) ctx.keyMiss(key);
    ctx.db.set(key, argv[2]);
    ctx.modified(key, Notify.STRING, 'set');
    ctx.propagate(['SET', key, argv[2]]);
    return v ?? null;
  }

  @Command('mget')
  mget(ctx: CommandContext, argv: string[]): Reply {
    const db = ctx.db;
    const out: Reply[] = new Array<Reply>(argv.length - 1);
    for (let i = 1; i < argv.length; i++) {
      const v = db.get(argv[i]);
      if (v === undefined) ctx.keyMiss(argv[i]);
      out[i - 1] = typeof v === 'string' ? v : null;
    }
    return out;
  }

  @Command('mset')
  mset(ctx: CommandContext, argv: string[]): Reply {
    if (argv.length % 2 === 0) throw Errors.wrongArity('mset');
    this.setAll(ctx, argv);
    return OK;
  }

  @Command('msetnx')
  msetnx(ctx: CommandContext, argv: string[]): Reply {
    if (argv.length % 2 === 0) throw Errors.wrongArity('msetnx');
    for (let i = 1; i < argv.length; i += 2) if (ctx.db.has(argv[i])) return 0;
    this.setAll(ctx, argv);
    return 1;
  }

  private setAll(ctx: CommandContext, argv: string[]): void {
    const db = ctx.db;
    for (let i = 1; i < argv.length; i += 2) {
      db.set(argv[i], argv[i + 1]);
      ctx.modified(argv[i], Notify.STRING, 'set');
    }
  }

  @Command('incr')
  incr(ctx: CommandContext, argv: string[]): Reply {
    return incrBy(ctx, argv[1], 1);
  }

  @Command('decr')
  decr(ctx: CommandContext, argv: string[]): Reply {
    return incrBy(ctx, argv[1], -1);
  }

  @Command('incrby')
  incrby(ctx: CommandContext, argv: string[]): Reply {
    const by = parseInt64(argv[2]);
    if (by === null) throw Errors.notInteger;
    return incrBy(ctx, argv[1], by);
  }

  @Command('decrby')
  decrby(ctx: CommandContext, argv: string[]): Reply {
    const by = parseInt64(argv[2]);
    if (by === null) throw Errors.notInteger;
    if (typeof by === 'number') return incrBy(ctx, argv[1], 0 - by);
    // Negated on the digits; INT64_MIN has no int64 negation.
    const neg = argv[2].charCodeAt(0) === 45 ? argv[2].slice(1) : `-${argv[2]}`;
    if (!decimalInInt64(neg)) throw decrementOverflow;
    return incrBy(ctx, argv[1], neg);
  }

  @Command('incrbyfloat')
  incrbyfloat(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    const r = incrByFloat(peekString(ctx.db, key) ?? '0', argv[2]);
    if (r === FloatIncr.Invalid) throw Errors.notFloat;
    if (r === FloatIncr.NotFinite) throw Errors.notFinite;
    ctx.db.set(key, r, true);
    ctx.modified(key, Notify.STRING, 'incrbyfloat');
    ctx.propagate(['SET', key, r, 'KEEPTTL']);
    return r;
  }

  @Command('append')
  append(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    const cur = peekString(ctx.db, key);
    let value = argv[2];
    if (cur !== undefined) {
      checkLength(ctx, cur.length, value.length);
      value = cur + value;
    }
    ctx.db.set(key, value, true);
    // Appending to a string changes it in place (a raw string in Redis); a new key is stored as SET stores it.
    if (cur !== undefined) ctx.db.markRaw(key, value.length);
    ctx.modified(key, Notify.STRING, 'append');
    return value.length;
  }

  @Command('strlen')
  strlen(ctx: CommandContext, argv: string[]): Reply {
    const v = ctx.db.getTyped(argv[1], StringType);
    if (v !== undefined) return v.length;
    ctx.keyMiss(argv[1]);
    return 0;
  }

  @Command('getrange')
  getrange(ctx: CommandContext, argv: string[]): Reply {
    return this.substr(ctx, argv);
  }

  @Command('substr')
  substr(ctx: CommandContext, argv: string[]): Reply {
    const start = parseIntArg(argv[2]);
    const end = parseIntArg(argv[3]);
    if (Number.isNaN(start) || Number.isNaN(end)) throw Errors.notInteger;
    const v = ctx.db.getTyped(argv[1], StringType);
    if (v !== undefined) return range(v, start, end);
    ctx.keyMiss(argv[1]);
    return '';
  }

  @Command('setrange')
  setrange(ctx: CommandContext, argv: string[]): Reply {
    const offset = parseIntArg(argv[2]);
    if (Number.isNaN(offset)) throw Errors.notInteger;
    if (offset < 0) throw offsetOutOfRange;
    const key = argv[1];
    const value = argv[3];
    const cur = peekString(ctx.db, key);
    if (value.length === 0) return cur === undefined ? 0 : cur.length;
    checkLength(ctx, offset, value.length);
    const base = cur ?? '';
    const next =
      base.length < offset
        ? base + '\0'.repeat(offset - base.length) + value
        : base.slice(0, offset) + value + base.slice(offset + value.length);
    ctx.db.set(key, next, true);
    ctx.db.markRaw(key, next.length);
    ctx.modified(key, Notify.STRING, 'setrange');
    return next.length;
  }

  @Command('lcs')
  lcs(ctx: CommandContext, argv: string[]): Reply {
    const db = ctx.db;
    const a = db.get(argv[1]);
    const b = db.get(argv[2]);
    if (a === undefined) ctx.keyMiss(argv[1]);
    if (b === undefined) ctx.keyMiss(argv[2]);
    if ((a !== undefined && typeof a !== 'string') || (b !== undefined && typeof b !== 'string')) throw lcsWrongType;
    const o: LcsOptions = { len: false, idx: false, withMatchLen: false, minMatchLen: 0 };
    for (let j = 3; j < argv.length; j++) {
      const opt = argv[j].toLowerCase();
      if (opt === 'idx') o.idx = true;
      else if (opt === 'len') o.len = true;
      else if (opt === 'withmatchlen') o.withMatchLen = true;
      else if (opt === 'minmatchlen' && j < argv.length - 1) {
        const n = parseIntArg(argv[++j]);
        if (Number.isNaN(n)) throw Errors.notInteger;
        o.minMatchLen = Math.max(0, n);
      } else throw Errors.syntax;
    }
    if (o.idx && o.len) throw lcsIdxAndLen;
    return lcsReply(a ?? '', b ?? '', o, ctx.server.parserLimits.maxBulkLen);
  }
}
