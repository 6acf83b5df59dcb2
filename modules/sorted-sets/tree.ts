/**
 * The order of a sorted set: members by (score, member), with O(log N) insert, delete, rank
 * and access by rank, as Redis's skip list gives, but as a counted B+ tree.
 *
 * A skip list visits a few dozen nodes per operation on a large set, each a separate heap
 * object: every step is a cache miss. Here a node holds up to 63 keys, so a million members
 * are four levels deep, and nodes are not objects at all: node k of a tree is slots
 * k*W .. k*W+W-1 of arrays the tree owns (scores, members, counts, children). A step down
 * reads the keys it compares and nothing else — no object, array or typed-array headers on
 * the way, which on a large set are cache misses of their own.
 *
 * Members are binary (latin1) strings, whose JS comparison is Redis's memcmp order. Comparing
 * two is a call and a cache miss on each string, and members of equal score (a geo set's
 * points in one cell, ZRANGEBYLEX sets) are ordered by nothing else; so beside each member the
 * tree keeps a number made of its bytes just past the prefix all members share (`keyOf`), in
 * the same order as the strings: two members are compared as strings only when those bytes
 * are equal.
 */

/** Slots per node: one more than a node keeps, for the key that makes it split. */
const W = 64;
const MAX = W - 1;
/** Below this many keys a node borrows from or merges with a sibling. */
const MIN = 16;
/** Deeper than any tree of 2^53 members can grow (16^14). */
const MAX_DEPTH = 14;
const NONE = -1;
const NO_DOUBLES = new Float64Array(0);
const NO_INTS = new Int32Array(0);
const NO_STRINGS: string[] = [];
/** Member bytes a key holds: 257^6 < 2^53, so a key is an exact double. */
const KEY_BYTES = 6;
/**
 * The longest shared prefix a tree skips: the prefix only shrinks, and each time every key is
 * recomputed, so this bounds how often that happens in a tree's life.
 */
const MAX_PREFIX = 32;
/** The key of a member before / after every member with the tree's prefix. */
const KEY_BELOW = -1;
const KEY_ABOVE = Infinity;

/** Node capacity after `used`: 1.5 times, so a large set's arrays are at most a third unused. */
function grownCapacity(used: number): number {
  return used + Math.max(1, used >>> 1);
}

/** A copy of `a` in `len` slots (zeros after it). */
function widerDoubles(a: Float64Array, len: number): Float64Array {
  const b = new Float64Array(len);
  b.set(a);
  return b;
}

/** A copy of `a` in `len` slots (zeros after it). */
function widerInts(a: Int32Array, len: number): Int32Array {
  const b = new Int32Array(len);
  b.set(a);
  return b;
}

/** A copy of `a` in `len` slots (empty strings after it). */
function widerStrings(a: string[], len: number): string[] {
  const b = new Array<string>(len).fill('');
  for (let i = 0; i < a.length; i++) b[i] = a[i];
  return b;
}

/**
 * The descent path of the last search: inner nodes and the child index taken in each. One
 * operation uses it at a time, so all trees share it.
 */
const pathNodes = new Int32Array(MAX_DEPTH);
const pathIdx = new Int32Array(MAX_DEPTH);

/**
 * A tree's leaves: keys in (scores, eles), and per leaf its size and neighbours in `meta`.
 * The arrays grow with the tree and are not shrunk; released leaves are reused first.
 */
class Leaves {
  scores: Float64Array = new Float64Array(W);
  keys: Float64Array = new Float64Array(W);
  eles: string[] = new Array<string>(W).fill('');
  /** Leaf l: size at 3l, next leaf at 3l+1, previous at 3l+2. */
  meta: number[] = [0, NONE, NONE];
  /** Leaves allocated so far (released ones included). */
  used = 0;
  /** Released leaves, linked through their next field. */
  private free = NONE;

