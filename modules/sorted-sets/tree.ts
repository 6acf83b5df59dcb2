/**
 * The order of a sorted set: members by (score, member), with O(log N) insert, delete, rank
 * and access by rank, as Redis's skip list gives, but as a counted B+ tree.
 *
 * A skip list visits a few dozen nodes per operation on a large set, each a separate heap
 * object (and in JS, its level arrays another): every step is a cache miss. Here a leaf keeps
 * up to 64 members and their scores in flat arrays and an inner node up to 64 children with
 * their sizes and lower-bound keys, so a million members are four levels deep and an
 * operation touches a handful of cache lines; ranges are read from contiguous arrays.
 *
 * Members are binary (latin1) strings, whose JS comparison is Redis's memcmp order.
 */
const MAX = 64;
/** Below this many entries a node borrows from or merges with a sibling. */
const MIN = 16;
/** Deeper than any tree of 2^53 members can grow (64^9). */
const MAX_DEPTH = 10;

class Leaf {
  n = 0;
  readonly scores = new Float64Array(MAX + 1);
  readonly eles: string[] = new Array<string>(MAX + 1).fill('');
  next: Leaf | null = null;
  prev: Leaf | null = null;
}

class Inner {
  n = 0;
  readonly children: Node[] = new Array<Node>(MAX + 1);
  /** Members under each child. */
  readonly counts = new Float64Array(MAX + 1);
  /** Lower bound of child i (i >= 1): every key of child i-1 is below it, every key of child i at or above. */
  readonly sepScores = new Float64Array(MAX + 1);
  readonly sepEles: string[] = new Array<string>(MAX + 1).fill('');
}

type Node = Leaf | Inner;

/** Where a search for a bound stops: before the first key that is not "before" it. */
const enum Bound {
  /** Keys below (score, ele). */
  Key,
  /** Keys with a score below `score` (or at most `score` when exclusive). */
  Score,
  /** Keys with a member below `ele` (or at most `ele` when exclusive): for sets of equal scores. */
  Lex,
}

/** A position in the tree: read `score`/`ele`, step with next()/prev(). */
export class Cursor {
  constructor(
    private leaf: Leaf | null,
    private i: number,
  ) {}

  get valid(): boolean {
    return this.leaf !== null;
  }
  get score(): number {
    return this.leaf!.scores[this.i];
  }
  get ele(): string {
    return this.leaf!.eles[this.i];
  }

  next(): void {
    const l = this.leaf!;
    if (++this.i < l.n) return;
    this.leaf = l.next;
    this.i = 0;
  }

  prev(): void {
    if (--this.i >= 0) return;
    this.leaf = this.leaf!.prev;
    this.i = this.leaf === null ? 0 : this.leaf.n - 1;
  }
}

export class ScoreTree {
  private root: Node = new Leaf();
  private depth = 0;
  private count = 0;
  /** The descent path of the last search: inner nodes and the child index taken in each. */
  private readonly pathNodes: Inner[] = new Array<Inner>(MAX_DEPTH);
  private readonly pathIdx = new Int32Array(MAX_DEPTH);

  get length(): number {
    return this.count;
  }

  /** Insert a member known to be absent. */
  insert(score: number, ele: string): void {
    const leaf = this.descend(Bound.Key, score, ele, false);
    const i = leafBound(leaf, Bound.Key, score, ele, false);
    for (let j = leaf.n; j > i; j--) {
      leaf.scores[j] = leaf.scores[j - 1];
      leaf.eles[j] = leaf.eles[j - 1];
    }
    leaf.scores[i] = score;
    leaf.eles[i] = ele;
    leaf.n++;
    this.count++;
    for (let d = 0; d < this.depth; d++) this.pathNodes[d].counts[this.pathIdx[d]]++;
    if (leaf.n > MAX) this.splitUp(leaf);
  }

