/** EVPOOL_SIZE: the candidates the pool keeps between evictions. */
const SIZE = 16;

/**
 * Redis's eviction pool (evict.c): the best candidates met while sampling, ordered by their
 * score ("idle": seconds idle, 255 minus the LFU counter, or how soon the TTL ends), kept
 * across evictions so each sample improves the choice. Parallel arrays, no object per slot.
 */
export class EvictionPool {
  private readonly keys: (string | null)[] = new Array<string | null>(SIZE).fill(null);
  private readonly dbs = new Int32Array(SIZE);
  private readonly idle = new Float64Array(SIZE);

  /** evictionPoolPopulate's insertion: keep the pool sorted ascending, the best at the right. */
  insert(key: string, db: number, idle: number): void {
    const keys = this.keys;
    let k = 0;
    while (k < SIZE && keys[k] !== null && this.idle[k] < idle) k++;
    if (k === 0 && keys[SIZE - 1] !== null) return; // worse than every candidate of a full pool
    if (k < SIZE && keys[k] === null) {
      // an empty slot: take it
    } else if (keys[SIZE - 1] === null) {
      // room on the right: shift k.. one to the right
      for (let i = SIZE - 1; i > k; i--) this.move(i - 1, i);
    } else {
      // full: drop the worst (slot 0) and shift 1..k-1 to the left
      k--;
      for (let i = 0; i < k; i++) this.move(i + 1, i);
    }
    keys[k] = key;
    this.dbs[k] = db;
    this.idle[k] = idle;
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from];
    this.dbs[to] = this.dbs[from];
    this.idle[to] = this.idle[from];
  }

  /**
   * Take the best candidate still stored, from the right; `exists` tells whether a key is still
   * there (another client may have deleted it since it was sampled). Null when none is.
   */
  take(exists: (db: number, key: string) => boolean): [db: number, key: string] | null {
    for (let k = SIZE - 1; k >= 0; k--) {
      const key = this.keys[k];
      if (key === null) continue;
      const db = this.dbs[k];
      this.keys[k] = null;
      if (exists(db, key)) return [db, key];
    }
    return null;
  }

  clear(): void {
    this.keys.fill(null);
  }
}
