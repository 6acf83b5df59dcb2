/**
 * fengari (Lua 5.3 in JavaScript) as the scripting engine uses it. fengari ships no type
 * declarations and mirrors the C API, so its handles are typed loosely here, in one place.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { fengari } from './vm';

export const lua: any = fengari.lua;
export const lauxlib: any = fengari.lauxlib;
export const lualib: any = fengari.lualib;
/** A lua_State (a thread). */
export type LuaState = any;
/** A JavaScript function callable from Lua: returns how many results it pushed. */
export type LuaFunction = (L: LuaState) => number;

/** A literal (ASCII) name or message as a Lua string. */
export function lstr(s: string): Uint8Array {
  return fengari.to_luastring(s);
}

/** A binary (latin1) string as Lua bytes, one byte per char. */
export function toBytes(s: string): Uint8Array {
  const a = new Uint8Array(s.length);
  if (s.length < 64) {
    for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
  } else {
    Buffer.from(a.buffer, a.byteOffset, a.length).write(s, 0, 'latin1');
  }
  return a;
}

/** Lua bytes as a binary (latin1) string. */
export function fromBytes(a: Uint8Array): string {
  if (a.length < 64) {
    let s = '';
    for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
    return s;
  }
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('latin1');
}

export function pushString(L: LuaState, s: string): void {
  lua.lua_pushstring(L, toBytes(s));
}

/** Lua strings are immutable byte arrays: the JS string made of one is kept on it. */
interface LuaBytes extends Uint8Array {
  js?: string;
}

/**
 * The string at `idx` (numbers are converted in place, as lua_tolstring does), or null.
 * A script passes the same strings (command names, KEYS, constants) to redis.call again and
 * again: each is converted once.
 */
export function toString(L: LuaState, idx: number): string | null {
  const a = lua.lua_tolstring(L, idx) as LuaBytes | null | undefined;
  if (a === null || a === undefined) return null;
  return a.js ?? (a.js = fromBytes(a));
}

/** Raise `msg` from a JavaScript function, with the caller's position, like luaL_error. */
export function raise(L: LuaState, msg: string): never {
  // As an argument, not the format: a '%' in the message is text.
  lauxlib.luaL_error(L, lstr('%s'), lstr(msg));
  throw new Error('unreachable');
}

/** fengari's Table object behind the table at `idx`: Redis's readonly flag lives there (patches/). */
export function setReadonly(L: LuaState, idx: number, readonly: boolean): void {
  (lua.lua_topointer(L, idx) as { readonly?: boolean }).readonly = readonly;
}
