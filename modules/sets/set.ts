import { type DataType, flatten, PACKED_OVERHEAD, packedAt, packedCompare, packedCut, packedLength, packedNext, packedStart, packEntry, parseInt64, StringMap } from '../../kernel';

/** Redis caps set-max-intset-entries at 1G entries (intset internals). */
const INTSET_HARD_LIMIT = 1 << 30;

/**
 * The hashtable encoding: members in a dense array plus a member -> slot map. Removal moves the
 * last member into the hole, so the array never has gaps: random sampling is O(1), and SSCAN
 * walks the slots from the top down, which keeps its guarantee (a move only brings an already
 * visited member from the top into a lower slot, where it is at worst returned twice).
 */
class Table {
  members: string[] = [];
  readonly slots = new StringMap<number>();

  add(member: string): boolean {
    if (this.slots.has(member)) return false;
    this.slots.set(member, this.members.length);
    this.members.push(member);
    return true;
  }

  remove(member: string): boolean {
    const slot = this.slots.get(member);
    if (slot === undefined) return false;
    this.slots.delete(member);
    const last = this.members.pop()!;
    if (slot < this.members.length) {
      this.members[slot] = last;
      this.slots.set(last, slot);
    }
    return true;
  }
}

/** How many members an intset's packed entries hold. */
function intsetCount(p: string): number {
  let n = 0;
  for (let pos = 0; pos < p.length; pos = packedNext(p, pos)) n++;
  return n;
}

/** compareInt of the canonical integer packed at `start` (`len` bytes) against `b`. */
function compareIntAt(p: string, start: number, len: number, b: string): number {
  const negA = p.charCodeAt(start) === 45;
  if (negA !== (b.charCodeAt(0) === 45)) return negA ? -1 : 1;
  let d = len - b.length;
  if (d === 0) d = packedCompare(p, start, len, b);
  return negA ? -d : d;
}

/**
 * A set. Small sets of integers use Redis's "intset" encoding: one packed string of the members'
 * canonical decimal text in ascending numeric order (SMEMBERS and SSCAN answer sorted, as from
 * an intset). A member that is not an int64, or more than set-max-intset-entries of them, turn
 * it into a hashtable for good, as in Redis 7.0 (which has no listpack sets).
 */
export class RSet {
  /**
   * The intset's entries, or the hashtable. One field and no member count (an intset's is
   * counted by walking it, which its writes do anyway) keep a small set's object at 32 bytes on
   * V8, where three fields took 48.
   */
  private data: string | Table = '';

  private get table(): Table | null {
    return typeof this.data === 'string' ? null : this.data;
  }

  private get ints(): string {
    return typeof this.data === 'string' ? this.data : '';
  }

  get intset(): boolean {
    return this.table === null;
  }

  get size(): number {
    return this.table === null ? intsetCount(this.ints) : this.table.members.length;
  }

  /**
   * The members: an intset's decoded in order (a new array), a hashtable's dense array itself
   * (read, don't keep across writes).
   */
  get members(): string[] {
    if (this.table !== null) return this.table.members;
    const out: string[] = [];
    const p = this.ints;
    for (let pos = 0; pos < p.length; pos = packedNext(p, pos)) out.push(packedAt(p, pos));
    return out;
  }

  /** Where the member's entry starts in the intset, or -1. */
  private find(member: string): number {
    const p = this.ints;
    for (let pos = 0; pos < p.length; ) {
      const start = packedStart(p, pos);
      const len = packedLength(p, pos);
      const d = compareIntAt(p, start, len, member);
      if (d === 0) return pos;
      if (d > 0) return -1;
      pos = start + len;
    }
    return -1;
  }

  has(member: string): boolean {
    return this.table !== null ? this.table.slots.has(member) : this.find(member) >= 0;
  }

