import { type DataType, Errors, type Database, ScanMap } from '../../kernel';

/** hash-max-listpack-entries / hash-max-listpack-value, as the module reads them from the config. */
export interface Limits {
  entries: number;
  value: number;
}

/**
 * A hash value. A small hash keeps its fields in a Map in insertion order, as Redis's listpack
 * does (HGETALL, HSCAN and HRANDFIELD answer in that order). Past the listpack thresholds it
 * moves for good to a ScanMap ("hashtable"): HSCAN cursors that survive growth, O(1) sampling.
 */
export class Hash {
  /** The listpack encoding; null once the hash became a hashtable. */
  list: Map<string, string> | null;
  /** The hashtable encoding; null while the hash is a listpack. */
  table: ScanMap<string, string> | null = null;

  constructor(list: Map<string, string> | null = new Map()) {
    this.list = list;
  }

  get size(): number {
    return this.list !== null ? this.list.size : this.table!.size;
  }

  get(field: string): string | undefined {
    return this.list !== null ? this.list.get(field) : this.table!.get(field);
  }

  has(field: string): boolean {
    return this.list !== null ? this.list.has(field) : this.table!.has(field);
  }

  /** Returns true when the field is new. */
  set(field: string, value: string): boolean {
    const list = this.list;
    if (list === null) return this.table!.set(field, value);
    const n = list.size;
    list.set(field, value);
    return list.size !== n;
  }

  delete(field: string): boolean {
    return this.list !== null ? this.list.delete(field) : this.table!.delete(field);
  }

  entries(): Iterable<[string, string]> {
    return this.list !== null ? this.list.entries() : this.table!.entries();
  }

  /** hashTypeConvert to OBJ_ENCODING_HT. */
  toTable(): void {
    const table = new ScanMap<string, string>();
    for (const [f, v] of this.list!) table.set(f, v);
    this.table = table;
    this.list = null;
  }

  /** hashTypeSet for one field: converts first when an argument is too long, then when too many. */
  store(field: string, value: string, limits: Limits): void {
    if (this.list !== null && (field.length > limits.value || value.length > limits.value)) this.toTable();
    this.set(field, value);
    if (this.list !== null && this.list.size > limits.entries) this.toTable();
  }

  clone(): Hash {
    if (this.list !== null) return new Hash(new Map(this.list));
    const h = new Hash(null);
    h.table = new ScanMap();
    for (const [f, v] of this.table!.entries()) h.table.set(f, v);
    return h;
  }
}

/** Rough per-entry overheads: listpack headers vs a dict entry plus its ScanIndex slot. */
const LISTPACK_ENTRY = 4;
const TABLE_ENTRY = 72;

export const HashType: DataType<Hash> = {
  name: 'hash',
  is: (v): v is Hash => v instanceof Hash,
  encoding: (h) => (h.list !== null ? 'listpack' : 'hashtable'),
  clone: (h) => h.clone(),
  memory: (h) => {
    let bytes = 64 + h.size * (h.list !== null ? LISTPACK_ENTRY : TABLE_ENTRY);
    for (const [f, v] of h.entries()) bytes += f.length + v.length;
    return bytes;
  },
  field: (h, field) => h.get(field),
  digest: (h, d) => {
    for (const [f, v] of h.entries()) d.xorPair(f, v);
  },
};

/** hashTypeLookupWriteOrCreate: the hash at `key`, stored empty when missing; WRONGTYPE for another type. */
export function writeHash(db: Database, key: string): Hash {
  const v = db.peek(key);
  if (v === undefined) {
    const h = new Hash();
    db.set(key, h);
    return h;
  }
  if (v instanceof Hash) return v;
  throw Errors.wrongType;
}

/** lookupKeyWrite plus the type check: the hash, or undefined when missing (no statistics touched). */
export function peekHash(db: Database, key: string): Hash | undefined {
  const v = db.peek(key);
  if (v === undefined || v instanceof Hash) return v;
  throw Errors.wrongType;
}

/**
 * hashTypeTryConversion: a listpack hash becomes a hashtable before the write when any of the
 * arguments from `from` on is longer than hash-max-listpack-value.
 */
export function convertForArgs(h: Hash, argv: string[], from: number, limits: Limits): void {
  if (h.list === null) return;
  const max = limits.value;
  for (let i = from; i < argv.length; i++) {
    if (argv[i].length > max) {
      h.toTable();
      return;
    }
  }
}
