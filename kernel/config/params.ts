import { parseInt64 } from '../util/numbers';

/** One configuration parameter, as a module declares it (CONFIG GET/SET use `name`). */
export interface ConfigParam {
  name: string;
  aliases?: string[];
  doc: string;
  /**
   * bool: yes/no. int: an integer (min/max). memory: bytes, with kb/mb/gb units accepted.
   * enum: one of `values`. string: free text. list: a directive that may repeat
   * (`loadmodule`), values accumulate.
   */
  type: 'bool' | 'int' | 'memory' | 'enum' | 'string' | 'list';
  default: boolean | number | string | string[];
  min?: number;
  max?: number;
  values?: string[];
  /** False for parameters that can only be set at start-up (CONFIG SET refuses them). */
  mutable?: boolean;
  /**
   * A path or file name an attacker could point elsewhere (`dir`, `dbfilename`): CONFIG SET
   * needs `enable-protected-configs`, as in Redis 7.0.
   */
  protected?: boolean;
  /**
   * A directive for the config file only, which CONFIG GET does not show, as in Redis
   * (`user` lines may carry passwords; `rename-command`).
   */
  hidden?: boolean;
  /**
   * Redis's HIDDEN_CONFIG: read and set by its exact name, never listed by a pattern
   * (`CONFIG GET *`): Redis's test and debugging knobs.
   */
  unlisted?: boolean;
  /**
   * Accepted for compatibility with Redis's configuration files but without effect here (a
   * tuning knob of Redis's internals): setting it from a file or flag is logged once. A module
   * that gives the parameter a meaning declares it again, replacing this one.
   */
  inert?: boolean;
  /**
   * For a list: the first directive from the config sources replaces the default instead of
   * adding to it, later ones add (Redis's `save`: `save 900 1` lines replace the default points).
   */
  replaceDefault?: boolean;
  /** Checks a new value beyond its type; returns an error text to refuse it. */
  validate?: (value: ConfigValue) => string | undefined;
  /**
   * For a `string` parameter with a syntax of its own: turns the raw text into the value to
   * store (CONFIG GET's canonical form), given the current one (for partial updates such as
   * one class of `client-output-buffer-limit`), or returns an error text.
   */
  parse?: (raw: string, current: string) => string | { error: string };
  /** Adjusts an accepted value before it is stored and shown (Redis caps `hz` to 1..500 so). */
  normalize?: (value: ConfigValue) => ConfigValue;
}

export type ConfigValue = boolean | number | string | string[];

const UNITS: Record<string, number> = {
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

/** memtoull: "512mb" -> bytes, NaN if invalid (no sign; units b, k, kb, m, mb, g, gb, any case). */
export function parseMemory(s: string): number {
  const m = /^(\d*)([a-z]*)$/i.exec(s);
  if (m === null) return NaN;
  const mul = m[2] === '' ? 1 : UNITS[m[2].toLowerCase()];
  if (mul === undefined) return NaN;
  // Like strtoull in memtoull, no digits at all reads as 0.
  return Number(m[1]) * mul;
}

/** Parse a textual value (config file, CONFIG SET, flags) into the parameter's type. */
export function parseValue(p: ConfigParam, raw: string): ConfigValue | { error: string } {
  switch (p.type) {
    case 'bool': {
      const v = raw.toLowerCase();
      if (v === 'yes') return true;
      if (v === 'no') return false;
      return { error: "argument must be 'yes' or 'no'" };
    }
    case 'int': {
      // string2ll: no leading zeros, no '+', no spaces, int64 range.
      const n = parseInt64(raw);
      if (n === null) return { error: 'argument couldn\'t be parsed into an integer' };
      return checkRange(p, Number(n));
    }
    case 'memory': {
      const n = parseMemory(raw);
      if (Number.isNaN(n)) return { error: 'argument must be a memory value' };
      return checkRange(p, n);
    }
    case 'enum': {
      const v = raw.toLowerCase();
      if (!p.values!.includes(v)) return { error: `argument(s) must be one of the following: ${p.values!.join(', ')}` };
      return v;
    }
    case 'string':
      return raw;
    case 'list':
      return [raw];
  }
}

function checkRange(p: ConfigParam, n: number): number | { error: string } {
  if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) {
    return { error: `argument must be between ${bound(p.min)} and ${bound(p.max)} inclusive` };
  }
  return n;
}

/** A range bound as Redis prints it: +-2^63 (not exact in a double) are LLONG_MAX / LLONG_MIN. */
function bound(n: number | undefined): string {
  if (n === undefined) return String(n);
  if (n >= 2 ** 63) return '9223372036854775807';
  if (n <= -(2 ** 63)) return '-9223372036854775808';
  return String(n);
}

/** A value as CONFIG GET shows it. */
export function formatValue(p: ConfigParam, v: ConfigValue): string {
  if (p.type === 'bool') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.filter((x) => x !== '').join(' ');
  return String(v);
}
