import { Errors, globMatch, parseIntArg, type Reply, ReplyError } from '../../kernel';
import type { RSet } from './set';

const ULONG_MAX = 18446744073709551615n;
const CURSOR = /^[+-]?\d+$/;
const invalidCursor = new ReplyError('ERR invalid cursor');

/**
 * parseScanCursorOrReply (strtoul): decimal with optional sign, nothing else; a negative value
 * wraps like in C, an empty string is cursor 0.
 */
export function parseCursor(arg: string): number {
  if (arg === '') return 0;
  if (!CURSOR.test(arg)) throw invalidCursor;
  const c0 = arg.charCodeAt(0);
  const n = BigInt(c0 === 45 || c0 === 43 ? arg.slice(1) : arg);
  if (n > ULONG_MAX) throw invalidCursor;
  return Number(c0 === 45 && n !== 0n ? ULONG_MAX + 1n - n : n);
}

/**
 * scanGenericCommand for a set, options from argv[3]. An intset is returned whole, sorted,
 * with cursor 0, as Redis does. Otherwise slots are walked from the top: cursor = slot + 1 of
 * the next one to visit (see RSet).
 */
export function sscan(set: RSet, cursor: number, argv: string[]): Reply {
  let count = 10;
  let pattern: string | null = null;
  for (let i = 3; i < argv.length; i += 2) {
    if (i + 1 >= argv.length) throw Errors.syntax;
    const opt = argv[i].toLowerCase();
    if (opt === 'count') {
      count = parseIntArg(argv[i + 1]);
      if (Number.isNaN(count)) throw Errors.notInteger;
      if (count < 1) throw Errors.syntax;
    } else if (opt === 'match') {
      pattern = argv[i + 1] === '*' ? null : argv[i + 1];
    } else {
      throw Errors.syntax;
    }
  }
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
