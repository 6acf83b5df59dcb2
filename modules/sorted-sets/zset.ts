import {
  type Database,
  type DataType,
  Errors,
  flatten,
  formatDouble,
  packDouble,
  PACKED_OVERHEAD,
  packedAt,
  packedCompare,
  packedCut,
  packedEquals,
  packedLength,
  packedStart,
  packEntry,
  ScanIndex,
  type SortedSets,
  type SortedSetValue,
  StringMap,
  unpackDouble,
} from '../../kernel';
import { ScoreTree } from './tree';

/** zset-max-listpack-entries / zset-max-listpack-value, kept current by the module. */
export interface Limits {
  maxEntries: number;
  maxValue: number;
}

/** A listpack stores scores as text that drops the sign of zero (Redis 7.0's d2string). */
function listpackScore(score: number): number {
  return score === 0 ? 0 : score;
}

/** A position in a sorted set, in either encoding: read `ele`/`score`, step with next()/prev(). */
export interface ZCursor {
  readonly valid: boolean;
  readonly ele: string;
  readonly score: number;
  next(): void;
  prev(): void;
  /** To the first member scoring at least `min` (invalid when none). */
  seek(min: number): void;
}

/** Released slots a skiplist keeps before it may compact them (Skiplist.compact). */
const SLOTS_KEPT = 64;

/**
 * The skiplist encoding: member -> slot (Redis's dict), the ordered tree, ZSCAN's index. A
 * member's score, ZSCAN sequence number and string (the one the tree holds, so an update hands
 * the tree its own string back and the command's copy stays short-lived garbage) are in
 * parallel arrays at its slot: a lookup reads the score unboxed, and a new member allocates
 * nothing but its string (an object per member would be two, its double field a box of its own).
 */
class Skiplist {
  readonly dict = new StringMap<number>();
  readonly tree = new ScoreTree();
  readonly index = new ScanIndex<string>();
  scores = new Float64Array(8);
  private seqs = new Float64Array(8);
  eles: string[] = [];
  /** Released slots, reused first. */
  private free: number[] = [];

  /** The member's slot, or -1. */
  slot(ele: string): number {
    const i = this.dict.get(ele);
    return i === undefined ? -1 : i;
  }

  add(score: number, ele: string): void {
    this.addAt(this.dict.probe(ele), score, ele);
  }

  /** Add a member the dictionary's last probe() found absent (`at`). */
  addAt(at: number, score: number, ele: string): void {
    let i = this.free.pop();
    if (i === undefined) {
      i = this.eles.length;
      if (i === this.scores.length) this.grow();
      this.eles.push(ele);
    } else {
      this.eles[i] = ele;
    }
    this.scores[i] = score;
    this.seqs[i] = this.index.add(ele);
    this.tree.insert(score, ele);
    this.dict.insertAt(at, ele, i);
  }

  /** Change the score of the member at slot i. */
  rescore(i: number, score: number): void {
    const ele = this.eles[i];
    this.tree.delete(this.scores[i], ele);
    this.tree.insert(score, ele);
    this.scores[i] = score;
  }

  /** Drop the member at slot i from the dictionary and the index (the caller updates the tree). */
  forget(i: number): void {
    this.dict.delete(this.eles[i]);
    this.index.remove(this.seqs[i]);
    this.eles[i] = '';
    this.free.push(i);
    if (this.free.length > SLOTS_KEPT && this.free.length * 4 > this.eles.length * 3) this.compact();
  }

  /**
   * Fewer than a quarter of the slots in use: the members move to slots 0..n-1 of arrays sized
   * for them, as Redis's dict shrinks, so a set that once was large does not keep its peak.
   */
  private compact(): void {
    const n = this.dict.size;
    const eles = new Array<string>(n);
    const scores = new Float64Array(Math.max(8, n));
    const seqs = new Float64Array(scores.length);
    let j = 0;
    this.dict.forEach((i, ele) => {
      eles[j] = ele;
      scores[j] = this.scores[i];
      seqs[j] = this.seqs[i];
      j++;
    });
    for (let k = 0; k < n; k++) this.dict.set(eles[k], k);
    this.eles = eles;
    this.scores = scores;
    this.seqs = seqs;
    this.free = [];
  }