  alloc(): number {
    let l = this.free;
    if (l !== NONE) {
      this.free = this.meta[3 * l + 1];
    } else {
      if (this.used * 3 === this.meta.length) this.grow();
      l = this.used++;
    }
    this.meta[3 * l] = 0;
    this.meta[3 * l + 1] = NONE;
    this.meta[3 * l + 2] = NONE;
    return l;
  }

  release(l: number): void {
    this.eles.fill('', l * W, l * W + W);
    this.meta[3 * l + 1] = this.free;
    this.free = l;
  }

  private grow(): void {
    const cap = grownCapacity(this.used);
    this.scores = widerDoubles(this.scores, cap * W);
    this.keys = widerDoubles(this.keys, cap * W);
    this.eles = widerStrings(this.eles, cap * W);
    for (let i = this.meta.length; i < cap * 3; i++) this.meta.push(0);
  }
}

/** A tree's inner nodes: child i of node k is kids[k*W+i], with counts[k*W+i] members and lower bound (sepScores, sepKeys, sepEles)[k*W+i] for i >= 1. */
class Inners {
  // Empty until the first split (most sorted sets never have one); grow() replaces them.
  sepScores: Float64Array = NO_DOUBLES;
  sepKeys: Float64Array = NO_DOUBLES;
  sepEles: string[] = NO_STRINGS;
  counts: Float64Array = NO_DOUBLES;
  kids: Int32Array = NO_INTS;
  /** Children per node. */
  n: Int32Array = NO_INTS;
  /** Nodes allocated so far (released ones included). */
  used = 0;
  /** Released nodes, linked through their first child. */
  private free = NONE;

  alloc(): number {
    let k = this.free;
    if (k !== NONE) {
      this.free = this.kids[k * W];
    } else {
      if (this.used === this.n.length) this.grow();
      k = this.used++;
    }
    this.n[k] = 0;
    return k;
  }

  release(k: number): void {
    this.sepEles.fill('', k * W, k * W + W);
    this.kids[k * W] = this.free;
    this.free = k;
  }

  private grow(): void {
    const cap = grownCapacity(this.used);
    this.sepScores = widerDoubles(this.sepScores, cap * W);
    this.sepKeys = widerDoubles(this.sepKeys, cap * W);
    this.sepEles = widerStrings(this.sepEles, cap * W);
    this.counts = widerDoubles(this.counts, cap * W);
    this.kids = widerInts(this.kids, cap * W);
    this.n = widerInts(this.n, cap);
  }
}

/** Where a search for a bound stops: before the first key that is not "before" it. */
const enum Bound {
  /** Keys below (score, ele). */
  Key,
  /** Keys with a score below `score` (or at most `score` when exclusive). */
  Score,
  /** Keys with a member below `ele` (or at most `ele` when exclusive): for sets of equal scores. */
  Lex,
}

/** A position in the tree: read `score`/`ele`, step with next()/prev(), jump with seek(). */
export class Cursor {
  constructor(
    private readonly tree: ScoreTree,
    private readonly leaves: Leaves,
    /** The leaf, NONE past either end (ScoreTree.place() sets it too). */
    public leaf: number,
    /** The slot in the leaf. */
    public i: number,
  ) {}

  get valid(): boolean {
    return this.leaf !== NONE;
  }
  get score(): number {
    return this.leaves.scores[this.leaf * W + this.i];
  }
  get ele(): string {
    return this.leaves.eles[this.leaf * W + this.i];
  }

  next(): void {
    const meta = this.leaves.meta;
    if (++this.i < meta[3 * this.leaf]) return;
    this.leaf = meta[3 * this.leaf + 1];
    this.i = 0;
  }

  prev(): void {
    if (--this.i >= 0) return;
    const meta = this.leaves.meta;
    this.leaf = meta[3 * this.leaf + 2];
    this.i = this.leaf === NONE ? 0 : meta[3 * this.leaf] - 1;
  }

