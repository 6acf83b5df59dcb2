import {
  BUSY_SCRIPT,
  type BusyScript,
  bytesToHuman,
  type Client,
  CmdFlag,
  Command,
  type CommandContext,
  Config,
  type ConfigParam,
  Errors,
  FUNCTION_PAYLOADS,
  FUNCTION_STORE,
  type FunctionPayloads,
  type FunctionStore,
  type InfoField,
  inject,
  Logger,
  MapReply,
  MEMORY_LIMIT,
  type MemoryLimit,
  OK,
  parseIntArg,
  provide,
  RedisModule,
  type RegisteredCommand,
  type Reply,
  ReplyError,
  Server,
  Services,
  StatusReply,
} from '../../kernel';
import { ScriptEngine, type Limits } from './engine';
import { FunctionLibraries } from './functions';
import { compiledBytes, functionBytes, FUNCTIONS_BASE_BYTES, libraryBytes, VM_STATE_BYTES } from './memory';
import { ScriptCache } from './scripts';

const NO_DEBUGGER = new ReplyError('ERR Ferrous has no Lua debugger: SCRIPT DEBUG YES and SYNC are not supported');
const DEBUG_MODES = new ReplyError('ERR Use SCRIPT DEBUG YES/SYNC/NO');
const DEBUG_IN_PIPELINE = new ReplyError('ERR SCRIPT DEBUG must be called outside a pipeline');
const DEBUG_IN_MULTI = new ReplyError('ERR SCRIPT DEBUG must be called outside MULTI');
const scriptingParams: ConfigParam[] = [
  {
    name: 'busy-reply-threshold',
    aliases: ['lua-time-limit'],
    type: 'int',
    default: 5000,
    min: 0,
    max: 2 ** 63,
    doc: 'After this many milliseconds a running script lets other clients in, to answer them BUSY; SCRIPT KILL and FUNCTION KILL can stop it then.',
  },
  {
    name: 'script-hard-time-limit',
    type: 'int',
    default: 60000,
    min: 0,
    max: 2 ** 31,
    doc: 'Ferrous only: a script that cannot give the event loop a turn (inside MULTI, in a sort comparator) is stopped after this many milliseconds (0: never).',
  },
  {
    name: 'script-memory-limit',
    type: 'memory',
    default: 512 * 1024 * 1024,
    min: 0,
    max: 2 ** 53,
    doc: 'Ferrous only: a script is stopped when the server heap grows by more than this while it runs (0: no limit).',
  },
];

const NOSCRIPT = new ReplyError('NOSCRIPT No matching script. Please use EVAL.');
const NOTBUSY = new ReplyError('NOTBUSY No scripts in execution right now.');
const UNKILLABLE = new ReplyError(
  'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
);
const BUSY_EVAL = new ReplyError('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
const BUSY_FUNCTION = new ReplyError('BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.');
const NEGATIVE_KEYS = new ReplyError("ERR Number of keys can't be negative");
const TOO_MANY_KEYS = new ReplyError("ERR Number of keys can't be greater than number of args");
const BAD_KEY_COUNT = new ReplyError('ERR Bad number of keys provided');

/** EVAL's and FCALL's numkeys (argv[2]); `notInteger` is the command's error for a non-integer. */
function numKeys(argv: string[], notInteger: ReplyError): number {
  const n = parseIntArg(argv[2]);
  if (Number.isNaN(n)) throw notInteger;
  if (n < 0) throw NEGATIVE_KEYS;
  if (n > argv.length - 3) throw TOO_MANY_KEYS;
  return n;
}
const WRITE_WITH_RO = new ReplyError('ERR Can not execute a script with write flag using *_ro command.');
const FLUSH_MODE = new ReplyError('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
const FUNCTION_NOT_FOUND = new ReplyError('ERR Function not found');

const SCRIPT_HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
].map((l) => new StatusReply(l));

const FUNCTION_HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
].map((l) => new StatusReply(l));

/** The script running across event-loop turns, for BUSY replies, KILL and FUNCTION STATS. */
interface Running {
  engine: ScriptEngine;
  isEval: boolean;
  name: string;
  command: string[];
  start: number;
}

/** Redis's processCommand check while a script holds the server: only allow-busy commands pass. */
class ScriptBusy implements BusyScript {
  current: Running | null = null;

  get running(): boolean {
    return this.current !== null;
  }

  refuse(_c: Client, cmd: RegisteredCommand, argv: string[]): ReplyError | null {
    const busy = this.current!.isEval ? BUSY_EVAL : BUSY_FUNCTION;
    if (!cmd.has(CmdFlag.AllowBusy)) return busy;
    if (cmd.name === 'shutdown' && !argv.some((a) => a.toLowerCase() === 'nosave')) return busy;
    return null;
  }
}