  /** Adds a member; returns whether it is new. `maxIntset` is set-max-intset-entries. */
  add(member: string, maxIntset: number): boolean {
    if (this.table !== null) return this.table.add(member);
    if (parseInt64(member) === null) {
      this.toTable();
      return this.table!.add(member);
    }
    const p = this.ints;
    let pos = 0;
    while (pos < p.length) {
      const start = packedStart(p, pos);
      const len = packedLength(p, pos);
      const d = compareIntAt(p, start, len, member);
      if (d === 0) return false;
      if (d > 0) break;
      pos = start + len;
    }
    if (intsetCount(p) >= Math.min(maxIntset, INTSET_HARD_LIMIT)) {
      this.toTable();
      return this.table!.add(member);
    }
    const entry = packEntry(member);
    this.data = flatten(pos === p.length ? p + entry : p.slice(0, pos) + entry + p.slice(pos));
    return true;
  }

  remove(member: string): boolean {
    if (this.table !== null) return this.table.remove(member);
    const pos = this.find(member);
    if (pos < 0) return false;
    const p = this.ints;
    this.data = packedCut(p, pos, packedNext(p, pos));
    return true;
  }

  /** A uniformly random member (the set must not be empty). */
  random(): string {
    if (this.table !== null) return this.table.members[Math.floor(Math.random() * this.table.members.length)];
    const p = this.ints;
    let pos = 0;
    for (let i = Math.floor(Math.random() * intsetCount(p)); i > 0; i--) pos = packedNext(p, pos);
    return packedAt(p, pos);
  }

  /** The members in Redis's reply order where it is deterministic: an intset is sorted. */
  ordered(): string[] {
    return this.table === null ? this.members : this.table.members.slice();
  }

  /** Bytes of the intset (0 as a hashtable), for MEMORY USAGE. */
  get packedBytes(): number {
    return this.ints.length;
  }

  /** setTypeConvert to OBJ_ENCODING_HT. */
  private toTable(): void {
    const table = new Table();
    const members = this.members;
    table.slots.reserve(members.length);
    for (let i = 0; i < members.length; i++) table.add(members[i]);
    this.data = table;
  }

  clone(): RSet {
    const c = new RSet();
    if (this.table === null) {
      // Strings are immutable: the copy shares the intset until either side writes.
      c.data = this.data;
      return c;
    }
    const members = this.table.members;
    const table = new Table();
    table.slots.reserve(members.length);
    for (let i = 0; i < members.length; i++) table.add(members[i]);
    c.data = table;
    return c;
  }
}

/** Numeric order of canonical int64 strings (no leading zeros), without parsing them. */
export function compareInt(a: string, b: string): number {
  const negA = a.charCodeAt(0) === 45;
  const negB = b.charCodeAt(0) === 45;
  if (negA !== negB) return negA ? -1 : 1;
  let d = a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
  if (negA) d = -d;
  return d;
}

/** A set built from members in order, converting as Redis's setTypeAdd would. */
export function setOf(members: readonly string[], maxIntset: number): RSet {
  const s = new RSet();
  for (let i = 0; i < members.length; i++) s.add(members[i], maxIntset);
  return s;
}

export const SetType: DataType<RSet> = {
  name: 'set',
  is: (v): v is RSet => v instanceof RSet,
  encoding: (v) => (v.intset ? 'intset' : 'hashtable'),
  clone: (v) => v.clone(),
  // intset: the packed bytes; dict: an entry and an sds header per member, plus the bytes.
  memory: (v, samples) => {
    if (v.intset) return PACKED_OVERHEAD + v.packedBytes;
    const members = v.members;
    // MEMORY USAGE ... SAMPLES n: the first n members, extrapolated (0: all), as Redis samples its dict.
    const n = samples === undefined || samples === 0 ? members.length : Math.min(samples, members.length);
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += members[i].length;
    return n === members.length ? 96 + 40 * v.size + bytes : Math.round(96 + v.size * (40 + bytes / n));
  },
  elements: (v) => v.ordered(),
  digest: (v, d) => {
    for (const m of v.members) d.xor(m);
  },
};
