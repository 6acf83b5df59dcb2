import { compareInt, RSet } from './set';

/**
 * sinterGenericCommand's core over existing sets: walks the smallest set and keeps the
 * members every other set has. Stops after `limit` members (0 = no limit). Redis replies in
 * the smallest set's order, which is ascending when that set is an intset.
 */
export function intersect(sets: RSet[], limit: number): string[] {
  let smallest = sets[0];
  for (let i = 1; i < sets.length; i++) if (sets[i].size < smallest.size) smallest = sets[i];
  const others = sets.filter((s) => s !== smallest);
  const out: string[] = [];
  const members = smallest.members;
  outer: for (let i = 0; i < members.length; i++) {
    const m = members[i];
    for (let j = 0; j < others.length; j++) if (!others[j].has(m)) continue outer;
    out.push(m);
    if (out.length === limit) break;
  }
  if (smallest.intset) out.sort(compareInt);
  return out;
}

/** The number of members all sets share, counting at most `limit` (0 = no limit). */
export function intersectCard(sets: RSet[], limit: number): number {
  let smallest = sets[0];
  for (let i = 1; i < sets.length; i++) if (sets[i].size < smallest.size) smallest = sets[i];
  const others = sets.filter((s) => s !== smallest);
  let n = 0;
  const members = smallest.members;
  outer: for (let i = 0; i < members.length; i++) {
    for (let j = 0; j < others.length; j++) if (!others[j].has(members[i])) continue outer;
    if (++n === limit) break;
  }
  return n;
}

/** A new set holding the union (missing keys are undefined: empty sets). */
export function union(sets: (RSet | undefined)[], maxIntset: number): RSet {
  const dst = new RSet();
  for (const s of sets) {
    if (s === undefined) continue;
    const members = s.members;
    for (let i = 0; i < members.length; i++) dst.add(members[i], maxIntset);
  }
  return dst;
}

/**
 * The first set minus the others, with sunionDiffGenericCommand's choice of algorithm: it
 * decides the result's encoding (algorithm 2 first copies the whole first set, so a member
 * that makes it a hashtable leaves it one even when subtracted).
 */
export function difference(sets: (RSet | undefined)[], maxIntset: number): RSet {
  const dst = new RSet();
  const first = sets[0];
  if (first === undefined) return dst;
  const rest: RSet[] = [];
  for (let j = 1; j < sets.length; j++) {
    const s = sets[j];
    if (s === first) return dst;
    if (s !== undefined) rest.push(s);
  }
  // Algorithm 1 costs |first| per set, algorithm 2 the total size; Redis favours 1 by half.
  let work1 = first.size;
  let work2 = first.size;
  for (const s of rest) {
    work1 += first.size;
    work2 += s.size;
  }
  if (Math.floor(work1 / 2) <= work2) {
    // Largest first: a member present elsewhere is most likely found early.
    rest.sort((a, b) => b.size - a.size);
    const members = first.members;
    outer: for (let i = 0; i < members.length; i++) {
      const m = members[i];
      for (let j = 0; j < rest.length; j++) if (rest[j].has(m)) continue outer;
      dst.add(m, maxIntset);
    }
    return dst;
  }
  for (const m of first.members) dst.add(m, maxIntset);
  for (const s of rest) {
    for (const m of s.members) dst.remove(m);
    if (dst.size === 0) break;
  }
  return dst;
}
