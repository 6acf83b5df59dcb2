import {
  Command,
  type CommandContext,
  Config,
  type Database,
  Errors,
  globMatch,
  inject,
  Keyspace,
  Notify,
  OK,
  parseScanCursor,
  parseScanOptions,
  RedisModule,
  type Reply,
  ReplyError,
  StatusReply,
} from '../../kernel';
import { absoluteExpire, ExpireFlag, msDigits, msReply, parseExpireFlags, parseInt32, secondsReply } from './args';
import { migrate, MigrateSockets } from './migrate';

const NONE = new StatusReply('none');
const SAME_OBJECT = new ReplyError('ERR source and destination objects are the same');
const NOT_LFU = new ReplyError(
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
);
const IS_LFU = new ReplyError(
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
);
/** Redis's OBJ_SHARED_REFCOUNT: the refcount of the shared integers 0..9999. */
const SHARED_REFCOUNT = 2147483647;

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
].map((line) => new StatusReply(line));

/** The generic keyspace commands: DEL, EXPIRE, RENAME, SCAN, OBJECT, ... */
@RedisModule({ name: 'keys' })
export default class KeysModule {
  private readonly migrateSockets = new MigrateSockets();

  @Command('migrate')
  migrate(ctx: CommandContext, argv: string[]): Promise<Reply> {
    return migrate(ctx, this.keyspace, this.migrateSockets, argv);
  }

  onShutdown(): void {
    this.migrateSockets.closeAll();
  }

  private readonly typeReplies = new Map<string, StatusReply>();
  private maxmemoryPolicy = 'noeviction';
  private maxmemory = 0;
  private lazyExpire = false;
  private lazyUserDel = false;
  /** SCAN's per-call state, read by the callback bound once (no closure per call). */
  private scanOut: string[] | null = null;
  private scanPattern: string | null = null;
  private scanType: string | null = null;
  private scanDb: Database | null = null;
  private readonly scanVisit = this.visit.bind(this);

  constructor(
    @inject(Keyspace) private readonly keyspace: Keyspace,
    @inject(Config) config: Config,
  ) {
    // Eviction and lazy freeing are other modules' settings; follow them when they exist.
    if (config.find('maxmemory-policy')) config.watch('maxmemory-policy', (v) => (this.maxmemoryPolicy = String(v)));
    if (config.find('maxmemory')) config.watch('maxmemory', (v) => (this.maxmemory = Number(v)));
    if (config.find('lazyfree-lazy-expire')) config.watch('lazyfree-lazy-expire', (v) => (this.lazyExpire = v === true || v === 'yes'));
    if (config.find('lazyfree-lazy-user-del')) config.watch('lazyfree-lazy-user-del', (v) => (this.lazyUserDel = v === true));
  }

  // ---- deleting and testing --------------------------------------------------------------

  @Command('del')
  del(ctx: CommandContext, argv: string[]): Reply {
    return this.deleteKeys(ctx, argv, this.lazyUserDel);
  }

  /** UNLINK: large values are freed off the command's path (Keyspace.lazyFree). */
  @Command('unlink')
  unlink(ctx: CommandContext, argv: string[]): Reply {
    return this.deleteKeys(ctx, argv, true);
  }

  private deleteKeys(ctx: CommandContext, argv: string[], lazy: boolean): number {
    const db = ctx.db;
    let n = 0;
    for (let i = 1; i < argv.length; i++) {
      if (db.delete(argv[i], lazy)) {
        ctx.modified(argv[i], Notify.GENERIC, 'del');
        n++;
      }
    }
    return n;
  }

  @Command('exists')
  exists(ctx: CommandContext, argv: string[]): Reply {
    let n = 0;
    for (let i = 1; i < argv.length; i++) if (this.lookup(ctx, argv[i], true) !== undefined) n++;
    return n;
  }

  /** lookupKeyReadWithFlags(LOOKUP_NOTOUCH): counts hits and misses but keeps the access time. */
  private lookup(ctx: CommandContext, key: string, notifyMiss: boolean): unknown {
    const e = ctx.db.peek(key);
    if (e !== undefined) {
      this.keyspace.stats.keyspaceHits++;
    } else {
      this.keyspace.stats.keyspaceMisses++;
      if (notifyMiss) ctx.keyMiss(key);
    }
    return e;
  }

