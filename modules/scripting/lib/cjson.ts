/**
 * cjson: Redis's bundled lua-cjson 2.1.0 — encode/decode, cjson.null, the configuration
 * functions (state per cjson table, as cjson.new() gives in C) and its exact error texts.
 */
import {
  ByteBuffer,
  argError,
  checkInteger,
  checkString,
  hasStack,
  lua,
  pushBytes,
  raise,
  setFuncs,
  setString,
  toCInt,
  typeError,
  typeName,
  type LuaCFunction,
  type LuaState,
} from './lua-api';
import { formatG, strtod } from './number-format';

interface JsonConfig {
  sparseConvert: number;
  sparseRatio: number;
  sparseSafe: number;
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  /** 0 refuse NaN/Inf, 1 write nan/inf, 2 write null. */
  encodeInvalidNumbers: number;
  decodeInvalidNumbers: number;
  encodeKeepBuffer: number;
  numberPrecision: number;
}

const defaults = (): JsonConfig => ({
  sparseConvert: 0,
  sparseRatio: 2,
  sparseSafe: 10,
  encodeMaxDepth: 1000,
  decodeMaxDepth: 1000,
  encodeInvalidNumbers: 0,
  decodeInvalidNumbers: 1,
  encodeKeepBuffer: 1,
  numberPrecision: 14,
});

const INT_MAX = 2147483647;

/* ---------------------------------------------------------------- configuration */

function argInit(L: LuaState, args: number): void {
  if (lua.lua_gettop(L) > args) argError(L, args + 1, 'found too many arguments');
  while (lua.lua_gettop(L) < args) lua.lua_pushnil(L);
}

function integerOption(L: LuaState, index: number, get: () => number, set: (v: number) => void, min: number, max: number): void {
  if (lua.lua_type(L, index) !== lua.LUA_TNIL) {
    const value = toCInt(checkInteger(L, index));
    // lua-cjson reports every range error against argument #1.
    if (value < min || value > max) argError(L, 1, `expected integer between ${min} and ${max}`);
    set(value);
  }
  lua.lua_pushnumber(L, get());
}

function checkOption(L: LuaState, index: number, options: string[]): number {
  const t = lua.lua_type(L, index);
  if (t !== lua.LUA_TSTRING && t !== lua.LUA_TNUMBER) typeError(L, index, 'string');
  const name = Buffer.from(lua.lua_tolstring(L, index) as Uint8Array).toString('latin1');
  const found = options.indexOf(name);
  if (found < 0) argError(L, index, `invalid option '${name}'`);
  return found;
}

function enumOption(L: LuaState, index: number, get: () => number, set: (v: number) => void, options = ['off', 'on']): void {
  if (lua.lua_type(L, index) !== lua.LUA_TNIL) {
    set(lua.lua_type(L, index) === lua.LUA_TBOOLEAN ? +lua.lua_toboolean(L, index) : checkOption(L, index, options));
  }
  const v = get();
  if (v <= 1) lua.lua_pushboolean(L, v === 1);
  else lua.lua_pushliteral(L, options[v]);
}

function configFunctions(cfg: JsonConfig): Record<string, LuaCFunction> {
  return {
    encode_sparse_array(L) {
      argInit(L, 3);
      enumOption(L, 1, () => cfg.sparseConvert, (v) => (cfg.sparseConvert = v));
      integerOption(L, 2, () => cfg.sparseRatio, (v) => (cfg.sparseRatio = v), 0, INT_MAX);
      integerOption(L, 3, () => cfg.sparseSafe, (v) => (cfg.sparseSafe = v), 0, INT_MAX);
      return 3;
    },
    encode_max_depth(L) {
      argInit(L, 1);
      integerOption(L, 1, () => cfg.encodeMaxDepth, (v) => (cfg.encodeMaxDepth = v), 1, INT_MAX);
      return 1;
    },
    decode_max_depth(L) {
      argInit(L, 1);
      integerOption(L, 1, () => cfg.decodeMaxDepth, (v) => (cfg.decodeMaxDepth = v), 1, INT_MAX);
      return 1;
    },
    encode_number_precision(L) {
      argInit(L, 1);
      integerOption(L, 1, () => cfg.numberPrecision, (v) => (cfg.numberPrecision = v), 1, 14);
      return 1;
    },
    // The C library keeps a reusable buffer; only the setting is observable.
    encode_keep_buffer(L) {
      argInit(L, 1);
      enumOption(L, 1, () => cfg.encodeKeepBuffer, (v) => (cfg.encodeKeepBuffer = v));
      return 1;
    },
    encode_invalid_numbers(L) {
      argInit(L, 1);
      enumOption(L, 1, () => cfg.encodeInvalidNumbers, (v) => (cfg.encodeInvalidNumbers = v), ['off', 'on', 'null']);
      return 1;
    },
    decode_invalid_numbers(L) {
      argInit(L, 1);
      enumOption(L, 1, () => cfg.decodeInvalidNumbers, (v) => (cfg.decodeInvalidNumbers = v));
      return 1;
    },
  };
}

