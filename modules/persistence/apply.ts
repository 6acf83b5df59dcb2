import { type FunctionStore, type Keyspace, RdbError, RdbInput } from '../../kernel';
import { readRdb, runToEnd, Step } from './rdb';

export interface Applied {
  keys: number;
  /** Keys skipped because their TTL had passed, as rdbLoad does on a master. */
  expired: number;
  /** Offset just after the RDB image (after its checksum). */
  end: number;
  /** The AUX fields (redis-ver, repl-stream-db, ...). */
  aux: Map<string, string>;
}

/**
 * Load an RDB image (a dump, or an AOF's base/preamble) into the keyspace at start-up, key by
 * key as it is read. Keys past their TTL are skipped, unless `keepExpired` (a replica loading
 * its master's image keeps them until the master's DEL, as rdbLoad does when not a master). A
 * file that cannot be loaded (corrupt, truncated, a wrong checksum, a value no module can
 * rebuild) throws, after emptying the keyspace: nothing of it stays.
 */
export function loadRdb(keyspace: Keyspace, store: FunctionStore | undefined, buf: Buffer, verifyChecksum: boolean, keepExpired = false): Applied {
  return runToEnd(loadRdbSteps(keyspace, store, buf, verifyChecksum, keepExpired));
}

/**
 * loadRdb in steps (see readRdb), of a complete image or of one still arriving (a growing
 * RdbInput; `maxBytes` then bounds the size hints believed): the keyspace is emptied if any
 * step throws.
 */
export function* loadRdbSteps(
  keyspace: Keyspace,
  store: FunctionStore | undefined,
  buf: Buffer | RdbInput,
  verifyChecksum: boolean,
  keepExpired: boolean,
  maxBytes = buf instanceof RdbInput ? buf.end : buf.length,
): Generator<Step, Applied, undefined> {
  const now = Date.now();
  let keys = 0;
  let expired = 0;
  const aux = new Map<string, string>();
  // Keys are stored in batches (Database.addMany), one per step of the reader, of one database.
  let batchDb = 0;
  let n = 0;
  const batchKeys: string[] = [];
  const batchValues: unknown[] = [];
  const batchExpires: number[] = [];
  const batchIdle: number[] = [];
  const storeBatch = (): void => {
    if (n === 0) return;
    const db = keyspace.db(batchDb);
    const added = db.addMany(batchKeys, batchValues, n);
    for (let k = 0; k < added; k++) {
      if (batchExpires[k] !== -1) db.setExpire(batchKeys[k], batchExpires[k]);
      if (batchIdle[k] !== -1) keyspace.restoreStamp(db, batchKeys[k], batchIdle[k], -1);
    }
    keys += added;
    const duplicate = added < n ? batchKeys[added] : null;
    n = 0;
    if (duplicate !== null) throw new RdbError(`Duplicate key '${duplicate}' in DB ${batchDb}`);
  };
  try {
    const reader = readRdb(buf, keyspace.types, verifyChecksum, (dbid, key, value, expireMs, idle) => {
      if (dbid >= keyspace.dbs.length) {
        throw new RdbError(`Data file was created with a Redis server configured to handle more than ${keyspace.dbs.length} databases`);
      }
      if (value === null) return;
      if (expireMs !== -1 && expireMs <= now && !keepExpired) {
        expired++;
        return;
      }
      if (dbid !== batchDb) {
        storeBatch();
        batchDb = dbid;
      }
      batchKeys[n] = key;
      batchValues[n] = value;
      batchExpires[n] = expireMs;
      batchIdle[n] = idle;
      n++;
    }, (dbid, count) => {
      // dictExpand on RESIZEDB: the table is sized once instead of doubling its way up. A key
      // takes at least three bytes of the file, which bounds what a corrupt hint can ask for.
      if (dbid < keyspace.dbs.length) keyspace.db(dbid).reserve(Math.min(count, Math.floor(maxBytes / 3)));
    }, store === undefined ? undefined : (code) => {
      try {
        store.restore(code);
      } catch (e) {
        throw new RdbError(`Failed loading library: ${e instanceof Error ? e.message : String(e)}`);
      }
    }, (k, v) => aux.set(k, v));
    // Each step's keys are stored before the step is handed on: between steps the keyspace is whole.
    let step = reader.next();
    while (step.done !== true) {
      storeBatch();
      yield step.value;
      step = reader.next();
    }
    storeBatch();
    return { keys, expired, end: step.value, aux };
  } catch (e) {
    keyspace.flush(-1);
    throw e;
  }
}
