import { Errors, parseIntArg, ReplyError } from '../../kernel';

/** SORT's parsed options. */
export interface SortOptions {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  /** Negative: no limit. */
  limitCount: number;
  /** The BY pattern (the last one given), or null. */
  by: string | null;
  /** A BY pattern without '*' (e.g. "nosort"): keep the elements' own order. Sticky, as in Redis. */
  dontSort: boolean;
  gets: string[];
  store: string | null;
}

/** strchr(pattern, '*'): C stops at the first NUL. */
export function hasStar(pattern: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return false;
  const nul = pattern.indexOf('\0');
  return nul < 0 || star < nul;
}

function limitArg(s: string): number {
  const n = parseIntArg(s);
  if (Number.isNaN(n)) throw Errors.notInteger;
  return n;
}

/**
 * sortCommandGeneric's option loop; SORT_RO (`readonly`) does not know STORE. `patterns`:
 * the user may read every key, so BY and GET patterns are allowed.
 */
export function parseSortOptions(argv: string[], readonly: boolean, patterns = true): SortOptions {
  const o: SortOptions = {
    desc: false,
    alpha: false,
    limitStart: 0,
    limitCount: -1,
    by: null,
    dontSort: false,
    gets: [],
    store: null,
  };
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const left = argv.length - j - 1;
    if (opt === 'asc') {
      o.desc = false;
    } else if (opt === 'desc') {
      o.desc = true;
    } else if (opt === 'alpha') {
      o.alpha = true;
    } else if (opt === 'limit' && left >= 2) {
      o.limitStart = limitArg(argv[j + 1]);
      o.limitCount = limitArg(argv[j + 2]);
      j += 2;
    } else if (!readonly && opt === 'store' && left >= 1) {
      o.store = argv[++j];
    } else if (opt === 'by' && left >= 1) {
      o.by = argv[++j];
      if (!hasStar(o.by)) o.dontSort = true;
      else if (!patterns) throw new ReplyError('ERR BY option of SORT denied due to insufficient ACL permissions.');
    } else if (opt === 'get' && left >= 1) {
      if (!patterns) throw new ReplyError('ERR GET option of SORT denied due to insufficient ACL permissions.');
      o.gets.push(argv[++j]);
    } else {
      throw Errors.syntax;
    }
  }
  return o;
}
