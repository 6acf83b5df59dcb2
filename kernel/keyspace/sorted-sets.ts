/**
 * Sorted sets as other modules may use them (geo stores its points in them, as Redis does):
 * the sorted-sets module provides this on the keyspace, so no module imports another's files.
 */

/** A position in a sorted set, in (score, member) order. */
export interface SortedSetCursor {
  readonly valid: boolean;
  readonly score: number;
  readonly ele: string;
  next(): void;
}

/** A stored sorted set, read through the methods its module implements. */
export interface SortedSetValue {
  readonly size: number;
  /** A member's score, or undefined. */
  score(ele: string): number | undefined;
  /** A cursor at the first member scoring at least `min`. */
  fromScore(min: number): SortedSetCursor;
}

/** What the sorted-sets module offers to the others. */
export interface SortedSets {
  /** Whether a stored value is a sorted set. */
  is(value: unknown): value is SortedSetValue;
  /** A new, empty sorted set (the caller stores it). */
  create(): SortedSetValue;
  /** Set a member's score, adding the member when absent, under the current encoding limits. */
  put(z: SortedSetValue, ele: string, score: number): void;
}
