/**
 * The Lua libraries Redis 7.0 preloads into its scripting environment, with Redis's exact
 * outputs and error texts: cjson, cmsgpack, bit and struct.
 */
import { openBit } from './bit';
import { openCjson } from './cjson';
import { openCmsgpack } from './cmsgpack';
import { lua, type LuaState } from './lua-api';
import { openStruct } from './struct';

export type { LuaState } from './lua-api';
export { formatE, formatG, strtod } from './number-format';

/** Registers the globals cjson, cmsgpack, bit and struct in L. */
export function openRedisLibs(L: LuaState): void {
  const libs: [string, (L: LuaState) => void][] = [
    ['cjson', openCjson],
    ['cmsgpack', openCmsgpack],
    ['bit', openBit],
    ['struct', openStruct],
  ];
  for (const [name, open] of libs) {
    open(L);
    lua.lua_setglobal(L, name);
  }
}
