import { addDecimal, ArgParser, decimalInInt64, Errors, int64Reply, type IntegerReply, parseInt64, ReplyError } from '../../kernel';

export const enum ExpireFlag {
  NX = 1,
  XX = 2,
  GT = 4,
  LT = 8,
}

const nxConflict = new ReplyError('ERR NX and XX, GT or LT options at the same time are not compatible');
const expireArgs = new ArgParser(
  { nx: { type: 'flag' }, xx: { type: 'flag' }, gt: { type: 'flag' }, lt: { type: 'flag' } },
  {
    exclusive: [
      { of: ['nx', 'xx'], error: nxConflict },
      { of: ['nx', 'gt'], error: nxConflict },
      { of: ['nx', 'lt'], error: nxConflict },
      { of: ['gt', 'lt'], error: new ReplyError('ERR GT and LT options at the same time are not compatible') },
    ],
    unknown: (word) => new ReplyError(`ERR Unsupported option ${word}`),
  },
);

/** parseExtendedExpireArgumentsOrReply: the NX/XX/GT/LT options from argv[3] on. */
export function parseExpireFlags(argv: string[]): number {
  const o = expireArgs.parse(argv, 3);
  return (o.nx ? ExpireFlag.NX : 0) | (o.xx ? ExpireFlag.XX : 0) | (o.gt ? ExpireFlag.GT : 0) | (o.lt ? ExpireFlag.LT : 0);
}

/** INT64_MAX / 1000 (and -INT64_MIN / 1000, truncated), as digits. */
const INT64_DIV_1000 = '9223372036854775';
const INT64_MAX_DIGITS = '9223372036854775807';

/**
 * The absolute expiry in ms for an EXPIRE-family argument, with Redis's int64 overflow checks
 * ("invalid expire time"). Exact arithmetic only leaves the double fast path near the int64 limits.
 */
export function absoluteExpire(arg: string, seconds: boolean, basetime: number, cmd: string): number {
  const v = parseInt64(arg);
  if (v === null) throw Errors.notInteger;
  if (typeof v === 'number') {
    const when = (seconds ? v * 1000 : v) + basetime;
    if (Number.isSafeInteger(when)) return when;
  }
  // Past double precision Redis's int64 checks are done on the digits, without BigInt.
  let when = String(v);
  if (seconds) {
    const digits = when.charCodeAt(0) === 45 ? when.slice(1) : when;
    if (digits.length > INT64_DIV_1000.length || (digits.length === INT64_DIV_1000.length && digits > INT64_DIV_1000)) {
      throw Errors.invalidExpire(cmd);
    }
    if (when !== '0') when += '000';
  }
  const sum = addDecimal(when, String(basetime));
  if (!decimalInInt64(sum)) throw Errors.invalidExpire(cmd);
  return Number(sum);
}

/** A stored ms time's exact digits, int64-clamped (doubles past 2^63 round up to it). */
export function msDigits(ms: number): string {
  if (Number.isSafeInteger(ms)) return String(ms);
  // toFixed(0) gives an integral double's exact digits.
  return ms >= 2 ** 63 ? INT64_MAX_DIGITS : ms.toFixed(0);
}

/** A stored ms time as an integer reply: exact below 2^53, its digits above. */
export function msReply(ms: number): number | IntegerReply {
  return Number.isSafeInteger(ms) ? ms : int64Reply(msDigits(ms));
}

/** Milliseconds rounded to seconds as Redis does ((ms+500)/1000 in int64, truncated). */
export function secondsReply(ms: number): number | IntegerReply {
  if (Number.isSafeInteger(ms + 500)) return Math.floor((ms + 500) / 1000);
  const sum = addDecimal(msDigits(ms), '500');
  const neg = sum.charCodeAt(0) === 45;
  const digits = (neg ? sum.slice(1) : sum).slice(0, -3) || '0';
  return int64Reply(neg && digits !== '0' ? `-${digits}` : digits);
}

/** getIntFromObjectOrReply: a C int, or Redis's errors (`msg` replaces both generic texts). */
export function parseInt32(arg: string, msg?: string): number {
  const v = parseInt64(arg);
  if (typeof v === 'number' && v <= 2147483647 && v >= -2147483648) return v;
  if (msg !== undefined) throw new ReplyError(`ERR ${msg}`);
  if (v === null) throw Errors.notInteger;
  throw Errors.intOutOfRange;
}