  /**
   * To the first member scoring at least `min` (invalid when none). A target in this leaf or
   * the next (a search's next range is usually close) is found there, by a binary search
   * that reads nothing else; anything else takes a descent from the root.
   */
  seek(min: number): void {
    const { scores, meta } = this.leaves;
    let l = this.leaf;
    if (l !== NONE && scores[l * W] < min) {
      let end = l * W + meta[3 * l];
      if (scores[end - 1] < min) {
        l = meta[3 * l + 1];
        if (l === NONE) {
          this.leaf = NONE;
          this.i = 0;
          return;
        }
        end = l * W + meta[3 * l];
      }
      if (scores[end - 1] >= min) {
        this.leaf = l;
        this.i = firstNotBefore(scores, scores, NO_STRINGS, l * W, end, Bound.Score, min, 0, '', false) - l * W;
        return;
      }
    }
    this.tree.place(this, min);
  }
}

export class ScoreTree {
  private readonly leaves = new Leaves();
  private readonly inners = new Inners();
  /** A leaf while depth is 0, else an inner node. */
  private root = this.leaves.alloc();
  private depth = 0;
  private count = 0;
  /** A prefix of every member (at most MAX_PREFIX bytes); null until the first insert. */
  private prefix: string | null = null;

  get length(): number {
    return this.count;
  }

  /** Insert a member known to be absent. */
  insert(score: number, ele: string): void {
    this.share(ele);
    const key = this.keyOf(ele);
    const leaf = this.descend(Bound.Key, score, key, ele, false);
    const { scores, keys, eles, meta } = this.leaves;
    const base = leaf * W;
    const n = meta[3 * leaf];
    const i = firstNotBefore(scores, keys, eles, base, base + n, Bound.Key, score, key, ele, false);
    for (let j = base + n; j > i; j--) {
      scores[j] = scores[j - 1];
      keys[j] = keys[j - 1];
      eles[j] = eles[j - 1];
    }
    scores[i] = score;
    keys[i] = key;
    eles[i] = ele;
    meta[3 * leaf] = n + 1;
    this.count++;
    this.addToPath(1);
    if (n + 1 > MAX) this.splitUp(leaf);
  }

  /** Remove a member present with this score; returns whether it was found. */
  delete(score: number, ele: string): boolean {
    const key = this.keyOf(ele);
    const leaf = this.descend(Bound.Key, score, key, ele, false);
    const { scores, keys, eles, meta } = this.leaves;
    const base = leaf * W;
    const end = base + meta[3 * leaf];
    const i = firstNotBefore(scores, keys, eles, base, end, Bound.Key, score, key, ele, false);
    if (i >= end || eles[i] !== ele || scores[i] !== score) return false;
    for (let j = i + 1; j < end; j++) {
      scores[j - 1] = scores[j];
      keys[j - 1] = keys[j];
      eles[j - 1] = eles[j];
    }
    eles[end - 1] = '';
    meta[3 * leaf]--;
    this.count--;
    this.addToPath(-1);
    this.rebalanceUp(leaf);
    return true;
  }

  /** 0-based rank of a member present with this score. */
  rankOf(score: number, ele: string): number {
    return this.boundRank(Bound.Key, score, ele, false);
  }

  /** How many members score below `min` (at most `min` when exclusive): the rank where a range starts. */
  rankByScore(min: number, exclusive: boolean): number {
    return this.boundRank(Bound.Score, min, '', exclusive);
  }

  /** How many members sort below `ele` (at most `ele` when exclusive), for sets whose scores are equal. */
  rankByLex(ele: string, exclusive: boolean): number {
    return this.boundRank(Bound.Lex, 0, ele, exclusive);
  }

  /** A cursor at 0-based `rank` (invalid when out of range). */
  at(rank: number): Cursor {
    if (rank < 0 || rank >= this.count) return new Cursor(this, this.leaves, NONE, 0);
    const { counts, kids } = this.inners;
    let node = this.root;
    let left = rank;
    for (let d = 0; d < this.depth; d++) {
      let c = node * W;
      while (left >= counts[c]) left -= counts[c++];
      node = kids[c];
    }
    return new Cursor(this, this.leaves, node, left);
  }

