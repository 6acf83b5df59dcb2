import type { DataType, TypeRegistry } from '../keyspace/types';
import { crc64 } from './crc64';
import { Op, RDB_VERSION, RdbError, RdbType } from './format';
import { RdbInput } from './input';
import { moduleTypeId, moduleTypeName, ModuleTypeInput, ModuleTypeOutput } from './module-type';
import { RdbOutput } from './output';

/**
 * Values in RDB form through each type's codec (rdbSaveObject, rdbLoadObject): used for RDB
 * files, DUMP payloads and anything else that carries values between servers.
 */

/** The RDB type byte values of `type` are written with, or null when it has no codec. */
export function rdbTypeOf(type: DataType): number | null {
  if (type.moduleCodec !== undefined) return RdbType.Module2;
  return type.codec === undefined ? null : type.codec.rdbTypes[0];
}

/** rdbSaveObject: the value after its type byte (and key). */
export function writeValue(out: RdbOutput, type: DataType, value: unknown): void {
  const mc = type.moduleCodec;
  if (mc !== undefined) {
    const [hi, lo] = moduleTypeId(mc.moduleType, mc.encver);
    out.length64(hi, lo);
    const io = new ModuleTypeOutput(out);
    mc.save(io, value);
    io.end();
  } else {
    type.codec!.save(out, value);
  }
}

/** One key as rdbSaveKeyValuePair writes it: [EXPIRETIME_MS] type key value. False without a codec. */
export function writeKeyValue(out: RdbOutput, key: string, type: DataType, value: unknown, expireMs: number): boolean {
  const rdbType = rdbTypeOf(type);
  if (rdbType === null) return false;
  if (expireMs >= 0) {
    out.byte(Op.ExpireTimeMs);
    out.millis(expireMs);
  }
  out.byte(rdbType);
  out.string(key);
  writeValue(out, type, value);
  return true;
}

/**
 * rdbLoadObject: a value of RDB type `rdbType` through the type that reads it; null for an
 * empty aggregate. Throws RdbError for a type no loaded module reads, naming it.
 */
export function readValue(input: RdbInput, rdbType: number, types: TypeRegistry): unknown {
  if (rdbType === RdbType.Module2) {
    const [hi, lo] = input.length64();
    const [name, encver] = moduleTypeName(hi, lo);
    const type = types.forModuleType(name);
    if (type === undefined) throw new RdbError(`The RDB file contains module data I can't load: no matching module type '${name}'`);
    const io = new ModuleTypeInput(input, name);
    const value = type.moduleCodec!.load(io, encver);
    io.end();
    return value;
  }
  if (rdbType === RdbType.Module) throw new RdbError('Pre-release module format not supported');
  const type = types.forRdbType(rdbType);
  if (type === undefined) {
    const name = rdbType === RdbType.StreamListpacks || rdbType === RdbType.StreamListpacks2 ? 'a stream' : undefined;
    throw new RdbError(name === undefined ? `unknown RDB value type ${rdbType}` : `RDB holds ${name} value (type ${rdbType}), and no loaded module reads it`);
  }
  return type.codec!.load(input, rdbType);
}

/** DUMP's payload: the value as in an RDB, the RDB version (2 bytes LE), CRC64 of both. */
export function dumpPayload(type: DataType, value: unknown): Buffer | null {
  const rdbType = rdbTypeOf(type);
  if (rdbType === null) return null;
  const out = new RdbOutput(true);
  out.byte(rdbType);
  writeValue(out, type, value);
  out.byte(RDB_VERSION & 0xff);
  out.byte(RDB_VERSION >> 8);
  const body = out.take();
  return Buffer.concat([body, crc64(body)]);
}

/** verifyDumpPayload: long enough, an RDB version this server reads, a matching CRC64. */
export function verifyDumpPayload(payload: Buffer): boolean {
  if (payload.length < 10) return false;
  const footer = payload.length - 10;
  const version = payload[footer] | (payload[footer + 1] << 8);
  return version <= RDB_VERSION && crc64(payload, 0, payload.length - 8).equals(payload.subarray(payload.length - 8));
}

/** rdbLoadObject on a verified DUMP payload; null for an empty aggregate; throws RdbError for a bad one. */
export function decodeDumpPayload(payload: Buffer, types: TypeRegistry): unknown {
  const footer = payload.length - 10;
  const input = new RdbInput(payload.subarray(0, footer));
  const value = readValue(input, input.byte(), types);
  if (input.pos !== footer) throw new RdbError('trailing bytes after the value');
  return value;
}

/** AOF_REWRITE_ITEMS_PER_CMD: elements per RPUSH/SADD/ZADD/HMSET when rebuilding a value. */
const ITEMS_PER_CMD = 64;

/** `cmd key item...` in batches of 64 elements of `per` arguments each, as Redis's AOF rewrite. */
export function emitBatched(emit: (argv: string[]) => void, cmd: string, key: string, items: string[], per = 1): void {
  for (let i = 0; i < items.length; i += ITEMS_PER_CMD * per) emit([cmd, key, ...items.slice(i, i + ITEMS_PER_CMD * per)]);
}
