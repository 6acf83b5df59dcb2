import { flatten, packedAt, packedCut, packedNext, packEntry } from '../../kernel';

const MIN_CAPACITY = 8;
/**
 * A list stays packed while it has at most this many elements, each at most PACKED_VALUE bytes
 * (Redis 7.0 reports "quicklist" either way: the choice changes memory, not replies).
 */
const PACKED_ENTRIES = 128;
const PACKED_VALUE = 64;
/** A ring buffer that shrinks to this many elements, all short, packs again. */
const REPACK_ENTRIES = 32;

function fitsPacked(items: readonly string[], max: number): boolean {
  if (items.length > max) return false;
  for (let i = 0; i < items.length; i++) if (items[i].length > PACKED_VALUE) return false;
  return true;
}

/**
 * A list value. A small list is one packed string of its elements (as a quicklist node is one
 * listpack): no string object, array slot or ring per element. Past PACKED_ENTRIES elements or
 * with a long element it becomes a growable circular buffer of binary strings: O(1) push and
 * pop at both ends and O(1) access by index anywhere (LINDEX/LSET); npm's deques (denque,
 * double-ended-queue) have no O(1) set-by-index, hence our own. The capacity is a power of two
 * so that a slot is `(head + i) & mask`; it halves when a quarter full, so a drained list gives
 * memory back, and packs again once small.
 */
export class Deque {
  /** The ring buffer; null while the list is packed. */
  private buf: (string | undefined)[] | null = null;
  /** The packed elements ('' as a ring buffer). */
  private lp = '';
  private head = 0;
  length = 0;
  /**
   * The ring's element bytes, kept as its slots are written: used_memory measures a large list
   * again after writes to it, and a walk of a million elements there cost milliseconds each
   * time, several times a second for a list under writes.
   */
  private ringBytes = 0;

  static from(items: readonly string[]): Deque {
    const d = new Deque();
    if (fitsPacked(items, PACKED_ENTRIES)) d.pack(items);
    else d.toRing(items);
    return d;
  }

  /** Whether the list is packed (get(i) walks it: read it whole with toArray() to scan it). */
  get packed(): boolean {
    return this.buf === null;
  }

  clone(): Deque {
    if (this.buf !== null) return Deque.from(this.toArray());
    // Strings are immutable: the copy shares the packed elements until either side writes.
    const d = new Deque();
    d.lp = this.lp;
    d.length = this.length;
    return d;
  }

  private pack(items: readonly string[]): void {
    let p = '';
    for (let i = 0; i < items.length; i++) p += packEntry(items[i]);
    this.lp = flatten(p);
    this.length = items.length;
    this.buf = null;
    this.ringBytes = 0;
    this.head = 0;
  }

  private toRing(items: readonly string[]): void {
    let cap = MIN_CAPACITY;
    while (cap < items.length) cap *= 2;
    const buf = new Array<string | undefined>(cap);
    let bytes = 0;
    for (let i = 0; i < items.length; i++) {
      buf[i] = items[i];
      bytes += items[i].length;
    }
    this.buf = buf;
    this.ringBytes = bytes;
    this.head = 0;
    this.length = items.length;
    this.lp = '';
  }

  /** Bytes of the elements: the ring's count, or a packed list's elements read. */
  get bytes(): number {
    if (this.buf !== null) return this.ringBytes;
    let n = 0;
    for (let pos = 0; pos < this.lp.length; pos = packedNext(this.lp, pos)) n += packedAt(this.lp, pos).length;
    return n;
  }

  /**
   * The ring's capacity less one, read from the ring rather than kept: a field more would make
   * every list's object 8 bytes larger, and most lists are packed.
   */
  private get mask(): number {
    return this.buf!.length - 1;
  }

  /** Write ring slot `slot` (undefined: empty it), keeping ringBytes. */
  private put(slot: number, v: string | undefined): void {
    const buf = this.buf!;
    const old = buf[slot];
    this.ringBytes += (v === undefined ? 0 : v.length) - (old === undefined ? 0 : old.length);
    buf[slot] = v;
  }

  /** Where packed element `i` starts. */
  private pos(i: number): number {
    const p = this.lp;
    let pos = 0;
    for (; i > 0; i--) pos = packedNext(p, pos);
    return pos;
  }

  /** The element at `i` (0 <= i < length). */
  get(i: number): string {
    if (this.buf === null) return packedAt(this.lp, this.pos(i));
    return this.buf[(this.head + i) & this.mask]!;
  }

  set(i: number, v: string): void {
    if (this.buf === null) {
      if (v.length <= PACKED_VALUE) {
        const p = this.lp;
        const pos = this.pos(i);
        this.lp = flatten(p.slice(0, pos) + packEntry(v) + p.slice(packedNext(p, pos)));
        return;
      }
      this.toRing(this.toArray());
    }
    this.put((this.head + i) & this.mask, v);
  }

  pushBack(v: string): void {
    if (this.buf === null) {
      if (this.length < PACKED_ENTRIES && v.length <= PACKED_VALUE) {
        this.lp = flatten(this.lp + packEntry(v));
        this.length++;
        return;
      }
      this.toRing(this.toArray());
    }
    const buf = this.buf!;
    if (this.length === buf.length) this.resize(buf.length * 2);
    this.put((this.head + this.length) & this.mask, v);
    this.length++;
  }

  pushFront(v: string): void {
    if (this.buf === null) {
      if (this.length < PACKED_ENTRIES && v.length <= PACKED_VALUE) {
        this.lp = flatten(packEntry(v) + this.lp);
        this.length++;
        return;
      }
      this.toRing(this.toArray());
    }
    const buf = this.buf!;
    if (this.length === buf.length) this.resize(buf.length * 2);
    this.head = (this.head - 1) & this.mask;
    this.put(this.head, v);
    this.length++;
  }