  /** A cursor at the first member scoring at least `min`: one descent (rankByScore and at() are two). */
  fromScore(min: number): Cursor {
    const c = new Cursor(this, this.leaves, NONE, 0);
    this.place(c, min);
    return c;
  }

  /** Put `c` at the first member scoring at least `min` (invalid when none), from the root. */
  place(c: Cursor, min: number): void {
    const leaf = this.descend(Bound.Score, min, 0, '', false);
    const { scores, meta } = this.leaves;
    const base = leaf * W;
    const end = base + meta[3 * leaf];
    const i = firstNotBefore(scores, scores, NO_STRINGS, base, end, Bound.Score, min, 0, '', false);
    // Past the leaf's last member: the next leaf's first, if any (a leaf is empty only in an empty tree).
    if (i < end) {
      c.leaf = leaf;
      c.i = i - base;
    } else {
      c.leaf = end === base ? NONE : meta[3 * leaf + 1];
      c.i = 0;
    }
  }

  /** Remove `count` members from `rank` on; calls `fn` with each before it goes. */
  deleteRange(rank: number, count: number, fn: (ele: string, score: number) => void): number {
    const n = Math.min(count, this.count - rank);
    if (n <= 0) return 0;
    const eles = new Array<string>(n);
    const scores = new Array<number>(n);
    const c = this.at(rank);
    for (let k = 0; k < n; k++, c.next()) {
      eles[k] = c.ele;
      scores[k] = c.score;
    }
    for (let k = 0; k < n; k++) {
      fn(eles[k], scores[k]);
      this.delete(scores[k], eles[k]);
    }
    return n;
  }

  // ---- member keys ------------------------------------------------------------------------

  /**
   * The number that orders `ele` among members as memcmp does, as far as its KEY_BYTES bytes
   * past the prefix tell: each byte plus one in base 257 (0 past the end, so a shorter member
   * sorts first). Equal keys say nothing: the strings decide. A string without the prefix
   * (a ZRANGEBYLEX bound) sorts before or after every member, whatever its other bytes.
   */
  private keyOf(ele: string): number {
    const prefix = this.prefix;
    let at = 0;
    if (prefix !== null) {
      at = prefix.length;
      if (!ele.startsWith(prefix)) return ele < prefix ? KEY_BELOW : KEY_ABOVE;
    }
    const end = Math.min(ele.length, at + KEY_BYTES);
    let key = 0;
    for (let p = at; p < end; p++) key = key * 257 + ele.charCodeAt(p) + 1;
    for (let p = end; p < at + KEY_BYTES; p++) key *= 257;
    return key;
  }

  /** Make the prefix one that `ele`, about to be inserted, shares too (recomputing every key if it shrinks). */
  private share(ele: string): void {
    const prefix = this.prefix;
    if (prefix === null) {
      this.prefix = ele.slice(0, MAX_PREFIX);
      return;
    }
    if (ele.startsWith(prefix)) return;
    let n = 0;
    while (n < prefix.length && n < ele.length && prefix.charCodeAt(n) === ele.charCodeAt(n)) n++;
    this.prefix = prefix.slice(0, n);
    // Every slot, unused ones too: an unused slot's key is never read.
    const { keys, eles } = this.leaves;
    for (let i = 0; i < this.leaves.used * W; i++) keys[i] = this.keyOf(eles[i]);
    const { sepKeys, sepEles } = this.inners;
    for (let i = 0; i < this.inners.used * W; i++) sepKeys[i] = this.keyOf(sepEles[i]);
  }

  // ---- searching --------------------------------------------------------------------------

