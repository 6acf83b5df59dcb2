import { lauxlib, lstr, lua, type LuaState, lualib, raise, setReadonly, toString } from './lua';

/** The libraries Redis 7.0 gives scripts (besides cjson, cmsgpack, bit and struct from lib/). */
export function openLibraries(L: LuaState): void {
  const libs: Array<[string, unknown]> = [
    ['_G', lualib.luaopen_base],
    ['table', lualib.luaopen_table],
    ['string', lualib.luaopen_string],
    ['math', lualib.luaopen_math],
    ['coroutine', lualib.luaopen_coroutine],
  ];
  for (const [name, open] of libs) {
    lauxlib.luaL_requiref(L, lstr(name), open, 1);
    lua.lua_pop(L, 1);
  }
  // 5.3's base library has more than 5.1's, and Redis removes file access and print.
  for (const name of ['dofile', 'loadfile', 'print', 'rawlen']) {
    lua.lua_pushnil(L);
    lua.lua_setglobal(L, lstr(name));
  }
  // requiref registered the libraries in package.loaded, which scripts cannot reach anyway.
  lua.lua_pushnil(L);
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, lstr('_LOADED'));
}

function nonexistentGlobal(L: LuaState): number {
  const name = lua.lua_type(L, 2) === lua.LUA_TSTRING ? toString(L, 2)! : '?';
  return raise(L, `Script attempted to access nonexistent global variable '${name}'`);
}

/**
 * Redis 7.0's protection: reading an undefined global is an error, and the globals, every
 * table reachable from them, their metatables and the string metatable are read-only
 * ("Attempt to modify a readonly table", enforced by fengari as patched in patches/).
 */
export function lockGlobals(L: LuaState): void {
  lua.lua_pushglobaltable(L);
  guardMissing(L);
  const seen = new Set<unknown>();
  protect(L, lua.lua_gettop(L), seen);
  lua.lua_pop(L, 1);
  pushStringMetatable(L);
  protect(L, lua.lua_gettop(L), seen);
  lua.lua_pop(L, 1);
}

/** The table on top: reading a field it lacks is Redis's nonexistent-global error. */
export function guardMissing(L: LuaState): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushjsfunction(L, nonexistentGlobal);
  lua.lua_setfield(L, -2, lstr('__index'));
  lua.lua_setmetatable(L, -2);
}

function pushStringMetatable(L: LuaState): void {
  lua.lua_pushstring(L, lstr(''));
  lua.lua_getmetatable(L, -1);
  lua.lua_remove(L, -2);
}

function protect(L: LuaState, idx: number, seen: Set<unknown>): void {
  const p = lua.lua_topointer(L, idx);
  if (seen.has(p)) return;
  seen.add(p);
  setReadonly(L, idx, true);
  if (lua.lua_getmetatable(L, idx)) {
    protect(L, lua.lua_gettop(L), seen);
    lua.lua_pop(L, 1);
  }
  lua.lua_pushnil(L);
  while (lua.lua_next(L, idx) !== 0) {
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) protect(L, lua.lua_gettop(L), seen);
    lua.lua_pop(L, 1);
  }
}

/** Set a global despite the protection (KEYS and ARGV before each run) to what `push` pushes. */
export function setProtectedGlobal(L: LuaState, name: Uint8Array, push: () => void): void {
  lua.lua_pushglobaltable(L);
  setReadonly(L, -1, false);
  push();
  lua.lua_setfield(L, -2, name);
  setReadonly(L, -1, true);
  lua.lua_pop(L, 1);
}
