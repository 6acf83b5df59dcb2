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
  try {
    const end = yield* readRdb(buf, keyspace.types, verifyChecksum, (dbid, key, value, expireMs, idle) => {
      if (dbid >= keyspace.dbs.length) {
        throw new RdbError(`Data file was created with a Redis server configured to handle more than ${keyspace.dbs.length} databases`);
      }
      const db = keyspace.db(dbid);
      if (value === null) return;
      if (expireMs !== -1 && expireMs <= now && !keepExpired) {
        expired++;
        return;
      }
      if (!db.add(key, value)) throw new RdbError(`Duplicate key '${key}' in DB ${dbid}`);
      if (expireMs !== -1) db.setExpire(key, expireMs);
      keyspace.restoreStamp(db, key, idle, -1);
      keys++;
    }, (dbid, n) => {
      // dictExpand on RESIZEDB: the table is sized once instead of doubling its way up. A key
      // takes at least three bytes of the file, which bounds what a corrupt hint can ask for.
      if (dbid < keyspace.dbs.length) keyspace.db(dbid).reserve(Math.min(n, Math.floor(maxBytes / 3)));
    }, store === undefined ? undefined : (code) => {
      try {
        store.restore(code);
      } catch (e) {
        throw new RdbError(`Failed loading library: ${e instanceof Error ? e.message : String(e)}`);
      }
    }, (k, v) => aux.set(k, v));
    return { keys, expired, end, aux };
  } catch (e) {
    keyspace.flush(-1);
    throw e;
  }
}
