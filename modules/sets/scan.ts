import { globMatch, parseScanOptions, type Reply } from '../../kernel';
import type { RSet } from './set';

/**
 * scanGenericCommand for a set, options from argv[3]. An intset is returned whole, sorted,
 * with cursor 0, as Redis does. Otherwise slots are walked from the top: cursor = slot + 1 of
 * the next one to visit (see RSet).
 */
export function sscan(set: RSet, cursor: number, argv: string[]): Reply {
  const { count, pattern } = parseScanOptions(argv, 3, false);
  let found: string[];
  let next = 0;
  if (set.intset) {
    found = set.ordered();
  } else {
    const members = set.members;
    let slot = cursor === 0 ? members.length - 1 : Math.min(cursor - 1, members.length - 1);
    const end = Math.max(slot - count, -1);
    found = [];
    for (; slot > end; slot--) found.push(members[slot]);
    next = slot + 1;
  }
  if (pattern !== null) found = found.filter((m) => globMatch(pattern!, m));
  return [String(next), found];
}
