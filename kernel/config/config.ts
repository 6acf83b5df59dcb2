import convict from 'convict';
import * as fs from 'fs';
import { injectable } from 'tsyringe';
import { globMatch } from '../util/glob';
import { type ConfigParam, type ConfigValue, formatValue, parseValue } from './params';

export type ConfigListener = (value: ConfigValue) => void;

/**
 * The configuration: one convict schema composed of the kernel's parameters and every
 * loaded module's. Sources, later wins: defaults, config/default.json, a Redis-style config
 * file, command-line flags, then CONFIG SET at run time.
 */
@injectable()
export class Config {
  /** The absolute path of the config file the server started with (CONFIG REWRITE, INFO), or null. */
  file: string | null = null;
  private readonly params = new Map<string, ConfigParam>();
  private readonly byAlias = new Map<string, ConfigParam>();
  private readonly listeners = new Map<string, ConfigListener[]>();
  private store: convict.Config<Record<string, ConfigValue>> | null = null;
  /** Values set before the schema is complete (a module's params arrive after the kernel's). */
  private readonly early = new Map<string, ConfigValue>();
  /** List parameters set by a directive already (see ConfigParam.replaceDefault). */
  private readonly directed = new Set<string>();

  define(params: ConfigParam[]): void {
    for (const [k, v] of this.snapshot()) this.early.set(k, v);
    for (const p of params) {
      const prev = this.params.get(p.name);
      if (prev !== undefined && (prev.inert !== true || p.inert === true)) {
        throw new Error(`config parameter '${p.name}' is declared twice`);
      }
      this.params.set(p.name, p);
      for (const a of p.aliases ?? []) this.byAlias.set(a, p);
    }
    this.store = null;
  }

  /** Remove parameters (a plugin unloaded): CONFIG GET and SET no longer know them. */
  undefine(names: string[]): void {
    if (names.length === 0) return;
    const values = this.snapshot();
    for (const name of names) {
      const p = this.params.get(name);
      if (p === undefined) continue;
      this.params.delete(name);
      for (const a of p.aliases ?? []) this.byAlias.delete(a);
      this.listeners.delete(name);
      values.delete(name);
    }
    for (const [k, v] of values) this.early.set(k, v);
    this.store = null;
  }

  private get convict(): convict.Config<Record<string, ConfigValue>> {
    if (this.store === null) {
      const schema: Record<string, convict.SchemaObj> = {};
      for (const p of this.params.values()) {
        schema[p.name] = { doc: p.doc, default: p.default, format: convictFormat(p) };
      }
      this.store = convict(schema as convict.Schema<Record<string, ConfigValue>>);
      for (const [k, v] of this.early) if (this.params.has(k)) this.store.set(k, v);
    }
    return this.store;
  }

  private snapshot(): Map<string, ConfigValue> {
    const out = new Map<string, ConfigValue>();
    if (this.store === null) return out;
    for (const p of this.params.values()) {
      if (this.store.has(p.name)) out.set(p.name, this.store.get(p.name));
    }
    return out;
  }

  find(name: string): ConfigParam | undefined {
    const lower = name.toLowerCase();
    return this.params.get(lower) ?? this.byAlias.get(lower);
  }

  get<T extends ConfigValue = ConfigValue>(name: string): T {
    return this.convict.get(name) as T;
  }

  /** The parameters in definition order. */
  all(): ConfigParam[] {
    return [...this.params.values()];
  }

  /** Load a JSON file of defaults (config/default.json). */
  loadJson(file: string): void {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, ConfigValue>;
    for (const [k, v] of Object.entries(data)) {
      if (this.params.has(k)) this.convict.set(k, v);
      else this.early.set(k, v);
    }
  }

  /** Remember a value for a parameter a module will declare later (module switches, plugin keys). */
  preset(name: string, value: ConfigValue): void {
    this.early.set(name, value);
    if (this.params.has(name)) this.convict.set(name, value);
  }

  /**
   * Apply one directive from a config file or flag. List parameters accumulate when
   * `accumulate` is set (repeated lines in one source). Returns an error text or undefined.
   */
  applyDirective(name: string, args: string[], accumulate: boolean): string | undefined {
    const p = this.find(name);
    if (p === undefined) return 'Bad directive or wrong number of arguments';
    if (p.type === 'list') {
      const replace = p.replaceDefault === true && !this.directed.has(p.name);
      this.directed.add(p.name);
      const prev = accumulate && !replace ? (this.get<string[]>(p.name) ?? []) : [];
      const next = [...prev, args.join(' ')];
      const custom = p.validate?.(next);
      if (custom !== undefined) return custom;
      this.convict.set(p.name, next);
      return undefined;
    }
    const raw = args.join(' ');
    if (args.length !== 1 && p.type !== 'string') return 'wrong number of arguments';
    const v = this.parse(p, raw);
    if (typeof v === 'object' && !Array.isArray(v)) return v.error;
    const custom = p.validate?.(v);
    if (custom !== undefined) return custom;
    this.convict.set(p.name, p.normalize ? p.normalize(v) : v);
    return undefined;
  }

