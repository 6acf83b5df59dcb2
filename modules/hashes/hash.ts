import { type DataType, Errors, type Database, flatten, PACKED_OVERHEAD, packedAt, packedCut, packedFind, packedNext, packEntry, ScanMap } from '../../kernel';

/** hash-max-listpack-entries / hash-max-listpack-value, as the module reads them from the config. */
export interface Limits {
  entries: number;
  value: number;
}

/**
 * The hashtable encoding: a ScanMap that keeps the bytes of its fields and values. used_memory
 * measures a large hash again after writes to it (Database.changed, then the cron's remeasure),
 * and a walk of 100,000 fields there cost milliseconds and garbage each time, several times a
 * second for a hash under writes.
 */
class FieldTable extends ScanMap<string, string> {
  bytes = 0;
}

/**
 * A hash value. A small hash keeps its fields in Redis's "listpack" encoding: one packed string
 * of field, value entries in insertion order (HGETALL, HSCAN and HRANDFIELD answer in that
 * order), found by a linear walk as Redis walks its listpack. Past the listpack thresholds it
 * moves for good to a ScanMap ("hashtable"): HSCAN cursors that survive growth, O(1) sampling.
 */
export class Hash {
  /**
   * The listpack's entries, or the hashtable. One field and no field count (a listpack's is
   * counted by walking it) keep a small hash's object at 32 bytes on V8, where two fields took 40.
   */
  private data: string | FieldTable = '';

  /** The hashtable encoding; null while the hash is a listpack. */
  get table(): FieldTable | null {
    return typeof this.data === 'string' ? null : this.data;
  }

  private get lp(): string {
    return typeof this.data === 'string' ? this.data : '';
  }

  get listpack(): boolean {
    return this.table === null;
  }

  get size(): number {
    return this.table === null ? listpackFields(this.lp) : this.table.size;
  }

  get(field: string): string | undefined {
    if (this.table !== null) return this.table.get(field);
    const pos = packedFind(this.lp, field, 2);
    return pos < 0 ? undefined : packedAt(this.lp, packedNext(this.lp, pos));
  }

  has(field: string): boolean {
    return this.table !== null ? this.table.has(field) : packedFind(this.lp, field, 2) >= 0;
  }

  /** Returns true when the field is new. */
  set(field: string, value: string): boolean {
    const t = this.table;
    if (t !== null) {
      const old = t.swap(field, value);
      if (old === undefined) {
        t.bytes += field.length + value.length;
        return true;
      }
      t.bytes += value.length - old.length;
      return false;
    }
    const p = this.lp;
    const pos = packedFind(p, field, 2);
    if (pos < 0) {
      this.data = flatten(p + packEntry(field) + packEntry(value));
      return true;
    }
    const at = packedNext(p, pos);
    this.data = flatten(p.slice(0, at) + packEntry(value) + p.slice(packedNext(p, at)));
    return false;
  }

  delete(field: string): boolean {
    const t = this.table;
    if (t !== null) {
      const old = t.take(field);
      if (old === undefined) return false;
      t.bytes -= field.length + old.length;
      return true;
    }
    const p = this.lp;
    const pos = packedFind(p, field, 2);
    if (pos < 0) return false;
    this.data = packedCut(p, pos, packedNext(p, packedNext(p, pos)));
    return true;
  }

  /** Fields and values, alternating, in the hash's order. */
  flat(): string[] {
    const out: string[] = [];
    if (this.table !== null) {
      for (const [f, v] of this.table.entries()) out.push(f, v);
      return out;
    }
    const p = this.lp;
    for (let pos = 0; pos < p.length; pos = packedNext(p, pos)) out.push(packedAt(p, pos));
    return out;
  }

  /** Fields (`from` 0) or values (`from` 1) in the hash's order. */
  column(from: 0 | 1): string[] {
    const out: string[] = [];
    if (this.table !== null) {
      if (from === 0) for (const f of this.table.keys()) out.push(f);
      else for (const [, v] of this.table.entries()) out.push(v);
      return out;
    }
    const p = this.lp;
    for (let pos = from === 0 ? 0 : packedNext(p, 0); pos < p.length; pos = packedNext(p, packedNext(p, pos))) out.push(packedAt(p, pos));
    return out;
  }

  /** Bytes of the listpack (0 as a hashtable), for MEMORY USAGE. */
  get packedBytes(): number {
    return this.lp.length;
  }

  /** hashTypeConvert to OBJ_ENCODING_HT. */
  toTable(): void {
    if (this.table !== null) return;
    const flat = this.flat();
    this.data = new FieldTable();
    for (let i = 0; i < flat.length; i += 2) this.set(flat[i], flat[i + 1]);
  }

  /** hashTypeSet for one field: converts first when an argument is too long, then when too many. */
  store(field: string, value: string, limits: Limits): void {
    if (this.table === null && (field.length > limits.value || value.length > limits.value)) this.toTable();
    this.set(field, value);
    this.convertPast(limits.entries);
  }

  /** A listpack of more than `entries` fields becomes a hashtable (hash-max-listpack-entries). */
  convertPast(entries: number): void {
    // A pair takes two chars at least: a shorter listpack holds no more fields than the limit, uncounted.
    if (this.table === null && this.lp.length > 2 * entries && listpackFields(this.lp) > entries) this.toTable();
  }

  clone(): Hash {
    const h = new Hash();
    if (this.table === null) {
      // Strings are immutable: the copy shares the listpack until either side writes.
      h.data = this.data;
      return h;
    }
    h.data = new FieldTable();
    for (const [f, v] of this.table.entries()) h.set(f, v);
    return h;
  }
}

/** Fields in a listpack: half its entries. */
function listpackFields(p: string): number {
  let n = 0;
  for (let pos = 0; pos < p.length; pos = packedNext(p, pos)) n++;
  return n >> 1;
}

/** Rough per-entry overhead of a hashtable: a dict entry plus its ScanIndex slot. */
const TABLE_ENTRY = 72;

export const HashType: DataType<Hash> = {
  name: 'hash',
  is: (v): v is Hash => v instanceof Hash,
  encoding: (h) => (h.listpack ? 'listpack' : 'hashtable'),
  clone: (h) => h.clone(),
  memory: (h, samples) => {
    if (h.listpack) return PACKED_OVERHEAD + h.packedBytes;
    if (samples !== undefined && samples !== 0 && samples < h.size) {
      // MEMORY USAGE ... SAMPLES n: the first n entries, extrapolated, as Redis samples its dict.
      let bytes = 0;
      let seen = 0;
      h.table!.scan(0, samples, (f, v) => {
        bytes += f.length + v.length;
        seen++;
      });
      return Math.round(64 + h.size * (TABLE_ENTRY + bytes / seen));
    }
    return 64 + h.size * TABLE_ENTRY + h.table!.bytes;
  },
  field: (h, field) => h.get(field),
  digest: (h, d) => {
    const flat = h.flat();
    for (let i = 0; i < flat.length; i += 2) d.xorPair(flat[i], flat[i + 1]);
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
  if (h.table !== null) return;
  const max = limits.value;
  for (let i = from; i < argv.length; i++) {
    if (argv[i].length > max) {
      h.toTable();
      return;
    }
  }
}
