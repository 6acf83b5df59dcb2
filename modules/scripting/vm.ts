/**
 * The Lua VM: fengari as patched by Ferrous (patches/), built into dist/vendor/fengari by
 * `scripts/build-vm.js`. Without the patch, scripts would run without Redis's sandbox (globals
 * and library tables writable) and with Lua 5.3's syntax, so the scripting module refuses to
 * start on any other VM instead of falling back to a plain fengari.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
import * as path from 'path';

/** Compiled: dist/modules/scripting -> dist/vendor; from sources: modules/scripting -> dist/vendor. */
export const VM_DIR = path.resolve(__dirname, '..', '..', __filename.endsWith('.ts') ? 'dist' : '', 'vendor', 'fengari');

/** The patched VM at `dir`, or an Error saying why it cannot be used. */
export function loadVm(dir: string): any {
  let vm: any;
  try {
    vm = require(dir);
  } catch (e) {
    throw new Error(`the patched Lua VM is missing at ${dir} (build it with 'npm run build' in a checkout, or reinstall the ferrous package): ${(e as Error).message}`);
  }
  const why = unpatched(vm);
  if (why !== undefined) throw new Error(`the Lua VM at ${dir} is not Ferrous's patched fengari (${why}); scripts would run without Redis's sandbox. Rebuild with 'npm run build' in a checkout, or reinstall the ferrous package`);
  return vm;
}

/** Checks the patch's effects, not only its stamp: 5.1 syntax and read-only tables. */
function unpatched(vm: any): string | undefined {
  if (typeof vm.FERROUS_PATCH !== 'string') return 'no patch stamp';
  const { lua, lauxlib, to_luastring } = vm;
  const L = lauxlib.luaL_newstate();
  L.l_G.lua51 = true;
  if (lauxlib.luaL_loadstring(L, to_luastring('return 1 // 2')) === lua.LUA_OK) return "5.3's syntax is accepted";
  lua.lua_settop(L, 0);
  lauxlib.luaL_loadstring(L, to_luastring('local t = ...; t.x = 1'));
  lua.lua_newtable(L);
  lua.lua_topointer(L, -1).readonly = true;
  if (lua.lua_pcall(L, 1, 0, 0) === lua.LUA_OK) return 'read-only tables can be written';
  return undefined;
}

export const fengari = loadVm(VM_DIR);