  /**
   * CONFIG SET: all pairs or none. Returns Redis's error text, or undefined on success.
   * `allowProtected`: the caller may change protected parameters (`enable-protected-configs`).
   */
  setMany(pairs: [string, string][], allowProtected = true): string | undefined {
    const seen = new Set<string>();
    const parsed: [ConfigParam, ConfigValue, string][] = [];
    for (const [name, raw] of pairs) {
      const p = this.find(name);
      if (p === undefined) return `Unknown option or number of arguments for CONFIG SET - '${name}'`;
      if (seen.has(p.name)) return `CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`;
      seen.add(p.name);
      if (p.mutable === false) return `CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`;
      if (p.protected === true && !allowProtected) return `CONFIG SET failed (possibly related to argument '${name}') - can't set protected config`;
      const v = this.parse(p, raw);
      if (typeof v === 'object' && !Array.isArray(v)) return `CONFIG SET failed (possibly related to argument '${name}') - ${v.error}`;
      const custom = p.validate?.(v);
      if (custom !== undefined) return `CONFIG SET failed (possibly related to argument '${name}') - ${custom}`;
      parsed.push([p, p.normalize ? p.normalize(v) : v, name]);
    }
    // Applying a value may fail (a listener throws): every value set so far, that one's included,
    // is put back, as Redis's restoreBackupConfig, so the pairs apply all or none.
    const previous: [string, ConfigValue][] = [];
    for (const [p, v, name] of parsed) {
      previous.push([p.name, this.get(p.name)]);
      try {
        this.set(p.name, v);
      } catch (e) {
        for (const [n, old] of previous.reverse()) this.restore(n, old);
        return `CONFIG SET failed (possibly related to argument '${name}') - ${(e as Error).message}`;
      }
    }
    return undefined;
  }

  /** Put a value back after a failed CONFIG SET; a listener failing again changes nothing more. */
  private restore(name: string, value: ConfigValue): void {
    this.convict.set(name, value);
    for (const fn of this.listeners.get(name) ?? []) {
      try {
        fn(value);
      } catch {
        // The value it held before cannot fail in a way the first application did not.
      }
    }
  }

  /** A raw value in the parameter's type, or by its own parser. */
  private parse(p: ConfigParam, raw: string): ConfigValue | { error: string } {
    return p.parse !== undefined ? p.parse(raw, this.get<string>(p.name)) : parseValue(p, raw);
  }

  /** Set a typed value and tell the listeners. */
  set(name: string, value: ConfigValue): void {
    this.convict.set(name, value);
    for (const fn of this.listeners.get(name) ?? []) fn(value);
  }

  /** Call `fn` with the current value now and with every later change. */
  watch(name: string, fn: ConfigListener): void {
    const list = this.listeners.get(name) ?? [];
    list.push(fn);
    this.listeners.set(name, list);
    fn(this.get(name));
  }

  /**
   * CONFIG GET: [name, value] pairs for every parameter or alias matching any pattern. As in
   * Redis, a name given without glob characters comes back as typed ("PORT"), a glob match
   * under its own name; a name matched twice (in any case) is listed once.
   */
  match(patterns: string[]): [string, string][] {
    const out = new Map<string, [string, string]>();
    for (const pattern of patterns) {
      const lower = pattern.toLowerCase();
      if (!/[*?[]/.test(lower)) {
        const exact = this.find(lower);
        if (exact !== undefined && exact.hidden !== true && !out.has(lower)) out.set(lower, [pattern, this.display(exact)]);
        continue;
      }
      for (const p of this.params.values()) {
        if (p.hidden === true || p.unlisted === true) continue;
        if (!out.has(p.name) && globMatch(lower, p.name, true)) out.set(p.name, [p.name, this.display(p)]);
        for (const a of p.aliases ?? []) if (!out.has(a) && globMatch(lower, a, true)) out.set(a, [a, this.display(p)]);
      }
    }
    return [...out.values()];
  }

  display(p: ConfigParam): string {
    return formatValue(p, this.get(p.name));
  }

  validate(): void {
    this.convict.validate({ allowed: 'strict' });
  }
}

function convictFormat(p: ConfigParam): convict.SchemaObj['format'] {
  switch (p.type) {
    case 'bool':
      return Boolean;
    case 'int':
    case 'memory':
      return (v: unknown) => {
        if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error('must be an integer');
      };
    case 'enum':
      return p.values;
    case 'string':
      return String;
    case 'list':
      return Array;
  }
}