/* ---------------------------------------------------------------- encoding */

const ESCAPES: (Uint8Array | null)[] = Array.from({ length: 256 }, (_, c) => {
  const named: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 34: '\\"', 47: '\\/', 92: '\\\\' };
  const text = named[c] ?? (c < 32 || c === 127 ? `\\u${c.toString(16).padStart(4, '0')}` : null);
  return text === null ? null : Buffer.from(text, 'latin1');
});

function encodeError(L: LuaState, index: number, reason: string): never {
  return raise(L, `Cannot serialise ${typeName(L, index)}: ${reason}`);
}

function appendString(L: LuaState, out: ByteBuffer, index: number): void {
  const s = lua.lua_tolstring(L, index) as Uint8Array;
  out.byte(34);
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const esc = ESCAPES[s[i]];
    if (esc === null) continue;
    out.append(s, run, i);
    out.append(esc);
    run = i + 1;
  }
  out.append(s, run);
  out.byte(34);
}

function appendNumber(L: LuaState, cfg: JsonConfig, out: ByteBuffer, index: number): void {
  const num = lua.lua_tonumberx(L, index) as number;
  if (!Number.isFinite(num)) {
    if (cfg.encodeInvalidNumbers === 0) encodeError(L, index, 'must not be NaN or Inf');
    if (cfg.encodeInvalidNumbers === 2) return out.ascii('null');
  }
  out.ascii(formatG(num, cfg.numberPrecision));
}

/** The array length of the table on top, or -1 when it must be an object (lua_array_length). */
function arrayLength(L: LuaState, cfg: JsonConfig): number {
  let max = 0;
  let items = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2) !== 0) {
    const k = lua.lua_type(L, -2) === lua.LUA_TNUMBER ? (lua.lua_tonumberx(L, -2) as number) : 0;
    if (k !== 0 && Math.floor(k) === k && k >= 1) {
      // max is a C int: keys beyond its range wrap to INT_MIN, as in Redis.
      if (k > max) max = toCInt(k);
      items++;
      lua.lua_pop(L, 1);
      continue;
    }
    lua.lua_pop(L, 2);
    return -1;
  }
  if (cfg.sparseRatio > 0 && max > Math.imul(items, cfg.sparseRatio) && max > cfg.sparseSafe) {
    if (!cfg.sparseConvert) encodeError(L, -1, 'excessively sparse array');
    return -1;
  }
  return max;
}

function appendData(L: LuaState, cfg: JsonConfig, depth: number, out: ByteBuffer): void {
  switch (lua.lua_type(L, -1)) {
    case lua.LUA_TSTRING:
      return appendString(L, out, -1);
    case lua.LUA_TNUMBER:
      return appendNumber(L, cfg, out, -1);
    case lua.LUA_TBOOLEAN:
      return out.ascii(lua.lua_toboolean(L, -1) ? 'true' : 'false');
    case lua.LUA_TNIL:
      return out.ascii('null');
    case lua.LUA_TTABLE: {
      depth++;
      if (depth > cfg.encodeMaxDepth || !hasStack(L, 3)) raise(L, `Cannot serialise, excessive nesting (${depth})`);
      const len = arrayLength(L, cfg);
      return len > 0 ? appendArray(L, cfg, depth, out, len) : appendObject(L, cfg, depth, out);
    }
    case lua.LUA_TLIGHTUSERDATA:
      if (lua.lua_touserdata(L, -1) === null) return out.ascii('null');
  }
  encodeError(L, -1, 'type not supported');
}

