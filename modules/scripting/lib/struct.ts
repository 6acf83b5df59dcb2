/**
 * struct: Roberto Ierusalimschy's struct library as patched in Redis (pack, unpack, size).
 * Integers go through a 64-bit `long` like the C build on x86-64, including its quirks for
 * sizes over 8 bytes and out-of-range doubles.
 */
import {
  ByteBuffer,
  argError,
  checkNumber,
  checkStack,
  checkString,
  lua,
  optInteger,
  pushBytes,
  raise,
  setFuncs,
  type LuaState,
} from './lua-api';

const MAXINTSIZE = 32;
const MAXALIGN = 8;
const INT_MAX = 2147483647;
const TWO_63 = 9223372036854775808;
const LITTLE = 1;

interface Header {
  endian: number;
  align: number;
}

/** A format string walked like the C `const char *fmt` (it ends at the first NUL). */
class Format {
  pos = 0;
  constructor(private readonly fmt: Uint8Array) {}

  next(): number {
    return this.pos < this.fmt.length ? this.fmt[this.pos++] : 0;
  }

  private peekDigit(): boolean {
    const c = this.fmt[this.pos] ?? 0;
    return c >= 48 && c <= 57;
  }

  getnum(L: LuaState, df: number): number {
    if (!this.peekDigit()) return df;
    let a = 0;
    do {
      const d = this.fmt[this.pos] - 48;
      if (a > INT_MAX / 10 || a * 10 > INT_MAX - d) raise(L, 'integral size overflow');
      a = a * 10 + d;
      this.pos++;
    } while (this.peekDigit());
    return a;
  }
}

const isp2 = (x: number): boolean => x > 0 && (x & (x - 1)) === 0;
const ch = (c: string): number => c.charCodeAt(0);

function optsize(L: LuaState, opt: number, fmt: Format): number {
  switch (String.fromCharCode(opt)) {
    case 'B': case 'b': return 1;
    case 'H': case 'h': return 2;
    case 'L': case 'l': case 'T': case 'd': return 8;
    case 'f': return 4;
    case 'x': return 1;
    case 'c': return fmt.getnum(L, 1);
    case 'i': case 'I': {
      const sz = fmt.getnum(L, 4);
      if (sz > MAXINTSIZE) raise(L, `integral size ${sz} is larger than limit of ${MAXINTSIZE}`);
      return sz;
    }
    default: return 0;
  }
}

function gettoalign(len: number, h: Header, opt: number, size: number): number {
  if (size === 0 || opt === ch('c')) return 0;
  if (size > h.align) size = h.align;
  return (size - (len & (size - 1))) & (size - 1);
}

function controloptions(L: LuaState, opt: number, fmt: Format, h: Header): void {
  switch (String.fromCharCode(opt)) {
    case ' ': return;
    case '>': h.endian = 0; return;
    case '<': h.endian = LITTLE; return;
    case '!': {
      const a = fmt.getnum(L, MAXALIGN);
      if (!isp2(a)) raise(L, `alignment ${a} is not a power of 2`);
      h.align = a;
      return;
    }
    default:
      argError(L, 1, `invalid format option '${String.fromCharCode(opt)}'`);
  }
}

const isIntegerOption = (opt: number): boolean => 'bBhHlLTiI'.includes(String.fromCharCode(opt));

/** A 64-bit value as two unsigned 32-bit words, without BigInt (set by toUint64). */
let hiWord = 0;
let loWord = 0;

/** Split an integral double of magnitude below 2^64 into hiWord:loWord (two's complement when negative). */
function splitWords(t: number): void {
  const hi = Math.floor(t / 4294967296);
  loWord = t - hi * 4294967296;
  hiWord = hi >>> 0;
}

/** The C conversion of a double to the 64-bit unsigned `value` written by putinteger, into the words. */
function toUint64(n: number): void {
  if (n < 0) {
    if (n >= -TWO_63) splitWords(Math.trunc(n));
    else (hiWord = 0x80000000), (loWord = 0);
  } else if (n < TWO_63) {
    splitWords(Math.trunc(n));
  } else if (n - TWO_63 < TWO_63) {
    // (uint64_t) of >= 2^63 subtracts 2^63 and converts signed: the same integral value.
    splitWords(n);
  } else {
    // Overflow yields 0; NaN converts as x86's cvttsd2si does, to 2^63.
    hiWord = Number.isNaN(n) ? 0x80000000 : 0;
    loWord = 0;
  }
}

function putinteger(L: LuaState, out: ByteBuffer, arg: number, endian: number, size: number): void {
  toUint64(checkNumber(L, arg));
  const buff = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const byte = i < 4 ? loWord >>> (8 * i) : i < 8 ? hiWord >>> (8 * (i - 4)) : 0;
    buff[endian === LITTLE ? i : size - 1 - i] = byte & 0xff;
  }
  out.append(buff);
}

function getinteger(data: Uint8Array, pos: number, endian: number, signed: boolean, size: number): number {
  // Shifted in most significant byte first, keeping the low 64 bits, as the C loop does.
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < size; i++) {
    const b = data[endian === LITTLE ? pos + size - 1 - i : pos + i];
    hi = ((hi << 8) | (lo >>> 24)) >>> 0;
    lo = ((lo << 8) | b) >>> 0;
  }
  if (!signed) return hi * 4294967296 + lo;
  // x86 masks the shift count to 6 bits, which decides sign extension for sizes above 8:
  // every bit from `bit` up is set when any of them is.
  const bit = (size * 8 - 1) & 63;
  const maskHi = bit >= 32 ? (~0 << (bit - 32)) >>> 0 : 0xffffffff;
  const maskLo = bit >= 32 ? 0 : (~0 << bit) >>> 0;
  if ((hi & maskHi) !== 0 || (lo & maskLo) !== 0) {
    hi = (hi | maskHi) >>> 0;
    lo = (lo | maskLo) >>> 0;
  }
  return (hi | 0) * 4294967296 + lo;
}