  private boundRank(kind: Bound, score: number, ele: string, ex: boolean): number {
    const key = kind === Bound.Score ? 0 : this.keyOf(ele);
    const leaf = this.descend(kind, score, key, ele, ex);
    const { scores, keys, eles, meta } = this.leaves;
    const base = leaf * W;
    let rank = firstNotBefore(scores, keys, eles, base, base + meta[3 * leaf], kind, score, key, ele, ex) - base;
    const counts = this.inners.counts;
    for (let d = 0; d < this.depth; d++) {
      const b = pathNodes[d] * W;
      for (let c = b; c < b + pathIdx[d]; c++) rank += counts[c];
    }
    return rank;
  }

  /**
   * Walk down to the leaf where the bound falls, recording the path: in each inner node, the
   * last child whose lower bound is still before the target (the first child if none).
   */
  private descend(kind: Bound, score: number, key: number, ele: string, ex: boolean): number {
    const { sepScores, sepKeys, sepEles, kids, n } = this.inners;
    let node = this.root;
    for (let d = 0; d < this.depth; d++) {
      const base = node * W;
      const end = base + n[node];
      // The separators before the target form a prefix (slot 0 has none): find its end.
      const lo = firstNotBefore(sepScores, sepKeys, sepEles, base + 1, end, kind, score, key, ele, ex);
      // An exact key equal to a separator lives in that separator's child.
      let c = lo - 1;
      if (kind === Bound.Key && lo < end && sepScores[lo] === score && sepKeys[lo] === key && sepEles[lo] === ele) c = lo;
      pathNodes[d] = node;
      pathIdx[d] = c - base;
      node = kids[c];
    }
    return node;
  }

  private addToPath(delta: number): void {
    const counts = this.inners.counts;
    for (let d = 0; d < this.depth; d++) counts[pathNodes[d] * W + pathIdx[d]] += delta;
  }

  private size(node: number, leaf: boolean): number {
    return leaf ? this.leaves.meta[3 * node] : this.inners.n[node];
  }

  // ---- splitting and merging ----------------------------------------------------------------

  /** Split an overfull node (the path leads to it) and any parent that overflows in turn. */
  private splitUp(leaf: number): void {
    let d = this.depth;
    let node = leaf;
    let isLeaf = true;
    while (this.size(node, isLeaf) > MAX) {
      let right: number;
      let sepScore: number;
      let sepKey: number;
      let sepEle: string;
      let leftCount: number;
      let rightCount: number;
      if (isLeaf) {
        right = this.splitLeaf(node);
        const { scores, keys, eles, meta } = this.leaves;
        sepScore = scores[right * W];
        sepKey = keys[right * W];
        sepEle = eles[right * W];
        leftCount = meta[3 * node];
        rightCount = meta[3 * right];
      } else {
        right = this.splitInner(node);
        // The right node's own first separator moves up: its slot 0 needs none.
        sepScore = this.inners.sepScores[right * W];
        sepKey = this.inners.sepKeys[right * W];
        sepEle = this.inners.sepEles[right * W];
        leftCount = this.total(node);
        rightCount = this.total(right);
      }
      if (d === 0) {
        const root = this.inners.alloc();
        const { sepScores, sepKeys, sepEles, counts, kids, n } = this.inners;
        const b = root * W;
        n[root] = 2;
        kids[b] = node;
        kids[b + 1] = right;
        counts[b] = leftCount;
        counts[b + 1] = rightCount;
        sepScores[b + 1] = sepScore;
        sepKeys[b + 1] = sepKey;
        sepEles[b + 1] = sepEle;
        this.root = root;
        this.depth++;
        return;
      }
      d--;
      const parent = pathNodes[d];
      const { sepScores, sepKeys, sepEles, counts, kids, n } = this.inners;
      const b = parent * W;
      const at = b + pathIdx[d] + 1;
      for (let j = b + n[parent]; j > at; j--) {
        kids[j] = kids[j - 1];
        counts[j] = counts[j - 1];
        sepScores[j] = sepScores[j - 1];
        sepKeys[j] = sepKeys[j - 1];
        sepEles[j] = sepEles[j - 1];
      }
      kids[at] = right;
      counts[at] = rightCount;
      counts[at - 1] = leftCount;
      sepScores[at] = sepScore;
      sepKeys[at] = sepKey;
      sepEles[at] = sepEle;
      n[parent]++;
      node = parent;
      isLeaf = false;
    }
  }

