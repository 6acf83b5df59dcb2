/**
 * The slice of fengari's C-like API the Redis Lua libraries use, typed, plus helpers that give
 * Lua 5.1's argument-checking semantics and messages (Redis embeds Lua 5.1; fengari is 5.3).
 * Lua strings are byte arrays here; JS strings passed to Lua are always ASCII messages.
 */
import { fengari as vm } from '../vm';

/** An opaque fengari lua_State. */
export type LuaState = object;
export type LuaCFunction = (L: LuaState) => number;

interface LuaApi {
  LUA_TNONE: number;
  LUA_TNIL: number;
  LUA_TBOOLEAN: number;
  LUA_TLIGHTUSERDATA: number;
  LUA_TNUMBER: number;
  LUA_TSTRING: number;
  LUA_TTABLE: number;
  lua_gettop(L: LuaState): number;
  lua_settop(L: LuaState, idx: number): void;
  lua_pop(L: LuaState, n: number): void;
  lua_insert(L: LuaState, idx: number): void;
  lua_checkstack(L: LuaState, n: number): boolean;
  lua_type(L: LuaState, idx: number): number;
  lua_tonumberx(L: LuaState, idx: number): number | false;
  lua_tolstring(L: LuaState, idx: number): Uint8Array | null;
  lua_toboolean(L: LuaState, idx: number): boolean;
  lua_touserdata(L: LuaState, idx: number): unknown;
  lua_isnumber(L: LuaState, idx: number): boolean;
  lua_pushnil(L: LuaState): void;
  lua_pushnumber(L: LuaState, n: number): void;
  lua_pushboolean(L: LuaState, b: boolean): void;
  lua_pushlstring(L: LuaState, s: Uint8Array, len: number): void;
  lua_pushliteral(L: LuaState, s: string): void;
  lua_pushlightuserdata(L: LuaState, p: unknown): void;
  lua_pushvalue(L: LuaState, idx: number): void;
  lua_pushcfunction(L: LuaState, f: LuaCFunction): void;
  lua_createtable(L: LuaState, narr: number, nrec: number): void;
  lua_setfield(L: LuaState, idx: number, k: string): void;
  lua_setglobal(L: LuaState, name: string): void;
  lua_rawgeti(L: LuaState, idx: number, n: number): number;
  lua_geti(L: LuaState, idx: number, n: number): number;
  lua_rawseti(L: LuaState, idx: number, n: number): void;
  lua_rawset(L: LuaState, idx: number): void;
  lua_settable(L: LuaState, idx: number): void;
  lua_next(L: LuaState, idx: number): number;
  lua_concat(L: LuaState, n: number): void;
}

interface LauxApi {
  luaL_error(L: LuaState, fmt: Uint8Array, ...args: unknown[]): never;
  luaL_argerror(L: LuaState, arg: number, msg: Uint8Array): never;
}

// fengari ships no type declarations: the patched VM is typed here by what this file uses.
const fengari = vm as { lua: LuaApi; lauxlib: LauxApi; to_luastring(s: string): Uint8Array };

export const lua = fengari.lua;
const lauxlib = fengari.lauxlib;
const FMT_S = fengari.to_luastring('%s');

/** Bytes of a latin1 (one char per byte) string. */
function bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

export function pushBytes(L: LuaState, b: Uint8Array): void {
  lua.lua_pushlstring(L, b, b.length);
}

/** luaL_error: raises `msg` prefixed with the calling script's position. */
export function raise(L: LuaState, msg: string): never {
  return lauxlib.luaL_error(L, FMT_S, bytes(msg));
}

/** luaL_argerror: "bad argument #n to 'fn' (msg)". */
export function argError(L: LuaState, arg: number, msg: string): never {
  return lauxlib.luaL_argerror(L, arg, bytes(msg));
}

// Lua 5.1's names: light userdata is plain "userdata", an absent argument is "no value".
const TYPE_NAMES = ['no value', 'nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'];

export function typeName(L: LuaState, idx: number): string {
  return TYPE_NAMES[lua.lua_type(L, idx) + 1] ?? 'userdata';
}

export function typeError(L: LuaState, arg: number, expected: string): never {
  return argError(L, arg, `${expected} expected, got ${typeName(L, arg)}`);
}

/** luaL_checknumber: numbers and numeric strings. */
export function checkNumber(L: LuaState, arg: number): number {
  const n = lua.lua_tonumberx(L, arg);
  if (n === false) return typeError(L, arg, 'number');
  return n;
}

/** A double cast to a 64-bit lua_Integer as x86-64 does: truncation, out of range gives INT64_MIN. */
function toInteger(n: number): number {
  return n > -9223372036854775808 && n < 9223372036854775808 ? Math.trunc(n) : -9223372036854775808;
}

/** A double cast to a C int as x86-64 does: truncation, out of range gives INT_MIN. */
export function toCInt(n: number): number {
  return n > -2147483649 && n < 2147483648 ? Math.trunc(n) : -2147483648;
}

/** Lua 5.1's luaL_checkinteger truncates any number instead of refusing fractions. */
export function checkInteger(L: LuaState, arg: number): number {
  return toInteger(checkNumber(L, arg));
}

export function optInteger(L: LuaState, arg: number, def: number): number {
  return lua.lua_type(L, arg) <= lua.LUA_TNIL ? def : checkInteger(L, arg);
}

/** luaL_checklstring: strings, and numbers converted in place. */
export function checkString(L: LuaState, arg: number): Uint8Array {
  const t = lua.lua_type(L, arg);
  if (t !== lua.LUA_TSTRING && t !== lua.LUA_TNUMBER) return typeError(L, arg, 'string');
  return lua.lua_tolstring(L, arg) as Uint8Array;
}

// Lua 5.1 caps a C function's stack at LUAI_MAXCSTACK slots; Redis's errors for deep or wide
// data come from hitting it, so the libraries check the same budget.
const MAX_C_STACK = 8000;

/** lua_checkstack with Lua 5.1's limit. */
export function hasStack(L: LuaState, n: number): boolean {
  return lua.lua_gettop(L) + n <= MAX_C_STACK && lua.lua_checkstack(L, n);
}

/** luaL_checkstack with Lua 5.1's limit and message. */
export function checkStack(L: LuaState, n: number, msg: string): void {
  if (!hasStack(L, n)) raise(L, `stack overflow (${msg})`);
}

/** A growable byte buffer for building Lua strings. */
export class ByteBuffer {
  private buf = new Uint8Array(64);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  append(src: Uint8Array, start = 0, end = src.length): void {
    this.reserve(end - start);
    this.buf.set(src.subarray(start, end), this.length);
    this.length += end - start;
  }

  ascii(s: string): void {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.length++] = s.charCodeAt(i);
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Registers functions in the table on top of the stack. */
export function setFuncs(L: LuaState, funcs: Record<string, LuaCFunction>): void {
  for (const [name, fn] of Object.entries(funcs)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}

export function setString(L: LuaState, key: string, value: string): void {
  lua.lua_pushliteral(L, value);
  lua.lua_setfield(L, -2, key);
}
