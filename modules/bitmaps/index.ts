import { constants } from 'buffer';
import {
  Command,
  type CommandContext,
  Errors,
  Notify,
  parseInt64,
  parseIntArg,
  RedisModule,
  type Reply,
  ReplyError,
} from '../../kernel';
import { countBits, findBit, readSmall, window, writeSmall } from './bits';
import * as wide from './wide';

const W = wide.W;

const badOffset = new ReplyError('ERR bit offset is not an integer or out of range');
const badBit = new ReplyError('ERR bit is not an integer or out of range');
const bitposBit = new ReplyError('ERR The bit argument must be 1 or 0.');
const notSingleSource = new ReplyError('ERR BITOP NOT must be called with a single source key.');
const badType = new ReplyError(
  'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
);
const badOverflow = new ReplyError('ERR Invalid OVERFLOW type specified');
const roOnlyGet = new ReplyError('ERR BITFIELD_RO only supports the GET subcommand');

const enum Overflow {
  Wrap,
  Sat,
  Fail,
}

const enum Op {
  Get,
  Set,
  IncrBy,
}

interface FieldOp {
  op: Op;
  signed: boolean;
  bits: number;
  /** Bit offsets go up to 8 * proto-max-bulk-len: beyond 2^31, so no `>>` on them. */
  offset: number;
  /** SET's value or INCRBY's increment, exact within double precision. */
  value: number;
  /** Its digits, for the exact 64-bit path. */
  text: string;
  overflow: Overflow;
}

/**
 * Fields of up to 32 bits with a value below this in magnitude are computed with numbers, exactly
 * (sums stay below 2^53); wider fields and int64 values near the limits take the 64-bit path.
 */
const SMALL_VALUE = 2 ** 52;

function isSmall(f: FieldOp): boolean {
  return f.bits <= 32 && f.value < SMALL_VALUE && f.value > -SMALL_VALUE;
}

/** What strcasecmp sees of an argument: the bytes before the first NUL, lower-cased. */
function word(s: string): string {
  const i = s.indexOf('\0');
  return (i < 0 ? s : s.slice(0, i)).toLowerCase();
}

/** A string value for a bit command, undefined when missing; bitmaps are plain strings. */
function asString(v: unknown): string | undefined {
  if (v === undefined || typeof v === 'string') return v;
  throw Errors.wrongType;
}

/** A read lookup (lookupKeyRead): statistics and the keymiss event. */
function readString(ctx: CommandContext, key: string): string | undefined {
  const v = asString(ctx.db.get(key));
  if (v === undefined) ctx.keyMiss(key);
  return v;
}

/**
 * getBitOffsetFromArgument: a bit offset, or with `#` (BITFIELD) a field index scaled by the
 * field width, which wraps around in int64 like Redis's multiplication. It must address a byte
 * below proto-max-bulk-len.
 */
function bitOffset(ctx: CommandContext, arg: string, bits: number): number {
  let off: number;
  if (bits > 0 && arg.length > 1 && arg.charCodeAt(0) === 35 /* # */) {
    const n = parseInt64(arg.slice(1));
    if (n === null) throw badOffset;
    // Exact in doubles unless the index is huge; then Redis's int64 wrap decides.
    if (typeof n === 'number' && Math.abs(n) < 2 ** 46) off = n * bits;
    else {
      wide.fromDecimal(arg.slice(1));
      wide.mulSmall(W.rh, W.rl, bits);
      off = W.rh * 2 ** 32 + W.rl;
    }
  } else {
    off = parseIntArg(arg);
  }
  if (!(off >= 0) || Math.floor(off / 8) >= ctx.server.parserLimits.maxBulkLen) throw badOffset;
  return off;
}

/** A string of at least `len` bytes, zero-padded (sdsgrowzero), within V8's string limit. */
function grow(cur: string, len: number): string {
  if (cur.length >= len) return cur;
  if (len > constants.MAX_STRING_LENGTH) throw Errors.stringTooLong;
  return cur + '\0'.repeat(len - cur.length);
}