function appendArray(L: LuaState, cfg: JsonConfig, depth: number, out: ByteBuffer, len: number): void {
  out.byte(91);
  for (let i = 1; i <= len; i++) {
    if (i > 1) out.byte(44);
    lua.lua_rawgeti(L, -1, i);
    appendData(L, cfg, depth, out);
    lua.lua_pop(L, 1);
  }
  out.byte(93);
}

function appendObject(L: LuaState, cfg: JsonConfig, depth: number, out: ByteBuffer): void {
  out.byte(123);
  let comma = false;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2) !== 0) {
    if (comma) out.byte(44);
    comma = true;
    const keyType = lua.lua_type(L, -2);
    if (keyType === lua.LUA_TNUMBER) {
      out.byte(34);
      appendNumber(L, cfg, out, -2);
      out.ascii('":');
    } else if (keyType === lua.LUA_TSTRING) {
      appendString(L, out, -2);
      out.byte(58);
    } else {
      encodeError(L, -2, 'table key must be a number or string');
    }
    appendData(L, cfg, depth, out);
    lua.lua_pop(L, 1);
  }
  out.byte(125);
}

/* ---------------------------------------------------------------- decoding */

enum Tok {
  ObjBegin,
  ObjEnd,
  ArrBegin,
  ArrEnd,
  String,
  Number,
  Boolean,
  Null,
  Colon,
  Comma,
  End,
  Whitespace,
  Error,
  Unknown,
}

const TOKEN_NAMES = [
  'T_OBJ_BEGIN', 'T_OBJ_END', 'T_ARR_BEGIN', 'T_ARR_END', 'T_STRING', 'T_NUMBER', 'T_BOOLEAN',
  'T_NULL', 'T_COLON', 'T_COMMA', 'T_END', 'T_WHITESPACE', 'T_ERROR', 'T_UNKNOWN',
];

const CH2TOKEN: Tok[] = Array.from({ length: 256 }, (_, c) => {
  const fixed: Record<string, Tok> = {
    '{': Tok.ObjBegin, '}': Tok.ObjEnd, '[': Tok.ArrBegin, ']': Tok.ArrEnd, ',': Tok.Comma, ':': Tok.Colon,
    '\0': Tok.End, ' ': Tok.Whitespace, '\t': Tok.Whitespace, '\n': Tok.Whitespace, '\r': Tok.Whitespace,
  };
  const ch = String.fromCharCode(c);
  return fixed[ch] ?? ('fiInNt"+-0123456789'.includes(ch) ? Tok.Unknown : Tok.Error);
});

const ESCAPE2CHAR: number[] = Array.from({ length: 256 }, (_, c) => {
  const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', u: 'u' };
  return map[String.fromCharCode(c)]?.charCodeAt(0) ?? 0;
});

interface Token {
  type: Tok;
  index: number;
  str: Uint8Array;
  num: number;
  bool: boolean;
  error: string;
}

const hexDigit = (c: number): number => {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
};

class JsonParser {
  private ptr = 0;
  private depth = 0;
  private readonly tmp = new ByteBuffer();
  private readonly token: Token = { type: Tok.End, index: 0, str: new Uint8Array(0), num: 0, bool: false, error: '' };

  constructor(
    private readonly L: LuaState,
    private readonly cfg: JsonConfig,
    private readonly data: Uint8Array,
  ) {}

  /** The byte at i; the C parser reads a NUL-terminated string, so past the end is 0. */
  private at(i: number): number {
    return i < this.data.length ? this.data[i] : 0;
  }

  private startsWith(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (this.at(this.ptr + i) !== word.charCodeAt(i)) return false;
    return true;
  }

