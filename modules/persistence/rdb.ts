import type { PortableValue } from '../../kernel';
import { Crc64, crc64 } from './crc64';
import { lzfCompress, lzfDecompress } from './lzf';
import { intsetEntries, listpackEntries, ziplistEntries, zipmapPairs } from './packed';

/** The RDB format of Redis 7.0. */
export const RDB_VERSION = 10;

export const enum RdbType {
  String = 0,
  List = 1,
  Set = 2,
  Zset = 3,
  Hash = 4,
  Zset2 = 5,
  Module = 6,
  Module2 = 7,
  HashZipmap = 9,
  ListZiplist = 10,
  SetIntset = 11,
  ZsetZiplist = 12,
  HashZiplist = 13,
  ListQuicklist = 14,
  StreamListpacks = 15,
  HashListpack = 16,
  ZsetListpack = 17,
  ListQuicklist2 = 18,
  StreamListpacks2 = 19,
}

export const enum Op {
  Function2 = 0xf5,
  FunctionPreGa = 0xf6,
  ModuleAux = 0xf7,
  Idle = 0xf8,
  Freq = 0xf9,
  Aux = 0xfa,
  ResizeDb = 0xfb,
  ExpireTimeMs = 0xfc,
  ExpireTime = 0xfd,
  SelectDb = 0xfe,
  Eof = 0xff,
}

/** A bad or truncated RDB file or DUMP payload. */
export class RdbError extends Error {}

// ---- writing --------------------------------------------------------------------------------

/** A growable byte buffer the encoder appends to. */
export class RdbOutput {
  buf = Buffer.allocUnsafe(1 << 16);
  len = 0;

  constructor(readonly compress: boolean) {}

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian lengths. */
  length(n: number): void {
    this.ensure(9);
    const b = this.buf;
    if (n < 64) {
      b[this.len++] = n;
    } else if (n < 16384) {
      b[this.len++] = 0x40 | (n >> 8);
      b[this.len++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      b[this.len++] = 0x80;
      b.writeUInt32BE(n, this.len);
      this.len += 4;
    } else {
      b[this.len++] = 0x81;
      b.writeBigUInt64BE(BigInt(n), this.len);
      this.len += 8;
    }
  }

  /** rdbSaveRawString: integer encoding when it round-trips, LZF when that saves space. */
  string(s: string): void {
    const n = s.length;
    if (n <= 11 && n > 0 && /^(0|-?[1-9][0-9]*)$/.test(s)) {
      const v = Number(s);
      if (v >= -128 && v <= 127) {
        this.ensure(2);
        this.buf[this.len++] = 0xc0;
        this.buf.writeInt8(v, this.len++);
        return;
      }
      if (v >= -32768 && v <= 32767) {
        this.ensure(3);
        this.buf[this.len++] = 0xc1;
        this.buf.writeInt16LE(v, this.len);
        this.len += 2;
        return;
      }
      if (v >= -2147483648 && v <= 2147483647) {
        this.ensure(5);
        this.buf[this.len++] = 0xc2;
        this.buf.writeInt32LE(v, this.len);
        this.len += 4;
        return;
      }
    }
    if (this.compress && n > 20) {
      const raw = Buffer.from(s, 'latin1');
      const packed = lzfCompress(raw, n - 4);
      if (packed !== null) {
        this.byte(0xc3);
        this.length(packed.length);
        this.length(n);
        this.bytes(packed);
        return;
      }
    }
    this.length(n);
    this.ensure(n);
    this.len += this.buf.write(s, this.len, n, 'latin1');
  }

  double(d: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.len);
    this.len += 8;
  }

  millis(ms: number): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt(ms), this.len);
    this.len += 8;
  }

  /** The bytes written so far, and start again (the buffer is reused). */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    return out;
  }
}

/**
 * The RDB type byte for a value: the simplest encodings Redis 7.0 loads (it converts them
 * to listpacks itself when small). Null for values RDB cannot carry (plugin types).
 */
