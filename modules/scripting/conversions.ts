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

const LLONG_MIN = new IntegerReply('-9223372036854775808');

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
function integerReply(n: number): number | IntegerReply {
  if (!Number.isFinite(n) || n >= 2 ** 63 || n < -(2 ** 63)) return LLONG_MIN;
  const t = Math.trunc(n);
  // toFixed(0) gives an integral double's exact digits (below 1e21), without BigInt.
  return Number.isSafeInteger(t) ? t : new IntegerReply(t.toFixed(0));
}

/**
 * Redis's Lua (5.1) refuses lua_checkstack past LUAI_MAXCSTACK slots, and luaReplyToRedisReply
 * answers `reached lua stack limit` in place of any value it meets then: a self-referencing table
 * comes out nested down to that depth. The conversion counts the slots Redis's would hold.
 */
const LUAI_MAXCSTACK = 8000;
/** Slots below the reply when Redis converts it (the error handler and the reply itself). */
const REPLY_BASE = 2;
const STACK_LIMIT = new ReplyError('ERR reached lua stack limit');

const enum Kind {
  Array,
  Map,
  Set,
}

/** A table being converted: its items so far and where its iteration stands. */
class Frame {
  readonly items: Reply[] = [];
  constructor(
    readonly kind: Kind,
    /** Redis's stack height when the table itself was entered. */
    readonly height: number,
    /** The array's table, or the `map` / `set` field's table (absolute stack index). */
    readonly table: number,
    /** The next array index; for a map, whether its value (1) or next key (0) comes next. */
    public next: number,
  ) {}
}

/**
 * luaReplyToRedisReply: the Lua value at `idx` as a reply. Booleans are RESP3's for a script
 * that called redis.setresp(3); otherwise false is a null and true is 1. Nested tables are
 * walked with an explicit stack, as deep as Redis goes (thousands of levels), not by recursion.
 */
export function luaToReply(L: LuaState, idx: number, resp3 = false): Reply {
  if (lua.lua_type(L, idx) !== lua.LUA_TTABLE) return scalar(L, idx, resp3);
  lua.lua_pushvalue(L, idx);
  const frames: Frame[] = [];
  let height = REPLY_BASE;
  for (;;) {
    // Enter the value on top of the stack.
    let r: Reply | Frame;
    if (height + 4 > LUAI_MAXCSTACK) r = STACK_LIMIT;
    else if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) r = scalar(L, -1, resp3);
    else r = classify(L, lua.lua_gettop(L), height);
    if (r instanceof Frame) frames.push(r);
    else {
      lua.lua_pop(L, 1);
      if (frames.length === 0) return r;
      frames[frames.length - 1].items.push(r);
    }
    // Find the next value to enter; finished tables hand their reply to the one holding them.
    for (;;) {
      const f = frames[frames.length - 1];
      height = nextChild(L, f);
      if (height >= 0) break;
      frames.pop();
      lua.lua_pop(L, 1);
      const done = f.kind === Kind.Map ? new MapReply(f.items) : f.kind === Kind.Set ? new SetReply(f.items) : f.items;
      if (frames.length === 0) return done;
      frames[frames.length - 1].items.push(done);
    }
  }
}

function scalar(L: LuaState, idx: number, resp3: boolean): Reply {
  switch (lua.lua_type(L, idx)) {
    case lua.LUA_TSTRING:
      return toString(L, idx)!;
    case lua.LUA_TNUMBER:
      return integerReply(lua.lua_tonumber(L, idx));
    case lua.LUA_TBOOLEAN:
      if (resp3) return lua.lua_toboolean(L, idx) === true;
      return lua.lua_toboolean(L, idx) ? 1 : null;
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

/** A table entered at `height`: the reply it stands for, or a Frame to walk its items. */
function classify(L: LuaState, t: number, height: number): Reply | Frame {
  lua.lua_checkstack(L, 8);
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
    lua.lua_pushnil(L);
    return new Frame(Kind.Map, height, lua.lua_gettop(L) - 1, 0);
  }
  if (tableField(L, t, 'set')) {
    lua.lua_pushnil(L);
    return new Frame(Kind.Set, height, lua.lua_gettop(L) - 1, 0);
  }
  if (tableField(L, t, 'verbatim_string')) {
    const v = lua.lua_gettop(L);
    const format = stringField(L, v, 'format');
    const text = stringField(L, v, 'string');
    lua.lua_pop(L, 1);
    if (format !== null && text !== null) return new VerbatimReply(format, text);
  }
  // An array: up to the first nil, as Redis does.
  return new Frame(Kind.Array, height, t, 1);
}

/**
 * Push the frame's next value and return Redis's stack height for it (an array's element:
 * one above the table; a map's key: table, field, key, value and its copy; a map's value and
 * a set's member: three above), or -1 when the table is done (a map's or set's field popped).
 */
function nextChild(L: LuaState, f: Frame): number {
  if (f.kind === Kind.Array) {
    if (lua.lua_rawgeti(L, f.table, f.next++) !== lua.LUA_TNIL) return f.height + 1;
    lua.lua_pop(L, 1);
    return -1;
  }
  if (f.kind === Kind.Map && f.next === 1) {
    // The key was converted from a copy: its value is on top now.
    f.next = 0;
    return f.height + 3;
  }
  if (lua.lua_next(L, f.table) === 0) {
    lua.lua_pop(L, 1);
    return -1;
  }
  if (f.kind === Kind.Map) {
    lua.lua_pushvalue(L, -2);
    f.next = 1;
    return f.height + 4;
  }
  // A set's member is its key: drop the value, convert a copy of the key.
  lua.lua_pop(L, 1);
  lua.lua_pushvalue(L, -1);
  return f.height + 3;
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
  // Only a plugin command's reply is a bigint (no module returns one).
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
