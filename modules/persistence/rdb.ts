import {
  Crc64,
  crc64,
  NEED_MORE,
  Op,
  RDB_VERSION,
  RdbError,
  RdbInput,
  RdbOutput,
  readValue,
  type TypeRegistry,
  verifyDumpPayload,
} from '../../kernel';

/**
 * RDB files and FUNCTION DUMP payloads: the header, AUX fields, databases, function libraries
 * and trailer. Values are read and written by their types' codecs (the kernel's rdb layer).
 */

/** "REDIS0010" and the AUX fields Redis 7.0 writes (rdbSaveInfoAuxFields), `extra` among them. */
export function writeHeader(out: RdbOutput, redisVersion: string, usedMem: number, extra: ReadonlyArray<[string, string]> = []): void {
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
  // A replication image's repl-stream-db, repl-id, repl-offset come here, as rdbSaveInfoAuxFields writes them.
  for (const [k, v] of extra) aux(k, v);
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

/**
 * Receives each key of an RDB file as it is read: `value` is null for an empty aggregate
 * (which Redis skips), `expireMs` the absolute expiry in ms or -1, `idle` the seconds idle
 * (LRU) or -1. Records are not collected: a large file is loaded without a second copy of its
 * contents in memory.
 */
export type RecordSink = (db: number, key: string, value: unknown, expireMs: number, idle: number) => void;

/** Receives each function library's code read from an RDB file. */
export type FunctionSink = (code: string) => void;

/** Keys read between two points where readRdb may pause (a power of two). */
const KEYS_PER_STEP = 128;

/**
 * What a step-wise reader yields: `Pause`, a point where it may be left for a while (every
 * KEYS_PER_STEP keys), or `NeedMore`, when a growing input has not received the bytes of the
 * next record yet (`resumeAt` on the reader's input says from how many bytes on to try again).
 */
export const enum Step {
  Pause = 0,
  NeedMore = 1,
}

/** Run a step-wise reader (readRdb, loadRdb) of a complete input to its end at once. */
export function runToEnd<T>(steps: Generator<Step, T, undefined>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/**
 * Read an RDB file (or an AOF's RDB preamble, which more data may follow), handing each key to
 * `sink`, each RESIZEDB size hint to `sized` and each function library to `functions`; returns
 * the offset just after the checksum; `aux` gets the AUX fields. The checksum is checked at the end: a caller that must
 * not keep a partial dataset undoes what it stored when this throws. A generator: it pauses
 * every KEYS_PER_STEP keys, so a caller may load in slices between which the server serves
 * (runToEnd reads at once). `source` may be a growing input (`RdbInput.growing`, an image
 * loaded as it arrives): a record whose bytes have not all arrived is read again from its
 * start once they have, and the reader yields `Step.NeedMore` meanwhile.
 */
export function* readRdb(
  source: Buffer | RdbInput,
  types: TypeRegistry,
  verifyChecksum: boolean,
  sink: RecordSink,
  sized?: (db: number, keys: number) => void,
  functions?: FunctionSink,
  aux?: (key: string, value: string) => void,
): Generator<Step, number, undefined> {
  let keys = 0;
  const input = source instanceof RdbInput ? source : new RdbInput(source);
  let version = 0;
  for (;;) {
    try {
      const magic = input.raw(9).toString('latin1');
      if (!magic.startsWith('REDIS')) throw new RdbError('Wrong signature trying to load DB from file');
      version = Number(magic.slice(5));
      if (!Number.isInteger(version) || version < 1 || version > RDB_VERSION) throw new RdbError(`Can't handle RDB format version ${magic.slice(5)}`);
      break;
    } catch (e) {
      if (e !== NEED_MORE) throw e;
      input.rewind(0);
      yield Step.NeedMore;
    }
  }
  let db = 0;
  let expireMs = -1;
  let idle = -1;
  for (;;) {
    const start = input.pos;
    try {
      const op = input.byte();
      switch (op) {
        case Op.ExpireTimeMs:
          expireMs = input.millis();
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
        case Op.Aux: {
          const k = input.string();
          const v = input.string();
          aux?.(k, v);
          continue;
        }
        case Op.ModuleAux:
          throw new RdbError('RDB holds module auxiliary data, which Ferrous cannot load');
        case Op.Function2: {
          if (functions === undefined) throw new RdbError('RDB holds function libraries, and no loaded module keeps them');
          const code = input.string();
          functions(code);
          continue;
        }
        case Op.FunctionPreGa:
          throw new RdbError('Pre-release function format not supported');
        case Op.Eof:
          break;
        default: {
          const key = input.string();
          const value = readValue(input, op, types);
          sink(db, key, value, expireMs, idle);
          expireMs = -1;
          idle = -1;
          // A caller loading in slices may stop here and resume later.
          if ((++keys & (KEYS_PER_STEP - 1)) === 0) yield Step.Pause;
          continue;
        }
      }
      break;
    } catch (e) {
      if (e !== NEED_MORE) throw e;
      input.rewind(start);
      yield Step.NeedMore;
    }
  }
  if (version >= 5) {
    const end = input.pos;
    let stored: Buffer;
    for (;;) {
      try {
        stored = input.raw(8);
        break;
      } catch (e) {
        if (e !== NEED_MORE) throw e;
        input.rewind(end);
        yield Step.NeedMore;
      }
    }
    if (verifyChecksum && !stored.equals(Buffer.alloc(8))) {
      const sum = input.checksum(end);
      if (!stored.equals(sum)) throw new RdbError(`Wrong RDB checksum expected: ${stored.readBigUInt64LE(0).toString(16)} got: ${sum.readBigUInt64LE(0).toString(16)}`);
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

