import type { LexRange, ScoreRange } from './ranges';
import { lexGteMin, lexLteMax, lexRangeEmpty, scoreGteMin, scoreLteMax, scoreRangeEmpty } from './ranges';

/** Redis's ZSKIPLIST_MAXLEVEL and ZSKIPLIST_P. */
const MAX_LEVEL = 32;
const P = 0.25;

/** A skip list node: one member with its score, forward links and their spans per level. */
export class ZNode {
  backward: ZNode | null = null;
  /** ScanIndex sequence number, while the set is skiplist-encoded (ZSCAN cursors). */
  seq = 0;
  readonly next: (ZNode | null)[] = [];
  readonly span: number[] = [];

  constructor(
    public ele: string,
    public score: number,
    level: number,
  ) {
    for (let i = 0; i < level; i++) {
      this.next.push(null);
      this.span.push(0);
    }
  }
}

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < P) level++;
  return level;
}

/** Whether node `n` sorts before (score, ele): by score, then bytewise by member. */
function before(n: ZNode, score: number, ele: string): boolean {
  return n.score < score || (n.score === score && n.ele < ele);
}

/**
 * Redis's zskiplist: members ordered by (score, member) with spans on every link, so rank
 * lookups and positioning by rank are O(log N). Members are binary (latin1) strings, whose
 * JS comparison is Redis's memcmp order.
 */
export class SkipList {
  readonly header = new ZNode('', 0, MAX_LEVEL);
  tail: ZNode | null = null;
  length = 0;
  private level = 1;
  /** Scratch vectors reused by every operation (no allocation per call). */
  private readonly update: ZNode[] = new Array<ZNode>(MAX_LEVEL).fill(this.header);
  private readonly rank: number[] = new Array<number>(MAX_LEVEL).fill(0);

  get first(): ZNode | null {
    return this.header.next[0];
  }

  /** Insert a member known to be absent. */
  insert(score: number, ele: string): ZNode {
    return this.link(new ZNode(ele, score, randomLevel()));
  }

  private link(node: ZNode): ZNode {
    const { update, rank, header } = this;
    const score = node.score;
    const ele = node.ele;
    let x = header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1];
      let n: ZNode | null;
      while ((n = x.next[i]) !== null && before(n, score, ele)) {
        rank[i] += x.span[i];
        x = n;
      }
      update[i] = x;
    }
    const lvl = node.next.length;
    if (lvl > this.level) {
      for (let i = this.level; i < lvl; i++) {
        rank[i] = 0;
        update[i] = header;
        header.span[i] = this.length;
      }
      this.level = lvl;
    }
    for (let i = 0; i < lvl; i++) {
      const u = update[i];
      node.next[i] = u.next[i];
      u.next[i] = node;
      node.span[i] = u.span[i] - (rank[0] - rank[i]);
      u.span[i] = rank[0] - rank[i] + 1;
    }
    for (let i = lvl; i < this.level; i++) update[i].span[i]++;
    node.backward = update[0] === header ? null : update[0];
    const after = node.next[0];
    if (after !== null) after.backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  /** Fill `update` with the last node before (score, ele) on each level. */
  private seek(score: number, ele: string): ZNode | null {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n: ZNode | null;
      while ((n = x.next[i]) !== null && before(n, score, ele)) x = n;
      this.update[i] = x;
    }
    return x.next[0];
  }

  private unlink(x: ZNode): void {
    const update = this.update;
    for (let i = 0; i < this.level; i++) {
      const u = update[i];
      if (u.next[i] === x) {
        u.span[i] += x.span[i] - 1;
        u.next[i] = x.next[i];
      } else {
        u.span[i]--;
      }
    }
    const after = x.next[0];
    if (after !== null) after.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && this.header.next[this.level - 1] === null) this.level--;
    this.length--;
  }

  /** Remove `node` (which must be in the list). */
  delete(node: ZNode): void {
    this.seek(node.score, node.ele);
    this.unlink(node);
  }

  /**
   * Change a node's score (zslUpdateScore): in place when its position does not change,
   * else unlinked and relinked (the same node object, so references to it stay valid).
   */
  updateScore(node: ZNode, score: number): void {
    const prev = node.backward;
    const next = node.next[0];
    if ((prev === null || prev.score < score) && (next === null || next.score > score)) {
      node.score = score;
      return;
    }
    this.seek(node.score, node.ele);
    this.unlink(node);
    node.score = score;
    this.link(node);
  }

  /** 0-based rank of a node in the list. */
  rankOf(node: ZNode): number {
    const score = node.score;
    const ele = node.ele;
    let x = this.header;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let n: ZNode | null;
      while ((n = x.next[i]) !== null && (n.score < score || (n.score === score && n.ele <= ele))) {
        rank += x.span[i];
        x = n;
      }
      if (x === node) return rank - 1;
    }
    return -1;
  }

  /** The node at 0-based `rank`, or null. */
  at(rank: number): ZNode | null {
    if (rank < 0 || rank >= this.length) return null;
    const target = rank + 1;
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let n: ZNode | null;
      while ((n = x.next[i]) !== null && traversed + x.span[i] <= target) {
        traversed += x.span[i];
        x = n;
      }
      if (traversed === target) return x;
    }
    return null;
  }

  /** Whether any score can lie in the range (zslIsInRange). */
  private inRange(r: ScoreRange): boolean {
    if (scoreRangeEmpty(r)) return false;
    const t = this.tail;
    const h = this.header.next[0];
    return t !== null && scoreGteMin(t.score, r) && h !== null && scoreLteMax(h.score, r);
  }

  firstInRange(r: ScoreRange): ZNode | null {
    if (!this.inRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n: ZNode | null;
      while ((n = x.next[i]) !== null && !scoreGteMin(n.score, r)) x = n;
    }
    const n = x.next[0];
    return n !== null && scoreLteMax(n.score, r) ? n : null;
  }

  lastInRange(r: ScoreRange): ZNode | null {
    if (!this.inRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n: ZNode | null;
      while ((n = x.next[i]) !== null && scoreLteMax(n.score, r)) x = n;
    }
    return x !== this.header && scoreGteMin(x.score, r) ? x : null;
  }

  private inLexRange(r: LexRange): boolean {
    if (lexRangeEmpty(r)) return false;
    const t = this.tail;
    const h = this.header.next[0];
    return t !== null && lexGteMin(t.ele, r) && h !== null && lexLteMax(h.ele, r);
  }

  firstInLexRange(r: LexRange): ZNode | null {
    if (!this.inLexRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n: ZNode | null;
      while ((n = x.next[i]) !== null && !lexGteMin(n.ele, r)) x = n;
    }
    const n = x.next[0];
    return n !== null && lexLteMax(n.ele, r) ? n : null;
  }

  lastInLexRange(r: LexRange): ZNode | null {
    if (!this.inLexRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let n: ZNode | null;
      while ((n = x.next[i]) !== null && lexLteMax(n.ele, r)) x = n;
    }
    return x !== this.header && lexGteMin(x.ele, r) ? x : null;
  }

  /**
   * Unlink `count` consecutive nodes starting at `first` (which must be in the list) and
   * return them: one descent, then each removal reuses the update vector, as Redis does.
   */
  deleteRun(first: ZNode, count: number): ZNode[] {
    const removed: ZNode[] = [];
    this.seek(first.score, first.ele);
    let x: ZNode | null = first;
    while (x !== null && removed.length < count) {
      const next: ZNode | null = x.next[0];
      this.unlink(x);
      removed.push(x);
      x = next;
    }
    return removed;
  }
}
