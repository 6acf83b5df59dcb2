import type { RSet } from './set';

/** SRANDMEMBER with a negative count: `count` independent picks, repeats allowed. */
export function picks(set: RSet, count: number): string[] {
  const members = set.members;
  const n = members.length;
  const out = new Array<string>(count);
  for (let i = 0; i < count; i++) out[i] = members[Math.floor(Math.random() * n)];
  return out;
}

/**
 * `count` distinct random members, 0 < count < size. Like Redis, two strategies: when the
 * sample is a large part of the set, a partial shuffle of a copy; otherwise random slots
 * drawn until enough distinct ones came up (expected O(count)).
 */
export function sample(set: RSet, count: number): string[] {
  const members = set.members;
  const n = members.length;
  if (count * 3 > n) {
    const copy = members.slice();
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (n - i));
      const t = copy[i];
      copy[i] = copy[j];
      copy[j] = t;
    }
    copy.length = count;
    return copy;
  }
  const seen = new Set<number>();
  const out: string[] = [];
  while (out.length < count) {
    const i = Math.floor(Math.random() * n);
    if (seen.has(i)) continue;
    seen.add(i);
    out.push(members[i]);
  }
  return out;
}
