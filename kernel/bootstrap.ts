import 'reflect-metadata';
import * as fs from 'fs';
import * as path from 'path';
import * as semver from 'semver';
import { container as rootContainer, type DependencyContainer, instanceCachingFactory } from 'tsyringe';
import { Blocking } from './blocking';
import { Messaging } from './messaging';
import { CommandTable } from './commands/registry';
import { declaredCommands, moduleOptions, type ModuleOptions } from './commands/decorators';
import { resolveDefinition } from './commands/spec';
import { Config } from './config/config';
import { kernelParams } from './config/kernel-params';
import { Hooks, type ShutdownOptions } from './hooks';
import { Keyspace } from './keyspace/keyspace';
import { TypeRegistry } from './keyspace/types';
import { Logger, type LogLevel } from './logging';
import { splitArgs } from './resp/parser';
import { Server } from './server';
import { Plugins } from './plugins';
import { isMultiService, serviceName, Services } from './services';
import { projectRoot, runnablePath } from './util/paths';
import type { Handler } from './commands/registry';

/** The version of the API modules and plugins are written against (semver). */
export const KERNEL_API_VERSION = '1.0.0';
export const FERROUS_VERSION: string = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
/** The Redis version Ferrous answers as (INFO, HELLO, REDIS_VERSION in scripts). */
export const REDIS_VERSION = '7.0.15';

export type ModuleClass = new (...args: never[]) => object;

/** What a plugin package exports as `plugin`. */
export interface PluginDefinition {
  manifest: {
    name: string;
    version: string;
    /** The kernel API range the plugin supports, e.g. "^1.0.0". */
    kernelApi: string;
    /** Modules (built-in or plugin) that must be loaded too. */
    requires?: string[];
  };
  modules: ModuleClass[];
}

/** Optional lifecycle methods a module class may define. */
export interface ModuleLifecycle {
  /** After every module's commands are registered, before the server listens. */
  onLoad?(): void;
  /** At start-up, before the server listens (persistence loads its data here). */
  onStart?(): void | Promise<void>;
  /** When the server shuts down, before connections close. */
  onShutdown?(options: ShutdownOptions): void | Promise<void>;
  /** MODULE UNLOAD of its plugin: release what the module subscribed to (hooks, timers). */
  onUnload?(): void;
}

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly text?: string,
  ) {
    super(message);
  }
}

export type DirectiveValue = string | number | boolean | string[];

export interface ServerOptions {
  /** A Redis-style config file (`port 6380`, `save 900 1`, `loadmodule ./plugins/hello`). */
  configFile?: string;
  /** Directives after the file, like `--name value` flags (`{ port: 0, loglevel: 'warning' }`). */
  config?: Record<string, DirectiveValue>;
  /** Command-line arguments as redis-server takes them: `[configfile] [--name value ...]`. */
  argv?: string[];
}

export interface Ferrous {
  readonly server: Server;
  readonly container: DependencyContainer;
  /** The TCP port bound. */
  readonly port: number;
  /** Shut down (runs the modules' shutdown hooks) and close every connection. */
  close(): Promise<void>;
}

interface Directive {
  name: string;
  args: string[];
  line?: number;
  text?: string;
  source: string;
}

