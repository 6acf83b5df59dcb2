/** bit: LuaBitOp 1.0.2 as Redis builds it for Lua 5.1 — 32-bit operations returning signed doubles. */
import { lua, setFuncs, typeError, type LuaCFunction, type LuaState } from './lua-api';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * barg(): the argument as 32 bits. LuaBitOp adds 2^52+2^51 and keeps the low word of the double,
 * which rounds to nearest-even and wraps modulo 2^32; doing the same keeps huge values identical.
 */
function barg(L: LuaState, idx: number): number {
  const n = lua.lua_tonumberx(L, idx);
  F64[0] = (n === false ? 0 : n) + 6755399441055744.0;
  const b = U32[0];
  if (b === 0 && n === false) typeError(L, idx, 'number');
  return b;
}

function bret(L: LuaState, b: number): number {
  lua.lua_pushnumber(L, b | 0);
  return 1;
}

function reduce(op: (a: number, b: number) => number): LuaCFunction {
  return (L) => {
    let b = barg(L, 1);
    for (let i = lua.lua_gettop(L); i > 1; i--) b = op(b, barg(L, i));
    return bret(L, b);
  };
}

function shift(op: (b: number, n: number) => number): LuaCFunction {
  return (L) => {
    const b = barg(L, 1);
    return bret(L, op(b, barg(L, 2) & 31));
  };
}

function tohex(L: LuaState): number {
  let b = barg(L, 1);
  let n = lua.lua_type(L, 2) === lua.LUA_TNONE ? 8 : barg(L, 2) | 0;
  let digits = '0123456789abcdef';
  if (n < 0) {
    n = -n | 0;
    digits = '0123456789ABCDEF';
  }
  // -INT_MIN overflows; Redis's build then behaves as if it were large, i.e. 8 digits.
  if (n > 8 || n < 0) n = 8;
  let out = '';
  for (let i = 0; i < n; i++) {
    out = digits[b & 15] + out;
    b >>>= 4;
  }
  lua.lua_pushliteral(L, out);
  return 1;
}

/** Pushes the bit module table. */
export function openBit(L: LuaState): void {
  lua.lua_createtable(L, 0, 12);
  setFuncs(L, {
    tobit: (L) => bret(L, barg(L, 1)),
    bnot: (L) => bret(L, ~barg(L, 1)),
    band: reduce((a, b) => a & b),
    bor: reduce((a, b) => a | b),
    bxor: reduce((a, b) => a ^ b),
    lshift: shift((b, n) => b << n),
    rshift: shift((b, n) => b >>> n),
    arshift: shift((b, n) => b >> n),
    rol: shift((b, n) => (b << n) | (b >>> (32 - n))),
    ror: shift((b, n) => (b << (32 - n)) | (b >>> n)),
    bswap(L) {
      const b = barg(L, 1);
      return bret(L, (b >>> 24) | ((b >> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24));
    },
    tohex,
  });
}