  /** Remove a member present with this score; returns whether it was found. */
  delete(score: number, ele: string): boolean {
    const leaf = this.descend(Bound.Key, score, ele, false);
    const i = leafBound(leaf, Bound.Key, score, ele, false);
    if (i >= leaf.n || leaf.eles[i] !== ele || leaf.scores[i] !== score) return false;
    for (let j = i + 1; j < leaf.n; j++) {
      leaf.scores[j - 1] = leaf.scores[j];
      leaf.eles[j - 1] = leaf.eles[j];
    }
    leaf.n--;
    leaf.eles[leaf.n] = '';
    this.count--;
    for (let d = 0; d < this.depth; d++) this.pathNodes[d].counts[this.pathIdx[d]]--;
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
    if (rank < 0 || rank >= this.count) return new Cursor(null, 0);
    let node = this.root;
    let left = rank;
    for (let d = 0; d < this.depth; d++) {
      const inner = node as Inner;
      let c = 0;
      while (left >= inner.counts[c]) left -= inner.counts[c++];
      node = inner.children[c];
    }
    return new Cursor(node as Leaf, left);
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

  // ---- searching --------------------------------------------------------------------------

  private boundRank(kind: Bound, score: number, ele: string, ex: boolean): number {
    const leaf = this.descend(kind, score, ele, ex);
    let rank = leafBound(leaf, kind, score, ele, ex);
    for (let d = 0; d < this.depth; d++) {
      const inner = this.pathNodes[d];
      const idx = this.pathIdx[d];
      for (let c = 0; c < idx; c++) rank += inner.counts[c];
    }
    return rank;
  }

  /**
   * Walk down to the leaf where the bound falls, recording the path: in each inner node, the
   * last child whose lower bound is still before the target (the first child if none).
   */
  private descend(kind: Bound, score: number, ele: string, ex: boolean): Leaf {
    let node = this.root;
    for (let d = 0; d < this.depth; d++) {
      const inner = node as Inner;
      // The separators before the target form a prefix (slot 0 has none): find its end.
      const lo = firstNotBefore(inner.sepScores, inner.sepEles, 1, inner.n, kind, score, ele, ex);
      // An exact key equal to a separator lives in that separator's child.
      let c = lo - 1;
      if (kind === Bound.Key && lo < inner.n && inner.sepScores[lo] === score && inner.sepEles[lo] === ele) c = lo;
      this.pathNodes[d] = inner;
      this.pathIdx[d] = c;
      node = inner.children[c];
    }
    return node as Leaf;
  }

  // ---- splitting and merging ----------------------------------------------------------------

  /** Split an overfull node (the path leads to it) and any parent that overflows in turn. */
  private splitUp(leaf: Leaf): void {
    let d = this.depth;
    let node: Node = leaf;
    while (node.n > MAX) {
      const { right, sepScore, sepEle, leftCount, rightCount } = node instanceof Leaf ? splitLeaf(node) : splitInner(node);
      if (d === 0) {
        const root = new Inner();
        root.n = 2;
        root.children[0] = node;
        root.children[1] = right;
        root.counts[0] = leftCount;
        root.counts[1] = rightCount;
        root.sepScores[1] = sepScore;
        root.sepEles[1] = sepEle;
        this.root = root;
        this.depth++;
        return;
      }
      d--;
      const parent = this.pathNodes[d];
      const at = this.pathIdx[d] + 1;
      for (let j = parent.n; j > at; j--) {
        parent.children[j] = parent.children[j - 1];
        parent.counts[j] = parent.counts[j - 1];
        parent.sepScores[j] = parent.sepScores[j - 1];
        parent.sepEles[j] = parent.sepEles[j - 1];
      }
      parent.children[at] = right;
      parent.counts[at] = rightCount;
      parent.counts[at - 1] = leftCount;
      parent.sepScores[at] = sepScore;
      parent.sepEles[at] = sepEle;
      parent.n++;
      node = parent;
    }
  }

  /** After a removal from `leaf` (the path leads to it): fix underfull nodes bottom-up. */
  private rebalanceUp(leaf: Leaf): void {
    let node: Node = leaf;
    for (let d = this.depth - 1; d >= 0 && node.n < MIN; d--) {
      const parent = this.pathNodes[d];
      const idx = this.pathIdx[d];
      // Pair the node with its left sibling when it has one, else with its right.
      const li = idx > 0 ? idx - 1 : idx;
      if (li + 1 >= parent.n) break;
      const left = parent.children[li];
      const right = parent.children[li + 1];
      if (left.n + right.n <= MAX) {
        mergeInto(parent, li);
      } else if (node === right) {
        if (left instanceof Leaf) borrowFromLeftLeaf(parent, li);
        else borrowFromLeftInner(parent, li);
      } else if (left instanceof Leaf) {
        borrowFromRightLeaf(parent, li);
      } else {
        borrowFromRightInner(parent, li);
      }
      node = parent;
    }
    while (this.depth > 0 && this.root.n === 1) {
      this.root = (this.root as Inner).children[0];
      this.depth--;
    }
  }
}

/** Whether key i of (scores, eles) is before the bound; members are read only when needed. */
function isBefore(scores: Float64Array, eles: string[], i: number, kind: Bound, score: number, ele: string, ex: boolean): boolean {
  if (kind === Bound.Key) {
    const s = scores[i];
    return s < score || (s === score && eles[i] < ele);
  }
  if (kind === Bound.Score) return ex ? scores[i] <= score : scores[i] < score;
  return ex ? eles[i] <= ele : eles[i] < ele;
}

/** Binary search in keys lo..hi-1 (a prefix of which is before the bound): the prefix's end. */
function firstNotBefore(scores: Float64Array, eles: string[], lo: number, hi: number, kind: Bound, score: number, ele: string, ex: boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isBefore(scores, eles, mid, kind, score, ele, ex)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first key of `leaf` that is not before the bound. */
function leafBound(leaf: Leaf, kind: Bound, score: number, ele: string, ex: boolean): number {
  return firstNotBefore(leaf.scores, leaf.eles, 0, leaf.n, kind, score, ele, ex);
}

interface Split {
  right: Node;
  sepScore: number;
  sepEle: string;
  leftCount: number;
  rightCount: number;
}

function splitLeaf(l: Leaf): Split {
  const r = new Leaf();
  const h = l.n >>> 1;
  for (let j = h; j < l.n; j++) {
    r.scores[j - h] = l.scores[j];
    r.eles[j - h] = l.eles[j];
    l.eles[j] = '';
  }
  r.n = l.n - h;
  l.n = h;
  r.next = l.next;
  if (r.next !== null) r.next.prev = r;
  r.prev = l;
  l.next = r;
  return { right: r, sepScore: r.scores[0], sepEle: r.eles[0], leftCount: l.n, rightCount: r.n };
}

function splitInner(p: Inner): Split {
  const r = new Inner();
  const h = p.n >>> 1;
  let rightCount = 0;
  for (let j = h; j < p.n; j++) {
    r.children[j - h] = p.children[j];
    r.counts[j - h] = p.counts[j];
    r.sepScores[j - h] = p.sepScores[j];
    r.sepEles[j - h] = p.sepEles[j];
    rightCount += p.counts[j];
    p.sepEles[j] = '';
  }
  r.n = p.n - h;
  p.n = h;
  let leftCount = 0;
  for (let j = 0; j < h; j++) leftCount += p.counts[j];
  // The right node's own first separator moves up: its slot 0 needs none.
  return { right: r, sepScore: r.sepScores[0], sepEle: r.sepEles[0], leftCount, rightCount };
}

/** Merge child li+1 of `p` into child li and drop it from `p`. */
function mergeInto(p: Inner, li: number): void {
  const left = p.children[li];
  const right = p.children[li + 1];
  if (left instanceof Leaf) {
    const r = right as Leaf;
    for (let j = 0; j < r.n; j++) {
      left.scores[left.n + j] = r.scores[j];
      left.eles[left.n + j] = r.eles[j];
    }
    left.n += r.n;
    left.next = r.next;
    if (r.next !== null) r.next.prev = left;
  } else {
    const r = right as Inner;
    // The separator between the two becomes the lower bound of the right node's first child.
    r.sepScores[0] = p.sepScores[li + 1];
    r.sepEles[0] = p.sepEles[li + 1];
    for (let j = 0; j < r.n; j++) {
      left.children[left.n + j] = r.children[j];
      left.counts[left.n + j] = r.counts[j];
      left.sepScores[left.n + j] = r.sepScores[j];
      left.sepEles[left.n + j] = r.sepEles[j];
    }
    left.n += r.n;
  }
  p.counts[li] += p.counts[li + 1];
  for (let j = li + 1; j < p.n - 1; j++) {
    p.children[j] = p.children[j + 1];
    p.counts[j] = p.counts[j + 1];
    p.sepScores[j] = p.sepScores[j + 1];
    p.sepEles[j] = p.sepEles[j + 1];
  }
  p.n--;
  p.sepEles[p.n] = '';
}

/** Move the last key of leaf li to the front of leaf li+1. */
function borrowFromLeftLeaf(p: Inner, li: number): void {
  const l = p.children[li] as Leaf;
  const r = p.children[li + 1] as Leaf;
  for (let j = r.n; j > 0; j--) {
    r.scores[j] = r.scores[j - 1];
    r.eles[j] = r.eles[j - 1];
  }
  l.n--;
  r.scores[0] = l.scores[l.n];
  r.eles[0] = l.eles[l.n];
  l.eles[l.n] = '';
  r.n++;
  p.counts[li]--;
  p.counts[li + 1]++;
  p.sepScores[li + 1] = r.scores[0];
  p.sepEles[li + 1] = r.eles[0];
}

/** Move the first key of leaf li+1 to the end of leaf li. */
function borrowFromRightLeaf(p: Inner, li: number): void {
  const l = p.children[li] as Leaf;
  const r = p.children[li + 1] as Leaf;
  l.scores[l.n] = r.scores[0];
  l.eles[l.n] = r.eles[0];
  l.n++;
  for (let j = 1; j < r.n; j++) {
    r.scores[j - 1] = r.scores[j];
    r.eles[j - 1] = r.eles[j];
  }
  r.n--;
  r.eles[r.n] = '';
  p.counts[li]++;
  p.counts[li + 1]--;
  p.sepScores[li + 1] = r.scores[0];
  p.sepEles[li + 1] = r.eles[0];
}

/** Rotate the last child of inner node li through the parent to the front of li+1. */
function borrowFromLeftInner(p: Inner, li: number): void {
  const l = p.children[li] as Inner;
  const r = p.children[li + 1] as Inner;
  for (let j = r.n; j > 0; j--) {
    r.children[j] = r.children[j - 1];
    r.counts[j] = r.counts[j - 1];
    r.sepScores[j] = r.sepScores[j - 1];
    r.sepEles[j] = r.sepEles[j - 1];
  }
  l.n--;
  r.children[0] = l.children[l.n];
  r.counts[0] = l.counts[l.n];
  r.sepScores[1] = p.sepScores[li + 1];
  r.sepEles[1] = p.sepEles[li + 1];
  p.sepScores[li + 1] = l.sepScores[l.n];
  p.sepEles[li + 1] = l.sepEles[l.n];
  l.sepEles[l.n] = '';
  r.n++;
  p.counts[li] -= r.counts[0];
  p.counts[li + 1] += r.counts[0];
}

/** Rotate the first child of inner node li+1 through the parent to the end of li. */
function borrowFromRightInner(p: Inner, li: number): void {
  const l = p.children[li] as Inner;
  const r = p.children[li + 1] as Inner;
  const moved = r.counts[0];
  l.children[l.n] = r.children[0];
  l.counts[l.n] = moved;
  l.sepScores[l.n] = p.sepScores[li + 1];
  l.sepEles[l.n] = p.sepEles[li + 1];
  l.n++;
  p.sepScores[li + 1] = r.sepScores[1];
  p.sepEles[li + 1] = r.sepEles[1];
  for (let j = 1; j < r.n; j++) {
    r.children[j - 1] = r.children[j];
    r.counts[j - 1] = r.counts[j];
    r.sepScores[j - 1] = r.sepScores[j];
    r.sepEles[j - 1] = r.sepEles[j];
  }
  r.n--;
  r.sepEles[r.n] = '';
  p.counts[li] += moved;
  p.counts[li + 1] -= moved;
}
