import {
  Command,
  type CommandContext,
  Config,
  Errors,
  inject,
  Keyspace,
  MAX_REPLY_COUNT,
  Notify,
  parseInt64,
  parseScanCursor,
  RedisModule,
  type Reply,
  ReplyError,
  SetReply,
} from '../../kernel';
import { difference, intersect, intersectCard, union } from './algebra';
import { picks, sample } from './random';
import { sscan } from './scan';
import { setCodec } from './codec';
import { RSet, setOf, SetType } from './set';

export { SetType, RSet } from './set';

const tooManyKeys = new ReplyError("ERR Number of keys can't be greater than number of args");
const negativeLimit = new ReplyError("ERR LIMIT can't be negative");
const EMPTY_SCAN: Reply = ['0', []];

/** A set for a read (lookupKeyRead: statistics, keymiss event); WRONGTYPE for another type. */
function readSet(ctx: CommandContext, key: string): RSet | undefined {
  const v = ctx.db.get(key);
  if (v === undefined) {
    ctx.keyMiss(key);
    return undefined;
  }
  if (v instanceof RSet) return v;
  throw Errors.wrongType;
}

/** A set for a write (lookupKeyWrite: no statistics); WRONGTYPE for another type. */
function writeSet(ctx: CommandContext, key: string): RSet | undefined {
  const v = ctx.db.peek(key);
  if (v === undefined || v instanceof RSet) return v;
  throw Errors.wrongType;
}

/** Redis counts one dirty change per member; ctx.modified counted the first. */
function moreDirty(ctx: CommandContext, n: number): void {
  if (n > 1) ctx.server.keyspace.stats.dirty += n - 1;
}

/** Positive count for SPOP (getPositiveLongFromObjectOrReply). */
function positiveCount(arg: string): number {
  const v = parseInt64(arg);
  if (v === null || Number(v) < 0) throw Errors.mustBePositive;
  return Number(v);
}

@RedisModule({
  name: 'sets',
  config: [
    {
      name: 'set-max-intset-entries',
      type: 'int',
      default: 512,
      // Redis's range is 0..LONG_MAX; int parsing already bounds it to int64.
      validate: (v) => ((v as number) < 0 ? 'argument must be between 0 and 9223372036854775807 inclusive' : undefined),
      doc: 'The largest set kept as an intset (all members integers); larger sets become hash tables.',
    },
  ],
})
export default class SetsModule {
  /** set-max-intset-entries, cached: it is read on every SADD. */
  private maxIntset = 512;

  constructor(@inject(Keyspace) keyspace: Keyspace, @inject(Config) config: Config) {
    keyspace.types.register({ ...SetType, codec: setCodec(() => this.maxIntset) });
    config.watch('set-max-intset-entries', (v) => (this.maxIntset = v as number));
  }

  @Command('sadd')
  sadd(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    let set = writeSet(ctx, key);
    if (set === undefined) {
      set = new RSet();
      ctx.db.set(key, set);
    }
    let added = 0;
    for (let i = 2; i < argv.length; i++) if (set.add(argv[i], this.maxIntset)) added++;
    if (added !== 0) {
      ctx.modified(key, Notify.SET, 'sadd');
      moreDirty(ctx, added);
    }
    return added;
  }

  @Command('srem')
  srem(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    const set = writeSet(ctx, key);
    if (set === undefined) return 0;
    let removed = 0;
    for (let i = 2; i < argv.length && set.size !== 0; i++) if (set.remove(argv[i])) removed++;
    if (removed !== 0) {
      ctx.modified(key, Notify.SET, 'srem');
      moreDirty(ctx, removed);
      this.deleteIfEmpty(ctx, key, set);
    }
    return removed;
  }

  private deleteIfEmpty(ctx: CommandContext, key: string, set: RSet): void {
    if (set.size !== 0) return;
    ctx.db.delete(key);
    ctx.notify(Notify.GENERIC, 'del', key);
  }

