import { addDecimal, decimalInInt64, Errors, parseInt64 } from '../../kernel';

/** Option bits of SET and GETEX (Redis's OBJ_SET_* / OBJ_* flags). */
export const enum Opt {
  NX = 1,
  XX = 2,
  GET = 4,
  KEEPTTL = 8,
  PERSIST = 16,
  EX = 32,
  PX = 64,
  EXAT = 128,
  PXAT = 256,
}

const EXPIRES = Opt.EX | Opt.PX | Opt.EXAT | Opt.PXAT;

export interface ExtendedArgs {
  flags: number;
  /** The expire argument, when one of EX/PX/EXAT/PXAT was given. */
  expire: string | undefined;
}

/**
 * parseExtendedStringArgumentsOrReply: the options of SET (`forSet`) or GETEX from argv[from].
 * A repeated option is accepted (the last expire wins); conflicting ones are a syntax error.
 */
export function parseExtended(argv: string[], from: number, forSet: boolean): ExtendedArgs {
  let flags = 0;
  let expire: string | undefined;
  for (let j = from; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const hasNext = j < argv.length - 1;
    let bit = 0;
    switch (opt) {
      case 'nx':
        if (forSet && (flags & Opt.XX) === 0) bit = Opt.NX;
        break;
      case 'xx':
        if (forSet && (flags & Opt.NX) === 0) bit = Opt.XX;
        break;
      case 'get':
        if (forSet) bit = Opt.GET;
        break;
      case 'keepttl':
        if (forSet && (flags & (Opt.PERSIST | EXPIRES)) === 0) bit = Opt.KEEPTTL;
        break;
      case 'persist':
        if (!forSet && (flags & (Opt.KEEPTTL | EXPIRES)) === 0) bit = Opt.PERSIST;
        break;
      case 'ex':
        bit = expireOption(flags, Opt.EX, hasNext);
        break;
      case 'px':
        bit = expireOption(flags, Opt.PX, hasNext);
        break;
      case 'exat':
        bit = expireOption(flags, Opt.EXAT, hasNext);
        break;
      case 'pxat':
        bit = expireOption(flags, Opt.PXAT, hasNext);
        break;
    }
    if (bit === 0) throw Errors.syntax;
    flags |= bit;
    if ((bit & EXPIRES) !== 0) expire = argv[++j];
  }
  return { flags, expire };
}

function expireOption(flags: number, bit: Opt, hasNext: boolean): number {
  return hasNext && (flags & (Opt.KEEPTTL | Opt.PERSIST | (EXPIRES & ~bit))) === 0 ? bit : 0;
}

/** Beyond this, ms arithmetic leaves the exact range of doubles and is done on the digits. */
const SAFE_MS = 2 ** 52;
/** INT64_MAX / 1000, truncated, as digits. */
const INT64_MAX_DIV_1000 = '9223372036854775';

/**
 * getExpireMillisecondsOrReply: the absolute expiry in ms for an EX/PX/EXAT/PXAT argument
 * (`seconds`: EX/EXAT; `relative`: EX/PX). Its exact digits when beyond double precision,
 * checked against int64 as Redis does, without BigInt.
 */
export function expireAt(arg: string, seconds: boolean, relative: boolean, cmd: string): number | string {
  const v = parseInt64(arg);
  if (v === null) throw Errors.notInteger;
  if (typeof v === 'number' && v > 0 && v < SAFE_MS / 1000) {
    const ms = (seconds ? v * 1000 : v) + (relative ? Date.now() : 0);
    if (ms < SAFE_MS) return ms;
  }
  let ms = String(v);
  if (ms.charCodeAt(0) === 45 || ms === '0') throw Errors.invalidExpire(cmd);
  if (seconds) {
    if (ms.length > INT64_MAX_DIV_1000.length || (ms.length === INT64_MAX_DIV_1000.length && ms > INT64_MAX_DIV_1000)) throw Errors.invalidExpire(cmd);
    ms += '000';
  }
  if (relative) ms = addDecimal(ms, String(Date.now()));
  // Redis detects the int64 overflow of `ms + now` as a non-positive result.
  if (!decimalInInt64(ms)) throw Errors.invalidExpire(cmd);
  return ms;
}
