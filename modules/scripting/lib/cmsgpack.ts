/**
 * cmsgpack: Redis's bundled lua-cmsgpack 0.4.0 as built for Lua 5.1 on 64-bit: numbers are
 * doubles, packed as the smallest integer encoding when they hold an int64, else float32 when
 * exact, else float64; decoded integers come back as doubles (uint64 through int64, as in C).
 */
import {
  ByteBuffer,
  argError,
  checkInteger,
  checkStack,
  checkString,
  hasStack,
  lua,
  optInteger,
  pushBytes,
  raise,
  setFuncs,
  setString,
  type LuaState,
} from './lua-api';

const MAX_NESTING = 16;
const INT_MAX = 2147483647;
const TWO_63 = 9223372036854775808;

const scratch = new DataView(new ArrayBuffer(8));

/**
 * An integral double within int64, big-endian in `size` bytes after `tag`, two's complement.
 * Plain number arithmetic is exact here: the high word is n / 2^32 floored (a power-of-two
 * division), the low word what remains.
 */
function putInt(out: ByteBuffer, tag: number, size: number, n: number): void {
  out.byte(tag);
  if (size === 8) {
    const hi = Math.floor(n / 4294967296);
    const lo = n - hi * 4294967296;
    for (let shift = 24; shift >= 0; shift -= 8) out.byte((hi >>> shift) & 0xff);
    for (let shift = 24; shift >= 0; shift -= 8) out.byte((lo >>> shift) & 0xff);
    return;
  }
  for (let shift = (size - 1) * 8; shift >= 0; shift -= 8) out.byte((n >>> shift) & 0xff);
}

function encodeInt(out: ByteBuffer, n: number): void {
  if (n >= 0) {
    if (n <= 127) out.byte(n);
    else if (n <= 0xff) putInt(out, 0xcc, 1, n);
    else if (n <= 0xffff) putInt(out, 0xcd, 2, n);
    else if (n <= 0xffffffff) putInt(out, 0xce, 4, n);
    else putInt(out, 0xcf, 8, n);
  } else if (n >= -32) out.byte(n & 0xff);
  else if (n >= -128) putInt(out, 0xd0, 1, n);
  else if (n >= -32768) putInt(out, 0xd1, 2, n);
  else if (n >= -2147483648) putInt(out, 0xd2, 4, n);
  else putInt(out, 0xd3, 8, n);
}

function encodeDouble(out: ByteBuffer, d: number): void {
  if (Math.fround(d) === d) {
    scratch.setFloat32(0, d);
    out.byte(0xca);
    for (let i = 0; i < 4; i++) out.byte(scratch.getUint8(i));
    return;
  }
  // JS has one NaN; Redis's come from x86 arithmetic (0/0), whose default NaN has the sign bit set.
  if (Number.isNaN(d)) scratch.setUint32(0, 0xfff80000), scratch.setUint32(4, 0);
  else scratch.setFloat64(0, d);
  out.byte(0xcb);
  for (let i = 0; i < 8; i++) out.byte(scratch.getUint8(i));
}

function encodeNumber(out: ByteBuffer, n: number): void {
  // (int64_t)n == n: integral and inside the int64 range.
  if (Number.isInteger(n) && n >= -TWO_63 && n < TWO_63) encodeInt(out, n);
  else encodeDouble(out, n);
}

function encodeHeader(out: ByteBuffer, n: number, fix: number, tag16: number): void {
  if (n <= 15) out.byte(fix | n);
  else if (n <= 0xffff) out.byte(tag16), out.byte(n >> 8), out.byte(n & 0xff);
  else out.byte(tag16 + 1), out.byte(n >>> 24), out.byte((n >> 16) & 0xff), out.byte((n >> 8) & 0xff), out.byte(n & 0xff);
}

/** The number of keys when the table on top holds exactly the keys 1..n, else -1. */
function arraySize(L: LuaState): number {
  const top = lua.lua_gettop(L);
  let count = 0;
  let max = 0;
  checkStack(L, 2, 'in function table_is_an_array');
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    lua.lua_pop(L, 1);
    const n = lua.lua_type(L, -1) === lua.LUA_TNUMBER ? (lua.lua_tonumberx(L, -1) as number) : 0;
    if (!(n > 0 && Number.isInteger(n) && n <= INT_MAX)) {
      lua.lua_settop(L, top);
      return -1;
    }
    max = Math.max(n, max);
    count++;
  }
  return max === count ? count : -1;
}