/**
 * Lua scripting, as Redis 7.0's eval.c, script_lua.c and function_lua.c: EVAL/EVALSHA with
 * one script cache for every connection, SCRIPT, FUNCTION libraries and FCALL. The Lua parts
 * live beside this file: the interpreter and its limits (engine), the `redis` table
 * (redis-api), value conversions, the sandbox and Lua 5.1 compatibility.
 */
@RedisModule({
  name: 'scripting',
  config: scriptingParams,
  provides: [provide(FUNCTION_STORE, (m: ScriptingModule) => m.functionStore), provide(BUSY_SCRIPT, (m: ScriptingModule) => m.busy)],
})
export default class ScriptingModule {
  private readonly limits: Limits = { busyMs: 5000, hardMs: 60000, memory: 512 * 1024 * 1024 };
  private readonly evalEngine: ScriptEngine;
  private readonly cache: ScriptCache;
  private readonly fnEngine: ScriptEngine;
  private readonly libs = new FunctionLibraries();

  constructor(
    @inject(Server) private readonly server: Server,
    @inject(Config) config: Config,
    @inject(Logger) logger: Logger,
    @inject(Services) private readonly services: Services,
  ) {
    config.watch('busy-reply-threshold', (v) => (this.limits.busyMs = v as number));
    config.watch('script-hard-time-limit', (v) => (this.limits.hardMs = v as number));
    config.watch('script-memory-limit', (v) => (this.limits.memory = v as number));
    this.evalEngine = new ScriptEngine(server, logger, this.limits, '@user_script');
    this.cache = new ScriptCache(this.evalEngine);
    this.fnEngine = new ScriptEngine(server, logger, this.limits, '@user_function', this.libs.extendApi);
    this.libs.engine = this.fnEngine;
    server.hooks.onInfo('memory', () => this.memoryInfo());
  }

  /** Saved and loaded with the data by the persistence module, as Redis does. */
  readonly functionStore: FunctionStore = {
    codes: () => this.libs.codes(),
    restore: (code) => void this.libs.load(code, true),
  };

  /** Set while a script runs across event-loop turns. */
  readonly busy = new ScriptBusy();

  /** The eviction module's view of maxmemory, looked up once (undefined: not yet, null: none). */
  private memoryLimit: MemoryLimit | null | undefined = undefined;

  /**
   * INFO memory's script fields, in Redis's meanings: each interpreter's memory (estimated, see
   * memory.ts) and what the EVAL cache and the function libraries keep.
   */
  private memoryInfo(): InfoField[] {
    const vmEval = VM_STATE_BYTES + this.cache.compiledBytes;
    let vmFunctions = VM_STATE_BYTES;
    let functions = FUNCTIONS_BASE_BYTES;
    for (const lib of this.libs.libraries.values()) {
      vmFunctions += compiledBytes(lib.code.length);
      functions += libraryBytes(lib.code.length, lib.name.length);
      for (const name of lib.functions.keys()) functions += functionBytes(name.length);
    }
    const scripts = this.cache.bytes + functions;
    return [
      ['used_memory_lua', vmEval],
      ['used_memory_vm_eval', vmEval],
      ['used_memory_lua_human', bytesToHuman(vmEval)],
      ['used_memory_scripts_eval', this.cache.bytes],
      ['number_of_cached_scripts', this.cache.size],
      ['number_of_functions', this.libs.functions.size],
      ['number_of_libraries', this.libs.libraries.size],
      ['used_memory_vm_functions', vmFunctions],
      ['used_memory_vm_total', vmEval + vmFunctions],
      ['used_memory_vm_total_human', bytesToHuman(vmEval + vmFunctions)],
      ['used_memory_functions', functions],
      ['used_memory_scripts', scripts],
      ['used_memory_scripts_human', bytesToHuman(scripts)],
    ];
  }

  /**
   * Redis's OOM rules for a script about to run, given its flags (`declared`: a shebang or a
   * function; without one, EVAL's compatibility mode). Out of memory, a declared script that
   * may write without `allow-oom` is refused as its command would be; otherwise returns whether
   * its denyoom commands are refused until it writes.
   */
  private denyOom(flags: Set<string>, declared: boolean): boolean {
    if (this.memoryLimit === undefined) this.memoryLimit = this.services.find(MEMORY_LIMIT) ?? null;
    if (this.memoryLimit === null || !this.memoryLimit.scriptOom) return false;
    if (!declared) return true;
    if (!flags.has('allow-oom') && !flags.has('no-writes')) throw Errors.oom;
    return !flags.has('allow-oom');
  }