/** Build, configure and start a server. Throws ConfigError for a bad configuration. */
export async function startServer(options: ServerOptions = {}): Promise<Ferrous> {
  const di = rootContainer.createChildContainer();
  di.registerInstance(Services, new Services(di));
  di.registerInstance(Plugins, new Plugins(di));
  for (const service of [Config, Logger, Hooks, TypeRegistry, Keyspace, CommandTable, Blocking, Messaging, Server]) {
    di.registerSingleton(service as never);
  }
  const config = di.resolve(Config);
  config.define(kernelParams);
  config.loadJson(path.join(projectRoot, 'config', 'default.json'));

  const directives = collectDirectives(options, config);
  // The kernel's own directives decide which modules load; the rest wait for the modules' schemas.
  const later = applyDirectives(config, directives, false);
  const logger = di.resolve(Logger);
  logger.configure(config.get<LogLevel>('loglevel'), config.get<string>('logfile'));

  const packages = resolvePackages(config);
  const loaded = new Map<string, { cls: ModuleClass; opts: ModuleOptions; origin: string }>();
  for (const pkg of packages) {
    for (const cls of pkg.modules) {
      const opts = moduleOptions(cls);
      if (opts === undefined) throw new ConfigError(`${pkg.origin} exports a class without @RedisModule: ${cls.name}`);
      if (loaded.has(opts.name)) throw new ConfigError(`Module '${opts.name}' is loaded twice (${pkg.origin})`);
      loaded.set(opts.name, { cls, opts, origin: pkg.origin });
    }
  }
  for (const pkg of packages) {
    for (const req of pkg.requires) {
      if (!loaded.has(req)) throw new ConfigError(`Module '${pkg.name}' requires module '${req}', which is not loaded`);
    }
  }
  for (const { opts } of loaded.values()) {
    for (const req of opts.requires ?? []) {
      if (!loaded.has(req)) throw new ConfigError(`Module '${opts.name}' requires module '${req}', which is not loaded`);
    }
    config.define(opts.config ?? []);
  }
  applyDirectives(config, later, true);
  try {
    config.validate();
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }

  const server = di.resolve(Server);
  server.configure();
  const table = di.resolve(CommandTable);
  const hooks = di.resolve(Hooks);
  registerProvisions(di, loaded);
  const instances = new Map<string, object & ModuleLifecycle>();
  const types = di.resolve(TypeRegistry);
  const typeOwners = new Map<string, string[]>();
  for (const { cls, opts } of loaded.values()) {
    const before = types.all().length;
    const instance = resolveModule(di, cls, opts.name);
    typeOwners.set(opts.name, types.all().slice(before).map((t) => t.name));
    instances.set(opts.name, instance);
    registerCommands(table, instance, cls, opts);
  }
  di.resolve(Plugins).started(packages, instances, typeOwners);
  server.bindServices(di.resolve(Services));
  di.resolve(Messaging).bindServices(di.resolve(Services));
  for (const m of instances.values()) m.onLoad?.();
  for (const m of instances.values()) {
    if (m.onStart) hooks.onLifecycle('start', () => m.onStart!());
    if (m.onShutdown) hooks.onLifecycle('shutdown', (o) => m.onShutdown!(o));
  }
  // Data is loaded (persistence's 'start' hook) before the port opens, so no client sees a
  // half-loaded dataset; a failure here leaves nothing bound.
  try {
    await hooks.emitLifecycle('start');
    await hooks.emitLifecycle('loaded');
    await server.listen();
  } catch (e) {
    await server.shutdown();
    throw e;
  }
  logger.notice(`Ferrous ${FERROUS_VERSION} (Redis ${REDIS_VERSION} compatible) ready to accept connections on port ${server.port}`);
  return {
    server,
    container: di,
    get port() {
      return server.port;
    },
    close: () => server.shutdown(),
  };
}

/**
 * Each module's `provides` as factories of its (singleton) instance, so a provider is built
 * when first needed, by a consumer's constructor or by the loop that builds every module.
 */
export function registerProvisions(di: DependencyContainer, loaded: Map<string, { cls: ModuleClass; opts: ModuleOptions }>): void {
  const single = new Map<symbol, string>();
  for (const { cls, opts } of loaded.values()) {
    di.registerSingleton(cls as never);
    for (const { token, from } of opts.provides ?? []) {
      const name = serviceName(token) ?? token.toString();
      if (!isMultiService(token)) {
        const other = single.get(token);
        if (other !== undefined) throw new ConfigError(`Modules '${other}' and '${opts.name}' both provide the '${name}' service`);
        single.set(token, opts.name);
      }
      di.register(token, { useFactory: instanceCachingFactory((c) => from(c.resolve(cls as never) as never)) });
    }
  }
}

/** Build a module; a service it needs that no loaded module provides is a start-up error. */
export function resolveModule(di: DependencyContainer, cls: ModuleClass, name: string): object & ModuleLifecycle {
  try {
    return di.resolve(cls as never) as object & ModuleLifecycle;
  } catch (e) {
    const missing = /unregistered dependency token: "?Symbol\(ferrous:([^)]+)\)/.exec((e as Error).message);
    if (missing !== null) throw new ConfigError(`Module '${name}' needs the '${missing[1]}' service, which no loaded module provides`);
    throw e;
  }
}

/** The explorer: register every @Command method of a module instance. */
export function registerCommands(table: CommandTable, instance: object, cls: ModuleClass, opts: ModuleOptions): void {
  for (const { method, declaration } of declaredCommands(cls)) {
    const def = resolveDefinition(declaration);
    if (opts.defaults) {
      def.group ??= opts.defaults.group;
      def.since ??= opts.defaults.since;
      if (opts.defaults.acl && def.acl?.length === 0) def.acl = opts.defaults.acl;
    }
    const fn = (instance as Record<string | symbol, unknown>)[method];
    if (typeof fn !== 'function') throw new Error(`@Command on ${cls.name}.${String(method)}, which is not a method`);
    table.register(def, (fn as Handler).bind(instance), opts.name);
  }
}

export interface Package {
  name: string;
  origin: string;
  requires: string[];
  modules: ModuleClass[];
  /** A plugin's manifest version ('' for a built-in module). */
  version: string;
  /** How a plugin was named to `loadmodule` or MODULE LOAD (null for a built-in module). */
  spec: string | null;
}

