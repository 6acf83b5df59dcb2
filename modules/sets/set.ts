import { type DataType, flatten, PACKED_OVERHEAD, packedCut, parseInt64, StringMap } from '../../kernel';

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
  /**
   * The members' bytes, kept as they come and go: used_memory measures a large set again after
   * writes to it, and a walk of every member there cost milliseconds, several times a second.
   */
  bytes = 0;

  add(member: string): boolean {
    if (this.slots.has(member)) return false;
    this.slots.set(member, this.members.length);
    this.members.push(member);
    this.bytes += member.length;
    return true;
  }

  remove(member: string): boolean {
    const slot = this.slots.get(member);
    if (slot === undefined) return false;
    this.slots.delete(member);
    this.bytes -= member.length;
    const last = this.members.pop()!;
    if (slot < this.members.length) {
      this.members[slot] = last;
      this.slots.set(last, slot);
    }
    return true;
  }
}

/**
 * An intset entry: a header char (NEGATIVE for a negative number, plus its count of digits, 1 to
 * 19), then the digits two to a char, high nibble first (an odd last digit in a high nibble).
 * Entries of one sign and digit count compare as their digits do, so no member is parsed. Five
 * members of up to six digits take 15 chars, where their text with a length char each took 24:
 * 32 bytes for the string on V8 instead of 40 (V8 rounds objects to 8 bytes).
 */
const NEGATIVE = 0x80;
const DIGITS = 0x7f;

/** Where the intset entry at `pos` ends (the next one's header). */
function entryEnd(p: string, pos: number): number {
  return pos + 1 + (((p.charCodeAt(pos) & DIGITS) + 1) >> 1);
}

/** Digit `i` of the intset entry at `pos`. */
function digitAt(p: string, pos: number, i: number): number {
  const c = p.charCodeAt(pos + 1 + (i >> 1));
  return (i & 1) === 0 ? c >> 4 : c & 15;
}

/** The member the intset entry at `pos` holds, as its canonical decimal text. */
function entryText(p: string, pos: number): string {
  const h = p.charCodeAt(pos);
  const n = h & DIGITS;
  const end = pos + 1 + ((n + 1) >> 1);
  if (n <= 15) {
    // Exact as a double (an odd count's last char adds a 0 digit, divided out): one flat string from the number.
    let v = 0;
    for (let i = pos + 1; i < end; i++) {
      const c = p.charCodeAt(i);
      v = v * 100 + (c >> 4) * 10 + (c & 15);
    }
    if ((n & 1) !== 0) v /= 10;
    return String((h & NEGATIVE) !== 0 ? -v : v);
  }
  let s = (h & NEGATIVE) !== 0 ? '-' : '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(48 + digitAt(p, pos, i));
  return flatten(s);
}

/** The intset entry of a canonical int64 text. */
function intEntry(m: string): string {
  const neg = m.charCodeAt(0) === 45;
  const off = neg ? 1 : 0;
  const n = m.length - off;
  let s = String.fromCharCode((neg ? NEGATIVE : 0) | n);
  for (let i = 0; i < n; i += 2) {
    const lo = i + 1 < n ? m.charCodeAt(off + i + 1) - 48 : 0;
    s += String.fromCharCode(((m.charCodeAt(off + i) - 48) << 4) | lo);
  }
  return s;
}

/** Numeric order of the intset entry at `pos` against the canonical int64 text `m`: <0, 0, >0. */
function compareEntry(p: string, pos: number, m: string): number {
  const h = p.charCodeAt(pos);
  const neg = (h & NEGATIVE) !== 0;
  if (neg !== (m.charCodeAt(0) === 45)) return neg ? -1 : 1;
  const off = neg ? 1 : 0;
  const n = h & DIGITS;
  let d = n - (m.length - off);
  for (let i = 0; d === 0 && i < n; i++) d = digitAt(p, pos, i) - (m.charCodeAt(off + i) - 48);
  return neg ? -d : d;
}

/** How many members an intset holds. */
function intsetCount(p: string): number {
  let n = 0;
  for (let pos = 0; pos < p.length; pos = entryEnd(p, pos)) n++;
  return n;
}

/**
 * A set. Small sets of integers use Redis's "intset" encoding: one packed string of the members'
 * entries (intEntry) in ascending numeric order (SMEMBERS and SSCAN answer sorted, as from
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
    for (let pos = 0; pos < p.length; pos = entryEnd(p, pos)) out.push(entryText(p, pos));
    return out;
  }

  /** Where the member's entry starts in the intset, or -1. */
  private find(member: string): number {
    const p = this.ints;
    for (let pos = 0; pos < p.length; pos = entryEnd(p, pos)) {
      const d = compareEntry(p, pos, member);
      if (d === 0) return pos;
      if (d > 0) return -1;
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
    for (; pos < p.length; pos = entryEnd(p, pos)) {
      const d = compareEntry(p, pos, member);
      if (d === 0) return false;
      if (d > 0) break;
    }
    if (intsetCount(p) >= Math.min(maxIntset, INTSET_HARD_LIMIT)) {
      this.toTable();
      return this.table!.add(member);
    }
    const entry = intEntry(member);
    this.data = flatten(pos === p.length ? p + entry : p.slice(0, pos) + entry + p.slice(pos));
    return true;
  }

  remove(member: string): boolean {
    if (this.table !== null) return this.table.remove(member);
    const pos = this.find(member);
    if (pos < 0) return false;
    const p = this.ints;
    this.data = packedCut(p, pos, entryEnd(p, pos));
    return true;
  }

  /** A uniformly random member (the set must not be empty). */
  random(): string {
    if (this.table !== null) return this.table.members[Math.floor(Math.random() * this.table.members.length)];
    const p = this.ints;
    let pos = 0;
    for (let i = Math.floor(Math.random() * intsetCount(p)); i > 0; i--) pos = entryEnd(p, pos);
    return entryText(p, pos);
  }

  /** The members in Redis's reply order where it is deterministic: an intset is sorted. */
  ordered(): string[] {
    return this.table === null ? this.members : this.table.members.slice();
  }

  /** Bytes of the intset (0 as a hashtable), for MEMORY USAGE. */
  get packedBytes(): number {
    return this.ints.length;
  }

  /** Bytes of a hashtable's members (0 as an intset). */
  get memberBytes(): number {
    return this.table === null ? 0 : this.table.bytes;
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
    if (samples === undefined || samples === 0 || samples >= members.length) return 96 + 40 * v.size + v.memberBytes;
    // MEMORY USAGE ... SAMPLES n: the first n members, extrapolated, as Redis samples its dict.
    let bytes = 0;
    for (let i = 0; i < samples; i++) bytes += members[i].length;
    return Math.round(96 + v.size * (40 + bytes / samples));
  },
  elements: (v) => v.ordered(),
  digest: (v, d) => {
    for (const m of v.members) d.xor(m);
  },
};
