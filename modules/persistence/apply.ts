import type { Keyspace } from '../../kernel';
import { isEmptyAggregate } from './dump';
import { RdbError, type RdbRecord } from './rdb';

export interface Applied {
  keys: number;
  /** Keys skipped because their TTL had passed, as rdbLoad does on a master. */
  expired: number;
}

/**
 * Store what an RDB file (a dump, or an AOF's base/preamble) held. Every record is checked and
 * rebuilt before the first one is stored, so a file that cannot be loaded leaves nothing behind.
 */
export function applyRecords(keyspace: Keyspace, records: RdbRecord[]): Applied {
  const now = Date.now();
  const values: [number, string, unknown, number, number][] = [];
  const seen = keyspace.dbs.map(() => new Set<string>());
  let expired = 0;
  for (const r of records) {
    if (r.db >= keyspace.dbs.length) {
      throw new RdbError(`Data file was created with a Redis server configured to handle more than ${keyspace.dbs.length} databases`);
    }
    if (seen[r.db].has(r.key)) throw new RdbError(`Duplicate key '${r.key}' in DB ${r.db}`);
    seen[r.db].add(r.key);
    if (isEmptyAggregate(r.value)) continue;
    if (r.expireMs !== -1 && r.expireMs <= now) {
      expired++;
      continue;
    }
    const type = keyspace.types.forKind(r.value.kind);
    if (type?.fromPortable === undefined) throw new RdbError(`no loaded module can rebuild ${r.value.kind} values (key '${r.key}')`);
    values.push([r.db, r.key, type.fromPortable(r.value), r.expireMs, r.idle]);
  }
  for (const [dbid, key, value, expireMs, idle] of values) {
    const db = keyspace.db(dbid);
    db.set(key, value);
    if (expireMs !== -1) db.setExpire(key, expireMs);
    if (idle >= 0) db.peekEntry(key)!.lru = keyspace.lruClock - idle;
  }
  return { keys: values.length, expired };
}
