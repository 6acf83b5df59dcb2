import { type Database, Digest, type Keyspace } from '../../kernel';

/** Redis's object type numbers (OBJ_STRING ... OBJ_STREAM), which the digest mixes in first. */
const TYPE_IDS: Record<string, number> = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6 };
const OBJ_MODULE = 5;

function be32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** xorObjectDigest: the type, the value as its type digests it, and whether the key has a TTL. */
function addValue(ks: Keyspace, db: Database, key: string, value: unknown, d: Digest): void {
  const type = ks.types.of(value);
  d.mix(be32(TYPE_IDS[type.name] ?? OBJ_MODULE));
  type.digest?.(value, d);
  if (db.expires.has(key)) d.xor('!!expire!!');
}

/** computeDatasetDigest: per database with keys, its number, then the xor of every key-value digest. */
export function datasetDigest(ks: Keyspace): string {
  const final = new Digest();
  for (const db of ks.dbs) {
    if (db.size === 0) continue;
    final.mix(be32(db.id));
    for (const key of db.keys()) {
      const d = new Digest();
      d.mix(key);
      addValue(ks, db, key, db.peekStored(key), d);
      final.xor(d.bytes);
    }
  }
  return final.hex();
}

/** DEBUG DIGEST-VALUE: a value's digest without its key (all zeros for a missing key). */
export function valueDigest(ks: Keyspace, db: Database, key: string): string {
  const d = new Digest();
  const v = db.peekStored(key);
  if (v !== undefined) addValue(ks, db, key, v, d);
  return d.hex();
}