/** Encodes the value on top of the stack and pops it. */
function encodeValue(L: LuaState, out: ByteBuffer, level: number): void {
  let type = lua.lua_type(L, -1);
  // Cuts cycles: tables nested deeper than MAX_NESTING are written as nil.
  if (type === lua.LUA_TTABLE && level === MAX_NESTING) type = lua.LUA_TNIL;
  switch (type) {
    case lua.LUA_TSTRING: {
      const s = lua.lua_tolstring(L, -1) as Uint8Array;
      const len = s.length;
      if (len < 32) out.byte(0xa0 | len);
      else if (len <= 0xff) out.byte(0xd9), out.byte(len);
      else encodeHeader(out, len, 0, 0xda);
      out.append(s);
      break;
    }
    case lua.LUA_TBOOLEAN:
      out.byte(lua.lua_toboolean(L, -1) ? 0xc3 : 0xc2);
      break;
    case lua.LUA_TNUMBER:
      encodeNumber(out, lua.lua_tonumberx(L, -1) as number);
      break;
    case lua.LUA_TTABLE:
      encodeTable(L, out, level);
      break;
    default:
      out.byte(0xc0);
  }
  lua.lua_pop(L, 1);
}

function encodeTable(L: LuaState, out: ByteBuffer, level: number): void {
  const size = arraySize(L);
  if (size >= 0) {
    encodeHeader(out, size, 0x90, 0xdc);
    checkStack(L, 1, 'in function mp_encode_lua_table_as_array');
    for (let i = 1; i <= size; i++) {
      lua.lua_geti(L, -1, i);
      encodeValue(L, out, level + 1);
    }
    return;
  }
  checkStack(L, 3, 'in function mp_encode_lua_table_as_map');
  let count = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    lua.lua_pop(L, 1);
    count++;
  }
  encodeHeader(out, count, 0x80, 0xde);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    lua.lua_pushvalue(L, -2);
    encodeValue(L, out, level + 1);
    encodeValue(L, out, level + 1);
  }
}

function pack(L: LuaState): number {
  const nargs = lua.lua_gettop(L);
  if (nargs === 0) argError(L, 0, 'MessagePack pack needs input.');
  if (!hasStack(L, nargs)) argError(L, 0, 'Too many arguments for MessagePack pack.');
  const out = new ByteBuffer();
  for (let i = 1; i <= nargs; i++) {
    lua.lua_pushvalue(L, i);
    encodeValue(L, out, 0);
  }
  pushBytes(L, out.bytes());
  return 1;
}

/** Thrown inside the decoder for truncated (EOF) or malformed input. */
class DecodeError {
  constructor(readonly message: string) {}
}
const MISSING = new DecodeError('Missing bytes in input.');
const BAD_FORMAT = new DecodeError('Bad data format in input.');

class Decoder {
  constructor(
    private readonly L: LuaState,
    private readonly data: Uint8Array,
    public pos: number,
  ) {}

  get left(): number {
    return this.data.length - this.pos;
  }

  private need(n: number): void {
    if (this.left < n) throw MISSING;
  }

  /** A big-endian unsigned length of 2 or 4 bytes. */
  private uint(offset: number, size: number): number {
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + this.data[this.pos + offset + i];
    return v;
  }

  /** Pushes a number whose encoding (already checked present) is a tag plus `size` bytes. */
  private number(size: number, value: number): void {
    lua.lua_pushnumber(this.L, value);
    this.pos += 1 + size;
  }

  private string(headerSize: number, len: number): void {
    this.need(headerSize + len);
    pushBytes(this.L, this.data.subarray(this.pos + headerSize, this.pos + headerSize + len));
    this.pos += headerSize + len;
  }

  private array(len: number): void {
    const L = this.L;
    lua.lua_createtable(L, 0, 0);
    checkStack(L, 1, 'in function mp_decode_to_lua_array');
    for (let i = 1; i <= len; i++) {
      lua.lua_pushnumber(L, i);
      this.value();
      lua.lua_settable(L, -3);
    }
  }

  private map(len: number): void {
    const L = this.L;
    lua.lua_createtable(L, 0, 0);
    for (let i = 0; i < len; i++) {
      this.value();
      this.value();
      lua.lua_settable(L, -3);
    }
  }

