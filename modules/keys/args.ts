import { Errors, INT64_MAX, parseInt64, ReplyError } from '../../kernel';

export const enum ExpireFlag {
  NX = 1,
  XX = 2,
  GT = 4,
  LT = 8,
}

/** parseExtendedExpireArgumentsOrReply: the NX/XX/GT/LT options from argv[3] on. */
export function parseExpireFlags(argv: string[]): number {
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    if (opt === 'nx') flags |= ExpireFlag.NX;
    else if (opt === 'xx') flags |= ExpireFlag.XX;
    else if (opt === 'gt') flags |= ExpireFlag.GT;
    else if (opt === 'lt') flags |= ExpireFlag.LT;
    else throw new ReplyError(`ERR Unsupported option ${argv[i]}`);
  }
  if (flags & ExpireFlag.NX && flags & (ExpireFlag.XX | ExpireFlag.GT | ExpireFlag.LT)) {
    throw new ReplyError('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flags & ExpireFlag.GT && flags & ExpireFlag.LT) {
    throw new ReplyError('ERR GT and LT options at the same time are not compatible');
  }
  return flags;
}

const INT64_MIN_DIV_1000 = -9223372036854775n;
const INT64_MAX_DIV_1000 = 9223372036854775n;

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
  let when = BigInt(v);
  if (seconds) {
    if (when > INT64_MAX_DIV_1000 || when < INT64_MIN_DIV_1000) throw Errors.invalidExpire(cmd);
    when *= 1000n;
  }
  if (when > INT64_MAX - BigInt(basetime)) throw Errors.invalidExpire(cmd);
  return Number(when + BigInt(basetime));
}

/** A stored ms time as an integer reply: exact below 2^53, int64-clamped above (doubles round up to 2^63). */
export function msReply(ms: number): number | bigint {
  if (Number.isSafeInteger(ms)) return ms;
  return ms >= 2 ** 63 ? INT64_MAX : BigInt(ms);
}

/** Milliseconds rounded to seconds as Redis does ((ms+500)/1000 in int64). */
export function secondsReply(ms: number): number | bigint {
  if (Number.isSafeInteger(ms + 500)) return Math.floor((ms + 500) / 1000);
  return (BigInt(msReply(ms)) + 500n) / 1000n;
}

/** getIntFromObjectOrReply: a C int, or Redis's errors (`msg` replaces both generic texts). */
export function parseInt32(arg: string, msg?: string): number {
  const v = parseInt64(arg);
  if (typeof v === 'number' && v <= 2147483647 && v >= -2147483648) return v;
  if (msg !== undefined) throw new ReplyError(`ERR ${msg}`);
  if (v === null) throw Errors.notInteger;
  throw Errors.intOutOfRange;
}

