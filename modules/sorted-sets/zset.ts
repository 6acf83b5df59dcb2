import { type Database, type DataType, Errors, ScanIndex } from '../../kernel';
import { SkipList, type ZNode } from './skiplist';

/** zset-max-listpack-entries / zset-max-listpack-value, kept current by the module. */
export interface Limits {
  maxEntries: number;
  maxValue: number;
}

/**
 * A sorted set: member -> skip list node (holding the score) plus the skip list itself.
 * Small sets report Redis's "listpack" encoding; once a limit is crossed they report
 * "skiplist" for good, as in Redis 7.0, and get a ScanIndex for ZSCAN cursors.
 */
/** A listpack stores scores as text that drops the sign of zero (Redis 7.0's d2string). */
function listpackScore(score: number): number {
  return score === 0 ? 0 : score;
}

export class ZSet {
  readonly dict = new Map<string, ZNode>();
  readonly zsl = new SkipList();
  listpack = true;
  index: ScanIndex<string> | null = null;

  get size(): number {
    return this.dict.size;
  }

  score(ele: string): number | undefined {
    return this.dict.get(ele)?.score;
  }

  /** Add a member known to be absent, converting to skiplist first if a limit is crossed (zsetAdd). */
  insert(score: number, ele: string, limits: Limits): ZNode {
    if (this.listpack && (this.dict.size + 1 > limits.maxEntries || ele.length > limits.maxValue)) this.toSkiplist();
    const node = this.zsl.insert(this.listpack ? listpackScore(score) : score, ele);
    this.dict.set(ele, node);
    if (this.index !== null) node.seq = this.index.add(ele);
    return node;
  }

  setScore(node: ZNode, score: number): void {
    this.zsl.updateScore(node, this.listpack ? listpackScore(score) : score);
  }

  delete(ele: string): boolean {
    const node = this.dict.get(ele);
    if (node === undefined) return false;
    this.dict.delete(ele);
    this.zsl.delete(node);
    if (this.index !== null) this.index.remove(node.seq);
    return true;
  }

  /** Remove `count` consecutive members from `first` on; returns how many went. */
  deleteRun(first: ZNode, count: number): number {
    const removed = this.zsl.deleteRun(first, count);
    for (const n of removed) {
      this.dict.delete(n.ele);
      if (this.index !== null) this.index.remove(n.seq);
    }
    return removed.length;
  }

  toSkiplist(): void {
    this.listpack = false;
    const index = new ScanIndex<string>();
    for (let n = this.zsl.first; n !== null; n = n.next[0]) n.seq = index.add(n.ele);
    this.index = index;
  }

  /** Members in score order. */
  members(): string[] {
    const out: string[] = [];
    for (let n = this.zsl.first; n !== null; n = n.next[0]) out.push(n.ele);
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
      for (let n = z.zsl.first; n !== null; n = n.next[0]) c.dict.set(n.ele, c.zsl.insert(n.score, n.ele));
      if (!z.listpack) c.toSkiplist();
      return c;
    },
    memory(z) {
      // Member bytes are estimated from the first few members, as MEMORY USAGE samples.
      let sampled = 0;
      let bytes = 0;
      for (let n = z.zsl.first; n !== null && sampled < 16; n = n.next[0], sampled++) bytes += n.ele.length;
      const avg = sampled === 0 ? 0 : bytes / sampled;
      return Math.round(64 + z.size * (avg + (z.listpack ? 12 : 80)));
    },
    elements: (z) => z.members(),
    toPortable(z) {
      const entries: [string, number][] = [];
      for (let n = z.zsl.first; n !== null; n = n.next[0]) entries.push([n.ele, n.score]);
      return { kind: 'zset', entries };
    },
    fromPortable(p) {
      if (p.kind !== 'zset') throw new Error(`cannot make a sorted set of a ${p.kind}`);
      const z = new ZSet();
      for (const [ele, score] of p.entries) {
        const node = z.dict.get(ele);
        if (node === undefined) z.insert(score, ele, limits);
        else z.setScore(node, score);
      }
      return z;
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
