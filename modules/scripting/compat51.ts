import { fromBytes, lauxlib, lstr, lua, type LuaState, pushString, raise, toString } from './lua';
import { getHeapStatistics } from 'v8';
import { formatE } from './lib';
import { formatG } from './redis-api';
import { natural } from '../../kernel';

/** 2^63 (LLONG_MIN's magnitude) and 2^64, as digits: the casts of formatInteger, without BigInt. */
const INT64_MIN_MAGNITUDE = '9223372036854775808';
const TWO_POW_64 = '18446744073709551616';

/**
 * Lua 5.1 on fengari's Lua 5.3. Redis scripts are written for 5.1, where every number is a
 * double; fengari's 5.3 integers are 32-bit and wrap at 2^31. So numbers stay floats:
 * numerals are read as floats (lua51Syntax), library functions that return
 * integers are wrapped to return floats, and printing uses "%.14g" (patches/: fengari's
 * number formatting). Integer results only survive where two library integers meet (`#a * #b`).
 */

/**
 * Compile Lua 5.1 (opt-ins of patches/fengari): every numeral is read as a float, so
 * `65536*65536` cannot wrap; `//`, `::`, `goto` and the bitwise operators are not syntax, and
 * error messages quote every token, as 5.1's do ("near '<eof>'").
 */
export function lua51Syntax(L: LuaState): void {
  const g = (L as { l_G: { floatnumerals?: boolean; lua51?: boolean } }).l_G;
  g.floatnumerals = true;
  g.lua51 = true;
}

/** Compile text (never bytecode) with float constants; pushes the function or an error message. */
export function loadText(L: LuaState, code: Uint8Array, chunkname: string): number {
  return lauxlib.luaL_loadbufferx(L, code, code.length, lstr(chunkname), lstr('t'));
}

/** loadstring(s [, chunkname]): nil plus the message on error, as 5.1. */
function loadstring(L: LuaState): number {
  const code = lauxlib.luaL_checklstring(L, 1);
  const name = lua.lua_type(L, 2) === lua.LUA_TSTRING ? toString(L, 2)! : `=(load)`;
  if (loadText(L, code, name) === lua.LUA_OK) return 1;
  lua.lua_pushnil(L);
  lua.lua_insert(L, -2);
  return 2;
}

/** 5.1's load(func [, chunkname]) takes a reader function only; the chunk must be text. */
function load(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TFUNCTION);
  let code = '';
  for (;;) {
    lua.lua_pushvalue(L, 1);
    lua.lua_call(L, 0, 1);
    if (lua.lua_isnil(L, -1)) break;
    if (lua.lua_type(L, -1) !== lua.LUA_TSTRING) raise(L, 'reader function must return a string');
    const piece = toString(L, -1)!;
    lua.lua_pop(L, 1);
    if (piece === '') break;
    code += piece;
  }
  lua.lua_settop(L, 2);
  const name = lua.lua_type(L, 2) === lua.LUA_TSTRING ? toString(L, 2)! : '=(load)';
  const bytes = new Uint8Array(code.length);
  for (let i = 0; i < code.length; i++) bytes[i] = code.charCodeAt(i);
  if (loadText(L, bytes, name) === lua.LUA_OK) return 1;
  lua.lua_pushnil(L);
  lua.lua_insert(L, -2);
  return 2;
}