/**
 * The BITCOUNT/BITPOS range arguments as an inclusive bit range over a `len`-byte string,
 * with Redis's clamping of negative and out-of-range indexes; null when empty.
 */
function bitRange(len: number, start: number, end: number, isBit: boolean): [number, number] | null {
  const total = isBit ? len * 8 : len;
  if (start < 0) start = Math.max(0, total + start);
  if (end < 0) end = Math.max(0, total + end);
  if (end >= total) end = total - 1;
  if (start > end) return null;
  return isBit ? [start, end] : [start * 8, end * 8 + 7];
}

/** The optional BYTE|BIT unit argument. */
function isBitUnit(arg: string | undefined): boolean {
  if (arg === undefined) return false;
  const w = word(arg);
  if (w === 'bit') return true;
  if (w === 'byte') return false;
  throw Errors.syntax;
}

function intArg(arg: string): number {
  const n = parseIntArg(arg);
  if (Number.isNaN(n)) throw Errors.notInteger;
  return n;
}

/** getBitfieldTypeFromArgument: i1..i64 or u1..u63 (C reads the width up to a NUL). */
function fieldType(arg: string): [signed: boolean, bits: number] {
  const c = arg.charAt(0);
  if (c !== 'i' && c !== 'u') throw badType;
  const nul = arg.indexOf('\0');
  const bits = parseIntArg(nul < 0 ? arg.slice(1) : arg.slice(1, nul));
  if (!(bits >= 1) || bits > (c === 'i' ? 64 : 63)) throw badType;
  return [c === 'i', bits];
}

/** fieldResult for a small field (isSmall): the same checks in exact double arithmetic. */
function smallResult(f: FieldOp, value: number, incr: number): number | null {
  const { bits, signed, overflow } = f;
  const m = 2 ** bits;
  if (signed) {
    const max = m / 2 - 1;
    const min = -max - 1;
    const high = value > max || incr > max - value;
    const low = !high && (value < min || incr < min - value);
    if (!high && !low) return value + incr;
    if (overflow === Overflow.Fail) return null;
    if (overflow === Overflow.Sat) return high ? max : min;
    const r = (((value + incr) % m) + m) % m;
    return r > max ? r - m : r;
  }
  const max = m - 1;
  // Redis reads the value as a uint64: a negative one is past every unsigned field's range.
  const high = value < 0 || value > max || (incr > 0 && incr > max - value);
  if (!high && !(incr < 0 && incr < -value)) return value + incr;
  if (overflow === Overflow.Fail) return null;
  if (overflow === Overflow.Sat) return high ? max : 0;
  return (((value + incr) % m) + m) % m;
}

/**
 * checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow with their int64 arithmetic, on
 * halves (value vh:vl, increment ih:il): the value to store in W, or false when FAIL refuses it.
 */
