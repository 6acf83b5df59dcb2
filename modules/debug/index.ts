import { randomBytes } from 'crypto';
import {
  AttributeReply,
  BigNumberReply,
  Command,
  type CommandContext,
  CommandTable,
  type Database,
  Config,
  DATA_FILE,
  DoubleReply,
  Errors,
  hashString,
  inject,
  Keyspace,
  Logger,
  MapReply,
  OK,
  parseInt64,
  parseMemory,
  RedisModule,
  type Reply,
  ReplyError,
  Server,
  Services,
  SetReply,
  StatusReply,
  VerbatimReply,
} from '../../kernel';
import { datasetDigest, valueDigest } from './digest';
import { crash, sleepSeconds, stringmatchTest } from './process';

const NO_KEY = new ReplyError('ERR no such key');
const NOT_POSITIVE = new ReplyError('ERR value is out of range, must be positive');
const BAD_THRESHOLD = new ReplyError('ERR argument must be a memory value bigger than 1 and smaller than 4gb');
const BAD_PROTOCOL = new ReplyError(
  'ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
);
const RELOAD_OPTIONS = new ReplyError('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
const LOAD_FAILED = new ReplyError('ERR Error trying to load the RDB dump, check server logs.');
const NO_PERSISTENCE = new ReplyError('ERR DEBUG RELOAD needs the persistence module, which is not loaded');
const RESP2_PUSH = new ReplyError('ERR RESP2 is not supported by this command');
/** Integers Redis keeps as shared objects (OBJ_SHARED_INTEGERS): DEBUG OBJECT shows them with this refcount. */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;

/** What DEBUG HELP lists: Redis's lines for the subcommands Ferrous has. */
const HELP = [
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'CRASH-AND-RECOVER [<milliseconds>]',
  '    Hard crash and restart after a <milliseconds> delay (default 0).',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LEAK <string>',
  '    Create a memory leak of the input string.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'OOM',
  '    Crash the server simulating an out-of-memory error.',
  'PANIC',
  '    Crash the server simulating a panic.',
  'POPULATE <count> [<prefix>] [<size>]',
  "    Create <count> string keys named key:<num>. If <prefix> is specified then",
  "    it is used instead of the 'key' prefix. These are not propagated to",
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'RESTART [<milliseconds>]',
  '    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).',
  'SEGFAULT',
  '    Crash the server with sigsegv.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Sets the threshold for elements to be inserted as plain vs packed nodes',
  '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
  'LISTPACK <key>',
  '    Show low level info about the listpack encoding of <key>.',
  'QUICKLIST <key> [<0|1>]',
  '    Show low level info about the quicklist encoding of <key>.',
  '    The optional argument (0 by default) sets the level of detail',
  'REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>',
  '    Sets the time (in milliseconds) to wait between client reply buffer peak resets.',
  '    In case NEVER is provided the last observed peak will never be reset',
  '    In case RESET is provided the peak reset time will be restored to the default value',
  'REPLYBUFFER RESIZING <0|1>',
  '    Enable or disable the reply buffer resize cron job',
  'HELP',
  '    Prints this help.',
];

/** C's atoi: the leading integer, 0 when there is none. */
function atoi(s: string): number {
  const n = parseInt(s, 10);
  return Number.isNaN(n) ? 0 : n;
}

/** getPositiveLongFromObjectOrReply. */
function positive(s: string): number {
  const n = parseInt64(s);
  if (n === null || Number(n) < 0) throw NOT_POSITIVE;
  return Number(n);
}

/**
 * DEBUG, behind `enable-debug-command` (no, yes, local) as in Redis 7: the subcommands tools and
 * test suites use. Reply buffers and quicklist nodes do not exist in Ferrous, so REPLYBUFFER and
 * QUICKLIST-PACKED-THRESHOLD check their arguments as Redis does and keep the values, which
 * change nothing; subcommands about C internals (MALLCTL, SDSLEN, HTSTATS...) answer Redis's
 * error for an unknown subcommand.
 */
// DEBUG is a protected command: the kernel's dispatch applies `enable-debug-command`.
@RedisModule({ name: 'debug' })
export default class DebugModule {
  private readonly leaked: string[] = [];
  /** Values kept by QUICKLIST-PACKED-THRESHOLD and REPLYBUFFER (nothing in Ferrous reads them). */
  readonly settings = { packedThreshold: 1 << 30, peakResetTime: 5000, resizing: 1 };
  private readonly addresses = new WeakMap<object, number>();
  private nextAddress = 1;

  constructor(
    @inject(Server) private readonly server: Server,
    @inject(Keyspace) private readonly keyspace: Keyspace,
    @inject(Config) private readonly config: Config,
    @inject(CommandTable) private readonly table: CommandTable,
    @inject(Logger) private readonly logger: Logger,
    @inject(Services) private readonly services: Services,
  ) {}

  @Command('debug')
  debug(ctx: CommandContext, argv: string[]): Reply {
    const sub = argv[1].toLowerCase();
    const n = argv.length;
    switch (sub) {
      case 'help':
        if (n === 2) return [new StatusReply('DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:'), ...HELP.map((l) => new StatusReply(l))];
        break;
      case 'segfault':
      case 'panic':
      case 'assert':
      case 'oom':
        return crash(this.logger, sub);
      case 'restart':
      case 'crash-and-recover':
        return crash(this.logger, sub, n >= 3 ? argv[2] : undefined);
      case 'reload':
        return this.reload(ctx, argv);
      case 'log':
        if (n !== 3) break;
        this.logger.warning(`DEBUG LOG: ${argv[2]}`);
        return OK;
      case 'leak':
        if (n !== 3) break;
        this.leaked.push(argv[2]);
        return OK;
      case 'error':
        if (n !== 3) break;
        return new ReplyError(argv[2]);
      case 'object':
        if (n === 3) return this.object(ctx, argv[2]);
        break;
      case 'listpack':
      case 'quicklist':
        if (n === 3 || (sub === 'quicklist' && n === 4)) return this.structure(ctx, argv[2], sub);
        break;
      case 'populate':
        if (n >= 3 && n <= 5) return this.populate(ctx, argv);
        break;
      case 'digest':
        if (n === 2) return new StatusReply(datasetDigest(this.keyspace));
        break;
      case 'digest-value':
        return argv.slice(2).map((k) => new StatusReply(valueDigest(this.keyspace, ctx.db, k)));
      case 'protocol':
        if (n === 3) return this.protocol(ctx, argv[2]);
        break;
      case 'sleep':
        if (n !== 3) break;
        sleepSeconds(parseFloat(argv[2]));
        return OK;
      case 'set-active-expire':
        if (n !== 3) break;
        this.keyspace.activeExpireEnabled = atoi(argv[2]) !== 0;
        return OK;
      case 'quicklist-packed-threshold': {
        if (n !== 3) break;
        const sz = parseMemory(argv[2]);
        if (Number.isNaN(sz) || sz > 2 ** 32 - 2 ** 20) throw BAD_THRESHOLD;
        this.settings.packedThreshold = sz === 0 ? 1 << 30 : sz;
        return OK;
      }
      case 'change-repl-id':
        if (n !== 2) break;
        this.logger.notice('Changing replication IDs after receiving DEBUG change-repl-id');
        this.server.replicationId = randomBytes(20).toString('hex');
        this.server.replicationId2 = '0'.repeat(40);
        return OK;
      case 'stringmatch-test':
        if (n !== 2) break;
        stringmatchTest();
        return new StatusReply('Apparently Redis did not crash: test passed');
      case 'replybuffer':
        if (n === 4 && this.replyBuffer(argv[2].toLowerCase(), argv[3])) return OK;
        break;
    }
    throw new ReplyError(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try DEBUG HELP.`);
  }

  /**
   * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save the RDB file, empty the keyspace and load the
   * file again. With NOFLUSH the keys held before are put back where the file has none; a key
   * in both is the file's with MERGE, and without it (Redis then stops the server) the reload
   * fails with Redis's error after putting the held value back. Not propagated, as in Redis.
   */
  private reload(ctx: CommandContext, argv: string[]): Reply {
    let flush = true;
    let save = true;
    let merge = false;
    for (let j = 2; j < argv.length; j++) {
      const opt = argv[j].toLowerCase();
      if (opt === 'merge') merge = true;
      else if (opt === 'noflush') flush = false;
      else if (opt === 'nosave') save = false;
      else throw RELOAD_OPTIONS;
    }
    const file = this.services.find(DATA_FILE);
    if (file === undefined) throw NO_PERSISTENCE;
    ctx.propagateInstead = [];
    if (save) file.save();
    const held = flush ? [] : this.heldKeys();
    this.keyspace.flush(-1);
    let loaded = true;
    try {
      file.load();
    } catch (e) {
      this.logger.warning(`DEBUG RELOAD could not load the RDB file: ${(e as Error).message}`);
      loaded = false;
    }
    for (const [db, key, value, expire] of held) {
      if (db.peekStored(key) !== undefined) {
        if (merge) continue;
        this.logger.warning(`DEBUG RELOAD: duplicate key '${key}' in DB ${db.id} (use MERGE to keep the file's)`);
        loaded = false;
      }
      db.set(key, value);
      if (expire !== undefined) db.setExpire(key, expire);
    }
    if (!loaded) throw LOAD_FAILED;
    this.logger.notice('DB reloaded by DEBUG RELOAD');
    return OK;
  }

  /** Every live key with its value and expiry, before a NOFLUSH reload empties the keyspace. */
  private heldKeys(): [Database, string, unknown, number | undefined][] {
    const out: [Database, string, unknown, number | undefined][] = [];
    for (const db of this.keyspace.dbs) {
      for (const key of db.keys()) out.push([db, key, db.peekStored(key), db.expires.get(key)]);
    }
    return out;
  }

  /** DEBUG OBJECT: Redis's line, with a stable pseudo-address per value and the RDB length DUMP would write. */
  private object(ctx: CommandContext, key: string): Reply {
    const v = ctx.db.peekStored(key);
    if (v === undefined) throw NO_KEY;
    const encoding = ctx.db.encodingOf(key, v);
    const refcount = encoding === 'int' && Number(v) >= 0 && Number(v) < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
    const idle = this.keyspace.idleSeconds(ctx.db.stamp(key)!);
    // Redis shows its 24-bit seconds clock at the last access.
    const lru = (this.keyspace.lruClock - idle) & 0xffffff;
    let extra = '';
    if (encoding === 'quicklist') {
      // One Ferrous list is one node: the figures describe that node.
      const items = this.keyspace.types.of(v).elements!(v);
      let bytes = 0;
      for (const s of items) bytes += s.length;
      const fill = this.config.find('list-max-listpack-size') === undefined ? -2 : this.config.get<number>('list-max-listpack-size');
      const compress = this.config.find('list-compress-depth') === undefined ? 0 : this.config.get<number>('list-compress-depth');
      extra = ` ql_nodes:1 ql_avg_node:${items.length.toFixed(2)} ql_listpack_max:${fill} ql_compressed:${compress !== 0 ? 1 : 0} ql_uncompressed_size:${bytes}`;
    }
    return new StatusReply(
      `Value at:${this.address(ctx.db, key, v)} refcount:${refcount} encoding:${encoding} serializedlength:${this.serializedLength(ctx, key)} lru:${lru} lru_seconds_idle:${idle}${extra}`,
    );
  }

  /** A collection's address is its own; a string's is derived from where it is stored (no object to key a WeakMap). */
  private address(db: Database, key: string, v: unknown): string {
    let id: number;
    if (typeof v === 'object' && v !== null) {
      id = this.addresses.get(v) ?? this.nextAddress++;
      this.addresses.set(v, id);
    } else {
      id = 0x10000000 + ((hashString(`${db.id}:${key}`) >>> 0) & 0xfffffff);
    }
    return `0x${(0x7f0000000000 + id * 16).toString(16)}`;
  }

  /**
   * rdbSavedObjectLen: the DUMP payload less its type byte, RDB version and CRC, from the DUMP
   * handler (0 without the persistence module); the lookup's statistics are put back.
   */
  private serializedLength(ctx: CommandContext, key: string): number {
    const dump = this.table.lookup('dump');
    if (dump?.handler == null) return 0;
    const st = this.keyspace.stats;
    const { keyspaceHits, keyspaceMisses } = st;
    const lru = ctx.db.stamp(key)!;
    try {
      const payload = dump.handler(ctx, ['DUMP', key]);
      return typeof payload === 'string' ? payload.length - 11 : 0;
    } finally {
      st.keyspaceHits = keyspaceHits;
      st.keyspaceMisses = keyspaceMisses;
      ctx.db.setStamp(key, lru);
    }
  }

  /** DEBUG LISTPACK / QUICKLIST: the structure goes to standard output, as Redis prints it there. */
  private structure(ctx: CommandContext, key: string, kind: 'listpack' | 'quicklist'): Reply {
    const v = ctx.db.peek(key);
    if (v === undefined) throw NO_KEY;
    const type = this.keyspace.types.of(v);
    if (type.encoding(v) !== kind) throw new ReplyError(`ERR Not a ${kind} encoded object.`);
    const items = type.elements?.(v) ?? [];
    process.stdout.write(`{${kind} ${JSON.stringify(key)}: ${items.length} entries}\n`);
    return new StatusReply(`${kind === 'listpack' ? 'Listpack' : 'Quicklist'} structure printed on stdout`);
  }

  /** DEBUG POPULATE: `prefix:<n>` keys not already there, valued `value:<n>` (padded with NULs or cut to `size`), not propagated. */
  private populate(ctx: CommandContext, argv: string[]): Reply {
    const count = positive(argv[2]);
    const size = argv.length === 5 ? positive(argv[4]) : 0;
    const prefix = argv.length >= 4 ? argv[3] : 'key';
    const db = ctx.db;
    for (let j = 0; j < count; j++) {
      const key = `${prefix}:${j}`;
      if (db.peek(key) !== undefined) continue;
      const text = `value:${j}`;
      const value = size === 0 ? text : size <= text.length ? text.slice(0, size) : text + '\0'.repeat(size - text.length);
      db.set(key, value);
      this.server.hooks.emitKeyModified(db, key);
    }
    return OK;
  }

  private protocol(ctx: CommandContext, name: string): Reply {
    switch (name.toLowerCase()) {
      case 'string':
        return 'Hello World';
      case 'integer':
        return 12345;
      case 'double':
        return new DoubleReply(3.141);
      case 'bignum':
        return new BigNumberReply('1234567999999999999999999999999999999');
      case 'null':
        return null;
      case 'array':
        return [0, 1, 2];
      case 'set':
        return new SetReply([0, 1, 2]);
      case 'map':
        return new MapReply([0, false, 1, true, 2, false]);
      case 'attrib':
        return new AttributeReply(['key-popularity', ['key:123', 90]], 'Some real reply following the attribute');
      case 'push':
        if (ctx.resp < 3) throw RESP2_PUSH;
        ctx.push(['server-cpu-usage', 42]);
        return 'Some real reply following the push reply';
      case 'true':
        return true;
      case 'false':
        return false;
      case 'verbatim':
        return new VerbatimReply('txt', 'This is a verbatim\nstring');
      default:
        throw BAD_PROTOCOL;
    }
  }

  /** DEBUG REPLYBUFFER PEAK-RESET-TIME <never|reset|ms> / RESIZING <0|1>; false for another option. */
  private replyBuffer(option: string, value: string): boolean {
    if (option === 'peak-reset-time') {
      const v = value.toLowerCase();
      if (v === 'never') this.settings.peakResetTime = -1;
      else if (v === 'reset') this.settings.peakResetTime = 5000;
      else {
        const ms = parseInt64(value);
        if (ms === null) throw Errors.notInteger;
        this.settings.peakResetTime = Number(ms);
      }
      return true;
    }
    if (option === 'resizing') {
      this.settings.resizing = atoi(value);
      return true;
    }
    return false;
  }
}