  /** Remove and return the first element; the list must not be empty. */
  popFront(): string {
    if (this.buf === null) {
      const p = this.lp;
      const v = packedAt(p, 0);
      this.lp = packedCut(p, 0, packedNext(p, 0));
      this.length--;
      return v;
    }
    const h = this.head;
    const v = this.buf[h]!;
    this.put(h, undefined);
    this.head = (h + 1) & this.mask;
    this.length--;
    this.maybeShrink();
    return v;
  }

  /** Remove and return the last element; the list must not be empty. */
  popBack(): string {
    if (this.buf === null) {
      const p = this.lp;
      const pos = this.pos(this.length - 1);
      const v = packedAt(p, pos);
      this.lp = packedCut(p, pos, p.length);
      this.length--;
      return v;
    }
    const i = (this.head + this.length - 1) & this.mask;
    const v = this.buf[i]!;
    this.put(i, undefined);
    this.length--;
    this.maybeShrink();
    return v;
  }

  /** Elements `start..end` inclusive, both within bounds. */
  range(start: number, end: number): string[] {
    const out = new Array<string>(end - start + 1);
    if (this.buf === null) {
      const p = this.lp;
      for (let i = 0, pos = this.pos(start); i < out.length; i++, pos = packedNext(p, pos)) out[i] = packedAt(p, pos);
      return out;
    }
    const buf = this.buf;
    const mask = this.mask;
    const base = this.head + start;
    for (let i = 0; i < out.length; i++) out[i] = buf[(base + i) & mask]!;
    return out;
  }

  toArray(): string[] {
    return this.length === 0 ? [] : this.range(0, this.length - 1);
  }

  /** Insert `v` before position `i` (0 <= i <= length), moving the shorter side. */
  insert(i: number, v: string): void {
    if (this.buf === null) {
      if (this.length < PACKED_ENTRIES && v.length <= PACKED_VALUE) {
        const p = this.lp;
        const pos = this.pos(i);
        this.lp = flatten(p.slice(0, pos) + packEntry(v) + p.slice(pos));
        this.length++;
        return;
      }
      this.toRing(this.toArray());
    }
    if (this.length === this.buf!.length) this.resize(this.buf!.length * 2);
    if (i < this.length >> 1) {
      this.head = (this.head - 1) & this.mask;
      for (let j = 0; j < i; j++) this.set(j, this.get(j + 1));
    } else {
      for (let j = this.length; j > i; j--) this.set(j, this.get(j - 1));
    }
    this.set(i, v);
    this.length++;
  }

  /**
   * LREM: remove elements equal to `v`, at most `count` of them (0 = all), from the head when
   * `count` >= 0 and from the tail when negative. Compacts in place; returns how many went.
   */
  remove(v: string, count: number): number {
    if (this.buf === null) {
      const items = this.toArray();
      let left = count === 0 ? items.length : Math.abs(count);
      const keep = new Array<boolean>(items.length);
      for (let k = 0; k < items.length; k++) {
        const i = count >= 0 ? k : items.length - 1 - k;
        keep[i] = left === 0 || items[i] !== v;
        if (!keep[i]) left--;
      }
      const kept = items.filter((_, i) => keep[i]);
      this.pack(kept);
      return items.length - kept.length;
    }
    const n = this.length;
    const limit = count === 0 ? n : Math.abs(count);
    let removed = 0;
    if (count >= 0) {
      let w = 0;
      for (let r = 0; r < n; r++) {
        const e = this.get(r);
        if (removed < limit && e === v) removed++;
        else this.set(w++, e);
      }
      for (let j = w; j < n; j++) this.clear(j);
    } else {
      let w = n - 1;
      for (let r = n - 1; r >= 0; r--) {
        const e = this.get(r);
        if (removed < limit && e === v) removed++;
        else this.set(w--, e);
      }
      for (let j = 0; j <= w; j++) this.clear(j);
      this.head = (this.head + removed) & this.mask;
    }
    this.length = n - removed;
    this.maybeShrink();
    return removed;
  }

  /** LTRIM: drop `left` elements from the head and `right` from the tail. */
  trim(left: number, right: number): void {
    if (this.buf === null) {
      const end = this.pos(this.length - right);
      this.lp = packedCut(packedCut(this.lp, end, this.lp.length), 0, this.pos(left));
      this.length -= left + right;
      return;
    }
    for (let j = 0; j < left; j++) this.clear(j);
    for (let j = this.length - right; j < this.length; j++) this.clear(j);
    this.head = (this.head + left) & this.mask;
    this.length -= left + right;
    this.maybeShrink();
  }

  /** Drop the reference in slot `i` so the string can be collected. */
  private clear(i: number): void {
    this.put((this.head + i) & this.mask, undefined);
  }

  private maybeShrink(): void {
    let cap = this.buf!.length;
    if (cap === MIN_CAPACITY || this.length > cap >> 2) return;
    if (this.length <= REPACK_ENTRIES) {
      const items = this.toArray();
      if (fitsPacked(items, REPACK_ENTRIES)) {
        this.pack(items);
        return;
      }
    }
    while (cap > MIN_CAPACITY && this.length <= cap >> 2) cap >>= 1;
    this.resize(cap);
  }

  private resize(cap: number): void {
    const next = new Array<string | undefined>(cap);
    for (let i = 0; i < this.length; i++) next[i] = this.buf![(this.head + i) & this.mask];
    this.buf = next;
    this.head = 0;
  }
}
