import { ArgParser } from '../args';
import { cstr, Errors } from '../errors';
import { ReplyError } from '../reply';
import { addDecimal } from './int64';

/** 2^64 and ULONG_MAX as decimal digits: cursors are compared and wrapped without BigInt. */
const TWO_64 = '18446744073709551616';
const ULONG_MAX = '18446744073709551615';
const CURSOR = /^[+-]?\d+$/;
const invalidCursor = new ReplyError('ERR invalid cursor');

/**
 * parseScanCursorOrReply (strtoul): decimal with an optional sign, no leading space, nothing
 * after the digits; a negative value wraps as in C (to a cursor past every element); an
 * empty string is cursor 0. strtoul reads a C string, so a NUL ends the cursor ("\0" is 0).
 */
export function parseScanCursor(raw: string): number {
  const arg = cstr(raw);
  if (arg === '') return 0;
  if (!CURSOR.test(arg)) throw invalidCursor;
  const c0 = arg.charCodeAt(0);
  const digits = (c0 === 45 || c0 === 43 ? arg.slice(1) : arg).replace(/^0+/, '');
  if (digits.length > ULONG_MAX.length || (digits.length === ULONG_MAX.length && digits > ULONG_MAX)) throw invalidCursor;
  if (digits === '') return 0;
  // A negative cursor wraps as in C: 2^64 - n, exact where it lands within double precision.
  return Number(c0 === 45 ? addDecimal(TWO_64, `-${digits}`) : digits);
}

export interface ScanOptions {
  count: number;
  /** null when every element matches (no MATCH, or MATCH *). */
  pattern: string | null;
  /** SCAN's TYPE filter, lower case; null when absent. */
  type: string | null;
}

const count = { type: 'integer', min: 1, outOfRange: Errors.syntax } as const;
const keyScanArgs = new ArgParser({ count, match: { type: 'string' }, type: { type: 'string' } });
const elementScanArgs = new ArgParser({ count, match: { type: 'string' } });

/** scanGenericCommand's options from argv[from]: COUNT, MATCH and (SCAN only) TYPE. */
export function parseScanOptions(argv: string[], from: number, allowType: boolean): ScanOptions {
  const o = allowType ? keyScanArgs.parse(argv, from) : elementScanArgs.parse(argv, from);
  const type = allowType ? (o as { type?: string }).type : undefined;
  return {
    count: o.count ?? 10,
    pattern: o.match === undefined || o.match === '*' ? null : o.match,
    type: type === undefined ? null : type.toLowerCase(),
  };
}