  private grow(): void {
    const scores = new Float64Array(this.scores.length * 2);
    scores.set(this.scores);
    this.scores = scores;
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.seqs = seqs;
  }
}

/** The marker of a score stored as a double (8 bytes follow); any other byte is a small integer score. */
const DOUBLE_SCORE = 0xff;
const DOUBLE_SCORE_CHAR = String.fromCharCode(DOUBLE_SCORE);
const SMALL_SCORE_BIAS = 127;

/**
 * A listpack score: an integer in -127..127 in one byte (Redis's listpack stores small integer
 * scores in one byte too), anything else as DOUBLE_SCORE and the double's 8 bytes.
 */
function packScore(score: number): string {
  return Number.isInteger(score) && score >= -SMALL_SCORE_BIAS && score <= SMALL_SCORE_BIAS
    ? String.fromCharCode(score + SMALL_SCORE_BIAS)
    : DOUBLE_SCORE_CHAR + packDouble(score);
}

/** The score packed at `at`. */
function unpackScore(p: string, at: number): number {
  const c = p.charCodeAt(at);
  return c === DOUBLE_SCORE ? unpackDouble(p, at + 1) : c - SMALL_SCORE_BIAS;
}

/** The end of the score packed at `at`. */
function scoreEnd(p: string, at: number): number {
  return p.charCodeAt(at) === DOUBLE_SCORE ? at + 9 : at + 1;
}

/** The end of the packed entry at `pos`: its member, then its score. */
function entryEnd(p: string, pos: number): number {
  return scoreEnd(p, packedStart(p, pos) + packedLength(p, pos));
}

function scoreAt(p: string, pos: number): number {
  return unpackScore(p, packedStart(p, pos) + packedLength(p, pos));
}

/** A position in a listpack-encoded set; stepping back finds entry starts once, on first use. */
class PackedCursor implements ZCursor {
  private starts: number[] | null = null;

  constructor(
    private readonly p: string,
    private pos: number,
    private rank: number,
    private readonly n: number,
  ) {}

  get valid(): boolean {
    return this.rank >= 0 && this.rank < this.n;
  }
  get ele(): string {
    return packedAt(this.p, this.pos);
  }
  get score(): number {
    return scoreAt(this.p, this.pos);
  }

  next(): void {
    if (++this.rank < this.n) this.pos = entryEnd(this.p, this.pos);
  }

  prev(): void {
    if (--this.rank < 0) return;
    if (this.starts === null) {
      const starts: number[] = [];
      for (let pos = 0; pos < this.p.length; pos = entryEnd(this.p, pos)) starts.push(pos);
      this.starts = starts;
    }
    this.pos = this.starts[this.rank];
  }

  /** A walk from the first entry, or from here when this entry scores below `min`: at most 128 entries. */
  seek(min: number): void {
    if (!this.valid || this.score >= min) {
      this.pos = 0;
      this.rank = 0;
    }
    while (this.valid && this.score < min) this.next();
  }
}

/**
 * A sorted set. Small sets use Redis's "listpack" encoding: one packed string of entries
 * (member, then the score's 8 bytes) in (score, member) order, found by a linear walk as Redis
 * walks its listpack. Once a limit is crossed the set becomes a "skiplist" for good (a member
 * dictionary, an order-statistics tree and a ZSCAN index), as in Redis 7.0.
 */
export class ZSet implements SortedSetValue {
  /**
   * The listpack's entries, or the skiplist: one field for either keeps a small set's object at
   * two fields (40 bytes on V8) rather than three.
   */
  private data: string | Skiplist = '';
  /** How many entries the listpack holds. */
  private n = 0;