  @Command('smove')
  smove(ctx: CommandContext, argv: string[]): Reply {
    const [, srcKey, dstKey, member] = argv;
    const src = ctx.db.peek(srcKey);
    const dst = ctx.db.peek(dstKey);
    if (src === undefined) return 0;
    if (!(src instanceof RSet) || (dst !== undefined && !(dst instanceof RSet))) throw Errors.wrongType;
    if (src === dst) return src.has(member) ? 1 : 0;
    if (!src.remove(member)) return 0;
    ctx.modified(srcKey, Notify.SET, 'srem');
    this.deleteIfEmpty(ctx, srcKey, src);
    let target = dst;
    if (target === undefined) {
      target = new RSet();
      ctx.db.set(dstKey, target);
    }
    if (target.add(member, this.maxIntset)) ctx.modified(dstKey, Notify.SET, 'sadd');
    return 1;
  }

  @Command('sismember')
  sismember(ctx: CommandContext, argv: string[]): Reply {
    const set = readSet(ctx, argv[1]);
    return set !== undefined && set.has(argv[2]) ? 1 : 0;
  }

  @Command('smismember')
  smismember(ctx: CommandContext, argv: string[]): Reply {
    const set = readSet(ctx, argv[1]);
    const out = new Array<Reply>(argv.length - 2);
    for (let i = 2; i < argv.length; i++) out[i - 2] = set !== undefined && set.has(argv[i]) ? 1 : 0;
    return out;
  }

  @Command('scard')
  scard(ctx: CommandContext, argv: string[]): Reply {
    return readSet(ctx, argv[1])?.size ?? 0;
  }

  @Command('smembers')
  smembers(ctx: CommandContext, argv: string[]): Reply {
    return new SetReply(readSet(ctx, argv[1])?.ordered() ?? []);
  }

  @Command('spop')
  spop(ctx: CommandContext, argv: string[]): Reply {
    if (argv.length === 3) return this.spopCount(ctx, argv[1], positiveCount(argv[2]));
    if (argv.length > 3) throw Errors.syntax;
    const key = argv[1];
    const set = writeSet(ctx, key);
    if (set === undefined) return null;
    const member = set.random();
    set.remove(member);
    ctx.modified(key, Notify.SET, 'spop');
    this.deleteIfEmpty(ctx, key, set);
    if (ctx.server.journal.active) ctx.propagate(['SREM', key, member]);
    return member;
  }

  /** spopWithCountCommand: propagated as DEL when all goes, else as one SREM per member. */
  private spopCount(ctx: CommandContext, key: string, count: number): Reply {
    const set = writeSet(ctx, key);
    if (set === undefined || count === 0) return new SetReply([]);
    ctx.modified(key, Notify.SET, 'spop');
    moreDirty(ctx, count);
    if (count >= set.size) {
      ctx.db.delete(key);
      ctx.notify(Notify.GENERIC, 'del', key);
      ctx.propagate(['DEL', key]);
      return new SetReply(set.ordered());
    }
    let popped: string[];
    const remaining = set.size - count;
    if (remaining * 5 > count) {
      popped = sample(set, count);
      for (const m of popped) set.remove(m);
    } else {
      // Most of the set goes: pick the members that stay and store them as a new set, whose
      // encoding is worked out afresh (as Redis rebuilds it with setTypeCreate/setTypeAdd).
      const kept = sample(set, remaining);
      for (const m of kept) set.remove(m);
      popped = set.ordered();
      ctx.db.set(key, setOf(kept, this.maxIntset), true);
    }
    if (ctx.server.journal.active) for (const m of popped) ctx.propagate(['SREM', key, m]);
    return new SetReply(popped);
  }

  @Command('srandmember')
  srandmember(ctx: CommandContext, argv: string[]): Reply {
    if (argv.length > 3) throw Errors.syntax;
    if (argv.length === 2) {
      const set = readSet(ctx, argv[1]);
      return set === undefined ? null : set.random();
    }
    const v = parseInt64(argv[2]);
    if (v === null) throw Errors.notInteger;
    if (argv[2] === '-9223372036854775808') throw Errors.longOutOfRange;
    const set = readSet(ctx, argv[1]);
    const count = Number(v);
    if (set === undefined || count === 0) return [];
    if (count < 0) {
      if (-count > MAX_REPLY_COUNT) throw Errors.replyTooLarge;
      return picks(set, -count);
    }
    if (count === 1) return [set.random()];
    if (count >= set.size) return set.ordered();
    return sample(set, count);
  }