  /** Members under an inner node. */
  private total(node: number): number {
    const counts = this.inners.counts;
    let sum = 0;
    for (let c = node * W; c < node * W + this.inners.n[node]; c++) sum += counts[c];
    return sum;
  }

  /** Move the upper half of leaf l into a new leaf after it; returns the new leaf. */
  private splitLeaf(l: number): number {
    const r = this.leaves.alloc();
    const { scores, keys, eles, meta } = this.leaves;
    const n = meta[3 * l];
    const h = n >>> 1;
    const lb = l * W;
    const rb = r * W;
    for (let j = h; j < n; j++) {
      scores[rb + j - h] = scores[lb + j];
      keys[rb + j - h] = keys[lb + j];
      eles[rb + j - h] = eles[lb + j];
      eles[lb + j] = '';
    }
    meta[3 * r] = n - h;
    meta[3 * l] = h;
    const next = meta[3 * l + 1];
    meta[3 * r + 1] = next;
    if (next !== NONE) meta[3 * next + 2] = r;
    meta[3 * r + 2] = l;
    meta[3 * l + 1] = r;
    return r;
  }

  /** Move the upper half of inner node p into a new node; returns it, with the separator to move up in its slot 0. */
  private splitInner(p: number): number {
    const r = this.inners.alloc();
    const { sepScores, sepKeys, sepEles, counts, kids, n } = this.inners;
    const h = n[p] >>> 1;
    const pb = p * W;
    const rb = r * W;
    for (let j = h; j < n[p]; j++) {
      kids[rb + j - h] = kids[pb + j];
      counts[rb + j - h] = counts[pb + j];
      sepScores[rb + j - h] = sepScores[pb + j];
      sepKeys[rb + j - h] = sepKeys[pb + j];
      sepEles[rb + j - h] = sepEles[pb + j];
      sepEles[pb + j] = '';
    }
    n[r] = n[p] - h;
    n[p] = h;
    return r;
  }

  /** After a removal from `leaf` (the path leads to it): fix underfull nodes bottom-up. */
  private rebalanceUp(leaf: number): void {
    let node = leaf;
    let isLeaf = true;
    for (let d = this.depth - 1; d >= 0 && this.size(node, isLeaf) < MIN; d--) {
      const parent = pathNodes[d];
      const idx = pathIdx[d];
      // Pair the node with its left sibling when it has one, else with its right.
      const li = idx > 0 ? idx - 1 : idx;
      if (li + 1 >= this.inners.n[parent]) break;
      const kids = this.inners.kids;
      const left = kids[parent * W + li];
      const right = kids[parent * W + li + 1];
      if (this.size(left, isLeaf) + this.size(right, isLeaf) <= MAX) {
        if (isLeaf) this.mergeLeaves(parent, li);
        else this.mergeInners(parent, li);
      } else if (node === right) {
        if (isLeaf) this.borrowFromLeftLeaf(parent, li);
        else this.borrowFromLeftInner(parent, li);
      } else if (isLeaf) {
        this.borrowFromRightLeaf(parent, li);
      } else {
        this.borrowFromRightInner(parent, li);
      }
      node = parent;
      isLeaf = false;
    }
    while (this.depth > 0 && this.inners.n[this.root] === 1) {
      const old = this.root;
      this.root = this.inners.kids[old * W];
      this.inners.release(old);
      this.depth--;
    }
  }

  /** Drop child i+1 of inner node p, whose keys its left sibling has taken. */
  private dropChild(p: number, i: number): void {
    const { sepScores, sepKeys, sepEles, counts, kids, n } = this.inners;
    const b = p * W;
    counts[b + i] += counts[b + i + 1];
    for (let j = b + i + 1; j < b + n[p] - 1; j++) {
      kids[j] = kids[j + 1];
      counts[j] = counts[j + 1];
      sepScores[j] = sepScores[j + 1];
      sepKeys[j] = sepKeys[j + 1];
      sepEles[j] = sepEles[j + 1];
    }
    n[p]--;
    sepEles[b + n[p]] = '';
  }