  private get sl(): Skiplist | null {
    return typeof this.data === 'string' ? null : this.data;
  }

  private get lp(): string {
    return typeof this.data === 'string' ? this.data : '';
  }

  get listpack(): boolean {
    return this.sl === null;
  }

  get size(): number {
    return this.sl === null ? this.n : this.sl.dict.size;
  }

  /** ZSCAN's cursor index; null while a listpack (which ZSCAN returns whole). */
  get index(): ScanIndex<string> | null {
    return this.sl === null ? null : this.sl.index;
  }

  /** Where the member's entry starts in the listpack, or -1. */
  private find(ele: string): number {
    const p = this.lp;
    for (let pos = 0; pos < p.length; ) {
      const start = packedStart(p, pos);
      const len = packedLength(p, pos);
      if (packedEquals(p, start, len, ele)) return pos;
      pos = scoreEnd(p, start + len);
    }
    return -1;
  }

  score(ele: string): number | undefined {
    const sl = this.sl;
    if (sl !== null) {
      const i = sl.slot(ele);
      return i < 0 ? undefined : sl.scores[i];
    }
    const pos = this.find(ele);
    return pos < 0 ? undefined : scoreAt(this.lp, pos);
  }

  /** 0-based rank of a member, or -1. */
  rank(ele: string): number {
    const sl = this.sl;
    if (sl !== null) {
      const i = sl.slot(ele);
      return i < 0 ? -1 : sl.tree.rankOf(sl.scores[i], ele);
    }
    const p = this.lp;
    for (let pos = 0, r = 0; pos < p.length; r++) {
      const start = packedStart(p, pos);
      const len = packedLength(p, pos);
      if (packedEquals(p, start, len, ele)) return r;
      pos = scoreEnd(p, start + len);
    }
    return -1;
  }

  /** Add a member known to be absent, converting to skiplist first if a limit is crossed (zsetAdd). */
  insert(score: number, ele: string, limits: Limits): void {
    if (this.sl === null) {
      if (this.n + 1 <= limits.maxEntries && ele.length <= limits.maxValue) {
        this.packedInsert(listpackScore(score), ele);
        return;
      }
      this.toSkiplist();
    }
    this.sl!.add(score, ele);
  }

  private packedInsert(score: number, ele: string): void {
    const p = this.lp;
    let pos = 0;
    while (pos < p.length) {
      const start = packedStart(p, pos);
      const len = packedLength(p, pos);
      const s = unpackScore(p, start + len);
      if (s > score || (s === score && packedCompare(p, start, len, ele) > 0)) break;
      pos = scoreEnd(p, start + len);
    }
    const entry = packEntry(ele) + packScore(score);
    this.data = flatten(pos === p.length ? p + entry : p.slice(0, pos) + entry + p.slice(pos));
    this.n++;
  }

  /** Drop the packed entries from `pos` to `end`, `count` of them. */
  private packedCut(pos: number, end: number, count: number): void {
    const p = this.lp;
    this.n -= count;
    this.data = packedCut(p, pos, end);
  }

  /** Change a present member's score. */
  setScore(ele: string, score: number): void {
    this.setScoreAt(this.locate(ele), ele, score);
  }

  /**
   * Where the member is (>= 0) or would go (< 0), for the scoreAt, insertAt or setScoreAt that
   * follows with no other change to the set in between: ZADD looks a member up once.
   */
  locate(ele: string): number {
    const sl = this.sl;
    return sl === null ? this.find(ele) : sl.dict.probe(ele);
  }

  /** The score of the member locate() found at `at` (>= 0). */
  scoreAt(at: number): number {
    const sl = this.sl;
    return sl === null ? scoreAt(this.lp, at) : sl.scores[sl.dict.valueAt(at)];
  }