export function rdbTypeOf(p: PortableValue): RdbType | null {
  switch (p.kind) {
    case 'string':
      return RdbType.String;
    case 'list':
      return RdbType.List;
    case 'set':
      return RdbType.Set;
    case 'zset':
      return RdbType.Zset2;
    case 'hash':
      return RdbType.Hash;
    default:
      return null;
  }
}

/** rdbSaveObject for the type rdbTypeOf chose. */
export function writeValue(out: RdbOutput, p: PortableValue): void {
  switch (p.kind) {
    case 'string':
      out.string(p.value);
      return;
    case 'list':
      out.length(p.items.length);
      for (const s of p.items) out.string(s);
      return;
    case 'set':
      out.length(p.members.length);
      for (const s of p.members) out.string(s);
      return;
    case 'zset':
      out.length(p.entries.length);
      for (const [m, score] of p.entries) {
        out.string(m);
        out.double(score);
      }
      return;
    case 'hash':
      out.length(p.entries.length);
      for (const [f, v] of p.entries) {
        out.string(f);
        out.string(v);
      }
      return;
    default:
      throw new RdbError(`cannot write a value of kind ${p.kind}`);
  }
}

/** One key as rdbSaveKeyValuePair writes it: [EXPIRETIME_MS] type key value. */
export function writeEntry(out: RdbOutput, key: string, p: PortableValue, expireMs: number): boolean {
  const type = rdbTypeOf(p);
  if (type === null) return false;
  if (expireMs >= 0) {
    out.byte(Op.ExpireTimeMs);
    out.millis(expireMs);
  }
  out.byte(type);
  out.string(key);
  writeValue(out, p);
  return true;
}

/** "REDIS0010" and the AUX fields Redis 7.0 writes (rdbSaveInfoAuxFields). */
export function writeHeader(out: RdbOutput, redisVersion: string, usedMem: number): void {
  out.bytes(Buffer.from(`REDIS${String(RDB_VERSION).padStart(4, '0')}`, 'latin1'));
  const aux = (k: string, v: string) => {
    out.byte(Op.Aux);
    out.string(k);
    out.string(v);
  };
  aux('redis-ver', redisVersion);
  aux('redis-bits', '64');
  aux('ctime', String(Math.floor(Date.now() / 1000)));
  aux('used-mem', String(usedMem));
  aux('aof-base', '0');
}

/** rdbSaveFunctions: each function library's code, after the AUX fields and before the keys. */
export function writeFunctions(out: RdbOutput, codes: string[]): void {
  for (const code of codes) {
    out.byte(Op.Function2);
    out.string(code);
  }
}

export function writeSelectDb(out: RdbOutput, db: number, size: number, expires: number): void {
  out.byte(Op.SelectDb);
  out.length(db);
  out.byte(Op.ResizeDb);
  out.length(size);
  out.length(expires);
}

/** EOF and the checksum of everything before it (zero when checksums are off, as Redis writes). */
export function writeTrailer(out: RdbOutput, crc: Crc64 | null): Buffer {
  out.byte(Op.Eof);
  const body = out.take();
  const sum = crc === null ? Buffer.alloc(8) : crc.update(body).digest();
  return Buffer.concat([body, sum]);
}

/** DUMP's payload: the value as in an RDB, the RDB version (2 bytes LE), CRC64 of both. */
export function dumpPayload(p: PortableValue): Buffer | null {
  const type = rdbTypeOf(p);
  if (type === null) return null;
  const out = new RdbOutput(true);
  out.byte(type);
  writeValue(out, p);
  out.byte(RDB_VERSION & 0xff);
  out.byte(RDB_VERSION >> 8);
  const body = out.take();
  return Buffer.concat([body, crc64(body)]);
}

// ---- reading --------------------------------------------------------------------------------

