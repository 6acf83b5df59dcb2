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
  /** Checks a new value beyond its type; returns an error text to refuse it. */
  validate?: (value: ConfigValue) => string | undefined;
}

export type ConfigValue = boolean | number | string | string[];

const UNITS: Record<string, number> = {
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

/** memtoull: "512mb" -> bytes, NaN if invalid. */
export function parseMemory(s: string): number {
  const m = /^(-?\d+)([a-z]*)$/i.exec(s);
  if (m === null) return NaN;
  const mul = m[2] === '' ? 1 : UNITS[m[2].toLowerCase()];
  if (mul === undefined) return NaN;
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
      if (!/^-?\d+$/.test(raw)) return { error: 'argument couldn\'t be parsed into an integer' };
      return checkRange(p, Number(raw));
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
    return { error: `argument must be between ${p.min} and ${p.max} inclusive` };
  }
  return n;
}

/** A value as CONFIG GET shows it. */
export function formatValue(p: ConfigParam, v: ConfigValue): string {
  if (p.type === 'bool') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.join(' ');
  return String(v);
}
