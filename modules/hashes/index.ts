import {
  Command,
  type CommandContext,
  Config,
  type ConfigValue,
  Errors,
  FloatIncr,
  incrByFloat,
  inject,
  addDecimal,
  decimalInInt64,
  int64Reply,
  magnitudeAbove,
  Keyspace,
  MapReply,
  MAX_REPLY_COUNT,
  Notify,
  OK,
  parseInt64,
  parseScanCursor,
  RedisModule,
  type Reply,
  ReplyError,
} from '../../kernel';
import { hashCodec } from './codec';
import { convertForArgs, Hash, HashType, type Limits, peekHash, writeHash } from './hash';
import { randomField, randomFields } from './random';
import { HashScanner } from './scan';

export { Hash, HashType } from './hash';

const notInteger = new ReplyError('ERR hash value is not an integer');
const notFloat = new ReplyError('ERR hash value is not a float');
const nanOrInfinity = new ReplyError('ERR value is NaN or Infinity');
/** LONG_MAX / 2: the largest HRANDFIELD count WITHVALUES accepts (its reply has twice as many items). */
/** LONG_MAX / 2, as digits: HRANDFIELD's largest count WITHVALUES (compared without BigInt). */
const HALF_LONG_MAX = '4611686018427387903';
const LONG_MAX_BITS = 2 ** 63;

/** Redis's size_t limits go to LONG_MAX; the error names it exactly. */
function sizeLimit(v: ConfigValue): string | undefined {
  const n = v as number;
  return n < 0 || n >= LONG_MAX_BITS ? 'argument must be between 0 and 9223372036854775807 inclusive' : undefined;
}

@RedisModule({
  name: 'hashes',
  config: [
    {
      name: 'hash-max-listpack-entries',
      aliases: ['hash-max-ziplist-entries'],
      type: 'int',
      default: 512,
      validate: sizeLimit,
      doc: 'A hash with more fields than this is stored as a hashtable instead of a listpack.',
    },
    {
      name: 'hash-max-listpack-value',
      aliases: ['hash-max-ziplist-value'],
      type: 'memory',
      default: 64,
      validate: sizeLimit,
      doc: 'A hash with a field or value longer than this (bytes) is stored as a hashtable instead of a listpack.',
    },
  ],
})
export default class HashesModule {
  /** Read from the config on change, not per command. */
  private readonly limits: Limits = { entries: 512, value: 64 };
  private readonly scanner = new HashScanner();

  constructor(@inject(Keyspace) keyspace: Keyspace, @inject(Config) config: Config) {
    keyspace.types.register({ ...HashType, codec: hashCodec(this.limits) });
    config.watch('hash-max-listpack-entries', (v) => (this.limits.entries = v as number));
    config.watch('hash-max-listpack-value', (v) => (this.limits.value = v as number));
  }

  /** lookupKeyRead plus the type check: counts hits and misses, signals a key miss. */
  private read(ctx: CommandContext, key: string): Hash | undefined {
    const h = ctx.db.getTyped(key, HashType);
    if (h === undefined) ctx.keyMiss(key);
    return h;
  }

  @Command('hset')
  hset(ctx: CommandContext, argv: string[]): Reply {
    if ((argv.length & 1) === 1) throw Errors.wrongArity('hset');
    return this.setPairs(ctx, argv);
  }

  @Command('hmset')
  hmset(ctx: CommandContext, argv: string[]): Reply {
    if ((argv.length & 1) === 1) throw Errors.wrongArity('hmset');
    this.setPairs(ctx, argv);
    return OK;
  }

  /** HSET/HMSET: the number of new fields. */
  private setPairs(ctx: CommandContext, argv: string[]): number {
    const key = argv[1];
    const h = writeHash(ctx.db, key);
    const limits = this.limits;
    convertForArgs(h, argv, 2, limits);
    let created = 0;
    for (let i = 2; i < argv.length; i += 2) if (h.set(argv[i], argv[i + 1])) created++;
    h.convertPast(limits.entries);
    ctx.modified(key, Notify.HASH, 'hset');
    // Redis counts every pair as a change (server.dirty); modified() counted one.
    if (argv.length > 4) ctx.server.keyspace.stats.dirty += (argv.length - 4) / 2;
    return created;
  }

  @Command('hsetnx')
  hsetnx(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    const h = writeHash(ctx.db, key);
    if (h.has(argv[2])) return 0;
    h.store(argv[2], argv[3], this.limits);
    ctx.modified(key, Notify.HASH, 'hset');
    return 1;
  }

  @Command('hget')
  hget(ctx: CommandContext, argv: string[]): Reply {
    return this.read(ctx, argv[1])?.get(argv[2]) ?? null;
  }

  @Command('hmget')
  hmget(ctx: CommandContext, argv: string[]): Reply {
    const h = this.read(ctx, argv[1]);
    const out = new Array<Reply>(argv.length - 2);
    for (let i = 2; i < argv.length; i++) out[i - 2] = h?.get(argv[i]) ?? null;
    return out;
  }

