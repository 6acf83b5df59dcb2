const MIN_CAPACITY = 8;

/**
 * A list value: a growable circular buffer of binary strings. O(1) push and pop at both ends
 * and O(1) access by index anywhere (LINDEX/LSET). npm's deques (denque, double-ended-queue)
 * have no O(1) set-by-index, hence our own. The capacity is a power of two so that a slot is
 * `(head + i) & mask`; it halves when a quarter full, so a drained list gives memory back.
 */
export class Deque {
  private buf: (string | undefined)[];
  private head = 0;
  private mask: number;
  length = 0;

  constructor(capacity = MIN_CAPACITY) {
    this.buf = new Array<string | undefined>(capacity);
    this.mask = capacity - 1;
  }

  static from(items: readonly string[]): Deque {
    let cap = MIN_CAPACITY;
    while (cap < items.length) cap *= 2;
    const d = new Deque(cap);
    for (let i = 0; i < items.length; i++) d.buf[i] = items[i];
    d.length = items.length;
    return d;
  }

  clone(): Deque {
    return Deque.from(this.toArray());
  }

  /** The element at `i` (0 <= i < length). */
  get(i: number): string {
    return this.buf[(this.head + i) & this.mask]!;
  }

  set(i: number, v: string): void {
    this.buf[(this.head + i) & this.mask] = v;
  }

  pushBack(v: string): void {
    if (this.length === this.buf.length) this.resize(this.buf.length * 2);
    this.buf[(this.head + this.length) & this.mask] = v;
    this.length++;
  }

  pushFront(v: string): void {
    if (this.length === this.buf.length) this.resize(this.buf.length * 2);
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = v;
    this.length++;
  }

  /** Remove and return the first element; the list must not be empty. */
  popFront(): string {
    const h = this.head;
    const v = this.buf[h]!;
    this.buf[h] = undefined;
    this.head = (h + 1) & this.mask;
    this.length--;
    this.maybeShrink();
    return v;
  }

  /** Remove and return the last element; the list must not be empty. */
  popBack(): string {
    const i = (this.head + this.length - 1) & this.mask;
    const v = this.buf[i]!;
    this.buf[i] = undefined;
    this.length--;
    this.maybeShrink();
    return v;
  }

  /** Elements `start..end` inclusive, both within bounds. */
  range(start: number, end: number): string[] {
    const out = new Array<string>(end - start + 1);
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
    if (this.length === this.buf.length) this.resize(this.buf.length * 2);
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
    for (let j = 0; j < left; j++) this.clear(j);
    for (let j = this.length - right; j < this.length; j++) this.clear(j);
    this.head = (this.head + left) & this.mask;
    this.length -= left + right;
    this.maybeShrink();
  }

  /** Drop the reference in slot `i` so the string can be collected. */
  private clear(i: number): void {
    this.buf[(this.head + i) & this.mask] = undefined;
  }

  private maybeShrink(): void {
    let cap = this.buf.length;
    if (cap === MIN_CAPACITY || this.length > cap >> 2) return;
    while (cap > MIN_CAPACITY && this.length <= cap >> 2) cap >>= 1;
    this.resize(cap);
  }

  private resize(cap: number): void {
    const next = new Array<string | undefined>(cap);
    for (let i = 0; i < this.length; i++) next[i] = this.buf[(this.head + i) & this.mask];
    this.buf = next;
    this.head = 0;
    this.mask = cap - 1;
  }
}
