import { ReplyError } from './reply';

/**
 * The most elements Ferrous puts in a reply whose length a client chose (SRANDMEMBER,
 * ZRANDMEMBER, HRANDFIELD with a negative count). Redis streams such a reply and would try to
 * send billions of elements; Ferrous builds a reply whole, so it refuses rather than exhaust
 * the heap and die.
 */
export const MAX_REPLY_COUNT = 1 << 22;

/**
 * Redis's shared error replies, created once: a thrown constant costs no stack capture,
 * and every module words them identically.
 */
export const Errors = {
  wrongType: new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'),
  syntax: new ReplyError('ERR syntax error'),
  notInteger: new ReplyError('ERR value is not an integer or out of range'),
  notFloat: new ReplyError('ERR value is not a valid float'),
  overflow: new ReplyError('ERR increment or decrement would overflow'),
  noSuchKey: new ReplyError('ERR no such key'),
  outOfRange: new ReplyError('ERR index out of range'),
  noAuth: new ReplyError('NOAUTH Authentication required.'),
  invalidDb: new ReplyError('ERR DB index is out of range'),
  notFinite: new ReplyError('ERR increment would produce NaN or Infinity'),
  stringTooLong: new ReplyError('ERR string exceeds maximum allowed size (proto-max-bulk-len)'),
  valueOutOfRange: new ReplyError('ERR value is out of range'),
  longOutOfRange: new ReplyError('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807'),
  intOutOfRange: new ReplyError('ERR value is out of range, value must between -2147483648 and 2147483647'),
  mustBePositive: new ReplyError('ERR value is out of range, must be positive'),
  numkeysNotPositive: new ReplyError('ERR numkeys should be greater than 0'),
  countNotPositive: new ReplyError('ERR count should be greater than 0'),
  oom: new ReplyError("OOM command not allowed when used memory > 'maxmemory'."),
  replyTooLarge: new ReplyError(`ERR value is out of range, Ferrous replies with at most ${MAX_REPLY_COUNT} elements`),
  invalidExpire: (cmd: string) => new ReplyError(`ERR invalid expire time in '${cmd}' command`),
  wrongArity: (name: string) => new ReplyError(`ERR wrong number of arguments for '${name}' command`),
  unknownSubcommand: (sub: string, container: string) =>
    new ReplyError(`ERR unknown subcommand '${truncate(cstr(sub), 128)}'. Try ${container.toUpperCase()} HELP.`),
} as const;

export function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) : s;
}

/** What C's %s prints of a binary string: everything before the first NUL. */
export function cstr(s: string): string {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
}
