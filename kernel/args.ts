import { Errors } from './errors';
import { ReplyError } from './reply';
import { parseDouble, parseIntArg } from './util/numbers';

/**
 * A command's optional arguments, declared: each keyword with what follows it. Redis parses
 * options in a loop per command, each with its own small rules; declaring them keeps the
 * rules and their error texts side by side, and the loop is written once.
 */
export type ArgOption =
  | { readonly type: 'flag' }
  /**
   * An int64 argument in [min, max]: not an integer answers `notInteger`, out of range
   * `outOfRange`; `refuse` checks what a range cannot say (LPOS's RANK 0), as the word is read.
   */
  | {
      readonly type: 'integer';
      readonly min?: number;
      readonly max?: number;
      readonly notInteger?: ReplyError;
      readonly outOfRange?: ReplyError;
      readonly refuse?: (v: number) => ReplyError | undefined;
    }
  /** A double (`inf` included, as strtod reads it), in [min, max] when given. */
  | { readonly type: 'double'; readonly min?: number; readonly max?: number; readonly notNumber?: ReplyError; readonly outOfRange?: ReplyError }
  | { readonly type: 'string' }
  /** A fixed number of words (FROMLONLAT lon lat; AUTH2 user pass). */
  | { readonly type: 'strings'; readonly count: number }
  /** Every word to the end (MIGRATE's KEYS). */
  | { readonly type: 'rest' };

type Value<O extends ArgOption> = O extends { type: 'flag' }
  ? boolean
  : O extends { type: 'integer' | 'double' }
    ? number | undefined
    : O extends { type: 'string' }
      ? string | undefined
      : string[] | undefined;

/** What `parse` returns: a flag is a boolean, any other option undefined when absent. */
export type ParsedArgs<S extends Record<string, ArgOption>> = { -readonly [K in keyof S]: Value<S[K]> };

export interface ArgRules<K extends string> {
  /** Options that exclude each other, checked in order after the whole line is read: the first group with two present answers its error (default: syntax error). */
  readonly exclusive?: ReadonlyArray<{ readonly of: readonly K[]; readonly error?: ReplyError }>;
  /** What an unknown word answers (default: syntax error); ERR Unsupported option for EXPIRE, say. */
  readonly unknown?: (word: string) => ReplyError;
}

/**
 * `new ArgParser({ count: { type: 'integer', min: 1 }, match: { type: 'string' } })` reads
 * `COUNT 10 MATCH a*` in any order and case; a keyword missing its value, an unknown word or two
 * exclusive options answer Redis's errors; a repeated option keeps its last value, as Redis's
 * loops do. Keys are the keywords, lower case.
 */
export class ArgParser<S extends Record<string, ArgOption>> {
  private readonly byWord = new Map<string, [keyof S, ArgOption]>();
  private readonly names: (keyof S)[];
  /** Returned when there is nothing to read: no allocation for the common call without options. */
  private readonly none: Readonly<ParsedArgs<S>>;

  constructor(
    spec: S,
    private readonly rules: ArgRules<Extract<keyof S, string>> = {},
  ) {
    this.names = Object.keys(spec);
    for (const name of this.names) this.byWord.set((name as string).toLowerCase(), [name, spec[name]]);
    this.none = Object.freeze(this.empty());
  }

  /** The options in argv[from..]; the result must not be changed (it may be shared). */
  parse(argv: readonly string[], from: number): Readonly<ParsedArgs<S>> {
    if (from >= argv.length) return this.none;
    const out = this.empty() as Record<keyof S, unknown>;
    for (let i = from; i < argv.length; i++) {
      const found = this.byWord.get(argv[i].toLowerCase());
      if (found === undefined) throw this.rules.unknown?.(argv[i]) ?? Errors.syntax;
      const [name, opt] = found;
      const left = argv.length - 1 - i;
      switch (opt.type) {
        case 'flag':
          out[name] = true;
          break;
        case 'integer': {
          if (left < 1) throw Errors.syntax;
          const v = parseIntArg(argv[++i]);
          if (Number.isNaN(v)) throw opt.notInteger ?? Errors.notInteger;
          if ((opt.min !== undefined && v < opt.min) || (opt.max !== undefined && v > opt.max)) throw opt.outOfRange ?? Errors.notInteger;
          const refused = opt.refuse?.(v);
          if (refused !== undefined) throw refused;
          out[name] = v;
          break;
        }
        case 'double': {
          if (left < 1) throw Errors.syntax;
          const v = parseDouble(argv[++i]);
          if (Number.isNaN(v)) throw opt.notNumber ?? Errors.notFloat;
          if ((opt.min !== undefined && v < opt.min) || (opt.max !== undefined && v > opt.max)) throw opt.outOfRange ?? Errors.notFloat;
          out[name] = v;
          break;
        }
        case 'string':
          if (left < 1) throw Errors.syntax;
          out[name] = argv[++i];
          break;
        case 'strings':
          if (left < opt.count) throw Errors.syntax;
          out[name] = argv.slice(i + 1, i + 1 + opt.count);
          i += opt.count;
          break;
        case 'rest':
          out[name] = argv.slice(i + 1);
          i = argv.length;
          break;
      }
    }
    for (const group of this.rules.exclusive ?? []) {
      let present = 0;
      for (const name of group.of) if (out[name] !== undefined && out[name] !== false) present++;
      if (present > 1) throw group.error ?? Errors.syntax;
    }
    return out as ParsedArgs<S>;
  }

  private empty(): ParsedArgs<S> {
    const out = {} as Record<keyof S, unknown>;
    for (const name of this.names) out[name] = this.byWord.get((name as string).toLowerCase())![1].type === 'flag' ? false : undefined;
    return out as ParsedArgs<S>;
  }
}
