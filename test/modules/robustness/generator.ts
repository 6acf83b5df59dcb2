import type { ArgumentSpec, CommandDefinition } from '../../../kernel';

/** mulberry32: a tiny seeded PRNG, so every run sends the same vectors. */
export class Rng {
  constructor(private state: number) {}

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

export const BIN = '\x00\r\n\xff';
export const BIG = 'x'.repeat(100 * 1024);

/** The keys the fixtures create, one per type, plus some that do not exist. */
export const KEYS = ['str', 'int', 'float', 'big', 'list', 'set', 'iset', 'zset', 'hash', 'missing', BIN, ''] as const;

/** The fixture keys' contents, as commands to (re)create them. */
export const FIXTURES: string[][] = [
  ['SET', 'str', 'hello'],
  ['SET', 'int', '10'],
  ['SET', 'float', '3.5'],
  ['SET', 'big', BIG],
  ['SET', BIN, BIN],
  ['RPUSH', 'list', 'a', 'b', 'c', '1', '2', BIN],
  ['SADD', 'set', 'a', 'b', 'c', BIN],
  ['SADD', 'iset', '1', '2', '3'],
  ['ZADD', 'zset', '1', 'a', '2', 'b', '3', 'c', '-inf', 'lo', 'inf', 'hi'],
  ['HSET', 'hash', 'f', 'v', 'n', '1', 'x', '1.5'],
];

const HUGE = [
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '-9223372036854775809',
  '18446744073709551616',
  '1e308',
  '4294967296',
  '4294967295',
  '2147483648',
  '-2147483648',
  '-2000000000',
  '2000000000',
  '536870912',
];

const INTEGERS = [...HUGE, '0', '1', '-1', '2', '3', '-3', '100', 'abc', '', '1.5', ' 1', '1 ', '+1', '0x10', '007', '-0', 'inf', 'nan', BIN];

const DOUBLES = [
  ...HUGE,
  '0',
  '1',
  '-1',
  '1.5',
  '-0.5',
  'inf',
  '-inf',
  '+inf',
  'infinity',
  'nan',
  '-nan',
  '1e309',
  '-1e309',
  '1e-400',
  '0x1p4',
  '.5',
  '5.',
  '(1',
  'abc',
  '',
  ' 1',
  BIN,
];

const STRINGS = [
  '',
  'a',
  'b',
  '1',
  '0',
  '-1',
  BIN,
  BIG,
  '*',
  '-',
  '+',
  '(1',
  '[a',
  '(',
  '[',
  'nan',
  'inf',
  'str',
  'list',
  'zset',
  'WITHSCORES',
  'LIMIT',
  'COUNT',
  ...HUGE,
];

const PATTERNS = ['*', '', '[', '[a-', '[^', '\\', 'a*b?[c-z]', '*a*a*a*a*a*a*a*a*a*b', BIN, '?', 'str*'];

/** Timeouts for blocking commands: hostile, but none that would block the run for long. */
const TIMEOUTS = ['0.01', '0.02', '-1', '-0.01', 'abc', '', 'nan', '-inf', '1e-9x', '0.01x'];
/** The same for XREAD's and XREADGROUP's `BLOCK milliseconds` (0 would wait for good). */
const BLOCK_MS = ['1', '10', '-1', '1.5', 'abc', '', '9223372036854775808'];

/**
 * Argument vectors from a command's Redis argument schema, with hostile values in every slot
 * and occasional arity damage (an argument dropped or appended).
 */
export class VectorGenerator {
  constructor(private readonly rng: Rng) {}

  vector(def: CommandDefinition, blocking: boolean): string[] {
    const name = def.name.split('|');
    const args: string[] = [];
    if (def.name === 'config|set') this.configSet(args);
    else if (def.arguments === undefined) for (let i = this.rng.int(4); i > 0; i--) args.push(this.rng.pick(STRINGS));
    else this.args(def.arguments, args, blocking);
    const r = this.rng.next();
    if (r < 0.08 && args.length > 0) args.pop();
    // An extra argument may become a blocking command's timeout: keep it short.
    else if (r < 0.16) args.push(this.rng.pick(blocking ? TIMEOUTS : this.rng.chance(0.5) ? STRINGS : KEYS));
    return [...name.map((n) => (this.rng.chance(0.3) ? n.toUpperCase() : n)), ...args];
  }

  private args(specs: ArgumentSpec[], out: string[], blocking: boolean): void {
    for (const s of specs) {
      if (s.optional && this.rng.chance(0.5)) continue;
      const times = s.multiple ? 1 + this.rng.int(3) : 1;
      for (let i = 0; i < times; i++) {
        if (s.token !== undefined && (i === 0 || s.multiple_token)) out.push(this.token(s.token));
        this.value(s, out, blocking);
      }
    }
  }

  private token(t: string): string {
    const r = this.rng.next();
    if (r < 0.05) return `${t}x`;
    return r < 0.4 ? t.toLowerCase() : t;
  }

  private value(s: ArgumentSpec, out: string[], blocking: boolean): void {
    const rng = this.rng;
    switch (s.type) {
      case 'pure-token':
        return;
      case 'oneof':
        this.args([{ ...rng.pick(s.arguments!), optional: false }], out, blocking);
        return;
      case 'block':
        this.args(s.arguments!, out, blocking);
        return;
      case 'key':
        out.push(rng.pick(KEYS));
        return;
      case 'pattern':
        out.push(rng.pick(PATTERNS));
        return;
      default:
        if (blocking && s.name === 'timeout') out.push(rng.pick(TIMEOUTS));
        else if (blocking && s.token === 'BLOCK') out.push(rng.pick(BLOCK_MS));
        else if (s.type === 'integer' || s.type === 'unix-time') out.push(rng.pick(rng.chance(0.85) ? INTEGERS : STRINGS));
        else if (s.type === 'double') out.push(rng.pick(rng.chance(0.85) ? DOUBLES : STRINGS));
        else out.push(rng.pick(rng.chance(0.7) ? STRINGS : rng.chance(0.5) ? INTEGERS : KEYS));
    }
  }

  /** CONFIG SET only on parameters whose any value leaves the run working. */
  private configSet(out: string[]): void {
    const params = ['hz', 'list-max-listpack-size', 'zset-max-listpack-entries', 'set-max-intset-entries', 'slowlog-log-slower-than', 'notify-keyspace-events'];
    for (let i = 1 + this.rng.int(2); i > 0; i--) out.push(this.rng.pick(params), this.rng.pick(this.rng.chance(0.5) ? INTEGERS : STRINGS));
  }
}