  decode(): void {
    const t = this.next();
    this.value(t);
    if (this.next().type !== Tok.End) this.fail('the end');
  }

  private setError(error: string): Token {
    this.token.type = Tok.Error;
    this.token.index = this.ptr;
    this.token.error = error;
    return this.token;
  }

  private next(): Token {
    const t = this.token;
    let ch: number;
    for (;;) {
      ch = this.at(this.ptr);
      t.type = CH2TOKEN[ch];
      if (t.type !== Tok.Whitespace) break;
      this.ptr++;
    }
    t.index = this.ptr;
    if (t.type === Tok.Error) return this.setError('invalid token');
    if (t.type === Tok.End) return t;
    if (t.type !== Tok.Unknown) {
      this.ptr++;
      return t;
    }
    if (ch === 34) return this.stringToken();
    if (ch === 45 || (ch >= 48 && ch <= 57)) {
      if (!this.cfg.decodeInvalidNumbers && this.isInvalidNumber()) return this.setError('invalid number');
      return this.numberToken();
    }
    if (this.startsWith('true') || this.startsWith('false')) {
      t.type = Tok.Boolean;
      t.bool = ch === 116;
      this.ptr += t.bool ? 4 : 5;
      return t;
    }
    if (this.startsWith('null')) {
      t.type = Tok.Null;
      this.ptr += 4;
      return t;
    }
    if (this.cfg.decodeInvalidNumbers && this.isInvalidNumber()) return this.numberToken();
    return this.setError('invalid token');
  }

  /** Numbers JSON forbids but strtod reads: +1, 0x10, 012, inf, nan. */
  private isInvalidNumber(): boolean {
    let p = this.ptr;
    if (this.at(p) === 43) return true;
    if (this.at(p) === 45) p++;
    if (this.at(p) === 48) {
      const ch2 = this.at(p + 1);
      return (ch2 | 0x20) === 120 || (ch2 >= 48 && ch2 <= 57);
    }
    if (this.at(p) <= 57) return false;
    const word = String.fromCharCode(this.at(p), this.at(p + 1), this.at(p + 2)).toLowerCase();
    return word === 'inf' || word === 'nan';
  }

  private numberToken(): Token {
    const { value, end } = strtod(this.data, this.ptr);
    if (end === this.ptr) return this.setError('invalid number');
    this.token.type = Tok.Number;
    this.token.num = value;
    this.ptr = end;
    return this.token;
  }

  private stringToken(): Token {
    const tmp = this.tmp;
    tmp.length = 0;
    this.ptr++;
    let ch: number;
    while ((ch = this.at(this.ptr)) !== 34) {
      if (ch === 0) return this.setError('unexpected end of string');
      if (ch === 92) {
        const esc = ESCAPE2CHAR[this.at(this.ptr + 1)];
        if (esc === 117) {
          if (this.unicodeEscape()) continue;
          return this.setError('invalid unicode escape code');
        }
        if (esc === 0) return this.setError('invalid escape code');
        this.ptr++;
        ch = esc;
      }
      tmp.byte(ch);
      this.ptr++;
    }
    this.ptr++;
    this.token.type = Tok.String;
    this.token.str = tmp.bytes();
    return this.token;
  }

