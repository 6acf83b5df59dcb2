import { type DataType, parseInt64, StringMap } from '../../kernel';

/** Redis caps set-max-intset-entries at 1G entries (intset internals). */
const INTSET_HARD_LIMIT = 1 << 30;

/**
 * A set: members in a dense array plus a member -> slot map. Removal moves the last member
 * into the hole, so the array never has gaps: random sampling is O(1), and SSCAN walks the
 * slots from the top down, which keeps its guarantee (a move only brings an already visited
 * member from the top into a lower slot, where it is at worst returned twice).
 */
export class RSet {
  members: string[] = [];
  private slots = new StringMap<number>();
  /**
   * Whether Redis 7.0 would hold this set as an intset: every member a canonical int64 and at
   * most set-max-intset-entries of them. Like Redis, a set never converts back.
   */
  intset = true;

  get size(): number {
    return this.members.length;
  }

  has(member: string): boolean {
    return this.slots.has(member);
  }

  /** Adds a member; returns whether it is new. `maxIntset` is set-max-intset-entries. */
  add(member: string, maxIntset: number): boolean {
    if (this.slots.has(member)) return false;
    const n = this.members.length;
    this.slots.set(member, n);
    this.members.push(member);
    if (this.intset && (n >= Math.min(maxIntset, INTSET_HARD_LIMIT) || parseInt64(member) === null)) this.intset = false;
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

  /** A uniformly random member (the set must not be empty). */
  random(): string {
    return this.members[Math.floor(Math.random() * this.members.length)];
  }

  /** The members in Redis's reply order where it is deterministic: an intset is sorted. */
  ordered(): string[] {
    return this.intset ? this.members.slice().sort(compareInt) : this.members.slice();
  }

  clone(): RSet {
    const c = new RSet();
    c.members = this.members.slice();
    c.slots.reserve(this.members.length);
    for (let i = 0; i < c.members.length; i++) c.slots.set(c.members[i], i);
    c.intset = this.intset;
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
  // intset: 8 bytes a member; dict: an entry and an sds header per member, plus the bytes.
  memory: (v) => {
    if (v.intset) return 24 + 8 * v.size;
    let bytes = 96 + 40 * v.size;
    for (const m of v.members) bytes += m.length;
    return bytes;
  },
  elements: (v) => v.ordered(),
  digest: (v, d) => {
    for (const m of v.members) d.xor(m);
  },
};