/** string.format with 5.1's integer conversions: any double, truncated, in 64 bits. */
function format(L: LuaState): number {
  const f = fromBytes(lauxlib.luaL_checklstring(L, 1));
  const spec = /%([-+ #0]*)(\d*)(?:\.(\d*))?([a-zA-Z%])/g;
  let out = '';
  let last = 0;
  let arg = 1;
  for (let m = spec.exec(f); m !== null; m = spec.exec(f)) {
    out += f.slice(last, m.index);
    last = spec.lastIndex;
    const [whole, flags, width, prec, conv] = m;
    if (flags.length > 5) raise(L, 'invalid format (repeated flags)');
    if (width.length > 2 || (prec !== undefined && prec.length > 2)) raise(L, 'invalid format (width or precision too long)');
    if (conv === '%') {
      out += '%';
      continue;
    }
    arg++;
    if ('diucxXo'.includes(conv)) {
      const n = lauxlib.luaL_checknumber(L, arg) as number;
      out += conv === 'c' ? String.fromCharCode(Math.trunc(n) & 255) : formatInteger(flags, width, prec, conv, n);
      continue;
    }
    if ((conv === 'g' || conv === 'G') && !flags.includes('#')) {
      // C's %g (fengari's prints 1e20 in full).
      const n = lauxlib.luaL_checknumber(L, arg) as number;
      const g = formatG(n, prec === undefined ? 6 : Math.max(1, Number(prec || 0)));
      out += pad(flags, width, conv === 'G' ? g.toUpperCase() : g);
      continue;
    }
    if (conv === 'e' || conv === 'E') {
      // C's, rounded from the exact value, with at least two exponent digits (fengari's "1.23e+4").
      const n = lauxlib.luaL_checknumber(L, arg) as number;
      let e = Number.isNaN(n) ? '-nan' : formatE(n, prec === undefined ? 6 : Number(prec || 0));
      if (conv === 'E') e = e.toUpperCase();
      out += pad(flags, width, e);
      continue;
    }
    if (conv === 'f' && !flags.includes('#')) {
      // fengari's %f has no default precision ("1.5" where C prints "1.500000").
      out += pad(flags, width, fixed(lauxlib.luaL_checknumber(L, arg) as number, prec === undefined ? 6 : Number(prec || 0)));
      continue;
    }
    if (conv === 'q') {
      out += quoted(lauxlib.luaL_checklstring(L, arg) as Uint8Array);
      continue;
    }
    if (!'fs'.includes(conv)) raise(L, `invalid option '%${conv}' to 'format'`);
    // 5.1's %s takes a string or a number, not any value through tostring as 5.3's does.
    if (conv === 's') lauxlib.luaL_checklstring(L, arg);
    // Other conversions: fengari's own format, one conversion at a time.
    lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
    pushString(L, whole);
    lua.lua_pushvalue(L, arg);
    lua.lua_call(L, 2, 1);
    out += toString(L, -1)!;
    lua.lua_pop(L, 1);
  }
  out += f.slice(last);
  pushString(L, out);
  return 1;
}

/**
 * C's %.{p}f: the double's exact binary value rounded to p decimals, ties to even (Number's
 * toFixed rounds ties up and turns to exponents from 1e21).
 */
function fixed(n: number, p: number): string {
  if (!Number.isFinite(n)) return formatG(n, 1);
  const abs = Math.abs(n);
  if (p <= 60 && abs < 1e21 && (abs === 0 || abs >= 2 ** -100)) {
    // In this range toFixed(100) is the exact expansion, so an exact tie shows as a 5 and zeros
    // after the last kept decimal; anything else rounds the same up or to even, without BigInt.
    const full = abs.toFixed(100);
    const rest = full.slice(full.indexOf('.') + 1 + p);
    if (!(rest.charCodeAt(0) === 53 && /^0*$/.test(rest.slice(1)))) {
      const digits = abs.toFixed(p);
      return n < 0 || Object.is(n, -0) ? `-${digits}` : digits;
    }
  }
  // Exact on naturals (no BigInt: V8's optimiser has crashed the process on BigInt code run hot).
  const { mant, exp } = natural.doubleParts(Math.abs(n));
  const scaled = natural.mulPow10(mant, p);
  let digits = natural.toDecimal(exp >= 0 ? natural.shiftLeft(scaled, exp) : natural.shiftRightRounded(scaled, -exp));
  if (p > 0) {
    digits = digits.padStart(p + 1, '0');
    digits = `${digits.slice(0, -p)}.${digits.slice(-p)}`;
  }
  return n < 0 || Object.is(n, -0) ? `-${digits}` : digits;
}

/** 5.1's %q (addquoted): quotes, backslashes and newlines escaped, "\r" and "\000" spelled out. */
function quoted(s: Uint8Array): string {
  let out = '"';
  for (const c of s) {
    if (c === 34 || c === 92 || c === 10) out += `\\${String.fromCharCode(c)}`;
    else if (c === 13) out += '\\r';
    else if (c === 0) out += '\\000';
    else out += String.fromCharCode(c);
  }
  return `${out}"`;
}

/** A formatted number padded to `width` as printf's flags ask (sign, space, '-', '0'). */
function pad(flags: string, width: string, s: string): string {
  if (!s.startsWith('-') && flags.includes('+')) s = `+${s}`;
  else if (!s.startsWith('-') && flags.includes(' ')) s = ` ${s}`;
  const w = Number(width || 0);
  if (s.length >= w) return s;
  if (flags.includes('-')) return s.padEnd(w);
  if (flags.includes('0') && /^[-+ ]?[0-9]/.test(s)) {
    const sign = /^[-+ ]/.test(s) ? s[0] : '';
    return sign + s.slice(sign.length).padStart(w - sign.length, '0');
  }
  return s.padStart(w);
}

function formatInteger(flags: string, width: string, prec: string | undefined, conv: string, n: number): string {
  const radix = conv === 'x' || conv === 'X' ? 16 : conv === 'o' ? 8 : 10;
  const t = Math.trunc(n);
  let neg: boolean;
  let digits: string;
  if (Number.isSafeInteger(t) && !(t < 0 && 'uxXo'.includes(conv))) {
    // The usual case, without BigInt: the number's own digits.
    neg = t < 0;
    digits = Math.abs(t).toString(radix);
  } else {
    // The int64 edges and a negative number read as unsigned need 64 bits: C's casts of the
    // double as x86-64 does them (signed: LLONG_MIN when out of range; unsigned: two's complement,
    // 2^63 below -2^63, 0 from 2^64 on), as redis-server prints them. An integral double below
    // 1e21 has its exact digits in toFixed(0).
    let magnitude: string;
    if (!'uxXo'.includes(conv)) {
      const min = !Number.isFinite(n) || n >= 2 ** 63 || n < -(2 ** 63);
      neg = min || t < 0;
      magnitude = min ? INT64_MIN_MAGNITUDE : Math.abs(t).toFixed(0);
    } else {
      neg = false;
      if (!(n < 2 ** 64)) magnitude = '0';
      else if (n < -(2 ** 63)) magnitude = INT64_MIN_MAGNITUDE;
      else if (t < 0) magnitude = natural.toDecimal(natural.subtract(natural.fromDecimal(TWO_POW_64), natural.fromDecimal((-t).toFixed(0))));
      else magnitude = t.toFixed(0);
    }
    digits = radix === 10 ? magnitude : natural.toRadix(natural.fromDecimal(magnitude), radix);
  }
  const zero = digits === '0';
  if (conv === 'X') digits = digits.toUpperCase();
  if (prec !== undefined) digits = Number(prec) === 0 && zero ? '' : digits.padStart(Number(prec), '0');
  const sign = neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const prefix = flags.includes('#') && !zero ? (conv === 'x' ? '0x' : conv === 'X' ? '0X' : conv === 'o' ? '0' : '') : '';
  const w = Number(width || 0);
  const len = sign.length + prefix.length + digits.length;
  if (len >= w) return sign + prefix + digits;
  if (flags.includes('-')) return (sign + prefix + digits).padEnd(w);
  if (flags.includes('0') && prec === undefined) return sign + prefix + digits.padStart(w - sign.length - prefix.length, '0');
  return (sign + prefix + digits).padStart(w);
}

/** Lua-side compatibility: functions whose integer results must be floats, and 5.1 names. */
const COMPAT_LUA = `
local floor, tonum, huge = math.floor, tonumber, math.huge
local function float(n) if n then return n + 0.0 end return n end
math.mod = math.fmod
math.pow = function(a, b) return a ^ b end
local log = math.log
math.log = function(x) return log(x) end
math.log10 = function(x) return log(x, 10) end
math.ldexp = function(m, e) return m * 2.0 ^ e end
math.frexp = function(x)
  if x == 0 or x ~= x or x == huge or x == -huge then return x, 0 end
  local e = floor(math.log(math.abs(x), 2)) + 1
  local m = x / 2.0 ^ e
  if math.abs(m) >= 1 then m, e = m / 2, e + 1 elseif math.abs(m) < 0.5 then m, e = m * 2, e - 1 end
  return m, e + 0.0
end
math.cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end
math.sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end
math.tanh = function(x) local a, b = math.exp(x), math.exp(-x) return (a - b) / (a + b) end
tonumber = function(...) return float(tonum(...)) end
unpack = table.unpack
table.getn = function(t) return #t end
table.maxn = function(t)
  local n = 0
  for k in pairs(t) do if type(k) == 'number' and k > n then n = k end end
  return n
end
string.gfind = string.gmatch
gcinfo = function() return collectgarbage('count') end
`;

/**
 * math.floor, math.ceil and math.fmod as 5.1 has them: C's, on doubles, so the results are
 * floats (5.3's are integers). In JavaScript, not Lua, so a bad argument is reported where the
 * script called them, as Redis reports it.
 */
const FLOAT_MATH: Array<[string, (L: LuaState) => number]> = [
  ['floor', (L) => pushFloat(L, Math.floor(lauxlib.luaL_checknumber(L, 1) as number))],
  ['ceil', (L) => pushFloat(L, Math.ceil(lauxlib.luaL_checknumber(L, 1) as number))],
  ['fmod', (L) => pushFloat(L, (lauxlib.luaL_checknumber(L, 1) as number) % (lauxlib.luaL_checknumber(L, 2) as number))],
];

function pushFloat(L: LuaState, n: number): number {
  lua.lua_pushnumber(L, n);
  return 1;
}

const GC_OPTIONS = ['stop', 'restart', 'collect', 'count', 'step', 'setpause', 'setstepmul'];
/** setpause and setstepmul answer the previous value; 5.1 starts both at 200. */
const gcTuning: Record<string, number> = { setpause: 200, setstepmul: 200 };

/**
 * collectgarbage as 5.1 answers it (fengari has none: JavaScript's collector runs on its own):
 * "count" is the JavaScript heap in use, in KB; the controls change nothing and answer 0.
 */
function collectgarbage(L: LuaState): number {
  const opt = GC_OPTIONS[lauxlib.luaL_checkoption(L, 1, lstr('collect'), GC_OPTIONS.map(lstr))];
  const arg = lauxlib.luaL_optinteger(L, 2, 0) as number;
  if (opt === 'count') lua.lua_pushnumber(L, getHeapStatistics().used_heap_size / 1024);
  else if (opt === 'step') lua.lua_pushboolean(L, false);
  else if (opt in gcTuning) {
    lua.lua_pushnumber(L, gcTuning[opt]);
    gcTuning[opt] = arg;
  } else lua.lua_pushnumber(L, 0);
  return 1;
}

/** Install the 5.1 names and behaviour on the globals (before the sandbox locks them). */
export function installCompat51(L: LuaState): void {
  lua51Syntax(L);
  // tostring and concatenation print numbers as 5.1's "%.14g", rounded as glibc rounds.
  (L as { l_G: { number2str?: (n: number) => string } }).l_G.number2str = (n) => formatG(n, 14);
  lua.lua_pushjsfunction(L, collectgarbage);
  lua.lua_setglobal(L, lstr('collectgarbage'));
  lua.lua_getglobal(L, lstr('math'));
  for (const [name, fn] of FLOAT_MATH) {
    lua.lua_pushjsfunction(L, fn);
    lua.lua_setfield(L, -2, lstr(name));
  }
  lua.lua_pop(L, 1);
  const code = lstr(COMPAT_LUA);
  if (loadText(L, code, '=compat51') !== lua.LUA_OK) throw new Error(toString(L, -1) ?? 'compat51');
  lua.lua_call(L, 0, 0);
  lua.lua_pushjsfunction(L, loadstring);
  lua.lua_setglobal(L, lstr('loadstring'));
  lua.lua_pushjsfunction(L, load);
  lua.lua_setglobal(L, lstr('load'));
  lua.lua_getglobal(L, lstr('string'));
  lua.lua_getfield(L, -1, lstr('format'));
  lua.lua_pushcclosure(L, format, 1);
  lua.lua_setfield(L, -2, lstr('format'));
  lua.lua_getfield(L, -1, lstr('rep'));
  lua.lua_pushcclosure(L, rep, 1);
  lua.lua_setfield(L, -2, lstr('rep'));
  lua.lua_pop(L, 1);
  pushString(L, 'Lua 5.1');
  lua.lua_setglobal(L, lstr('_VERSION'));
}

/** Strings longer than this fail to build (fengari's concatenation has the same bound, patches/). */
export const MAX_STRING = 512 * 1024 * 1024;

/** string.rep(s, n) with the result's size checked before anything is allocated; 5.1's has no separator. */
function rep(L: LuaState): number {
  const s = lauxlib.luaL_checklstring(L, 1) as Uint8Array;
  const n = lauxlib.luaL_checknumber(L, 2) as number;
  if (n >= 1 && s.length * n > MAX_STRING) raise(L, 'resulting string too large');
  lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
  lua.lua_pushvalue(L, 1);
  lua.lua_pushnumber(L, Math.trunc(n));
  lua.lua_call(L, 2, 1);
  return 1;
}
