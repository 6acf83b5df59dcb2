import { Errors, globMatch, parseIntArg, type Reply, ReplyError } from '../../kernel';
import type { Hash } from './hash';

const invalidCursor = new ReplyError('ERR invalid cursor');
const ULONG_MAX = 18446744073709551615n;
const CURSOR = /^[+-]?\d+$/;

/**
 * parseScanCursorOrReply (strtoul): decimal with an optional sign, no leading space, nothing
 * after the digits; a negative value wraps as in C; an empty string is cursor 0.
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
 * scanGenericCommand for a hash: options from argv[3]. A listpack hash answers everything at
 * once with cursor 0, whatever the cursor and COUNT; a hashtable is walked from `cursor`.
 */
export class HashScanner {
  private out: string[] = [];
  private pattern: string | null = null;
  /** Bound once: ScanMap.scan calls it for every visited field. */
  private readonly visit = (field: string, value: string): void => {
    if (this.pattern === null || globMatch(this.pattern, field)) this.out.push(field, value);
  };

  scan(h: Hash, cursor: number, argv: string[]): Reply {
    let count = 10;
    let pattern: string | null = null;
    for (let i = 3; i < argv.length; i += 2) {
      const opt = argv[i].toLowerCase();
      if (i + 1 >= argv.length) throw Errors.syntax;
      if (opt === 'count') {
        count = parseIntArg(argv[i + 1]);
        if (Number.isNaN(count)) throw Errors.notInteger;
        if (count < 1) throw Errors.syntax;
      } else if (opt === 'match') {
        // "*" matches everything: Redis skips matching then.
        pattern = argv[i + 1] === '*' ? null : argv[i + 1];
      } else {
        throw Errors.syntax;
      }
    }
    const out: string[] = [];
    this.out = out;
    this.pattern = pattern;
    let next = 0;
    if (h.list !== null) {
      for (const [f, v] of h.list) this.visit(f, v);
    } else {
      next = h.table!.scan(cursor, count, this.visit);
    }
    this.out = [];
    return [String(next), out];
  }
}
