import { globMatch, MapReply, ReplyError, SetReply, splitArgs, type Reply } from '../../kernel';
import { NO_ERR_FIELD, type ScriptEngine } from './engine';
import { lauxlib, lstr, lua, type LuaState, setReadonly, toString } from './lua';
import { guardMissing } from './sandbox';
import { raiseError } from './redis-api';

/** How long a library's code may run at FUNCTION LOAD before it is stopped (Redis's LOAD_TIMEOUT_MS). */
const LOAD_TIMEOUT_MS = 500;
/** Instructions between two checks of the load timeout. */
const LOAD_HOOK_EVERY = 10000;

const FUNCTION_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

export interface LuaFunctionDef {
  name: string;
  ref: number;
  flags: Set<string>;
  description: string | null;
  library: Library;
}

export interface Library {
  name: string;
  code: string;
  functions: Map<string, LuaFunctionDef>;
}

/**
 * `#!lua name=<lib>`: the library's name (functionExtractLibMetaData). The shebang line is split
 * as Redis splits it (quotes, any white space); its metadata is checked before the engine, and
 * the engine's name and the keys are case-insensitive.
 */
function libraryName(code: string): string {
  if (!code.startsWith('#!')) throw new ReplyError('ERR Missing library metadata');
  const nl = code.indexOf('\n');
  const parts = nl < 0 ? null : splitArgs(code.slice(0, nl));
  if (parts === null || parts.length === 0) throw new ReplyError('ERR Invalid library metadata');
  let name: string | null = null;
  for (const p of parts.slice(1)) {
    if (p.slice(0, 5).toLowerCase() !== 'name=') throw new ReplyError(`ERR Invalid metadata value given: ${p}`);
    if (name !== null) throw new ReplyError('ERR Invalid metadata value, name argument was given multiple times');
    name = p.slice(5);
  }
  if (name === null) throw new ReplyError('ERR Library name was not given');
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new ReplyError('ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long');
  const engine = parts[0].slice(2);
  if (engine.toLowerCase() !== 'lua') throw new ReplyError(`ERR Engine '${engine}' not found`);
  return name;
}

/**
 * FUNCTION libraries: each library's code runs once at FUNCTION LOAD, in the functions'
 * own interpreter, and registers its functions with redis.register_function.
 */
export class FunctionLibraries {
  readonly libraries = new Map<string, Library>();
  readonly functions = new Map<string, LuaFunctionDef>();
  /** The library whose code is running (redis.register_function works only then). */
  private loading: Library | null = null;
  /** The globals a library's code runs with while loaded (pushLoadEnv), once made. */
  private loadEnvRef = -1;
  /** When the running library's code started (for LOAD_TIMEOUT_MS). */
  private loadStart = 0;
  engine!: ScriptEngine;

  /** The `redis.register_function` the functions' interpreter gets. */
  readonly extendApi = (L: LuaState): void => {
    lua.lua_pushjsfunction(L, this.registerFunction);
    lua.lua_setfield(L, -2, lstr('register_function'));
  };

  /** Stops a library's code past LOAD_TIMEOUT_MS; raised at every instruction after, so nothing can catch it for good. */
  private readonly loadHook = (L: LuaState): void => {
    if (Date.now() - this.loadStart < LOAD_TIMEOUT_MS) return;
    lua.lua_sethook(L, this.loadHook, lua.LUA_MASKCOUNT, 1);
    raiseError(L, 'ERR FUNCTION LOAD timeout');
  };

