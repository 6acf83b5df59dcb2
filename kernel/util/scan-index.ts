import { StringMap } from './string-map';

/**
 * An insertion-ordered index that makes SCAN-style cursors possible over a JS Map: each
 * element gets a sequence number when added; a cursor is the sequence number to resume from.
 * Elements present for a whole scan are returned at least once, however the collection grows
 * or shrinks in between (Redis's SCAN guarantee). Also gives O(1) expected random sampling.
 * The owner keeps each element's sequence number (returned by add) to remove it.
 */
export class ScanIndex<K> {
  /** Elements by position; removed ones are undefined until compaction. */
  private order: (K | undefined)[] = [];
  private seqs: number[] = [];
  private holes = 0;
  private nextSeq = 1;

  get size(): number {
    return this.order.length - this.holes;
  }

  add(key: K): number {
    const seq = this.nextSeq++;
    this.order.push(key);
    this.seqs.push(seq);
    return seq;
  }

  remove(seq: number): void {
    const i = this.position(seq);
    if (this.seqs[i] !== seq || this.order[i] === undefined) return;
    this.order[i] = undefined;
    this.holes++;
    if (this.holes > 64 && this.holes * 2 > this.order.length) this.compact();
  }

  /** Index of the first slot whose sequence number is >= seq. */
  private position(seq: number): number {
    const seqs = this.seqs;
    let lo = 0;
    let hi = seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seqs[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private compact(): void {
    const order: K[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < this.order.length; i++) {
      const k = this.order[i];
      if (k !== undefined) {
        order.push(k);
        seqs.push(this.seqs[i]);
      }
    }
    this.order = order;
    this.seqs = seqs;
    this.holes = 0;
  }

  /**
   * Visit live elements from `cursor` (0 = start) until `count` were visited; returns the
   * cursor to continue from, 0 when the end was reached.
   */
  scan(cursor: number, count: number, fn: (key: K) => void): number {
    let i = cursor === 0 ? 0 : this.position(cursor);
    let visited = 0;
    while (i < this.order.length && visited < count) {
      const k = this.order[i];
      if (k !== undefined) {
        visited++;
        fn(k);
      }
      i++;
    }
    while (i < this.order.length && this.order[i] === undefined) i++;
    return i < this.order.length ? this.seqs[i] : 0;
  }

  /** A uniformly random live element (undefined when empty). */
  random(): K | undefined {
    if (this.size === 0) return undefined;
    for (;;) {
      const k = this.order[Math.floor(Math.random() * this.order.length)];
      if (k !== undefined) return k;
    }
  }

  clear(): void {
    this.order = [];
    this.seqs = [];
    this.holes = 0;
  }
}

/**
 * A string-keyed map plus a ScanIndex over its keys: for collections that need SCAN cursors
 * or sampling. The map is a StringMap, which keeps large collections cheap to probe.
 */
export class ScanMap<K extends string, V> {
  private readonly map = new StringMap<{ value: V; seq: number }>();
  private readonly index = new ScanIndex<K>();

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Returns true when the key is new. */
  set(key: K, value: V): boolean {
    const e = this.map.get(key);
    if (e !== undefined) {
      e.value = value;
      return false;
    }
    this.map.set(key, { value, seq: this.index.add(key) });
    return true;
  }

  /** Store a value; returns the value it replaced, undefined when the key is new (one lookup for both). */
  swap(key: K, value: V): V | undefined {
    const e = this.map.get(key);
    if (e !== undefined) {
      const old = e.value;
      e.value = value;
      return old;
    }
    this.map.set(key, { value, seq: this.index.add(key) });
    return undefined;
  }

  delete(key: K): boolean {
    const e = this.map.get(key);
    if (e === undefined) return false;
    this.map.delete(key);
    this.index.remove(e.seq);
    return true;
  }

  /** Remove a key; returns its value, undefined when it was absent. */
  take(key: K): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    this.map.delete(key);
    this.index.remove(e.seq);
    return e.value;
  }

  scan(cursor: number, count: number, fn: (key: K, value: V) => void): number {
    return this.index.scan(cursor, count, (k) => fn(k, this.map.get(k)!.value));
  }

  randomKey(): K | undefined {
    return this.index.random();
  }

  /** The entries as they are now (the map may be modified while the result is used). */
  entries(): Array<[K, V]> {
    const out: Array<[K, V]> = [];
    this.map.forEach((e, k) => out.push([k as K, e.value]));
    return out;
  }

  keys(): K[] {
    return this.map.keys() as K[];
  }

  clear(): void {
    this.map.clear();
    this.index.clear();
  }
}