  @Command('hdel')
  hdel(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    const h = peekHash(ctx.db, key);
    if (h === undefined) return 0;
    let deleted = 0;
    let removed = false;
    for (let i = 2; i < argv.length; i++) {
      if (!h.delete(argv[i])) continue;
      deleted++;
      if (h.size === 0) {
        ctx.db.delete(key);
        removed = true;
        break;
      }
    }
    if (deleted === 0) return 0;
    ctx.modified(key, Notify.HASH, 'hdel');
    if (removed) ctx.notify(Notify.GENERIC, 'del', key);
    ctx.server.keyspace.stats.dirty += deleted - 1;
    return deleted;
  }

  @Command('hexists')
  hexists(ctx: CommandContext, argv: string[]): Reply {
    return this.read(ctx, argv[1])?.has(argv[2]) ? 1 : 0;
  }

  @Command('hlen')
  hlen(ctx: CommandContext, argv: string[]): Reply {
    return this.read(ctx, argv[1])?.size ?? 0;
  }

  @Command('hstrlen')
  hstrlen(ctx: CommandContext, argv: string[]): Reply {
    return this.read(ctx, argv[1])?.get(argv[2])?.length ?? 0;
  }

  @Command('hkeys')
  hkeys(ctx: CommandContext, argv: string[]): Reply {
    const h = this.read(ctx, argv[1]);
    if (h === undefined) return [];
    return h.column(0);
  }

  @Command('hvals')
  hvals(ctx: CommandContext, argv: string[]): Reply {
    const h = this.read(ctx, argv[1]);
    return h === undefined ? [] : h.column(1);
  }

  @Command('hgetall')
  hgetall(ctx: CommandContext, argv: string[]): Reply {
    const h = this.read(ctx, argv[1]);
    return new MapReply(h === undefined ? [] : h.flat());
  }

  @Command('hincrby')
  hincrby(ctx: CommandContext, argv: string[]): Reply {
    const incr = parseInt64(argv[3]);
    if (incr === null) throw Errors.notInteger;
    const key = argv[1];
    const h = writeHash(ctx.db, key);
    let value: number | string = 0;
    const cur = h.get(argv[2]);
    if (cur !== undefined) {
      const v = parseInt64(cur);
      if (v === null) throw notInteger;
      value = v;
    }
    let next: number | string = typeof value === 'number' && typeof incr === 'number' ? value + incr : NaN;
    if (!Number.isSafeInteger(next)) {
      // Past 2^53 the sum is done on the digits, exactly and without BigInt.
      next = addDecimal(String(value), String(incr));
      if (!decimalInInt64(next)) throw Errors.overflow;
    }
    const text = String(next);
    h.store(argv[2], text, this.limits);
    ctx.modified(key, Notify.HASH, 'hincrby');
    return typeof next === 'number' ? next : int64Reply(text);
  }

  @Command('hincrbyfloat')
  hincrbyfloat(ctx: CommandContext, argv: string[]): Reply {
    const incr = argv[3];
    // The increment alone first: its errors come before the key is looked at.
    const alone = incrByFloat('0', incr);
    if (alone === FloatIncr.Invalid) throw Errors.notFloat;
    if (alone === FloatIncr.NotFinite) throw nanOrInfinity;
    const key = argv[1];
    const h = writeHash(ctx.db, key);
    const cur = h.get(argv[2]);
    const r = cur === undefined ? alone : incrByFloat(cur, incr);
    if (r === FloatIncr.Invalid) throw notFloat;
    if (r === FloatIncr.NotFinite) throw Errors.notFinite;
    h.store(argv[2], r, this.limits);
    ctx.modified(key, Notify.HASH, 'hincrbyfloat');
    // Replicas and the AOF get the result, not a float addition to redo.
    ctx.propagate(['HSET', key, argv[2], r]);
    return r;
  }

  @Command('hrandfield')
  hrandfield(ctx: CommandContext, argv: string[]): Reply {
    if (argv.length === 2) {
      const h = this.read(ctx, argv[1]);
      return h === undefined ? null : randomField(h);
    }
    const l = parseInt64(argv[2]);
    if (l === null) throw Errors.notInteger;
    if (argv[2] === '-9223372036854775808') throw Errors.longOutOfRange;
    if (argv.length > 4 || (argv.length === 4 && argv[3].toLowerCase() !== 'withvalues')) throw Errors.syntax;
    const withValues = argv.length === 4;
    if (withValues && typeof l === 'string' && magnitudeAbove(argv[2], HALF_LONG_MAX)) throw Errors.valueOutOfRange;
    const h = this.read(ctx, argv[1]);
    if (h === undefined || l === 0) return [];
    const count = Number(l);
    // A negative count repeats fields: Redis would build a reply of any size; refuse past the cap.
    if (-count > MAX_REPLY_COUNT) throw Errors.replyTooLarge;
    return randomFields(h, Math.abs(count), count > 0, withValues, ctx.resp === 3);
  }

  @Command('hscan')
  hscan(ctx: CommandContext, argv: string[]): Reply {
    const cursor = parseScanCursor(argv[2]);
    const h = this.read(ctx, argv[1]);
    if (h === undefined) return ['0', []];
    return this.scanner.scan(h, cursor, argv);
  }
}
