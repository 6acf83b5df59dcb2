import { getHeapStatistics } from 'v8';
import { Client, type Logger, type Reply, ReplyError, type Server } from '../../kernel';
import { installCompat51, loadText } from './compat51';
import { luaToReply, oneLine } from './conversions';
import { fromBytes, lauxlib, lstr, lua, type LuaState, toBytes, toString } from './lua';
import { installRedisApi, raiseError, REPL_ALL, type ScriptHost, type ScriptRun } from './redis-api';
import { lockGlobals, openLibraries, setProtectedGlobal } from './sandbox';

/** Instructions between two runs of the limits hook. */
const HOOK_EVERY = 1000;
/** Once past busy-reply-threshold, how long the script runs between two turns of the event loop (ms). */
const SLICE_MS = 10;
/** resume()'s answer when the hook yielded: the script goes on after a turn of the event loop. */
const YIELDED: unique symbol = Symbol('yielded');
/** Memory is sampled every this many hook runs. */
const MEMORY_EVERY = 64;
/** The error text for a script that raised a table without an `err` field. */
export const NO_ERR_FIELD = "ERR the script raised a table without an 'err' field as its error";
const KEYS = lstr('KEYS');
const ARGV = lstr('ARGV');

export interface Limits {
  /** busy-reply-threshold (ms): past it, other clients are answered BUSY and SCRIPT KILL works. */
  busyMs: number;
  /** A script that cannot give the event loop a turn is stopped after this long (ms, 0: never). */
  hardMs: number;
  /** How much the heap may grow during one script (bytes, 0: no limit). */
  memory: number;
}

export interface RunOptions {
  caller: Client;
  /** The SHA1 or function name, for error texts. */
  name: string;
  readOnly: boolean;
  /** Started out of memory without `allow-oom`: denyoom commands are refused until the script writes. */
  denyOom: boolean;
  keys: string[];
  args: string[];
  /** FCALL passes keys and args to the function; EVAL sets the KEYS and ARGV globals. */
  asArguments: boolean;
}

/** One script execution: its state as the `redis` table and the limits hook see it. */
class Run implements ScriptRun {
  resp: 2 | 3 = 2;
  repl = REPL_ALL;
  wrote = false;
  killed = false;
  /** An error the hook keeps raising until the script ends (limits hit where it cannot yield). */
  doomed: string | null = null;
  /** The hook yielded (as opposed to the script calling coroutine.yield itself). */
  hookYield = false;
  /** " script: <name>, on <source>:<line>." where the hook last yielded. */
  where = '';
  readonly start = Date.now();
  sliceStart = this.start;
  hookRuns = 0;
  heapBase = 0;
  heapLimit = 0;
  resolve: ((r: Reply) => void) | null = null;

  constructor(
    readonly client: Client,
    readonly readOnly: boolean,
    readonly denyOom: boolean,
    readonly name: string,
    readonly thread: LuaState,
    readonly threadRef: number,
    /** The caller can wait across event-loop turns (not inside MULTI). */
    readonly mayYield: boolean,
  ) {}
}