  @Command('touch')
  touch(ctx: CommandContext, argv: string[]): Reply {
    const db = ctx.db;
    let n = 0;
    for (let i = 1; i < argv.length; i++) {
      if (db.get(argv[i]) !== undefined) n++;
      else ctx.keyMiss(argv[i]);
    }
    return n;
  }

  @Command('type')
  type(ctx: CommandContext, argv: string[]): Reply {
    const v = this.lookup(ctx, argv[1], true);
    if (v === undefined) return NONE;
    return this.typeReply(this.keyspace.types.of(v).name);
  }

  private typeReply(name: string): StatusReply {
    let r = this.typeReplies.get(name);
    if (r === undefined) {
      r = new StatusReply(name);
      this.typeReplies.set(name, r);
    }
    return r;
  }

  // ---- expiry ------------------------------------------------------------------------------

  @Command('expire')
  expire(ctx: CommandContext, argv: string[]): Reply {
    return this.expireGeneric(ctx, argv, Date.now(), true, 'expire');
  }

  @Command('pexpire')
  pexpire(ctx: CommandContext, argv: string[]): Reply {
    return this.expireGeneric(ctx, argv, Date.now(), false, 'pexpire');
  }

  @Command('expireat')
  expireat(ctx: CommandContext, argv: string[]): Reply {
    return this.expireGeneric(ctx, argv, 0, true, 'expireat');
  }

  @Command('pexpireat')
  pexpireat(ctx: CommandContext, argv: string[]): Reply {
    return this.expireGeneric(ctx, argv, 0, false, 'pexpireat');
  }

  /** Redis's expireGenericCommand; propagated as PEXPIREAT, or DEL when the time has passed. */
  private expireGeneric(ctx: CommandContext, argv: string[], basetime: number, seconds: boolean, name: string): number {
    const flags = argv.length > 3 ? parseExpireFlags(argv) : 0;
    const when = absoluteExpire(argv[2], seconds, basetime, name);
    const db = ctx.db;
    const key = argv[1];
    if (db.peek(key) === undefined) return 0;
    if (flags !== 0) {
      const current = db.getExpire(key);
      if (flags & ExpireFlag.NX && current !== -1) return 0;
      if (flags & ExpireFlag.XX && current === -1) return 0;
      // No TTL counts as an infinite one.
      if (flags & ExpireFlag.GT && (current === -1 || when <= current)) return 0;
      if (flags & ExpireFlag.LT && current !== -1 && when >= current) return 0;
    }
    // A replica or a loading server waits for the source's DEL instead (expiry disabled).
    if (when <= Date.now() && this.keyspace.expiryEnabled) {
      db.delete(key);
      ctx.modified(key, Notify.GENERIC, 'del');
      ctx.propagate([this.lazyExpire ? 'UNLINK' : 'DEL', key]);
      return 1;
    }
    db.setExpire(key, when);
    ctx.modified(key, Notify.GENERIC, 'expire');
    if (name !== 'pexpireat' && ctx.server.journal.active) {
      const prop = argv.slice();
      prop[0] = 'PEXPIREAT';
      prop[2] = msDigits(when);
      ctx.propagate(prop);
    }
    return 1;
  }

  @Command('ttl')
  ttl(ctx: CommandContext, argv: string[]): Reply {
    const t = this.remaining(ctx, argv[1], false);
    return t < 0 ? t : secondsReply(t);
  }

  @Command('pttl')
  pttl(ctx: CommandContext, argv: string[]): Reply {
    const t = this.remaining(ctx, argv[1], false);
    return t < 0 ? t : msReply(t);
  }

  @Command('expiretime')
  expiretime(ctx: CommandContext, argv: string[]): Reply {
    const t = this.remaining(ctx, argv[1], true);
    return t < 0 ? t : secondsReply(t);
  }

  @Command('pexpiretime')
  pexpiretime(ctx: CommandContext, argv: string[]): Reply {
    const t = this.remaining(ctx, argv[1], true);
    return t < 0 ? t : msReply(t);
  }

  /** ttlGenericCommand: -2 missing, -1 no TTL, else the ms left (or the absolute time). */
  private remaining(ctx: CommandContext, key: string, absolute: boolean): number {
    if (this.lookup(ctx, key, true) === undefined) return -2;
    const at = ctx.db.getExpire(key);
    if (at === -1) return -1;
    if (absolute) return at;
    const left = at - Date.now();
    return left < 0 ? 0 : left;
  }

