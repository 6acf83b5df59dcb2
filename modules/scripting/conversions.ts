import {
  BigNumberReply,
  IntegerReply,
  DoubleReply,
  formatDouble,
  MapReply,
  NullArrayReply,
  PushReply,
  type Reply,
  ReplyError,
  SetReply,
  StatusReply,
  VerbatimReply,
} from '../../kernel';
import { lstr, lua, type LuaState, pushString, toString } from './lua';

/** Nesting beyond this is a self-referencing table, not data. */
const MAX_DEPTH = 1000;
const INT64_MIN = -(2n ** 63n);

/** Newlines would break the reply: Redis maps them to spaces in status and error texts. */
export function oneLine(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

/**
 * A command's error reply as the text of a Lua error table (luaPushErrorBuff): "CODE msg",
 * with "ERR" for an error without one, trailing newlines trimmed.
 */
export function errorText(message: string): string {
  const text = message.startsWith('-') ? message.slice(1) : message;
  const msg = text.indexOf(' ') < 0 ? `ERR ${text}` : text;
  return msg.replace(/^[\r\n]+|[\r\n]+$/g, '');
}

/** A Lua number as Redis replies it: truncated to a long long (out of range: LLONG_MIN). */
function integerReply(n: number): number | bigint {
  if (!Number.isFinite(n) || n >= 2 ** 63 || n < -(2 ** 63)) return INT64_MIN;
  const t = Math.trunc(n);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

/**
 * luaReplyToRedisReply: the Lua value at `idx` as a reply. Booleans are RESP3's for a script
 * that called redis.setresp(3); otherwise false is a null and true is 1.
 */
export function luaToReply(L: LuaState, idx: number, resp3 = false, depth = 0): Reply {
  switch (lua.lua_type(L, idx)) {
    case lua.LUA_TSTRING:
      return toString(L, idx)!;
    case lua.LUA_TNUMBER:
      return integerReply(lua.lua_tonumber(L, idx));
    case lua.LUA_TBOOLEAN:
      if (resp3) return lua.lua_toboolean(L, idx) === true;
      return lua.lua_toboolean(L, idx) ? 1 : null;
    case lua.LUA_TTABLE:
      if (depth >= MAX_DEPTH) return new ReplyError('ERR reached lua stack limit');
      return tableToReply(L, lua.lua_absindex(L, idx), resp3, depth + 1);
    default:
      return null;
  }
}

/** A string field of the table at `t`, or null. */
function stringField(L: LuaState, t: number, name: string): string | null {
  lua.lua_pushstring(L, lstr(name));
  lua.lua_rawget(L, t);
  const s = lua.lua_type(L, -1) === lua.LUA_TSTRING ? toString(L, -1) : null;
  lua.lua_pop(L, 1);
  return s;
}

/** Push t[name] when it is a table; false (nothing pushed) otherwise. */
function tableField(L: LuaState, t: number, name: string): boolean {
  lua.lua_pushstring(L, lstr(name));
  lua.lua_rawget(L, t);
  if (lua.lua_type(L, -1) === lua.LUA_TTABLE) return true;
  lua.lua_pop(L, 1);
  return false;
}

function tableToReply(L: LuaState, t: number, resp3: boolean, depth: number): Reply {
  const err = stringField(L, t, 'err');
  if (err !== null) return new ReplyError(oneLine(err));
  const ok = stringField(L, t, 'ok');
  if (ok !== null) return new StatusReply(oneLine(ok));
  lua.lua_pushstring(L, lstr('double'));
  lua.lua_rawget(L, t);
  if (lua.lua_type(L, -1) === lua.LUA_TNUMBER) {
    const d = lua.lua_tonumber(L, -1);
    lua.lua_pop(L, 1);
    return new DoubleReply(d);
  }
  lua.lua_pop(L, 1);
  const big = stringField(L, t, 'big_number');
  if (big !== null) return new BigNumberReply(oneLine(big));
  if (tableField(L, t, 'map')) {
    const entries: Reply[] = [];
    const m = lua.lua_gettop(L);
    lua.lua_pushnil(L);
    while (lua.lua_next(L, m) !== 0) {
      entries.push(luaToReply(L, -2, resp3, depth), luaToReply(L, -1, resp3, depth));
      lua.lua_pop(L, 1);
    }
    lua.lua_pop(L, 1);
    return new MapReply(entries);
  }
  if (tableField(L, t, 'set')) {
    const items: Reply[] = [];
    const s = lua.lua_gettop(L);
    lua.lua_pushnil(L);
    while (lua.lua_next(L, s) !== 0) {
      items.push(luaToReply(L, -2, resp3, depth));
      lua.lua_pop(L, 1);
    }
    lua.lua_pop(L, 1);
    return new SetReply(items);
  }
  if (tableField(L, t, 'verbatim_string')) {
    const v = lua.lua_gettop(L);
    const format = stringField(L, v, 'format');
    const text = stringField(L, v, 'string');
    lua.lua_pop(L, 1);
    if (format !== null && text !== null) return new VerbatimReply(format, text);
  }
  // An array: up to the first nil, as Redis does.
  const items: Reply[] = [];
  for (let i = 1; ; i++) {
    if (lua.lua_rawgeti(L, t, i) === lua.LUA_TNIL) {
      lua.lua_pop(L, 1);
      break;
    }
    items.push(luaToReply(L, -1, resp3, depth));
    lua.lua_pop(L, 1);
  }
  return items;
}

/** Push {err=text}. */
export function pushErrorTable(L: LuaState, text: string): void {
  lua.lua_createtable(L, 0, 1);
  pushString(L, text);
  lua.lua_setfield(L, -2, lstr('err'));
}

/**
 * redisProtocolToLuaType: push a command's reply as the script sees it, shaped by the
 * script's protocol (`redis.setresp`). Numbers are floats, as Lua 5.1's are.
 */
export function pushReply(L: LuaState, r: Reply, resp: 2 | 3): void {
  lua.lua_checkstack(L, 4);
  if (typeof r === 'string') return pushString(L, r);
  if (typeof r === 'number') return lua.lua_pushnumber(L, r);
  if (typeof r === 'bigint') return lua.lua_pushnumber(L, Number(r));
  if (r instanceof IntegerReply) return lua.lua_pushnumber(L, Number(r.digits));
  if (typeof r === 'boolean') {
    if (resp === 3) lua.lua_pushboolean(L, r);
    else lua.lua_pushnumber(L, r ? 1 : 0);
    return;
  }
  if (r === null || r instanceof NullArrayReply) {
    if (resp === 3) lua.lua_pushnil(L);
    else lua.lua_pushboolean(L, false);
    return;
  }
  if (Array.isArray(r)) return pushArray(L, r, resp);
  if (r instanceof StatusReply) {
    lua.lua_createtable(L, 0, 1);
    pushString(L, r.text);
    lua.lua_setfield(L, -2, lstr('ok'));
    return;
  }
  if (r instanceof ReplyError) return pushErrorTable(L, errorText(r.message));
  if (r instanceof DoubleReply) {
    if (resp === 2) return pushString(L, formatDouble(r.value));
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushnumber(L, r.value);
    lua.lua_setfield(L, -2, lstr('double'));
    return;
  }
  if (r instanceof MapReply) {
    if (resp === 2) return pushArray(L, r.entries, resp);
    lua.lua_createtable(L, 0, 1);
    lua.lua_createtable(L, 0, r.entries.length / 2);
    for (let i = 0; i < r.entries.length; i += 2) {
      pushReply(L, r.entries[i], resp);
      pushReply(L, r.entries[i + 1], resp);
      lua.lua_settable(L, -3);
    }
    lua.lua_setfield(L, -2, lstr('map'));
    return;
  }
  if (r instanceof SetReply) {
    if (resp === 2) return pushArray(L, r.items, resp);
    lua.lua_createtable(L, 0, 1);
    lua.lua_createtable(L, 0, r.items.length);
    for (const item of r.items) {
      pushReply(L, item, resp);
      lua.lua_pushboolean(L, true);
      lua.lua_settable(L, -3);
    }
    lua.lua_setfield(L, -2, lstr('set'));
    return;
  }
  if (r instanceof VerbatimReply) {
    if (resp === 2) return pushString(L, r.text);
    lua.lua_createtable(L, 0, 1);
    lua.lua_createtable(L, 0, 2);
    pushString(L, r.format);
    lua.lua_setfield(L, -2, lstr('format'));
    pushString(L, r.text);
    lua.lua_setfield(L, -2, lstr('string'));
    lua.lua_setfield(L, -2, lstr('verbatim_string'));
    return;
  }
  if (r instanceof BigNumberReply) {
    if (resp === 2) return pushString(L, r.digits);
    lua.lua_createtable(L, 0, 1);
    pushString(L, r.digits);
    lua.lua_setfield(L, -2, lstr('big_number'));
    return;
  }
  if (r instanceof PushReply) return pushArray(L, r.items, resp);
  lua.lua_pushnil(L);
}

function pushArray(L: LuaState, items: Reply[], resp: 2 | 3): void {
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    pushReply(L, items[i], resp);
    lua.lua_rawseti(L, -2, i + 1);
  }
}
