import { type Client, CmdFlag, type DenyReason, Errors, type Logger, type LogLevel, REDIS_VERSION, type Server, Unresolved } from '../../kernel';
import { sha1 } from 'js-sha1';
import { errorText, pushErrorTable, pushReply } from './conversions';
import { formatG as exactFormatG } from './lib';
import { fromBytes, lstr, lua, type LuaFunction, type LuaState, pushString, toString } from './lua';

export const REPL_NONE = 0;
export const REPL_AOF = 1;
export const REPL_REPLICA = 2;
export const REPL_ALL = 3;

/** What the `redis` table needs from the script that is running. */
export interface ScriptRun {
  readonly client: Client;
  readonly readOnly: boolean;
  /** Started out of memory without `allow-oom` (scriptVerifyOOM). */
  readonly denyOom: boolean;
  resp: 2 | 3;
  repl: number;
  /** A write command ran: SCRIPT KILL may no longer stop the script. */
  wrote: boolean;
}

export interface ScriptHost {
  readonly server: Server;
  readonly logger: Logger;
  /** The script running now; null while a function library is being loaded. */
  current(): ScriptRun | null;
}

const LOG_LEVELS: LogLevel[] = ['debug', 'verbose', 'notice', 'warning'];

/** C's "%.{p}g" of a Lua number; a NaN is "-nan", as 0/0 makes one on x86 (its sign is lost in JS). */
export function formatG(n: number, p: number): string {
  return Number.isNaN(n) ? '-nan' : exactFormatG(n, p);
}

/** Raise a Redis error table {err=text}; the script's message handler adds where it happened. */
export function raiseError(L: LuaState, text: string): never {
  pushErrorTable(L, text);
  lua.lua_error(L);
  throw new Error('unreachable');
}

/** scriptVerifyACL's texts. */
const SCRIPT_NOPERM: Record<DenyReason, string> = {
  command: "ERR The user executing the script can't run this command or subcommand",
  key: "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments",
  channel: "ERR The user executing the script can't publish to the channel mentioned in the command",
};

/** redis.call raises the error; redis.pcall returns it. */
function fail(L: LuaState, raise: boolean, text: string): number {
  if (raise) raiseError(L, text);
  pushErrorTable(L, text);
  return 1;
}

/** redis.call / redis.pcall (luaRedisGenericCommand). */
function genericCall(host: ScriptHost, L: LuaState, raise: boolean): number {
  const run = host.current();
  const argc = lua.lua_gettop(L);
  if (argc === 0) return fail(L, raise, 'ERR Please specify at least one argument for this redis lib call');
  const argv: string[] = new Array(argc);
  for (let i = 1; i <= argc; i++) {
    const t = lua.lua_type(L, i);
    // Numbers go out as "%.17g": lua_tolstring's "%.14g" would lose precision.
    if (t === lua.LUA_TNUMBER) argv[i - 1] = formatG(lua.lua_tonumber(L, i), 17);
    else if (t === lua.LUA_TSTRING) argv[i - 1] = toString(L, i)!;
    else return fail(L, raise, 'ERR Lua redis lib command arguments must be strings or integers');
  }
  if (run === null) return fail(L, raise, 'ERR redis.call is not available while loading a library');
  const server = host.server;
  const cmd = server.commands.resolve(argv);
  if (typeof cmd === 'number') {
    return fail(L, raise, cmd === Unresolved.WrongArity ? 'ERR Wrong number of args calling Redis command from script' : 'ERR Unknown Redis command called from script');
  }
  if (cmd.has(CmdFlag.NoScript) || cmd.handler === null) return fail(L, raise, 'ERR This Redis command is not allowed from script');
  if (run.client.restricted) {
    const denied = server.access.check(run.client, cmd, argv);
    if (denied !== null) return fail(L, raise, SCRIPT_NOPERM[denied.reason]);
  }
  if (cmd.has(CmdFlag.Write)) {
    if (run.readOnly) return fail(L, raise, 'ERR Write commands are not allowed from read-only scripts.');
    const refusal = server.scriptWriteRefusal(cmd);
    if (refusal !== null) return fail(L, raise, refusal.message);
    // Out of memory at the start: no command that may grow memory until a write made the script unstoppable.
    if (run.denyOom && !run.wrote && cmd.has(CmdFlag.DenyOom)) return fail(L, raise, Errors.oom.message);
    run.wrote = true;
  }
  const client = run.client;
  client.resp = run.resp;
  const reply = server.run(client, cmd, argv, run.repl);
  if (raise && reply instanceof Error) raiseError(L, errorText(reply.message));
  pushReply(L, reply, run.resp);
  return 1;
}