  /** Run a script; while it outlives busy-reply-threshold, other clients are answered BUSY. */
  private run(engine: ScriptEngine, ref: number, ctx: CommandContext, argv: string[], n: number, name: string, isEval: boolean, readOnly: boolean, denyOom: boolean): Reply | Promise<Reply> {
    // The script's own writes are propagated, not the EVAL/FCALL.
    ctx.propagateInstead = [];
    const r = engine.execute(ref, { caller: ctx, name, readOnly, denyOom, keys: argv.slice(3, 3 + n), args: argv.slice(3 + n), asArguments: !isEval });
    if (!(r instanceof Promise)) return r;
    this.busy.current = { engine, isEval, name, command: argv, start: Date.now() };
    return r.finally(() => {
      this.busy.current = null;
    });
  }

  private evalScript(ctx: CommandContext, argv: string[], readOnly: boolean): Reply | Promise<Reply> {
    // EVAL and EVALSHA check the key count before they compile or look up the script.
    const n = numKeys(argv, Errors.notInteger);
    const [sha, script] = this.cache.load(argv[1]);
    return this.run(this.evalEngine, script.ref, ctx, argv, n, sha, true, readOnly || script.flags.has('no-writes'), this.denyOom(script.flags, script.shebang));
  }

  private evalSha(ctx: CommandContext, argv: string[], readOnly: boolean): Reply | Promise<Reply> {
    const n = numKeys(argv, Errors.notInteger);
    const script = argv[1].length === 40 ? this.cache.get(argv[1]) : undefined;
    if (script === undefined) throw NOSCRIPT;
    return this.run(this.evalEngine, script.ref, ctx, argv, n, argv[1].toLowerCase(), true, readOnly || script.flags.has('no-writes'), this.denyOom(script.flags, script.shebang));
  }

  @Command('eval')
  eval(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return this.evalScript(ctx, argv, false);
  }

  @Command('eval_ro')
  evalRo(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return this.evalScript(ctx, argv, true);
  }

  @Command('evalsha')
  evalsha(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return this.evalSha(ctx, argv, false);
  }

  @Command('evalsha_ro')
  evalshaRo(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return this.evalSha(ctx, argv, true);
  }

  @Command('script|load')
  scriptLoad(_ctx: CommandContext, argv: string[]): Reply {
    return this.cache.load(argv[2])[0];
  }

  @Command('script|exists')
  scriptExists(_ctx: CommandContext, argv: string[]): Reply {
    return argv.slice(2).map((sha) => (this.cache.has(sha) ? 1 : 0));
  }

  @Command('script|flush')
  scriptFlush(_ctx: CommandContext, argv: string[]): Reply {
    checkFlushMode(argv, FLUSH_MODE);
    this.cache.flush();
    return OK;
  }

  @Command('script|kill')
  scriptKill(): Reply {
    return this.kill(true);
  }

  /**
   * SCRIPT DEBUG: Ferrous has no Lua debugger (redis-cli --ldb's protocol: a script runs
   * synchronously in the event loop, and SYNC mode would have to block on the client's socket
   * between steps), so YES and SYNC are refused; NO, the mode every client is in, answers OK.
   * Redis's own refusals come first, in its order: replies still queued (a pipeline, or inside
   * EXEC, whose array is open), then MULTI.
   */
  @Command('script|debug')
  scriptDebug(ctx: CommandContext, argv: string[]): Reply {
    if (ctx.out.length !== 0 || ctx.outputChunks !== 0) throw DEBUG_IN_PIPELINE;
    if (ctx.flags.has('multi')) throw DEBUG_IN_MULTI;
    const mode = argv[2].toLowerCase();
    if (mode === 'no') return OK;
    if (mode === 'yes' || mode === 'sync') throw NO_DEBUGGER;
    throw DEBUG_MODES;
  }

  @Command('script|help')
  scriptHelp(): Reply {
    return SCRIPT_HELP;
  }

  /** scriptKill: only a suspended script that has not written can be stopped. */
  private kill(isEval: boolean): Reply {
    const r = this.busy.current;
    if (r === null) throw NOTBUSY;
    if (r.engine.wrote) throw UNKILLABLE;
    if (isEval && !r.isEval) throw BUSY_FUNCTION;
    if (!isEval && r.isEval) throw BUSY_EVAL;
    r.engine.kill();
    return OK;
  }