function wideResult(f: FieldOp, vh: number, vl: number, ih: number, il: number): boolean {
  const { bits, signed, overflow } = f;
  const incrPositive = ih > 0 || (ih === 0 && il !== 0);
  if (signed) {
    wide.ones(bits - 1);
    const maxh = W.rh;
    const maxl = W.rl;
    const minh = ~maxh;
    const minl = ~maxl >>> 0;
    // Redis computes these in int64 and they can wrap when the value is out of range (SET).
    wide.sub(maxh, maxl, vh, vl);
    const xh = W.rh;
    const xl = W.rl;
    wide.sub(minh, minl, vh, vl);
    const nh = W.rh;
    const nl = W.rl;
    const narrow = bits !== 64;
    const high =
      wide.lessSigned(maxh, maxl, vh, vl) || (narrow && wide.lessSigned(xh, xl, ih, il)) || (vh >= 0 && incrPositive && wide.lessSigned(xh, xl, ih, il));
    const low =
      !high && (wide.lessSigned(vh, vl, minh, minl) || (narrow && wide.lessSigned(ih, il, nh, nl)) || (vh < 0 && ih < 0 && wide.lessSigned(ih, il, nh, nl)));
    if (!high && !low) {
      wide.add(vh, vl, ih, il);
      return true;
    }
    if (overflow === Overflow.Fail) return false;
    if (overflow === Overflow.Sat) {
      W.rh = high ? maxh : minh;
      W.rl = high ? maxl : minl;
      return true;
    }
    wide.add(vh, vl, ih, il);
    wide.asIntN(bits, W.rh, W.rl);
    return true;
  }
  // The value read as a uint64: a negative one is past every unsigned field's range.
  wide.ones(bits);
  const maxh = W.rh;
  const maxl = W.rl;
  let high = wide.lessUnsigned(maxh, maxl, vh, vl);
  let low = false;
  if (!high) {
    wide.sub(maxh, maxl, vh, vl);
    high = incrPositive && wide.lessSigned(W.rh, W.rl, ih, il);
    wide.negate(vh, vl);
    low = !high && ih < 0 && wide.lessSigned(ih, il, W.rh, W.rl);
  }
  if (!high && !low) {
    wide.add(vh, vl, ih, il);
    return true;
  }
  if (overflow === Overflow.Fail) return false;
  if (overflow === Overflow.Sat) {
    W.rh = high ? maxh : 0;
    W.rl = high ? maxl : 0;
    return true;
  }
  wide.add(vh, vl, ih, il);
  wide.asUintN(bits, W.rh, W.rl);
  return true;
}

// Bitmaps are strings: the strings module owns the type they read and write.
@RedisModule({ name: 'bitmaps', requires: ['strings'] })
export default class BitmapsModule {
  @Command('setbit')
  setbit(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    const offset = bitOffset(ctx, argv[2], 0);
    const on = parseIntArg(argv[3]);
    if (on !== 0 && on !== 1) throw badBit;
    const cur = asString(ctx.db.peek(key));
    const byte = Math.floor(offset / 8);
    const v = grow(cur ?? '', byte + 1);
    const old = v.charCodeAt(byte);
    const mask = 1 << (7 - (offset % 8));
    const was = (old & mask) !== 0 ? 1 : 0;
    // Like Redis, a write that changes nothing (same bit, same length) is not a modification.
    if (v !== cur || was !== on) {
      const next = on === 1 ? old | mask : old & ~mask;
      ctx.db.set(key, v.slice(0, byte) + String.fromCharCode(next) + v.slice(byte + 1), true);
      ctx.modified(key, Notify.STRING, 'setbit');
    }
    // Redis unshares the string to write it even when nothing changes: a raw one from now on.
    ctx.db.markRaw(key, v.length);
    return was;
  }

  @Command('getbit')
  getbit(ctx: CommandContext, argv: string[]): Reply {
    const offset = bitOffset(ctx, argv[2], 0);
    const v = readString(ctx, argv[1]);
    if (v === undefined) return 0;
    const byte = Math.floor(offset / 8);
    if (byte >= v.length) return 0;
    return (v.charCodeAt(byte) >> (7 - (offset % 8))) & 1;
  }

  @Command('bitcount')
  bitcount(ctx: CommandContext, argv: string[]): Reply {
    // Redis 7.0 looks the key up before it parses the range: a missing key answers 0 regardless.
    const v = readString(ctx, argv[1]);
    if (v === undefined) return 0;
    let range: [number, number] | null;
    if (argv.length === 4 || argv.length === 5) {
      const start = intArg(argv[2]);
      const end = intArg(argv[3]);
      const isBit = isBitUnit(argv[4]);
      if (start < 0 && end < 0 && start > end) return 0;
      range = bitRange(v.length, start, end, isBit);
    } else if (argv.length === 2) {
      range = v.length === 0 ? null : [0, v.length * 8 - 1];
    } else {
      throw Errors.syntax;
    }
    return range === null ? 0 : countBits(v, range[0], range[1]);
  }