  /** insert() of the member locate() found absent (`at` < 0). */
  insertAt(at: number, score: number, ele: string, limits: Limits): void {
    const sl = this.sl;
    if (sl === null) this.insert(score, ele, limits);
    else sl.addAt(at, score, ele);
  }

  /** setScore() of the member locate() found at `at` (>= 0). */
  setScoreAt(at: number, ele: string, score: number): void {
    const sl = this.sl;
    if (sl === null) {
      this.packedCut(at, entryEnd(this.lp, at), 1);
      this.packedInsert(listpackScore(score), ele);
    } else {
      sl.rescore(sl.dict.valueAt(at), score);
    }
  }

  /**
   * ZADD of one member as the SortedSets service's put: one dictionary lookup whether the
   * member is added, rescored or left alone. Returns 1 when added, 2 when the score changed.
   */
  put(ele: string, score: number, nx: boolean, xx: boolean, limits: Limits): 0 | 1 | 2 {
    const at = this.locate(ele);
    if (at < 0) {
      if (xx) return 0;
      this.insertAt(at, score, ele, limits);
      return 1;
    }
    if (nx || this.scoreAt(at) === score) return 0;
    this.setScoreAt(at, ele, score);
    return 2;
  }

  delete(ele: string): boolean {
    const sl = this.sl;
    if (sl === null) {
      const pos = this.find(ele);
      if (pos < 0) return false;
      this.packedCut(pos, entryEnd(this.lp, pos), 1);
      return true;
    }
    const i = sl.slot(ele);
    if (i < 0) return false;
    sl.tree.delete(sl.scores[i], sl.eles[i]);
    sl.forget(i);
    return true;
  }

  /** Remove `count` members in order from `rank` on; returns how many went. */
  deleteRange(rank: number, count: number): number {
    const sl = this.sl;
    if (sl === null) {
      const n = Math.min(count, this.n - rank);
      if (n <= 0) return 0;
      const p = this.lp;
      let pos = 0;
      for (let r = 0; r < rank; r++) pos = entryEnd(p, pos);
      let end = pos;
      for (let k = 0; k < n; k++) end = entryEnd(p, end);
      this.packedCut(pos, end, n);
      return n;
    }
    return sl.tree.deleteRange(rank, count, (ele) => sl.forget(sl.slot(ele)));
  }