  /** Decodes one value at pos and pushes it (mp_decode_to_lua_type). */
  value(): void {
    const L = this.L;
    this.need(1);
    checkStack(L, 1, 'too many return values at once; use unpack_one or unpack_limit instead.');
    const tag = this.data[this.pos];
    const d = this.data;
    const p = this.pos;
    const view = (): DataView => new DataView(d.buffer, d.byteOffset + p + 1);
    switch (tag) {
      case 0xcc:
        this.need(2);
        return this.number(1, d[p + 1]);
      case 0xd0:
        this.need(2);
        return this.number(1, (d[p + 1] << 24) >> 24);
      case 0xcd:
        this.need(3);
        return this.number(2, view().getUint16(0));
      case 0xd1:
        this.need(3);
        return this.number(2, view().getInt16(0));
      case 0xce:
        this.need(5);
        return this.number(4, view().getUint32(0));
      case 0xd2:
        this.need(5);
        return this.number(4, view().getInt32(0));
      // Both 64-bit forms land in a signed lua_Integer, so uint64 above INT64_MAX turns negative.
      case 0xcf:
      case 0xd3:
        this.need(9);
        // The high word signed, the low word unsigned: hi * 2^32 + lo rounds once, as the cast to double does.
        return this.number(8, view().getInt32(0) * 4294967296 + view().getUint32(4));
      case 0xc0:
        lua.lua_pushnil(L);
        this.pos++;
        return;
      case 0xc3:
      case 0xc2:
        lua.lua_pushboolean(L, tag === 0xc3);
        this.pos++;
        return;
      case 0xca:
        this.need(5);
        return this.number(4, view().getFloat32(0));
      case 0xcb:
        this.need(9);
        return this.number(8, view().getFloat64(0));
      case 0xd9:
        this.need(2);
        return this.string(2, d[p + 1]);
      case 0xda:
        this.need(3);
        return this.string(3, this.uint(1, 2));
      case 0xdb:
        this.need(5);
        return this.string(5, this.uint(1, 4));
      case 0xdc:
        this.need(3);
        this.pos += 3;
        return this.array(this.uint(-2, 2));
      case 0xdd:
        this.need(5);
        this.pos += 5;
        return this.array(this.uint(-4, 4));
      case 0xde:
        this.need(3);
        this.pos += 3;
        return this.map(this.uint(-2, 2));
      case 0xdf:
        this.need(5);
        this.pos += 5;
        return this.map(this.uint(-4, 4));
    }
    if ((tag & 0x80) === 0) return this.number(0, tag);
    if ((tag & 0xe0) === 0xe0) return this.number(0, (tag << 24) >> 24);
    if ((tag & 0xe0) === 0xa0) return this.string(1, tag & 0x1f);
    this.pos++;
    if ((tag & 0xf0) === 0x90) return this.array(tag & 0xf);
    if ((tag & 0xf0) === 0x80) return this.map(tag & 0xf);
    throw BAD_FORMAT;
  }
}

/** mp_unpack_full: limit and offset 0 decode everything and return no offset. */
function unpackFull(L: LuaState, limit: number, offset: number): number {
  const data = checkString(L, 1);
  const len = data.length;
  // The C message prints the input length where the limit is meant; kept for identical errors.
  if (offset < 0 || limit < 0) raise(L, `Invalid request to unpack with offset of ${offset | 0} and limit of ${len}.`);
  if (offset > len) raise(L, `Start offset ${offset | 0} greater than input length ${len}.`);
  const decodeAll = limit === 0 && offset === 0;
  const max = decodeAll ? INT_MAX : limit;
  const decoder = new Decoder(L, data, offset);
  let count = 0;
  for (; decoder.left > 0 && count < max; count++) {
    try {
      decoder.value();
    } catch (e) {
      if (e instanceof DecodeError) raise(L, e.message);
      throw e;
    }
  }
  if (decodeAll) return count;
  checkStack(L, 1, 'in function mp_unpack_full');
  lua.lua_pushnumber(L, decoder.left === 0 ? -1 : decoder.pos);
  lua.lua_insert(L, 2);
  return count + 1;
}

/** Pushes the cmsgpack module table. */
export function openCmsgpack(L: LuaState): void {
  lua.lua_createtable(L, 0, 8);
  setFuncs(L, {
    pack,
    unpack: (L) => unpackFull(L, 0, 0),
    unpack_one(L) {
      const offset = optInteger(L, 2, 0);
      if (lua.lua_gettop(L) > 1) lua.lua_settop(L, 1);
      return unpackFull(L, 1, offset);
    },
    unpack_limit(L) {
      const limit = checkInteger(L, 2);
      const offset = optInteger(L, 3, 0);
      if (lua.lua_gettop(L) > 1) lua.lua_settop(L, 1);
      return unpackFull(L, limit, offset);
    },
  });
  setString(L, '_NAME', 'cmsgpack');
  setString(L, '_VERSION', 'lua-cmsgpack 0.4.0');
  setString(L, '_COPYRIGHT', 'Copyright (C) 2012, Salvatore Sanfilippo');
  setString(L, '_DESCRIPTION', 'MessagePack C implementation for Lua');
}