  /** Merge leaf li+1 of inner node p into leaf li. */
  private mergeLeaves(p: number, li: number): void {
    const kids = this.inners.kids;
    const l = kids[p * W + li];
    const r = kids[p * W + li + 1];
    const { scores, keys, eles, meta } = this.leaves;
    const ln = meta[3 * l];
    const rn = meta[3 * r];
    for (let j = 0; j < rn; j++) {
      scores[l * W + ln + j] = scores[r * W + j];
      keys[l * W + ln + j] = keys[r * W + j];
      eles[l * W + ln + j] = eles[r * W + j];
    }
    meta[3 * l] = ln + rn;
    const next = meta[3 * r + 1];
    meta[3 * l + 1] = next;
    if (next !== NONE) meta[3 * next + 2] = l;
    this.leaves.release(r);
    this.dropChild(p, li);
  }

  /** Merge inner node li+1 of p into inner node li. */
  private mergeInners(p: number, li: number): void {
    const { sepScores, sepKeys, sepEles, counts, kids, n } = this.inners;
    const l = kids[p * W + li];
    const r = kids[p * W + li + 1];
    const lb = l * W + n[l];
    const rb = r * W;
    // The separator between the two becomes the lower bound of the right node's first child.
    sepScores[rb] = sepScores[p * W + li + 1];
    sepKeys[rb] = sepKeys[p * W + li + 1];
    sepEles[rb] = sepEles[p * W + li + 1];
    for (let j = 0; j < n[r]; j++) {
      kids[lb + j] = kids[rb + j];
      counts[lb + j] = counts[rb + j];
      sepScores[lb + j] = sepScores[rb + j];
      sepKeys[lb + j] = sepKeys[rb + j];
      sepEles[lb + j] = sepEles[rb + j];
    }
    n[l] += n[r];
    this.inners.release(r);
    this.dropChild(p, li);
  }

  /** Move the last key of leaf li to the front of leaf li+1. */
  private borrowFromLeftLeaf(p: number, li: number): void {
    const pb = p * W;
    const { counts, kids, sepScores, sepKeys, sepEles } = this.inners;
    const l = kids[pb + li];
    const r = kids[pb + li + 1];
    const { scores, keys, eles, meta } = this.leaves;
    const rb = r * W;
    for (let j = rb + meta[3 * r]; j > rb; j--) {
      scores[j] = scores[j - 1];
      keys[j] = keys[j - 1];
      eles[j] = eles[j - 1];
    }
    const last = l * W + --meta[3 * l];
    scores[rb] = scores[last];
    keys[rb] = keys[last];
    eles[rb] = eles[last];
    eles[last] = '';
    meta[3 * r]++;
    counts[pb + li]--;
    counts[pb + li + 1]++;
    sepScores[pb + li + 1] = scores[rb];
    sepKeys[pb + li + 1] = keys[rb];
    sepEles[pb + li + 1] = eles[rb];
  }

  /** Move the first key of leaf li+1 to the end of leaf li. */
  private borrowFromRightLeaf(p: number, li: number): void {
    const pb = p * W;
    const { counts, kids, sepScores, sepKeys, sepEles } = this.inners;
    const l = kids[pb + li];
    const r = kids[pb + li + 1];
    const { scores, keys, eles, meta } = this.leaves;
    const rb = r * W;
    const end = l * W + meta[3 * l]++;
    scores[end] = scores[rb];
    keys[end] = keys[rb];
    eles[end] = eles[rb];
    const rEnd = rb + --meta[3 * r];
    for (let j = rb; j < rEnd; j++) {
      scores[j] = scores[j + 1];
      keys[j] = keys[j + 1];
      eles[j] = eles[j + 1];
    }
    eles[rEnd] = '';
    counts[pb + li]++;
    counts[pb + li + 1]--;
    sepScores[pb + li + 1] = scores[rb];
    sepKeys[pb + li + 1] = keys[rb];
    sepEles[pb + li + 1] = eles[rb];
  }