/**
 * Receives each key of an RDB file as it is read: `expireMs` is the absolute expiry in ms or
 * -1, `idle` the seconds idle (LRU) or -1. Records are not collected: a large file is loaded
 * without a second copy of its contents in memory.
 */
export type RecordSink = (db: number, key: string, value: PortableValue, expireMs: number, idle: number) => void;

const TYPE_NAMES: Partial<Record<number, string>> = {
  [RdbType.Module]: 'module',
  [RdbType.Module2]: 'module',
  [RdbType.StreamListpacks]: 'stream',
  [RdbType.StreamListpacks2]: 'stream',
};

/** A cursor over RDB bytes; every read is bounds-checked. */
export class RdbInput {
  pos = 0;

  constructor(readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new RdbError(`unexpected end of data at offset ${this.pos} (truncated file?)`);
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  raw(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** rdbLoadLen: [length, isEncoded] where an encoded length names a special string form. */
  lengthOrEncoding(): [number, boolean] {
    const b = this.byte();
    const kind = b >> 6;
    if (kind === 0) return [b & 0x3f, false];
    if (kind === 1) return [((b & 0x3f) << 8) | this.byte(), false];
    if (kind === 3) return [b & 0x3f, true];
    if (b === 0x80) return [this.raw(4).readUInt32BE(0), false];
    if (b === 0x81) {
      const n = this.raw(8).readBigUInt64BE(0);
      if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbError('length out of range');
      return [Number(n), false];
    }
    throw new RdbError(`unknown length encoding ${b} at offset ${this.pos - 1}`);
  }

  length(): number {
    const [n, enc] = this.lengthOrEncoding();
    if (enc) throw new RdbError(`unexpected string encoding at offset ${this.pos - 1}`);
    return n;
  }

  bufferString(): Buffer {
    const [n, enc] = this.lengthOrEncoding();
    if (!enc) return this.raw(n);
    switch (n) {
      case 0:
        return Buffer.from(String(this.raw(1).readInt8(0)), 'latin1');
      case 1:
        return Buffer.from(String(this.raw(2).readInt16LE(0)), 'latin1');
      case 2:
        return Buffer.from(String(this.raw(4).readInt32LE(0)), 'latin1');
      case 3: {
        const clen = this.length();
        const len = this.length();
        try {
          return lzfDecompress(this.raw(clen), len);
        } catch (e) {
          throw new RdbError((e as Error).message);
        }
      }
      default:
        throw new RdbError(`unknown string encoding ${n}`);
    }
  }

  string(): string {
    const start = this.pos;
    const [n, enc] = this.lengthOrEncoding();
    if (enc) {
      this.pos = start;
      const b = this.bufferString();
      return b.latin1Slice(0, b.length);
    }
    // The common case, a plain string: read in place, without a Buffer view per string.
    this.need(n);
    const s = this.buf.latin1Slice(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** ZSET_2 scores: binary little-endian doubles. */
  binaryDouble(): number {
    return this.raw(8).readDoubleLE(0);
  }

  /** Old ZSET scores: a length byte (253 nan, 254 +inf, 255 -inf) and ASCII. */
  asciiDouble(): number {
    const n = this.byte();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    return parseScore(this.raw(n).toString('latin1'));
  }

  /** rdbLoadObject: one value of RDB type `type`, in neutral form. */
  value(type: number): PortableValue {
    switch (type) {
      case RdbType.String:
        return { kind: 'string', value: this.string() };
      case RdbType.List: {
        const n = this.length();
        const items: string[] = [];
        for (let i = 0; i < n; i++) items.push(this.string());
        return { kind: 'list', items };
      }
      case RdbType.Set: {
        const n = this.length();
        const members: string[] = [];
        for (let i = 0; i < n; i++) members.push(this.string());
        return { kind: 'set', members };
      }
      case RdbType.Zset:
      case RdbType.Zset2: {
        const n = this.length();
        const entries: [string, number][] = [];
        for (let i = 0; i < n; i++) {
          const m = this.string();
          entries.push([m, type === RdbType.Zset2 ? this.binaryDouble() : this.asciiDouble()]);
        }
        return { kind: 'zset', entries };
      }
      case RdbType.Hash: {
        const n = this.length();
        const entries: [string, string][] = [];
        for (let i = 0; i < n; i++) entries.push([this.string(), this.string()]);
        return { kind: 'hash', entries };
      }
      case RdbType.ListQuicklist:
      case RdbType.ListQuicklist2: {
        const nodes = this.length();
        const items: string[] = [];
        for (let i = 0; i < nodes; i++) {
          // QUICKLIST_2 nodes say whether they hold one plain element (1) or a listpack (2).
          const container = type === RdbType.ListQuicklist2 ? this.length() : 2;
          const blob = this.bufferString();
          if (container === 1) items.push(blob.toString('latin1'));
          else if (container === 2) items.push(...packed(() => (type === RdbType.ListQuicklist2 ? listpackEntries(blob) : ziplistEntries(blob))));
          else throw new RdbError(`unknown quicklist container ${container}`);
        }
        return { kind: 'list', items };
      }
      case RdbType.ListZiplist:
        return { kind: 'list', items: packed(() => ziplistEntries(this.bufferString())) };
      case RdbType.SetIntset:
        return { kind: 'set', members: packed(() => intsetEntries(this.bufferString())) };
      case RdbType.ZsetZiplist:
      case RdbType.ZsetListpack: {
        const blob = this.bufferString();
        const flat = packed(() => (type === RdbType.ZsetZiplist ? ziplistEntries(blob) : listpackEntries(blob)));
        return { kind: 'zset', entries: pairs(flat).map(([m, s]): [string, number] => [m, parseScore(s)]) };
      }
      case RdbType.HashZiplist:
      case RdbType.HashListpack: {
        const blob = this.bufferString();
        return { kind: 'hash', entries: pairs(packed(() => (type === RdbType.HashZiplist ? ziplistEntries(blob) : listpackEntries(blob)))) };
      }
      case RdbType.HashZipmap: {
        const blob = this.bufferString();
        return { kind: 'hash', entries: packed(() => zipmapPairs(blob)) };
      }
      default: {
        const name = TYPE_NAMES[type];
        if (name !== undefined) throw new RdbError(`RDB holds a ${name} value (type ${type}), which Ferrous cannot load`);
        throw new RdbError(`unknown RDB value type ${type}`);
      }
    }
  }
}

function packed<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new RdbError((e as Error).message);
  }
}

function pairs(flat: string[]): [string, string][] {
  if (flat.length % 2 !== 0) throw new RdbError('odd number of elements in a packed hash or sorted set');
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

/** strtod as Redis applies it to scores ("inf", "-inf", "1.5e10"). */
function parseScore(s: string): number {
  const l = s.toLowerCase();
  if (l === 'inf' || l === '+inf' || l === 'infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  const v = Number(s);
  if (Number.isNaN(v)) throw new RdbError(`bad score '${s}'`);
  return v;
}

/** Receives each function library's code read from an RDB file. */
export type FunctionSink = (code: string) => void;

/**
 * Read an RDB file (or an AOF's RDB preamble, which more data may follow), handing each key to
 * `sink`, each RESIZEDB size hint to `sized` and each function library to `functions`; returns
 * the offset just after the checksum. The checksum is checked at the end: a caller that must
 * not keep a partial dataset undoes what it stored when this throws.
 */
export function readRdb(
  buf: Buffer,
  verifyChecksum: boolean,
  sink: RecordSink,
  sized?: (db: number, keys: number) => void,
  functions?: FunctionSink,
): number {
  const input = new RdbInput(buf);
  const magic = input.raw(9).toString('latin1');
  if (!magic.startsWith('REDIS')) throw new RdbError('Wrong signature trying to load DB from file');
  const version = Number(magic.slice(5));
  if (!Number.isInteger(version) || version < 1 || version > RDB_VERSION) throw new RdbError(`Can't handle RDB format version ${magic.slice(5)}`);
  let db = 0;
  let expireMs = -1;
  let idle = -1;
  for (;;) {
    const op = input.byte();
    switch (op) {
      case Op.ExpireTimeMs:
        expireMs = Number(input.raw(8).readBigInt64LE(0));
        continue;
      case Op.ExpireTime:
        expireMs = input.raw(4).readInt32LE(0) * 1000;
        continue;
      case Op.Idle:
        idle = input.length();
        continue;
      case Op.Freq:
        input.byte();
        continue;
      case Op.SelectDb:
        db = input.length();
        continue;
      case Op.ResizeDb: {
        const keys = input.length();
        input.length();
        sized?.(db, keys);
        continue;
      }
      case Op.Aux:
        input.string();
        input.string();
        continue;
      case Op.ModuleAux:
        throw new RdbError('RDB holds module auxiliary data, which Ferrous cannot load');
      case Op.Function2:
        if (functions === undefined) throw new RdbError('RDB holds function libraries, and no loaded module keeps them');
        functions(input.string());
        continue;
      case Op.FunctionPreGa:
        throw new RdbError('Pre-release function format not supported');
      case Op.Eof:
        break;
      default: {
        const key = input.string();
        sink(db, key, input.value(op), expireMs, idle);
        expireMs = -1;
        idle = -1;
        continue;
      }
    }
    break;
  }
  if (version >= 5) {
    const end = input.pos;
    const stored = input.raw(8);
    if (verifyChecksum && !stored.equals(Buffer.alloc(8)) && !stored.equals(crc64(buf, 0, end))) {
      throw new RdbError(`Wrong RDB checksum expected: ${stored.readBigUInt64LE(0).toString(16)} got: ${crc64(buf, 0, end).readBigUInt64LE(0).toString(16)}`);
    }
  }
  return input.pos;
}

/** FUNCTION DUMP's payload: the libraries as RDB records, then the RDB version and CRC64 as in DUMP. */
export function functionsPayload(codes: string[], compress: boolean): Buffer {
  const out = new RdbOutput(compress);
  writeFunctions(out, codes);
  out.byte(RDB_VERSION & 0xff);
  out.byte(RDB_VERSION >> 8);
  const body = out.take();
  return Buffer.concat([body, crc64(body)]);
}

/** functionRestoreCommand's reading of a payload: the libraries' code, or Redis's error. */
export function decodeFunctionsPayload(payload: Buffer): string[] {
  if (!verifyDumpPayload(payload)) throw new RdbError('DUMP payload version or checksum are wrong');
  const footer = payload.length - 10;
  // Over the whole payload, as Redis reads it: a record's last string may run into the footer.
  const input = new RdbInput(payload);
  const codes: string[] = [];
  while (input.pos < footer) {
    const op = input.byte();
    if (op === Op.FunctionPreGa) throw new RdbError('Pre-GA function format not supported');
    if (op !== Op.Function2) throw new RdbError('given type is not a function');
    codes.push(input.string());
  }
  return codes;
}

/** verifyDumpPayload: long enough, an RDB version this server reads, a matching CRC64. */
export function verifyDumpPayload(payload: Buffer): boolean {
  if (payload.length < 10) return false;
  const footer = payload.length - 10;
  const version = payload[footer] | (payload[footer + 1] << 8);
  return version <= RDB_VERSION && crc64(payload, 0, payload.length - 8).equals(payload.subarray(payload.length - 8));
}

/** rdbLoadObject on a verified DUMP payload; throws RdbError for a bad value. */
export function decodeDumpPayload(payload: Buffer): PortableValue {
  const footer = payload.length - 10;
  const input = new RdbInput(payload.subarray(0, footer));
  const value = input.value(input.byte());
  if (input.pos !== footer) throw new RdbError('trailing bytes after the value');
  return value;
}