function stringArg(L: LuaState, idx: number): string | null {
  return lua.lua_type(L, idx) === lua.LUA_TSTRING || lua.lua_type(L, idx) === lua.LUA_TNUMBER ? toString(L, idx) : null;
}

/** The `redis` table's functions and constants, on the table at the top of the stack. */
export function installRedisApi(L: LuaState, host: ScriptHost): void {
  const fns: Record<string, LuaFunction> = {
    call: (L) => genericCall(host, L, true),
    pcall: (L) => genericCall(host, L, false),
    error_reply: (L) => {
      const s = lua.lua_gettop(L) === 1 ? stringArg(L, 1) : null;
      if (s === null) raiseError(L, 'ERR wrong number or type of arguments');
      pushErrorTable(L, errorText(s.startsWith('-') ? s : `-${s}`));
      return 1;
    },
    status_reply: (L) => {
      const s = lua.lua_gettop(L) === 1 ? stringArg(L, 1) : null;
      if (s === null) raiseError(L, 'ERR wrong number or type of arguments');
      lua.lua_createtable(L, 0, 1);
      pushString(L, s);
      lua.lua_setfield(L, -2, lstr('ok'));
      return 1;
    },
    sha1hex: (L) => {
      if (lua.lua_gettop(L) !== 1) raiseError(L, 'ERR wrong number of arguments');
      const s = lua.lua_tolstring(L, 1) as Uint8Array | null;
      pushString(L, sha1(s ?? new Uint8Array(0)));
      return 1;
    },
    log: (L) => {
      const argc = lua.lua_gettop(L);
      if (argc < 2) raiseError(L, 'ERR redis.log() requires two arguments or more.');
      if (!lua.lua_isnumber(L, 1)) raiseError(L, 'ERR First argument must be a number (log level).');
      const level = lua.lua_tonumber(L, 1);
      if (!(level >= 0 && level <= 3)) raiseError(L, 'ERR Invalid debug level.');
      const parts: string[] = [];
      for (let i = 2; i <= argc; i++) {
        const s = lua.lua_tolstring(L, i) as Uint8Array | null;
        if (s !== null) parts.push(fromBytes(s));
      }
      host.logger[LOG_LEVELS[Math.trunc(level)]](parts.join(' '));
      return 0;
    },
    setresp: (L) => {
      const run = host.current();
      if (lua.lua_gettop(L) !== 1) raiseError(L, 'ERR redis.setresp() requires one argument.');
      const v = lua.lua_tonumber(L, 1);
      if (v !== 2 && v !== 3) raiseError(L, 'ERR RESP version must be 2 or 3.');
      if (run !== null) run.resp = v;
      return 0;
    },
    set_repl: (L) => {
      const run = host.current();
      // Redis 7.0's own text, though one argument is what it takes.
      if (lua.lua_gettop(L) !== 1) raiseError(L, 'ERR redis.set_repl() requires two arguments.');
      const v = lua.lua_tonumber(L, 1);
      if (!(v >= REPL_NONE && v <= REPL_ALL && Number.isInteger(v))) {
        raiseError(L, 'ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
      }
      if (run !== null) run.repl = v;
      return 0;
    },
    replicate_commands: (L) => {
      lua.lua_pushboolean(L, true);
      return 1;
    },
    breakpoint: (L) => {
      lua.lua_pushboolean(L, false);
      return 1;
    },
    debug: () => 0,
  };
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushjsfunction(L, fn);
    lua.lua_setfield(L, -2, lstr(name));
  }
  const [major, minor, patch] = REDIS_VERSION.split('.').map(Number);
  const consts: Record<string, number> = {
    LOG_DEBUG: 0,
    LOG_VERBOSE: 1,
    LOG_NOTICE: 2,
    LOG_WARNING: 3,
    REPL_NONE,
    REPL_AOF,
    REPL_SLAVE: REPL_REPLICA,
    REPL_REPLICA,
    REPL_ALL,
    REDIS_VERSION_NUM: (major << 16) | (minor << 8) | patch,
  };
  for (const [name, v] of Object.entries(consts)) {
    lua.lua_pushnumber(L, v);
    lua.lua_setfield(L, -2, lstr(name));
  }
  pushString(L, REDIS_VERSION);
  lua.lua_setfield(L, -2, lstr('REDIS_VERSION'));
}