  @Command('bitpos')
  bitpos(ctx: CommandContext, argv: string[]): Reply {
    const bit = parseIntArg(argv[2]);
    if (Number.isNaN(bit)) throw Errors.notInteger;
    if (bit !== 0 && bit !== 1) throw bitposBit;
    // A missing key is an infinite run of clear bits.
    const v = readString(ctx, argv[1]);
    if (v === undefined) return bit === 1 ? -1 : 0;
    let range: [number, number] | null;
    const endGiven = argv.length >= 5;
    if (argv.length >= 4 && argv.length <= 6) {
      const start = intArg(argv[3]);
      const isBit = isBitUnit(argv[5]);
      const end = endGiven ? intArg(argv[4]) : isBit ? v.length * 8 + 7 : v.length - 1;
      range = bitRange(v.length, start, end, isBit);
    } else if (argv.length === 3) {
      range = v.length === 0 ? null : [0, v.length * 8 - 1];
    } else {
      throw Errors.syntax;
    }
    if (range === null) return -1;
    const pos = findBit(v, bit, range[0], range[1]);
    // Looking for a clear bit without an explicit end, the string is taken as zero-padded.
    if (pos === -1 && bit === 0 && !endGiven) return range[1] + 1;
    return pos;
  }

  @Command('bitop')
  bitop(ctx: CommandContext, argv: string[]): Reply {
    const op = word(argv[1]);
    if (op !== 'and' && op !== 'or' && op !== 'xor' && op !== 'not') throw Errors.syntax;
    if (op === 'not' && argv.length !== 4) throw notSingleSource;
    const dest = argv[2];
    const srcs: Buffer[] = [];
    let maxLen = 0;
    for (let i = 3; i < argv.length; i++) {
      const v = asString(ctx.db.get(argv[i]));
      if (v === undefined) ctx.keyMiss(argv[i]);
      const b = Buffer.from(v ?? '', 'latin1');
      srcs.push(b);
      if (b.length > maxLen) maxLen = b.length;
    }
    if (maxLen === 0) {
      if (ctx.db.delete(dest)) ctx.modified(dest, Notify.GENERIC, 'del');
      return 0;
    }
    // Shorter sources count as zero-padded to the longest.
    const res = Buffer.alloc(maxLen);
    srcs[0].copy(res);
    if (op === 'not') {
      for (let j = 0; j < maxLen; j++) res[j] = ~res[j];
    } else {
      for (let i = 1; i < srcs.length; i++) {
        const s = srcs[i];
        if (op === 'and') {
          for (let j = 0; j < maxLen; j++) res[j] &= j < s.length ? s[j] : 0;
        } else if (op === 'or') {
          for (let j = 0; j < s.length; j++) res[j] |= s[j];
        } else {
          for (let j = 0; j < s.length; j++) res[j] ^= s[j];
        }
      }
    }
    ctx.db.set(dest, res.toString('latin1'));
    ctx.db.markRaw(dest, maxLen);
    ctx.modified(dest, Notify.STRING, 'set');
    return maxLen;
  }

  @Command('bitfield')
  bitfield(ctx: CommandContext, argv: string[]): Reply {
    return this.bitfieldGeneric(ctx, argv, false);
  }

  @Command('bitfield_ro')
  bitfieldRo(ctx: CommandContext, argv: string[]): Reply {
    return this.bitfieldGeneric(ctx, argv, true);
  }