  @Command('sinter')
  sinter(ctx: CommandContext, argv: string[]): Reply {
    const sets = this.lookupAll(ctx, argv, 1, argv.length, false);
    return new SetReply(sets === null ? [] : intersect(sets, 0));
  }

  @Command('sintercard')
  sintercard(ctx: CommandContext, argv: string[]): Reply {
    const numkeys = parseInt64(argv[1]);
    if (numkeys === null || Number(numkeys) < 1) throw Errors.numkeysNotPositive;
    if (Number(numkeys) > argv.length - 2) throw tooManyKeys;
    const end = 2 + Number(numkeys);
    let limit = 0;
    for (let j = end; j < argv.length; j++) {
      if (argv[j].toLowerCase() !== 'limit' || j + 1 >= argv.length) throw Errors.syntax;
      const l = parseInt64(argv[++j]);
      if (l === null || Number(l) < 0) throw negativeLimit;
      limit = Number(l);
    }
    const sets = this.lookupAll(ctx, argv, 2, end, false);
    return sets === null ? 0 : intersectCard(sets, limit);
  }

  @Command('sinterstore')
  sinterstore(ctx: CommandContext, argv: string[]): Reply {
    const sets = this.lookupAll(ctx, argv, 2, argv.length, true);
    const result = sets === null ? [] : intersect(sets, 0);
    return this.store(ctx, argv[1], setOf(result, this.maxIntset), 'sinterstore');
  }

  @Command('sunion')
  sunion(ctx: CommandContext, argv: string[]): Reply {
    return new SetReply(union(this.lookupEach(ctx, argv, 1, false), this.maxIntset).ordered());
  }

  @Command('sunionstore')
  sunionstore(ctx: CommandContext, argv: string[]): Reply {
    return this.store(ctx, argv[1], union(this.lookupEach(ctx, argv, 2, true), this.maxIntset), 'sunionstore');
  }

  @Command('sdiff')
  sdiff(ctx: CommandContext, argv: string[]): Reply {
    return new SetReply(difference(this.lookupEach(ctx, argv, 1, false), this.maxIntset).ordered());
  }

  @Command('sdiffstore')
  sdiffstore(ctx: CommandContext, argv: string[]): Reply {
    return this.store(ctx, argv[1], difference(this.lookupEach(ctx, argv, 2, true), this.maxIntset), 'sdiffstore');
  }

  @Command('sscan')
  sscanCommand(ctx: CommandContext, argv: string[]): Reply {
    const cursor = parseScanCursor(argv[2]);
    const set = readSet(ctx, argv[1]);
    return set === undefined ? EMPTY_SCAN : sscan(set, cursor, argv);
  }

  /**
   * The sets named by argv[from..to) for an intersection: null as soon as one is missing (an
   * empty result), though every key is still looked up and type-checked as Redis does.
   * The *STORE forms look their sources up as writes (no statistics, no keymiss events).
   */
  private lookupAll(ctx: CommandContext, argv: string[], from: number, to: number, write: boolean): RSet[] | null {
    const sets: RSet[] = [];
    let missing = false;
    for (let i = from; i < to; i++) {
      const s = write ? writeSet(ctx, argv[i]) : readSet(ctx, argv[i]);
      if (s === undefined) missing = true;
      else sets.push(s);
    }
    return missing ? null : sets;
  }

  /** The sets named from argv[from] on, undefined for missing keys (empty sets). */
  private lookupEach(ctx: CommandContext, argv: string[], from: number, write: boolean): (RSet | undefined)[] {
    const sets = new Array<RSet | undefined>(argv.length - from);
    for (let i = from; i < argv.length; i++) sets[i - from] = write ? writeSet(ctx, argv[i]) : readSet(ctx, argv[i]);
    return sets;
  }

  /** Stores a *STORE result, or deletes the destination when the result is empty. */
  private store(ctx: CommandContext, key: string, result: RSet, event: string): Reply {
    if (result.size !== 0) {
      ctx.db.set(key, result);
      ctx.modified(key, Notify.SET, event);
      return result.size;
    }
    if (ctx.db.delete(key)) ctx.modified(key, Notify.GENERIC, 'del');
    return 0;
  }
}