  @Command('persist')
  persist(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    if (ctx.db.peek(key) === undefined || !ctx.db.persist(key)) return 0;
    ctx.modified(key, Notify.GENERIC, 'persist');
    return 1;
  }

  // ---- renaming, moving, copying ----------------------------------------------------------

  @Command('rename')
  rename(ctx: CommandContext, argv: string[]): Reply {
    return this.renameGeneric(ctx, argv, false);
  }

  @Command('renamenx')
  renamenx(ctx: CommandContext, argv: string[]): Reply {
    return this.renameGeneric(ctx, argv, true);
  }

  private renameGeneric(ctx: CommandContext, argv: string[], nx: boolean): Reply {
    const db = ctx.db;
    const src = argv[1];
    const dst = argv[2];
    const value = db.peek(src);
    if (value === undefined) throw Errors.noSuchKey;
    if (src === dst) return nx ? 0 : OK;
    if (nx && db.peek(dst) !== undefined) return 0;
    const expire = db.getExpire(src);
    const lru = db.stamp(src)!;
    const raw = db.isRaw(src);
    db.set(dst, value);
    if (raw) db.markRaw(dst, (value as string).length);
    if (expire !== -1) db.setExpire(dst, expire);
    // The value keeps its access time, as Redis moves the object itself.
    db.setStamp(dst, lru);
    db.delete(src);
    const hooks = ctx.server.hooks;
    hooks.emitKeyModified(db, src);
    ctx.modified(dst);
    ctx.notify(Notify.GENERIC, 'rename_from', src);
    ctx.notify(Notify.GENERIC, 'rename_to', dst);
    return nx ? 1 : OK;
  }

  @Command('move')
  move(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    const dbid = parseInt32(argv[2]);
    const src = ctx.db;
    if (dbid < 0 || dbid >= this.keyspace.dbs.length) throw Errors.invalidDb;
    const dst = this.keyspace.db(dbid);
    if (src === dst) throw SAME_OBJECT;
    const value = src.peek(key);
    if (value === undefined || dst.peek(key) !== undefined) return 0;
    const expire = src.getExpire(key);
    dst.set(key, value);
    if (src.isRaw(key)) dst.markRaw(key, (value as string).length);
    if (expire !== -1) dst.setExpire(key, expire);
    dst.setStamp(key, src.stamp(key)!);
    src.delete(key);
    const hooks = ctx.server.hooks;
    hooks.emitKeyModified(src, key);
    hooks.emitKeyModified(dst, key);
    hooks.emitKeyspaceEvent(Notify.GENERIC, 'move_from', key, src.id);
    hooks.emitKeyspaceEvent(Notify.GENERIC, 'move_to', key, dst.id);
    this.keyspace.stats.dirty++;
    return 1;
  }

  @Command('copy')
  copy(ctx: CommandContext, argv: string[]): Reply {
    const src = ctx.db;
    let dst = src;
    let replace = false;
    for (let i = 3; i < argv.length; i++) {
      const opt = argv[i].toLowerCase();
      if (opt === 'replace') {
        replace = true;
      } else if (opt === 'db' && i + 1 < argv.length) {
        const id = parseInt32(argv[++i]);
        if (id < 0 || id >= this.keyspace.dbs.length) throw Errors.invalidDb;
        dst = this.keyspace.db(id);
      } else {
        throw Errors.syntax;
      }
    }
    const key = argv[1];
    const newkey = argv[2];
    if (src === dst && key === newkey) throw SAME_OBJECT;
    const v = src.get(key);
    if (v === undefined) {
      ctx.keyMiss(key);
      return 0;
    }
    if (!replace && dst.peek(newkey) !== undefined) return 0;
    const expire = src.getExpire(key);
    const raw = src.isRaw(key);
    dst.set(newkey, this.keyspace.types.of(v).clone(v));
    // dupStringObject keeps a raw string raw.
    if (raw) dst.markRaw(newkey, (v as string).length);
    if (expire !== -1) dst.setExpire(newkey, expire);
    const hooks = ctx.server.hooks;
    hooks.emitKeyModified(dst, newkey);
    hooks.emitKeyspaceEvent(Notify.GENERIC, 'copy_to', newkey, dst.id);
    this.keyspace.stats.dirty++;
    return 1;
  }

