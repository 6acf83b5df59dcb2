import { globMatch, parseScanOptions, type Reply } from '../../kernel';
import type { Hash } from './hash';

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
    const { count, pattern } = parseScanOptions(argv, 3, false);
    const out: string[] = [];
    this.out = out;
    this.pattern = pattern;
    let next = 0;
    if (h.table === null) {
      const flat = h.flat();
      for (let i = 0; i < flat.length; i += 2) this.visit(flat[i], flat[i + 1]);
    } else {
      next = h.table.scan(cursor, count, this.visit);
    }
    this.out = [];
    return [String(next), out];
  }
}