  /** Rotate the last child of inner node li through the parent to the front of li+1. */
  private borrowFromLeftInner(p: number, li: number): void {
    const { sepScores, sepKeys, sepEles, counts, kids, n } = this.inners;
    const pb = p * W;
    const l = kids[pb + li];
    const r = kids[pb + li + 1];
    const rb = r * W;
    for (let j = rb + n[r]; j > rb; j--) {
      kids[j] = kids[j - 1];
      counts[j] = counts[j - 1];
      sepScores[j] = sepScores[j - 1];
      sepKeys[j] = sepKeys[j - 1];
      sepEles[j] = sepEles[j - 1];
    }
    const last = l * W + --n[l];
    kids[rb] = kids[last];
    counts[rb] = counts[last];
    sepScores[rb + 1] = sepScores[pb + li + 1];
    sepKeys[rb + 1] = sepKeys[pb + li + 1];
    sepEles[rb + 1] = sepEles[pb + li + 1];
    sepScores[pb + li + 1] = sepScores[last];
    sepKeys[pb + li + 1] = sepKeys[last];
    sepEles[pb + li + 1] = sepEles[last];
    sepEles[last] = '';
    n[r]++;
    counts[pb + li] -= counts[rb];
    counts[pb + li + 1] += counts[rb];
  }

  /** Rotate the first child of inner node li+1 through the parent to the end of li. */
  private borrowFromRightInner(p: number, li: number): void {
    const { sepScores, sepKeys, sepEles, counts, kids, n } = this.inners;
    const pb = p * W;
    const l = kids[pb + li];
    const r = kids[pb + li + 1];
    const rb = r * W;
    const moved = counts[rb];
    const end = l * W + n[l]++;
    kids[end] = kids[rb];
    counts[end] = moved;
    sepScores[end] = sepScores[pb + li + 1];
    sepKeys[end] = sepKeys[pb + li + 1];
    sepEles[end] = sepEles[pb + li + 1];
    sepScores[pb + li + 1] = sepScores[rb + 1];
    sepKeys[pb + li + 1] = sepKeys[rb + 1];
    sepEles[pb + li + 1] = sepEles[rb + 1];
    const rEnd = rb + --n[r];
    for (let j = rb; j < rEnd; j++) {
      kids[j] = kids[j + 1];
      counts[j] = counts[j + 1];
      sepScores[j] = sepScores[j + 1];
      sepKeys[j] = sepKeys[j + 1];
      sepEles[j] = sepEles[j + 1];
    }
    sepEles[rEnd] = '';
    counts[pb + li] += moved;
    counts[pb + li + 1] -= moved;
  }
}

/**
 * Whether key i of (scores, keys, eles) is before the bound; members are read only when their
 * keys are equal.
 */
function isBefore(scores: Float64Array, keys: Float64Array, eles: string[], i: number, kind: Bound, score: number, key: number, ele: string, ex: boolean): boolean {
  if (kind === Bound.Score) return ex ? scores[i] <= score : scores[i] < score;
  if (kind === Bound.Key) {
    const s = scores[i];
    if (s !== score) return s < score;
    const k = keys[i];
    return k !== key ? k < key : eles[i] < ele;
  }
  const k = keys[i];
  if (k !== key) return k < key;
  return ex ? eles[i] <= ele : eles[i] < ele;
}

/** Binary search in keys lo..hi-1 (a prefix of which is before the bound): the prefix's end. */
function firstNotBefore(scores: Float64Array, keys: Float64Array, eles: string[], lo: number, hi: number, kind: Bound, score: number, key: number, ele: string, ex: boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isBefore(scores, keys, eles, mid, kind, score, key, ele, ex)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
