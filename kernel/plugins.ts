import type { DependencyContainer } from 'tsyringe';
import {
  ConfigError,
  type ModuleClass,
  type ModuleLifecycle,
  type Package,
  pluginPackage,
  registerCommands,
  registerProvisions,
  resolveModule,
} from './bootstrap';
import { moduleOptions, type ModuleOptions } from './commands/decorators';
import { CommandTable } from './commands/registry';
import { Config } from './config/config';
import { TypeRegistry } from './keyspace/types';
import { Logger } from './logging';

/** A plugin as MODULE LIST and INFO modules show it. */
export interface LoadedPlugin {
  readonly name: string;
  readonly version: string;
  /** The path or package name it was loaded by. */
  readonly path: string;
  /** Its modules, by name, with what each registered. */
  readonly modules: ReadonlyMap<string, { instance: object & ModuleLifecycle; opts: ModuleOptions; types: string[] }>;
  readonly requires: readonly string[];
}

/**
 * The plugins loaded at start (`loadmodule`) and at run time (MODULE LOAD), and MODULE UNLOAD,
 * which Redis refuses for a module whose data types exist and for one others depend on.
 */
export class Plugins {
  private readonly plugins = new Map<string, LoadedPlugin>();
  /** Every module loaded, built-in or plugin, by name. */
  private readonly moduleNames = new Set<string>();

  constructor(private readonly di: DependencyContainer) {}

  /** What start-up loaded: every package, its module instances and the data types each registered. */
  started(packages: Package[], instances: Map<string, object & ModuleLifecycle>, typeOwners: Map<string, string[]>): void {
    for (const pkg of packages) {
      const modules = new Map<string, { instance: object & ModuleLifecycle; opts: ModuleOptions; types: string[] }>();
      for (const cls of pkg.modules) {
        const opts = moduleOptions(cls)!;
        this.moduleNames.add(opts.name);
        modules.set(opts.name, { instance: instances.get(opts.name)!, opts, types: typeOwners.get(opts.name) ?? [] });
      }
      if (pkg.spec !== null) this.plugins.set(pkg.name, { name: pkg.name, version: pkg.version, path: pkg.spec, modules, requires: pkg.requires });
    }
  }

  list(): LoadedPlugin[] {
    return [...this.plugins.values()];
  }

  /**
   * MODULE LOAD: load a plugin at run time (its config parameters set from `configs` first),
   * register its services, commands and types, and start it. Throws with the reason.
   */
  async load(target: string, configs: [string, string][]): Promise<LoadedPlugin> {
    const pkg = pluginPackage(target);
    if (this.plugins.has(pkg.name)) throw new ConfigError(`Plugin '${pkg.name}' is already loaded`);
    const fresh = new Map<string, { cls: ModuleClass; opts: ModuleOptions }>();
    for (const cls of pkg.modules) {
      const opts = moduleOptions(cls);
      if (opts === undefined) throw new ConfigError(`${pkg.origin} exports a class without @RedisModule: ${cls.name}`);
      if (this.moduleNames.has(opts.name) || fresh.has(opts.name)) throw new ConfigError(`Module '${opts.name}' is loaded twice (${pkg.origin})`);
      fresh.set(opts.name, { cls, opts });
    }
    for (const req of [...pkg.requires, ...[...fresh.values()].flatMap((m) => m.opts.requires ?? [])]) {
      if (!this.moduleNames.has(req) && !fresh.has(req)) throw new ConfigError(`Module '${pkg.name}' requires module '${req}', which is not loaded`);
    }
    const config = this.di.resolve(Config);
    const params = [...fresh.values()].flatMap((m) => m.opts.config ?? []);
    config.define(params);
    const err = configs.length === 0 ? undefined : config.setMany(configs);
    if (err !== undefined) {
      config.undefine(params.map((p) => p.name));
      throw new ConfigError(err);
    }
    registerProvisions(this.di, fresh);
    const table = this.di.resolve(CommandTable);
    const types = this.di.resolve(TypeRegistry);
    const modules = new Map<string, { instance: object & ModuleLifecycle; opts: ModuleOptions; types: string[] }>();
    for (const { cls, opts } of fresh.values()) {
      const before = types.all().length;
      const instance = resolveModule(this.di, cls, opts.name);
      modules.set(opts.name, { instance, opts, types: types.all().slice(before).map((t) => t.name) });
      registerCommands(table, instance, cls, opts);
      this.moduleNames.add(opts.name);
    }
    for (const m of modules.values()) m.instance.onLoad?.();
    for (const m of modules.values()) await m.instance.onStart?.();
    const plugin: LoadedPlugin = { name: pkg.name, version: pkg.version, path: target, modules, requires: pkg.requires };
    this.plugins.set(pkg.name, plugin);
    this.di.resolve(Logger).notice(`Module '${pkg.name}' loaded from ${target}`);
    return plugin;
  }

  /**
   * MODULE UNLOAD: Redis's refusals first (no such module; it exports data types; another
   * module uses it), then its commands and config parameters go and its modules' onUnload runs.
   * Returns Redis's reason when refused, null when unloaded.
   */
  unload(name: string): string | null {
    const plugin = this.plugins.get(name);
    if (plugin === undefined) return 'no such module with that name';
    for (const m of plugin.modules.values()) if (m.types.length !== 0) return "the module exports one or more module-side data types, can't unload";
    const mine = new Set(plugin.modules.keys());
    for (const other of this.plugins.values()) {
      if (other === plugin) continue;
      const needs = [...other.requires, ...[...other.modules.values()].flatMap((m) => m.opts.requires ?? [])];
      if (needs.some((r) => mine.has(r) || r === plugin.name)) return 'the module exports APIs used by other modules. Please unload them first and try again';
    }
    for (const m of plugin.modules.values()) {
      if ((m.opts.provides ?? []).length !== 0) return 'the module exports APIs used by other modules. Please unload them first and try again';
    }
    const table = this.di.resolve(CommandTable);
    const config = this.di.resolve(Config);
    for (const [moduleName, m] of plugin.modules) {
      m.instance.onUnload?.();
      table.unregisterModule(moduleName);
      config.undefine((m.opts.config ?? []).map((p) => p.name));
      this.moduleNames.delete(moduleName);
    }
    this.plugins.delete(name);
    this.di.resolve(Logger).notice(`Module ${name} unloaded`);
    return null;
  }
}