function heapUsed(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * A Lua interpreter for scripts: EVAL's (one per server, shared by every connection) or
 * FUNCTION's. A script runs as a coroutine with a count hook: until busy-reply-threshold it
 * runs to the end at once; past it, the hook yields every few milliseconds so the event loop
 * answers other clients BUSY (the data stays untouched) and SCRIPT KILL can stop it.
 */
export class ScriptEngine implements ScriptHost {
  L: LuaState;
  private running: Run | null = null;
  private xpcallRef = 0;
  /** A finished script's coroutine, kept for the next run: [thread, its registry reference]. */
  private idle: [LuaState, number] | null = null;
  /** The connection-less client scripts run their commands as. */
  private readonly client: Client;

  constructor(
    readonly server: Server,
    readonly logger: Logger,
    private readonly limits: Limits,
    /** "@user_script" or "@user_function": the chunk name errors show. */
    readonly source: string,
    private readonly extend: (L: LuaState) => void = () => {},
  ) {
    this.client = new Client(server, null);
    this.client.authenticated = true;
    this.client.denyBlocking = true;
    // Redis's CLIENT_SCRIPT: commands that must stay deterministic in scripts check it (SORT).
    this.client.flags.add('script');
    this.L = this.open();
  }

  current(): ScriptRun | null {
    return this.running;
  }

  get busy(): boolean {
    return this.running !== null && this.running.resolve !== null;
  }

  /** A fresh interpreter (SCRIPT FLUSH drops the old one with everything compiled in it). */
  reset(): void {
    this.L = this.open();
  }

  private open(): LuaState {
    const L = lauxlib.luaL_newstate();
    openLibraries(L);
    openRedisLibs?.(L);
    installCompat51(L);
    lua.lua_createtable(L, 0, 32);
    installRedisApi(L, this);
    this.extend(L);
    lua.lua_setglobal(L, lstr('redis'));
    lua.lua_getglobal(L, lstr('xpcall'));
    this.xpcallRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lockGlobals(L);
    this.idle = null;
    return L;
  }

  /** Compile `code`; returns a registry reference to the function, or throws the compile error text. */
  compile(code: string): number {
    const L = this.L;
    if (loadText(L, toBytes(code), this.source) !== lua.LUA_OK) {
      const msg = toString(L, -1) ?? 'unknown error';
      lua.lua_pop(L, 1);
      throw new Error(msg);
    }
    return lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  }

  release(ref: number): void {
    lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, ref);
  }

  /** Run the function `ref` (or the one pushed by `push`); a Promise once it outlives busy-reply-threshold. */
  execute(ref: number, opts: RunOptions): Reply | Promise<Reply> {
    const L = this.L;
    if (!opts.asArguments) {
      setProtectedGlobal(L, KEYS, () => pushArray(L, opts.keys));
      setProtectedGlobal(L, ARGV, () => pushArray(L, opts.args));
    }
    const [co, threadRef] = this.idle ?? [lua.lua_newthread(L), lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX)];
    this.idle = null;
    lua.lua_rawgeti(co, lua.LUA_REGISTRYINDEX, this.xpcallRef);
    lua.lua_rawgeti(co, lua.LUA_REGISTRYINDEX, ref);
    lua.lua_pushjsfunction(co, this.messageHandler);
    if (opts.asArguments) {
      pushArray(co, opts.keys);
      pushArray(co, opts.args);
    }
    lua.lua_sethook(co, this.hook, lua.LUA_MASKCOUNT, HOOK_EVERY);

    this.client.db = opts.caller.db;
    // redis.call runs under the caller's user and permissions.
    this.client.user = opts.caller.user;
    this.client.restricted = opts.caller.restricted;
    this.client.resp = 2;
    this.client.caller = opts.caller;
    this.client.callerKeys = opts.keys;
    const run = new Run(this.client, opts.readOnly, opts.denyOom, opts.name, co, threadRef, !opts.caller.denyBlocking);
    this.running = run;
    this.server.journal.begin();
    const r = this.resume(run, opts.asArguments ? 4 : 2);
    if (r !== YIELDED) return this.end(run, r);
    return new Promise((resolve) => {
      run.resolve = resolve;
      setImmediate(this.continue, run);
    });
  }

  /** SCRIPT KILL / FUNCTION KILL: stop the suspended script; the caller gets the error. */
  kill(): void {
    this.running!.killed = true;
  }

  get wrote(): boolean {
    return this.running?.wrote ?? false;
  }

  private readonly continue = (run: Run): void => {
    let r: Reply | typeof YIELDED;
    if (run.killed) {
      r = new ReplyError(`ERR Script killed by user with SCRIPT KILL...${run.where}`);
    } else {
      r = this.resume(run, 0);
      if (r === YIELDED) {
        setImmediate(this.continue, run);
        return;
      }
    }
    run.resolve!(this.end(run, r));
  };

  private end(run: Run, r: Reply): Reply {
    this.running = null;
    this.client.caller = null;
    this.client.callerKeys = [];
    // A coroutine that returned (not one killed while suspended, nor a doomed one) can run the next script.
    if (lua.lua_status(run.thread) === lua.LUA_OK && run.doomed === null) {
      lua.lua_settop(run.thread, 0);
      this.idle = [run.thread, run.threadRef];
    } else {
      lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, run.threadRef);
    }
    this.server.journal.end();
    return r;
  }

  /** Resume the script's coroutine: its reply, or YIELDED. */
  private resume(run: Run, nargs: number): Reply | typeof YIELDED {
    const co = run.thread;
    run.hookYield = false;
    run.sliceStart = Date.now();
    let status: number;
    try {
      status = lua.lua_resume(co, this.L, nargs);
    } catch (e) {
      this.server.handlerBug('script', e);
      return new ReplyError(`ERR Error running script: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (status === lua.LUA_YIELD) {
      if (run.hookYield) return YIELDED;
      return new ReplyError('ERR attempt to yield across a C-call boundary');
    }
    if (status !== lua.LUA_OK) {
      return new ReplyError(`ERR Error running script (call to ${run.name}): ${oneLine(toString(co, -1) ?? 'execution failure')}`);
    }
    if (lua.lua_toboolean(co, 1)) return luaToReply(co, 2, run.resp === 3);
    return this.errorReply(co, run);
  }

  /** A script's error as Redis replies it: "<err> script: <name>, on <source>:<line>." */
  private errorReply(co: LuaState, run: Run): ReplyError {
    if (lua.lua_type(co, 2) !== lua.LUA_TTABLE) {
      return new ReplyError(`ERR Error running script ${run.name}, ${oneLine(toString(co, 2) ?? 'execution failure').slice(0, 100)}`);
    }
    const field = (name: string): string | null => {
      lua.lua_getfield(co, 2, lstr(name));
      const s = lua.lua_type(co, -1) === lua.LUA_TNIL ? null : toString(co, -1);
      lua.lua_pop(co, 1);
      return s;
    };
    // error({}) (Redis 7.0 crashes on it): say what was raised rather than an empty error.
    const msg = field('err') ?? NO_ERR_FIELD;
    const source = field('source');
    const line = field('line');
    const where = source !== null && line !== null ? ` script: ${run.name}, on ${source}:${line}.` : '';
    return new ReplyError(oneLine(msg + where));
  }

  /** Redis's __redis__err__handler: make the error a table and add where it was raised. */
  private readonly messageHandler = (L: LuaState): number => {
    const ar = new lua.lua_Debug();
    let found = lua.lua_getstack(L, 1, ar) && lua.lua_getinfo(L, lstr('nSl'), ar);
    // Raised by a library function (error, redis.call): report the script's line that called it.
    if (found && !['Lua', 'main'].includes(fromBytes(ar.what))) found = lua.lua_getstack(L, 2, ar) && lua.lua_getinfo(L, lstr('nSl'), ar);
    if (lua.lua_type(L, 1) !== lua.LUA_TTABLE) {
      const text = `ERR ${fromBytes(lauxlib.luaL_tolstring(L, 1))}`;
      lua.lua_settop(L, 0);
      lua.lua_createtable(L, 0, 3);
      lua.lua_pushstring(L, toBytes(text));
      lua.lua_setfield(L, 1, lstr('err'));
    }
    if (found) {
      lua.lua_pushstring(L, ar.source);
      lua.lua_setfield(L, 1, lstr('source'));
      lua.lua_pushinteger(L, ar.currentline);
      lua.lua_setfield(L, 1, lstr('line'));
    }
    lua.lua_settop(L, 1);
    return 1;
  };

  /** The count hook: time and memory limits, and turns of the event loop for a long script. */
  private readonly hook = (L: LuaState, ar: unknown): void => {
    const run = this.running;
    if (run === null) return;
    if (run.doomed !== null) raiseError(L, run.doomed);
    // The heap is measured from the first hook run on: sampling it costs more than a short script.
    if (++run.hookRuns === 1 && this.limits.memory > 0) {
      const stats = getHeapStatistics();
      run.heapBase = heapUsed();
      run.heapLimit = Math.min(this.limits.memory, (stats.heap_size_limit - stats.used_heap_size) / 2);
    }
    if (run.heapLimit > 0 && run.hookRuns % MEMORY_EVERY === 0 && heapUsed() - run.heapBase > run.heapLimit) {
      this.doom(L, run, 'ERR Script used too much memory and was stopped');
    }
    const now = Date.now();
    if (now - run.start < this.limits.busyMs) return;
    if (run.mayYield && L === run.thread && lua.lua_isyieldable(L)) {
      if (now - run.sliceStart >= SLICE_MS) {
        // Where the script stands, for the error if SCRIPT KILL stops it here.
        lua.lua_getinfo(L, lstr('Sl'), ar);
        const at = ar as { source: Uint8Array; currentline: number };
        run.where = at.currentline > 0 ? ` script: ${run.name}, on ${fromBytes(at.source)}:${at.currentline}.` : '';
        run.hookYield = true;
        lua.lua_yield(L, 0);
      }
      return;
    }
    if (this.limits.hardMs > 0 && now - run.start >= this.limits.hardMs) {
      this.doom(L, run, 'ERR Script exceeded the hard time limit and was stopped');
    }
  };

  /** Stop the script for good: the error is raised again at every instruction, so pcall cannot keep it alive. */
  private doom(L: LuaState, run: Run, text: string): never {
    this.logger.warning(`Lua script stopped: ${text}`);
    run.doomed = text;
    lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, 1);
    if (L !== run.thread) lua.lua_sethook(run.thread, this.hook, lua.LUA_MASKCOUNT, 1);
    return raiseError(L, text);
  }
}

function pushArray(L: LuaState, items: string[]): void {
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    lua.lua_pushstring(L, toBytes(items[i]));
    lua.lua_rawseti(L, -2, i + 1);
  }
}

/** cjson, cmsgpack, bit and struct, from lib/ when that part is present. */
const openRedisLibs: ((L: LuaState) => void) | null = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('./lib') as { openRedisLibs?: (L: LuaState) => void }).openRedisLibs ?? null;
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes("'./lib'")) return null;
    throw e;
  }
})();
