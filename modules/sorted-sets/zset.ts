import { type Database, type DataType, Errors, formatDouble, ScanIndex, type SortedSets, type SortedSetValue, StringMap } from '../../kernel';
import { type Cursor, ScoreTree } from './tree';

/** zset-max-listpack-entries / zset-max-listpack-value, kept current by the module. */
export interface Limits {
  maxEntries: number;
  maxValue: number;
}

/** A listpack stores scores as text that drops the sign of zero (Redis 7.0's d2string). */
function listpackScore(score: number): number {
  return score === 0 ? 0 : score;
}

/**
 * What the member dictionary holds: the score, the ZSCAN sequence number once indexed, and the
 * member string the tree holds, so an update hands the tree its own string back (found by
 * identity, and the command's copy stays short-lived garbage).
 */
export class ZEntry {
  constructor(
    public score: number,
    public seq: number,
    readonly ele: string,
  ) {}
}

/**
 * A sorted set: member -> score (Redis's dict) plus the members in (score, member) order.
 * Small sets report Redis's "listpack" encoding; once a limit is crossed they report
 * "skiplist" for good, as in Redis 7.0, and get a ScanIndex for ZSCAN cursors.
 */
export class ZSet implements SortedSetValue {
  readonly dict = new StringMap<ZEntry>();
  readonly tree = new ScoreTree();
  listpack = true;
  index: ScanIndex<string> | null = null;

  get size(): number {
    return this.dict.size;
  }

  score(ele: string): number | undefined {
    return this.dict.get(ele)?.score;
  }

  /** 0-based rank of a member, or -1. */
  rank(ele: string): number {
    const e = this.dict.get(ele);
    return e === undefined ? -1 : this.tree.rankOf(e.score, ele);
  }

  /** Add a member known to be absent, converting to skiplist first if a limit is crossed (zsetAdd). */
  insert(score: number, ele: string, limits: Limits): void {
    if (this.listpack && (this.dict.size + 1 > limits.maxEntries || ele.length > limits.maxValue)) this.toSkiplist();
    if (this.listpack) score = listpackScore(score);
    this.tree.insert(score, ele);
    this.dict.set(ele, new ZEntry(score, this.index !== null ? this.index.add(ele) : 0, ele));
  }

  setScore(e: ZEntry, score: number): void {
    if (this.listpack) score = listpackScore(score);
    this.tree.delete(e.score, e.ele);
    this.tree.insert(score, e.ele);
    e.score = score;
  }

  delete(ele: string): boolean {
    const e = this.dict.get(ele);
    if (e === undefined) return false;
    this.dict.delete(ele);
    this.tree.delete(e.score, e.ele);
    if (this.index !== null) this.index.remove(e.seq);
    return true;
  }

  /** Remove `count` members in order from `rank` on; returns how many went. */
  deleteRange(rank: number, count: number): number {
    return this.tree.deleteRange(rank, count, (ele) => {
      const e = this.dict.get(ele)!;
      this.dict.delete(ele);
      if (this.index !== null) this.index.remove(e.seq);
    });
  }

  toSkiplist(): void {
    this.listpack = false;
    const index = new ScanIndex<string>();
    this.forEach((ele) => (this.dict.get(ele)!.seq = index.add(ele)));
    this.index = index;
  }

  fromScore(min: number): Cursor {
    return this.tree.at(this.tree.rankByScore(min, false));
  }

  /** A cursor at `rank` (see ScoreTree.at). */
  at(rank: number): Cursor {
    return this.tree.at(rank);
  }

  /** Every member in order, with its score. */
  forEach(fn: (ele: string, score: number) => void): void {
    for (const c = this.tree.at(0); c.valid; c.next()) fn(c.ele, c.score);
  }

  /** Members in score order. */
  members(): string[] {
    const out: string[] = [];
    this.forEach((ele) => out.push(ele));
    return out;
  }
}

/** The 'zset' data type; values it rebuilds follow the current encoding limits. */
export function zsetType(limits: Limits): DataType<ZSet> {
  return {
    name: 'zset',
    is: (v): v is ZSet => v instanceof ZSet,
    encoding: (z) => (z.listpack ? 'listpack' : 'skiplist'),
    clone(z) {
      const c = new ZSet();
      z.forEach((ele, score) => {
        c.tree.insert(score, ele);
        c.dict.set(ele, new ZEntry(score, 0, ele));
      });
      if (!z.listpack) c.toSkiplist();
      return c;
    },
    memory(z) {
      // Member bytes are estimated from the first few members, as MEMORY USAGE samples.
      let sampled = 0;
      let bytes = 0;
      for (const c = z.at(0); c.valid && sampled < 16; c.next(), sampled++) bytes += c.ele.length;
      const avg = sampled === 0 ? 0 : bytes / sampled;
      return Math.round(64 + z.size * (avg + (z.listpack ? 12 : 80)));
    },
    elements: (z) => z.members(),
    // Each member with its score as %.17g prints it.
    digest: (z, d) => z.forEach((ele, score) => d.xorPair(ele, formatDouble(score))),
  };
}

/** The kernel's SortedSets service, for modules that keep their data in sorted sets (geo). */
export function sortedSetsService(limits: Limits): SortedSets {
  return {
    is: (v): v is ZSet => v instanceof ZSet,
    create: () => new ZSet(),
    put(z, ele, score, nx = false, xx = false) {
      const zs = z as ZSet;
      const e = zs.dict.get(ele);
      if (e === undefined) {
        if (xx) return 0;
        zs.insert(score, ele, limits);
        return 1;
      }
      if (nx || e.score === score) return 0;
      zs.setScore(e, score);
      return 2;
    },
  };
}

/** A sorted set as read commands look it up (hit/miss statistics, keymiss event). */
export function readZset(ctx: { db: Database; keyMiss(key: string): void }, key: string): ZSet | undefined {
  const v = ctx.db.get(key);
  if (v === undefined) {
    ctx.keyMiss(key);
    return undefined;
  }
  if (!(v instanceof ZSet)) throw Errors.wrongType;
  return v;
}

/** A sorted set as write commands look it up (lookupKeyWrite: no statistics). */
export function writeZset(db: Database, key: string): ZSet | undefined {
  const v = db.peek(key);
  if (v === undefined) return undefined;
  if (!(v instanceof ZSet)) throw Errors.wrongType;
  return v;
}