function resolvePackages(config: Config): Package[] {
  const disabled = new Set(config.get<string[]>('disable-module').flatMap((d) => d.split(/[\s,]+/)).filter(Boolean));
  const builtins = config.get<string[]>('builtin-modules');
  for (const name of disabled) {
    if (!builtins.includes(name)) throw new ConfigError(`disable-module: no built-in module is named '${name}' (the built-in modules are: ${builtins.join(', ')})`);
  }
  const out: Package[] = [];
  for (const name of builtins) {
    if (disabled.has(name)) continue;
    const file = path.join(projectRoot, 'modules', name);
    out.push(loadPackage(runnablePath(file), `built-in module '${name}'`, name));
  }
  for (const spec of config.get<string[]>('loadmodule')) {
    const args = splitArgs(spec) ?? [spec];
    if (args.length !== 1) throw new ConfigError(`loadmodule takes one path or package name; configure plugins with their config parameters: '${spec}'`);
    out.push(pluginPackage(args[0]));
  }
  return out;
}

/** A plugin by path (relative to the working directory) or package name. */
export function pluginPackage(target: string): Package {
  const file = target.startsWith('.') || path.isAbsolute(target) ? path.resolve(target) : target;
  return { ...loadPackage(path.isAbsolute(file) ? runnablePath(file) : file, `plugin '${target}'`, undefined), spec: target };
}

export function loadPackage(file: string, origin: string, builtinName: string | undefined): Package {
  let exported: { default?: unknown; plugin?: PluginDefinition };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(file) as typeof exported;
  } catch (e) {
    throw new ConfigError(`Cannot load ${origin} from ${file}: ${(e as Error).message}`);
  }
  if (exported.plugin !== undefined) {
    const { manifest, modules } = exported.plugin;
    if (!semver.satisfies(KERNEL_API_VERSION, manifest.kernelApi)) {
      throw new ConfigError(
        `Plugin '${manifest.name}' ${manifest.version} needs kernel API ${manifest.kernelApi}, but this Ferrous provides ${KERNEL_API_VERSION}`,
      );
    }
    return { name: manifest.name, origin, requires: manifest.requires ?? [], modules, version: manifest.version, spec: null };
  }
  if (typeof exported.default === 'function') {
    return { name: builtinName ?? origin, origin, requires: [], modules: [exported.default as ModuleClass], version: '', spec: null };
  }
  throw new ConfigError(`${origin} exports neither a plugin definition nor a module class`);
}

// ---- configuration sources --------------------------------------------------------------

function collectDirectives(options: ServerOptions, config: Config): Directive[] {
  const out: Directive[] = [];
  let argv = options.argv ?? [];
  let file = options.configFile;
  if (argv.length > 0 && !argv[0].startsWith('--')) {
    file = argv[0];
    argv = argv.slice(1);
  }
  if (file !== undefined) {
    config.file = path.resolve(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'latin1');
    } catch (e) {
      throw new ConfigError(`Fatal error, can't open config file '${path.resolve(file)}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const args = splitArgs(line);
      if (args === null) throw new ConfigError('Unbalanced quotes in configuration line', i + 1, line);
      if (args.length === 0) return;
      out.push({ name: args[0].toLowerCase(), args: args.slice(1), line: i + 1, text: line, source: file! });
    });
  }
  // redis-server style flags: `--port 6380 --save 900 1`, each directive's args up to the next `--`.
  let cur: Directive | null = null;
  for (const a of argv) {
    if (a.startsWith('--') && a.length > 2) {
      cur = { name: a.slice(2).toLowerCase(), args: [], source: 'command line', text: a };
      out.push(cur);
    } else if (cur !== null) {
      cur.args.push(a);
    } else {
      throw new ConfigError(`Invalid argument '${a}': options are --name value`);
    }
  }
  for (const [name, value] of Object.entries(options.config ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      const s = typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
      out.push({ name: name.toLowerCase(), args: typeof v === 'string' && Array.isArray(value) ? [v] : splitArgs(s) ?? [s], source: 'options' });
    }
  }
  return out;
}

/** Apply directives whose parameter exists; return the rest (or fail on them when `final`). */
function applyDirectives(config: Config, directives: Directive[], final: boolean): Directive[] {
  const later: Directive[] = [];
  for (const d of directives) {
    if (config.find(d.name) === undefined) {
      if (!final) {
        later.push(d);
        continue;
      }
    }
    const err = config.applyDirective(d.name, d.args.length === 0 ? [''] : d.args, true);
    if (err !== undefined) throw new ConfigError(err, d.line, d.text ?? `${d.name} ${d.args.join(' ')}`);
  }
  return later;
}