  @Command('swapdb')
  swapdb(ctx: CommandContext, argv: string[]): Reply {
    const id1 = parseInt32(argv[1], 'invalid first DB index');
    const id2 = parseInt32(argv[2], 'invalid second DB index');
    const n = this.keyspace.dbs.length;
    if (id1 < 0 || id1 >= n || id2 < 0 || id2 >= n) throw Errors.invalidDb;
    if (id1 !== id2) {
      const a = this.keyspace.db(id1);
      const b = this.keyspace.db(id2);
      a.swapWith(b);
      // Every key of either database changed for clients watching (or blocked on) it in both.
      const hooks = ctx.server.hooks;
      for (const db of [a, b]) {
        for (const k of db.keys()) {
          hooks.emitKeyModified(a, k);
          hooks.emitKeyModified(b, k);
        }
      }
    }
    this.keyspace.stats.dirty++;
    return OK;
  }

  // ---- enumerating ---------------------------------------------------------------------------

  @Command('keys')
  keys(ctx: CommandContext, argv: string[]): Reply {
    const all = ctx.db.keys();
    const pattern = argv[1];
    if (pattern === '*') return all;
    const out: string[] = [];
    for (const k of all) if (globMatch(pattern, k)) out.push(k);
    return out;
  }

  @Command('randomkey')
  randomkey(ctx: CommandContext): Reply {
    return ctx.db.randomKey();
  }

  @Command('scan')
  scan(ctx: CommandContext, argv: string[]): Reply {
    const cursor = parseScanCursor(argv[1]);
    const { count, pattern, type } = parseScanOptions(argv, 2, true);
    const out: string[] = [];
    this.scanOut = out;
    this.scanPattern = pattern;
    this.scanType = type;
    this.scanDb = ctx.db;
    const next = ctx.db.scan(cursor, count, this.scanVisit);
    this.scanOut = null;
    this.scanDb = null;
    return [String(next), out];
  }

  private visit(key: string): void {
    if (this.scanPattern !== null && !globMatch(this.scanPattern, key)) return;
    if (this.scanType !== null) {
      const v = this.scanDb!.peek(key);
      if (v === undefined || this.keyspace.types.of(v).name !== this.scanType) return;
    }
    this.scanOut!.push(key);
  }

  // ---- OBJECT ----------------------------------------------------------------------------------

  @Command('object|help')
  objectHelp(): Reply {
    return OBJECT_HELP;
  }

  @Command('object|encoding')
  objectEncoding(ctx: CommandContext, argv: string[]): Reply {
    const v = this.lookup(ctx, argv[2], false);
    if (v === undefined) return null;
    return ctx.db.encodingOf(argv[2], v);
  }

  @Command('object|refcount')
  objectRefcount(ctx: CommandContext, argv: string[]): Reply {
    const v = this.lookup(ctx, argv[2], false);
    if (v === undefined) return null;
    return !ctx.db.isRaw(argv[2]) && this.isSharedInteger(v) ? SHARED_REFCOUNT : 1;
  }

  /** Redis shares the integers 0..9999 unless an LRU/LFU policy with maxmemory needs per-object stamps. */
  private isSharedInteger(v: unknown): boolean {
    if (this.maxmemory !== 0 && /lru|lfu/.test(this.maxmemoryPolicy)) return false;
    const t = this.keyspace.types.of(v);
    if (t.name !== 'string' || t.encoding(v) !== 'int') return false;
    const n = Number(v);
    return n >= 0 && n < 10000;
  }

  @Command('object|idletime')
  objectIdletime(ctx: CommandContext, argv: string[]): Reply {
    if (this.lookup(ctx, argv[2], false) === undefined) return null;
    if (this.keyspace.lfu) throw IS_LFU;
    return this.keyspace.idleSeconds(ctx.db.stamp(argv[2])!);
  }

  @Command('object|freq')
  objectFreq(ctx: CommandContext, argv: string[]): Reply {
    if (this.lookup(ctx, argv[2], false) === undefined) return null;
    if (!this.keyspace.lfu) throw NOT_LFU;
    return this.keyspace.frequency(ctx.db.stamp(argv[2])!);
  }
}