function floatBytes(n: number, size: number, endian: number): Uint8Array {
  const view = new DataView(new ArrayBuffer(size));
  // JS has one NaN; Redis's come from x86 arithmetic (0/0), whose default NaN has the sign bit set.
  if (Number.isNaN(n)) view.setUint8(0, 0xff), view.setUint8(1, size === 4 ? 0xc0 : 0xf8);
  else if (size === 4) view.setFloat32(0, n);
  else view.setFloat64(0, n);
  const b = new Uint8Array(view.buffer);
  return endian === LITTLE ? b.reverse() : b;
}

function readFloat(data: Uint8Array, pos: number, size: number, endian: number): number {
  const b = data.slice(pos, pos + size);
  if (endian === LITTLE) b.reverse();
  const view = new DataView(b.buffer);
  return size === 4 ? view.getFloat32(0) : view.getFloat64(0);
}

function pack(L: LuaState): number {
  const fmt = new Format(checkString(L, 1));
  const h: Header = { endian: LITTLE, align: 1 };
  let arg = 2;
  let totalsize = 0;
  // The C code pushes a nil mark here, so the first missing argument reads as "got nil".
  lua.lua_pushnil(L);
  const out = new ByteBuffer();
  for (let opt = fmt.next(); opt !== 0; opt = fmt.next()) {
    let size = optsize(L, opt, fmt);
    let toalign = gettoalign(totalsize, h, opt, size);
    totalsize += toalign;
    while (toalign-- > 0) out.byte(0);
    if (isIntegerOption(opt)) {
      putinteger(L, out, arg++, h.endian, size);
    } else if (opt === ch('x')) {
      out.byte(0);
    } else if (opt === ch('f') || opt === ch('d')) {
      out.append(floatBytes(checkNumber(L, arg++), size, h.endian));
    } else if (opt === ch('c') || opt === ch('s')) {
      const s = checkString(L, arg++);
      if (size === 0) size = s.length;
      if (s.length < size) argError(L, arg, 'string too short');
      out.append(s, 0, size);
      if (opt === ch('s')) {
        out.byte(0);
        size++;
      }
    } else {
      controloptions(L, opt, fmt, h);
    }
    totalsize += size;
  }
  pushBytes(L, out.bytes());
  return 1;
}

function unpack(L: LuaState): number {
  const fmt = new Format(checkString(L, 1));
  const data = checkString(L, 2);
  const ld = data.length;
  const offset = optInteger(L, 3, 1);
  // pos is a size_t: offset 0 is refused, a negative one wraps to a huge position.
  if (offset === 0) argError(L, 3, 'offset must be 1 or greater');
  let pos = offset < 0 ? Infinity : offset - 1;
  const h: Header = { endian: LITTLE, align: 1 };
  lua.lua_settop(L, 2);
  for (let opt = fmt.next(); opt !== 0; opt = fmt.next()) {
    let size = optsize(L, opt, fmt);
    pos += gettoalign(pos, h, opt, size);
    if (!(pos + size <= ld)) argError(L, 2, 'data string too short');
    // Room for this result and the final position, as Redis's build reserves.
    checkStack(L, 2, 'too many results');
    if (isIntegerOption(opt)) {
      lua.lua_pushnumber(L, getinteger(data, pos, h.endian, opt >= ch('a'), size));
    } else if (opt === ch('f') || opt === ch('d')) {
      lua.lua_pushnumber(L, readFloat(data, pos, size, h.endian));
    } else if (opt === ch('c')) {
      if (size === 0) {
        // The size is the previous result, which must exist and be a number.
        if (lua.lua_gettop(L) === 2 || !lua.lua_isnumber(L, -1)) raise(L, "format 'c0' needs a previous size");
        const prev = lua.lua_tonumberx(L, -1) as number;
        size = prev < 0 ? Infinity : Math.trunc(prev);
        lua.lua_pop(L, 1);
        if (!(size <= ld && pos <= ld - size)) argError(L, 2, 'data string too short');
      }
      pushBytes(L, data.subarray(pos, pos + size));
    } else if (opt === ch('s')) {
      const end = data.indexOf(0, pos);
      if (end < 0) raise(L, 'unfinished string in data');
      size = end - pos + 1;
      pushBytes(L, data.subarray(pos, end));
    } else if (opt !== ch('x')) {
      controloptions(L, opt, fmt, h);
    }
    pos += size;
  }
  lua.lua_pushnumber(L, offset < 0 ? offset : pos + 1);
  return lua.lua_gettop(L) - 2;
}

function size(L: LuaState): number {
  const fmt = new Format(checkString(L, 1));
  const h: Header = { endian: LITTLE, align: 1 };
  let pos = 0;
  for (let opt = fmt.next(); opt !== 0; opt = fmt.next()) {
    const sz = optsize(L, opt, fmt);
    pos += gettoalign(pos, h, opt, sz);
    if (opt === ch('s')) argError(L, 1, "option 's' has no fixed size");
    else if (opt === ch('c') && sz === 0) argError(L, 1, "option 'c0' has no fixed size");
    if (!/[0-9A-Za-z]/.test(String.fromCharCode(opt))) controloptions(L, opt, fmt, h);
    pos += sz;
  }
  lua.lua_pushnumber(L, pos);
  return 1;
}

/** Pushes the struct module table. */
export function openStruct(L: LuaState): void {
  lua.lua_createtable(L, 0, 3);
  setFuncs(L, { pack, unpack, size });
}