  private hex4(at: number): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const d = hexDigit(this.at(at + i));
      if (d < 0) return -1;
      v = (v << 4) | d;
    }
    return v;
  }

  /** Appends the UTF-8 of a \uXXXX escape (or surrogate pair) at ptr; false if malformed. */
  private unicodeEscape(): boolean {
    let cp = this.hex4(this.ptr + 2);
    let len = 6;
    if (cp < 0) return false;
    if ((cp & 0xf800) === 0xd800) {
      if (cp & 0x400) return false;
      if (this.at(this.ptr + 6) !== 92 || this.at(this.ptr + 7) !== 117) return false;
      const low = this.hex4(this.ptr + 8);
      if (low < 0 || (low & 0xfc00) !== 0xdc00) return false;
      cp = (((cp & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
      len = 12;
    }
    const out = this.tmp;
    if (cp <= 0x7f) out.byte(cp);
    else if (cp <= 0x7ff) out.byte((cp >> 6) | 0xc0), out.byte((cp & 0x3f) | 0x80);
    else if (cp <= 0xffff) out.byte((cp >> 12) | 0xe0), out.byte(((cp >> 6) & 0x3f) | 0x80), out.byte((cp & 0x3f) | 0x80);
    else {
      out.byte((cp >> 18) | 0xf0);
      out.byte(((cp >> 12) & 0x3f) | 0x80);
      out.byte(((cp >> 6) & 0x3f) | 0x80);
      out.byte((cp & 0x3f) | 0x80);
    }
    this.ptr += len;
    return true;
  }

  private fail(expected: string): never {
    const t = this.token;
    const found = t.type === Tok.Error ? t.error : TOKEN_NAMES[t.type];
    return raise(this.L, `Expected ${expected} but found ${found} at character ${t.index + 1}`);
  }

  private descend(slots: number): void {
    this.depth++;
    if (this.depth > this.cfg.decodeMaxDepth || !hasStack(this.L, slots)) {
      raise(this.L, `Found too many nested data structures (${this.depth}) at character ${this.ptr}`);
    }
  }

  private object(): void {
    const L = this.L;
    this.descend(3);
    lua.lua_createtable(L, 0, 0);
    let t = this.next();
    if (t.type === Tok.ObjEnd) return void this.depth--;
    for (;;) {
      if (t.type !== Tok.String) this.fail('object key string');
      pushBytes(L, t.str);
      if (this.next().type !== Tok.Colon) this.fail('colon');
      this.value(this.next());
      lua.lua_rawset(L, -3);
      t = this.next();
      if (t.type === Tok.ObjEnd) return void this.depth--;
      if (t.type !== Tok.Comma) this.fail('comma or object end');
      t = this.next();
    }
  }

  private array(): void {
    const L = this.L;
    this.descend(2);
    lua.lua_createtable(L, 0, 0);
    let t = this.next();
    if (t.type === Tok.ArrEnd) return void this.depth--;
    for (let i = 1; ; i++) {
      this.value(t);
      lua.lua_rawseti(L, -2, i);
      t = this.next();
      if (t.type === Tok.ArrEnd) return void this.depth--;
      if (t.type !== Tok.Comma) this.fail('comma or array end');
      t = this.next();
    }
  }

  private value(t: Token): void {
    const L = this.L;
    switch (t.type) {
      case Tok.String:
        return pushBytes(L, t.str);
      case Tok.Number:
        return lua.lua_pushnumber(L, t.num);
      case Tok.Boolean:
        return lua.lua_pushboolean(L, t.bool);
      case Tok.ObjBegin:
        return this.object();
      case Tok.ArrBegin:
        return this.array();
      case Tok.Null:
        return lua.lua_pushlightuserdata(L, null);
      default:
        this.fail('value');
    }
  }
}

/* ---------------------------------------------------------------- module */

/** Pushes a new cjson module table with its own configuration. */
export function openCjson(L: LuaState): void {
  const cfg = defaults();
  lua.lua_createtable(L, 0, 13);
  setFuncs(L, {
    encode(L) {
      if (lua.lua_gettop(L) !== 1) argError(L, 1, 'expected 1 argument');
      const out = new ByteBuffer();
      appendData(L, cfg, 0, out);
      pushBytes(L, out.bytes());
      return 1;
    },
    decode(L) {
      if (lua.lua_gettop(L) !== 1) argError(L, 1, 'expected 1 argument');
      const data = checkString(L, 1);
      if (data.length >= 2 && (data[0] === 0 || data[1] === 0)) raise(L, 'JSON parser does not support UTF-16 or UTF-32');
      new JsonParser(L, cfg, data).decode();
      return 1;
    },
    ...configFunctions(cfg),
    new(L) {
      openCjson(L);
      return 1;
    },
  });
  lua.lua_pushlightuserdata(L, null);
  lua.lua_setfield(L, -2, 'null');
  setString(L, '_NAME', 'cjson');
  setString(L, '_VERSION', '2.1.0');
}