  private readonly registerFunction = (L: LuaState): number => {
    const lib = this.loading;
    if (lib === null) raiseError(L, 'ERR redis.register_function can only be called on FUNCTION LOAD command');
    let name: string | null = null;
    let flags = new Set<string>();
    let description: string | null = null;
    if (lua.lua_gettop(L) === 1 && lua.lua_type(L, 1) === lua.LUA_TTABLE) {
      // The callback goes to slot 2, where the positional form has it.
      lua.lua_pushnil(L);
      lua.lua_pushnil(L);
      while (lua.lua_next(L, 1) !== 0) {
        const key = lua.lua_type(L, -2) === lua.LUA_TSTRING ? toString(L, -2) : null;
        if (key === 'function_name') {
          if (!lua.lua_isstring(L, -1)) raiseError(L, 'ERR function_name argument given to redis.register_function must be a string');
          name = toString(L, -1);
        } else if (key === 'callback') {
          if (lua.lua_type(L, -1) !== lua.LUA_TFUNCTION) raiseError(L, 'ERR callback argument given to redis.register_function must be a function');
          lua.lua_pushvalue(L, -1);
          lua.lua_replace(L, 2);
        } else if (key === 'description') {
          if (!lua.lua_isstring(L, -1)) raiseError(L, 'ERR description argument given to redis.register_function must be a string');
          description = toString(L, -1);
        }
        else if (key === 'flags') flags = this.readFlags(L, lua.lua_gettop(L));
        else raiseError(L, 'ERR unknown argument given to redis.register_function');
        lua.lua_pop(L, 1);
      }
    } else {
      if (lua.lua_gettop(L) !== 2) raiseError(L, 'ERR wrong number of arguments to redis.register_function');
      if (!lua.lua_isstring(L, 1)) raiseError(L, 'ERR first argument to redis.register_function must be a string');
      if (lua.lua_type(L, 2) !== lua.LUA_TFUNCTION) raiseError(L, 'ERR second argument to redis.register_function must be a function');
      name = toString(L, 1);
    }
    if (name === null) raiseError(L, 'ERR redis.register_function must get a function name argument');
    if (lua.lua_type(L, 2) !== lua.LUA_TFUNCTION) raiseError(L, 'ERR redis.register_function must get a callback argument');
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      // Redis 7.0 says "Library" here too.
      raiseError(L, 'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long');
    }
    if (lib.functions.has(name)) raiseError(L, 'ERR Function already exists in the library');
    lua.lua_pushvalue(L, 2);
    const ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lib.functions.set(name, { name, ref, flags, description, library: lib });
    return 0;
  };

  private readFlags(L: LuaState, idx: number): Set<string> {
    const flags = new Set<string>();
    if (lua.lua_type(L, idx) !== lua.LUA_TTABLE) raiseError(L, 'ERR flags argument to redis.register_function must be a table representing function flags');
    for (let i = 1; lua.lua_rawgeti(L, idx, i) !== lua.LUA_TNIL; i++) {
      const f = toString(L, -1) ?? '';
      lua.lua_pop(L, 1);
      if (!FUNCTION_FLAGS.has(f)) raiseError(L, 'ERR unknown flag given');
      flags.add(f);
    }
    lua.lua_pop(L, 1);
    return flags;
  }

  /** FUNCTION LOAD: compile and run the library's code, then publish its functions. */
  load(code: string, replace: boolean): string {
    const name = libraryName(code);
    const old = this.libraries.get(name);
    if (old !== undefined && !replace) throw new ReplyError(`ERR Library '${name}' already exists`);
    const lib: Library = { name, code, functions: new Map() };
    const L = this.engine.L;
    let ref: number;
    try {
      ref = this.engine.compile(`--${code.slice(2)}`);
    } catch (e) {
      throw new ReplyError(`ERR Error compiling function: ${(e as Error).message}`);
    }
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
    this.engine.release(ref);
    // The code runs with only what Redis 7.0 gives a library being loaded (its _ENV is shared
    // with the functions it defines, which see the real globals once it is put back).
    const chunk = lua.lua_gettop(L);
    this.pushLoadEnv(L);
    lua.lua_setupvalue(L, chunk, 1);
    lua.lua_pushvalue(L, chunk);
    this.loading = lib;
    this.loadStart = Date.now();
    lua.lua_sethook(L, this.loadHook, lua.LUA_MASKCOUNT, LOAD_HOOK_EVERY);
    const status = lua.lua_pcall(L, 0, 0, 0);
    lua.lua_sethook(L, null, 0, 0);
    this.loading = null;
    lua.lua_pushglobaltable(L);
    lua.lua_setupvalue(L, chunk, 1);
    lua.lua_remove(L, chunk);
    const fail = (e: ReplyError): never => {
      for (const f of lib.functions.values()) this.engine.release(f.ref);
      throw e;
    };
    if (status !== lua.LUA_OK) {
      let msg: string;
      if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
        lua.lua_getfield(L, -1, lstr('err'));
        msg = toString(L, -1) ?? NO_ERR_FIELD;
        lua.lua_pop(L, 1);
      } else {
        // A Lua error (a string, with where it happened) reads as Redis words it: "ERR ...".
        msg = `ERR ${toString(L, -1) ?? 'unknown error'}`;
      }
      lua.lua_pop(L, 1);
      fail(new ReplyError(`ERR Error registering functions: ${msg}`));
    }
    if (lib.functions.size === 0) fail(new ReplyError('ERR No functions registered'));
    for (const fname of lib.functions.keys()) {
      const existing = this.functions.get(fname);
      if (existing !== undefined && existing.library.name !== name) fail(new ReplyError(`ERR Function ${fname} already exists`));
    }
    if (old !== undefined) this.remove(old);
    this.libraries.set(name, lib);
    for (const f of lib.functions.values()) this.functions.set(f.name, f);
    return name;
  }

  /**
   * The globals of a library's code while FUNCTION LOAD runs it, as in Redis 7.0: `redis` with
   * register_function, log, the LOG_* levels and the version; reading anything else is the
   * nonexistent-global error.
   */
  private pushLoadEnv(L: LuaState): void {
    if (this.loadEnvRef < 0) {
      lua.lua_createtable(L, 0, 1);
      lua.lua_createtable(L, 0, 8);
      lua.lua_getglobal(L, lstr('redis'));
      for (const name of ['register_function', 'log', 'LOG_DEBUG', 'LOG_VERBOSE', 'LOG_NOTICE', 'LOG_WARNING', 'REDIS_VERSION', 'REDIS_VERSION_NUM']) {
        lua.lua_getfield(L, -1, lstr(name));
        lua.lua_setfield(L, -3, lstr(name));
      }
      lua.lua_pop(L, 1);
      guardMissing(L);
      setReadonly(L, -1, true);
      lua.lua_setfield(L, -2, lstr('redis'));
      guardMissing(L);
      setReadonly(L, -1, true);
      this.loadEnvRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    }
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.loadEnvRef);
  }

  private remove(lib: Library): void {
    for (const f of lib.functions.values()) {
      this.functions.delete(f.name);
      this.engine.release(f.ref);
    }
    this.libraries.delete(lib.name);
  }

  delete(name: string): void {
    const lib = this.libraries.get(name);
    if (lib === undefined) throw new ReplyError('ERR Library not found');
    this.remove(lib);
  }

  flush(): void {
    this.libraries.clear();
    this.functions.clear();
    this.engine.reset();
    this.loadEnvRef = -1;
  }

  list(pattern: string | null, withCode: boolean): Reply {
    const out: Reply[] = [];
    for (const lib of this.libraries.values()) {
      if (pattern !== null && !globMatch(pattern, lib.name)) continue;
      const fns: Reply[] = [...lib.functions.values()].map(
        (f) => new MapReply(['name', f.name, 'description', f.description, 'flags', new SetReply([...f.flags])]),
      );
      const entries: Reply[] = ['library_name', lib.name, 'engine', 'LUA', 'functions', fns];
      if (withCode) entries.push('library_code', lib.code);
      out.push(new MapReply(entries));
    }
    return out;
  }

  /** The libraries' code, in the order they were loaded. */
  codes(): string[] {
    return [...this.libraries.values()].map((l) => l.code);
  }

  /** FUNCTION RESTORE of libraries read from a payload. */
  restore(codes: string[], policy: string): void {
    if (policy === 'flush') this.flush();
    if (policy === 'append') {
      for (const code of codes) {
        const name = libraryName(code);
        if (this.libraries.has(name)) throw new ReplyError(`ERR Library ${name} already exists`);
      }
    }
    for (const code of codes) this.load(code, policy !== 'append');
  }
}