  // ---- functions ------------------------------------------------------------------------

  private fcall(ctx: CommandContext, argv: string[], readOnly: boolean): Reply | Promise<Reply> {
    const f = this.libs.functions.get(argv[1]);
    if (f === undefined) throw FUNCTION_NOT_FOUND;
    // FCALL checks its key count after the lookup and before the function's flags.
    const n = numKeys(argv, BAD_KEY_COUNT);
    const noWrites = f.flags.has('no-writes');
    if (readOnly && !noWrites) throw WRITE_WITH_RO;
    return this.run(this.fnEngine, f.ref, ctx, argv, n, f.name, false, noWrites, this.denyOom(f.flags, true));
  }

  @Command('fcall')
  fcallCommand(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return this.fcall(ctx, argv, false);
  }

  @Command('fcall_ro')
  fcallRo(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return this.fcall(ctx, argv, true);
  }

  @Command('function|load')
  functionLoad(_ctx: CommandContext, argv: string[]): Reply {
    let replace = false;
    let i = 2;
    for (; i < argv.length - 1; i++) {
      if (argv[i].toLowerCase() === 'replace') replace = true;
      else throw new ReplyError(`ERR Unknown option given: ${argv[i]}`);
    }
    if (i !== argv.length - 1) throw new ReplyError('ERR Function code is missing');
    const name = this.libs.load(argv[i], replace);
    this.changed();
    return name;
  }

  /** Libraries changed: counted as a write (server.dirty++), so the command reaches the AOF. */
  private changed(): void {
    this.server.keyspace.stats.dirty++;
  }

  @Command('function|delete')
  functionDelete(_ctx: CommandContext, argv: string[]): Reply {
    this.libs.delete(argv[2]);
    this.changed();
    return OK;
  }

  @Command('function|flush')
  functionFlush(_ctx: CommandContext, argv: string[]): Reply {
    checkFlushMode(argv, new ReplyError('ERR FUNCTION FLUSH only supports SYNC|ASYNC option'));
    this.libs.flush();
    this.changed();
    return OK;
  }

  @Command('function|list')
  functionList(_ctx: CommandContext, argv: string[]): Reply {
    let pattern: string | null = null;
    let withCode = false;
    for (let i = 2; i < argv.length; i++) {
      const opt = argv[i].toLowerCase();
      if (opt === 'withcode' && !withCode) withCode = true;
      else if (opt === 'libraryname' && pattern === null && i + 1 < argv.length) pattern = argv[++i];
      else throw new ReplyError(`ERR Unknown argument ${argv[i]}`);
    }
    return this.libs.list(pattern, withCode);
  }

  @Command('function|dump')
  functionDump(): Reply {
    return this.payloads().encode(this.libs.codes()).toString('latin1');
  }

  /** FUNCTION DUMP's format is the RDB's, which the persistence module reads and writes. */
  private payloads(): FunctionPayloads {
    const p = this.services.find(FUNCTION_PAYLOADS);
    if (p === undefined) throw new ReplyError('ERR FUNCTION DUMP and RESTORE need the persistence module');
    return p;
  }

  @Command('function|restore')
  functionRestore(_ctx: CommandContext, argv: string[]): Reply {
    if (argv.length > 4) throw new ReplyError(`ERR unknown subcommand or wrong number of arguments for '${argv[1].slice(0, 128)}'. Try FUNCTION HELP.`);
    const policy = argv.length > 3 ? argv[3].toLowerCase() : 'append';
    if (!['flush', 'append', 'replace'].includes(policy)) throw new ReplyError('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
    this.libs.restore(this.payloads().decode(Buffer.from(argv[2], 'latin1')), policy);
    this.changed();
    return OK;
  }

  @Command('function|stats')
  functionStats(): Reply {
    const r = this.busy.current;
    const script = r === null ? null : new MapReply(['name', r.name, 'command', r.command, 'duration_ms', Date.now() - r.start]);
    const lua = new MapReply(['libraries_count', this.libs.libraries.size, 'functions_count', this.libs.functions.size]);
    return new MapReply(['running_script', script, 'engines', new MapReply(['LUA', lua])]);
  }

  @Command('function|kill')
  functionKill(): Reply {
    return this.kill(false);
  }

  @Command('function|help')
  functionHelp(): Reply {
    return FUNCTION_HELP;
  }
}

function checkFlushMode(argv: string[], error: ReplyError): void {
  if (argv.length === 2) return;
  const mode = argv[2].toLowerCase();
  if (argv.length > 3 || (mode !== 'sync' && mode !== 'async')) throw error;
}