  /**
   * The set of `n` distinct members and their scores (SortedSets.build): a listpack written in
   * one piece after sorting the members, or a skiplist when a limit is crossed.
   */
  static build(eles: readonly string[], scores: Float64Array, n: number, limits: Limits): ZSet {
    const z = new ZSet();
    let fits = n <= limits.maxEntries;
    for (let i = 0; fits && i < n; i++) fits = eles[i].length <= limits.maxValue;
    if (!fits) {
      const sl = new Skiplist();
      for (let i = 0; i < n; i++) sl.add(scores[i], eles[i]);
      z.data = sl;
      return z;
    }
    // Insertion sort of at most maxEntries indexes by (score, member).
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      const e = eles[i];
      let j = i - 1;
      while (j >= 0 && (scores[order[j]] > s || (scores[order[j]] === s && eles[order[j]] > e))) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = i;
    }
    let p = '';
    for (let i = 0; i < n; i++) p += packEntry(eles[order[i]]) + packScore(listpackScore(scores[order[i]]));
    z.data = flatten(p);
    z.n = n;
    return z;
  }

  /** zsetConvert to OBJ_ENCODING_SKIPLIST. */
  toSkiplist(): void {
    if (this.sl !== null) return;
    const sl = new Skiplist();
    this.forEach((ele, score) => sl.add(score, ele));
    this.data = sl;
    this.n = 0;
  }

  /**
   * zsetConvertToListpackIfNeeded: a result built as a skiplist (ZUNIONSTORE and friends) goes
   * back to a listpack when it is small enough.
   */
  compact(limits: Limits): void {
    const sl = this.sl;
    if (sl === null || sl.dict.size > limits.maxEntries) return;
    let fits = true;
    this.forEach((ele) => (fits &&= ele.length <= limits.maxValue));
    if (!fits) return;
    let p = '';
    this.forEach((ele, score) => (p += packEntry(ele) + packScore(listpackScore(score))));
    this.n = sl.dict.size;
    this.data = flatten(p);
  }

  /** How many members score below `min` (at most `min` when exclusive): where a range starts. */
  rankByScore(min: number, exclusive: boolean): number {
    if (this.sl !== null) return this.sl.tree.rankByScore(min, exclusive);
    const p = this.lp;
    let r = 0;
    for (let pos = 0; pos < p.length; pos = entryEnd(p, pos), r++) {
      const s = scoreAt(p, pos);
      if (exclusive ? s > min : s >= min) break;
    }
    return r;
  }

  /** How many members sort below `ele` (at most when exclusive); skiplist only (a listpack is walked). */
  rankByLex(ele: string, exclusive: boolean): number {
    return this.sl!.tree.rankByLex(ele, exclusive);
  }

  fromScore(min: number): ZCursor {
    if (this.sl !== null) return this.sl.tree.fromScore(min);
    return this.at(this.rankByScore(min, false));
  }

  /** A cursor at 0-based `rank` (invalid when out of range). */
  at(rank: number): ZCursor {
    if (this.sl !== null) return this.sl.tree.at(rank);
    const p = this.lp;
    let pos = 0;
    if (rank > 0 && rank < this.n) for (let r = 0; r < rank; r++) pos = entryEnd(p, pos);
    return new PackedCursor(p, pos, rank, this.n);
  }

  /** Every member in order, with its score. */
  forEach(fn: (ele: string, score: number) => void): void {
    if (this.sl !== null) {
      for (const c = this.sl.tree.at(0); c.valid; c.next()) fn(c.ele, c.score);
      return;
    }
    const p = this.lp;
    for (let pos = 0; pos < p.length; ) {
      const start = packedStart(p, pos);
      const end = start + packedLength(p, pos);
      fn(p.slice(start, end), unpackScore(p, end));
      pos = scoreEnd(p, end);
    }
  }

  /** Members in score order. */
  members(): string[] {
    const out: string[] = [];
    this.forEach((ele) => out.push(ele));
    return out;
  }

  /** Bytes of the listpack (0 as a skiplist), for MEMORY USAGE. */
  get packedBytes(): number {
    return this.lp.length;
  }

  clone(): ZSet {
    const c = new ZSet();
    if (this.sl === null) {
      // Strings are immutable: the copy shares the listpack until either side writes.
      c.data = this.data;
      c.n = this.n;
    } else {
      const sl = new Skiplist();
      this.forEach((ele, score) => sl.add(score, ele));
      c.data = sl;
    }
    return c;
  }
}

/** The 'zset' data type; values it rebuilds follow the current encoding limits. */
export function zsetType(limits: Limits): DataType<ZSet> {
  return {
    name: 'zset',
    is: (v): v is ZSet => v instanceof ZSet,
    encoding: (z) => (z.listpack ? 'listpack' : 'skiplist'),
    clone: (z) => z.clone(),
    memory(z, samples = 16) {
      if (z.listpack) return PACKED_OVERHEAD + z.packedBytes;
      // Member bytes are estimated from the first few members (all for SAMPLES 0), as MEMORY USAGE samples the skip list.
      const limit = samples === 0 ? z.size : samples;
      let sampled = 0;
      let bytes = 0;
      for (const c = z.at(0); c.valid && sampled < limit; c.next(), sampled++) bytes += c.ele.length;
      const avg = sampled === 0 ? 0 : bytes / sampled;
      return Math.round(64 + z.size * (avg + 80));
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
    put: (z, ele, score, nx = false, xx = false) => (z as ZSet).put(ele, score, nx, xx, limits),
    build: (eles, scores, n) => ZSet.build(eles, scores, n, limits),
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