  /** bitfieldGeneric: parse every operation first, then run them in order on one buffer. */
  private bitfieldGeneric(ctx: CommandContext, argv: string[], readOnlyCommand: boolean): Reply {
    const ops: FieldOp[] = [];
    let overflow = Overflow.Wrap;
    let readOnly = true;
    let highest = 0;
    for (let j = 2; j < argv.length; j++) {
      const remaining = argv.length - j - 1;
      const sub = word(argv[j]);
      let op: Op;
      if (sub === 'get' && remaining >= 2) op = Op.Get;
      else if (sub === 'set' && remaining >= 3) op = Op.Set;
      else if (sub === 'incrby' && remaining >= 3) op = Op.IncrBy;
      else if (sub === 'overflow' && remaining >= 1) {
        const t = word(argv[++j]);
        if (t === 'wrap') overflow = Overflow.Wrap;
        else if (t === 'sat') overflow = Overflow.Sat;
        else if (t === 'fail') overflow = Overflow.Fail;
        else throw badOverflow;
        continue;
      } else {
        throw Errors.syntax;
      }
      const [signed, bits] = fieldType(argv[j + 1]);
      const offset = bitOffset(ctx, argv[j + 2], bits);
      let value = 0;
      let text = '';
      if (op !== Op.Get) {
        readOnly = false;
        highest = Math.max(highest, offset + bits - 1);
        text = argv[j + 3];
        value = parseIntArg(text);
        if (Number.isNaN(value)) throw Errors.notInteger;
      }
      ops.push({ op, signed, bits, offset, value, text, overflow });
      j += op === Op.Get ? 2 : 3;
    }

    const key = argv[1];
    let buf: Buffer | undefined;
    let src: string | undefined;
    /** The key was created or lengthened: every write counts as a change then, as in Redis. */
    let grew = false;
    let changes = 0;
    if (readOnly) {
      src = readString(ctx, key);
    } else {
      if (readOnlyCommand) throw roOnlyGet;
      const cur = asString(ctx.db.peek(key));
      const v = grow(cur ?? '', Math.floor(highest / 8) + 1);
      grew = v !== cur;
      buf = Buffer.from(v, 'latin1');
    }

    const out: Reply[] = [];
    for (const f of ops) {
      if (isSmall(f)) {
        const byte = Math.floor(f.offset / 8);
        const raw = f.op === Op.Get ? readSmall(window(buf ?? src, byte), f.offset - byte * 8, f.bits) : readSmall(buf!, f.offset, f.bits);
        const old = f.signed && raw >= 2 ** (f.bits - 1) ? raw - 2 ** f.bits : raw;
        if (f.op === Op.Get) {
          out.push(old);
          continue;
        }
        const next = f.op === Op.IncrBy ? smallResult(f, old, f.value) : smallResult(f, f.value, 0);
        if (next === null) {
          out.push(null);
          continue;
        }
        writeSmall(buf!, f.offset, f.bits, next);
        if (grew || next !== old) changes++;
        out.push(f.op === Op.IncrBy ? next : old);
        continue;
      }
      if (f.op === Op.Get) {
        const byte = Math.floor(f.offset / 8);
        wide.read(window(buf ?? src, byte), f.offset - byte * 8, f.bits);
        if (f.signed) wide.asIntN(f.bits, W.rh, W.rl);
        out.push(wide.reply(f.signed, W.rh, W.rl));
        continue;
      }
      wide.read(buf!, f.offset, f.bits);
      if (f.signed) wide.asIntN(f.bits, W.rh, W.rl);
      const oh = W.rh;
      const ol = W.rl;
      if (Number.isSafeInteger(f.value)) wide.fromNumber(f.value);
      else wide.fromDecimal(f.text);
      const ok = f.op === Op.IncrBy ? wideResult(f, oh, ol, W.rh, W.rl) : wideResult(f, W.rh, W.rl, 0, 0);
      if (!ok) {
        out.push(null);
        continue;
      }
      const nh = W.rh;
      const nl = W.rl;
      wide.write(buf!, f.offset, f.bits, nh, nl);
      if (grew || nh !== oh || nl !== ol) changes++;
      out.push(f.op === Op.IncrBy ? wide.reply(f.signed, nh, nl) : wide.reply(f.signed, oh, ol));
    }
    // Redis counts each write that changed a value (dirty, rdb_changes_since_last_save); a key
    // created by writes that all failed (OVERFLOW FAIL) is stored without being signalled.
    if (buf !== undefined && (changes > 0 || grew)) ctx.db.set(key, buf.toString('latin1'), true);
    // The string was unshared for writing (a raw one now), whether or not a write happened.
    if (buf !== undefined) ctx.db.markRaw(key, buf.length);
    if (changes > 0) {
      ctx.modified(key, Notify.STRING, 'setbit');
      ctx.server.keyspace.stats.dirty += changes - 1;
    }
    return out;
  }
}
