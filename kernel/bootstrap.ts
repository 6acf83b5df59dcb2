import 'reflect-metadata';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as semver from 'semver';
import { container as rootContainer, type DependencyContainer, instanceCachingFactory } from 'tsyringe';
import { Blocking } from './blocking';
import { Messaging } from './messaging';
import { CommandTable } from './commands/registry';
import { declaredCommands, moduleOptions, type ModuleOptions } from './commands/decorators';
import { resolveDefinition } from './commands/spec';
import { Config } from './config/config';
import { inertParams } from './config/inert-params';
import { kernelParams } from './config/kernel-params';
import { Hooks, type ShutdownOptions } from './hooks';
import { Journal } from './journal';
import { Keyspace } from './keyspace/keyspace';
import { Memory } from './memory';
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

/**
 * Every copy of Ferrous loaded in this process, by package root. A plugin that loads its own
 * copy (a `ferrous` in its own node_modules) gets another tsyringe and other kernel classes, and
 * would fail deep in dependency injection ("TypeInfo not known"): it is refused by name instead.
 */
const copies: Set<string> = ((globalThis as Record<symbol, Set<string>>)[Symbol.for('ferrous.copies')] ??= new Set());
copies.add(projectRoot);

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
  /** At start-up, once the port is bound, before connections are served (persistence loads its data here). */
  onStart?(): void | Promise<void>;
  /**
   * When a shutdown begins, before any module's onShutdown: what may wait (a master for its
   * lagging replicas) waits here, still serving, and stops when `options.signal` is aborted
   * (SHUTDOWN ABORT) by throwing, which cancels the shutdown before anything was closed.
   */
  onPrepareShutdown?(options: ShutdownOptions): void | Promise<void>;
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
  /**
   * With `daemonize yes`: called once the configuration is read, before anything is bound
   * (the process entry point detaches there). Without it, `daemonize` is ignored.
   */
  daemonize?: () => void;
  /**
   * Defaults for a server in a test suite, before every other source (so each can be
   * overridden): loopback only, a free port, no snapshots or AOF, warnings only, and files in
   * a temporary directory that stop() removes.
   */
  ephemeral?: boolean;
}

export interface Ferrous {
  readonly server: Server;
  readonly container: DependencyContainer;
  /** The TCP port bound. */
  readonly port: number;
  /** The first address bound, as clients reach it (`127.0.0.1` for an ephemeral server). */
  readonly host: string;
  /** Shut down (runs the modules' shutdown hooks), close every connection and listener, remove an ephemeral server's directory. */
  stop(): Promise<void>;
  /** The same as stop(). */
  close(): Promise<void>;
}

interface Directive {
  name: string;
  args: string[];
  line?: number;
  text?: string;
  source: string;
  /** Skipped when no loaded module defines it (an ephemeral default for a module switched off). */
  optional?: boolean;
}

/** Build, configure and start a server. Throws ConfigError for a bad configuration. */
export async function startServer(options: ServerOptions = {}): Promise<Ferrous> {
  const tmp = options.ephemeral === true ? fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-')) : undefined;
  const removeTmp = () => {
    if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    return await build(options, tmp, removeTmp);
  } catch (e) {
    removeTmp();
    throw e;
  }
}

async function build(options: ServerOptions, tmp: string | undefined, removeTmp: () => void): Promise<Ferrous> {
  const di = rootContainer.createChildContainer();
  di.registerInstance(Services, new Services(di));
  di.registerInstance(Plugins, new Plugins(di));
  for (const service of [Config, Logger, Hooks, Journal, TypeRegistry, Keyspace, Memory, CommandTable, Blocking, Messaging, Server]) {
    di.registerSingleton(service as never);
  }
  const config = di.resolve(Config);
  config.define(kernelParams);
  config.define(inertParams);
  config.loadJson(path.join(projectRoot, 'config', 'default.json'));

  const directives = [...ephemeralDefaults(tmp), ...collectDirectives(options, config)];
  // The kernel's own directives decide which modules load; the rest wait for the modules' schemas.
  const later = applyDirectives(config, directives, false);
  const logger = di.resolve(Logger);
  logger.configure(config.get<LogLevel>('loglevel'), config.get<string>('logfile'));
  logger.notice(`Ferrous version=${FERROUS_VERSION} (Redis ${REDIS_VERSION} compatible), node=${process.version}, pid=${process.pid}, just started`);

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
  logger.notice(`Modules: ${packages.filter((p) => p.version === '').map((p) => p.name).join(', ') || 'none'}`);
  logger.notice(`Plugins: ${packages.filter((p) => p.version !== '').map((p) => `${p.name} ${p.version} (${p.origin})`).join(', ') || 'none'}`);
  applyDirectives(config, later, true);
  reportInert(config, directives, logger);
  if (config.get<boolean>('daemonize') && options.daemonize !== undefined) options.daemonize();
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
  renameCommands(table, config);
  di.resolve(Plugins).started(packages, instances, typeOwners);
  server.bindServices(di.resolve(Services));
  di.resolve(Messaging).bindServices(di.resolve(Services));
  for (const m of instances.values()) m.onLoad?.();
  for (const m of instances.values()) {
    if (m.onStart) hooks.onLifecycle('start', () => m.onStart!());
    if (m.onPrepareShutdown) hooks.onLifecycle('prepareShutdown', (o) => m.onPrepareShutdown!(o));
    if (m.onShutdown) hooks.onLifecycle('shutdown', (o) => m.onShutdown!(o));
  }
  // Last, after the modules closed their files; also when a client sends SHUTDOWN.
  hooks.onLifecycle('shutdown', removeTmp);
  // Bind first, as Redis does: a port in use fails before the data files are read (or, through
  // the shutdown hooks, written). Connections during the load are refused with -LOADING.
  await server.listen();
  try {
    await hooks.emitLifecycle('start');
    await hooks.emitLifecycle('loaded');
    writePidFile(config.get<string>('pidfile'), hooks);
  } catch (e) {
    await server.shutdown();
    throw e;
  }
  server.ready();
  logger.notice(`Ready to accept connections on port ${server.port} (Ferrous ${FERROUS_VERSION}, pid ${process.pid})`);
  const stop = () => server.shutdown();
  return {
    server,
    container: di,
    get port() {
      return server.port;
    },
    host: reachableHost(config.get<string>('bind')),
    stop,
    close: stop,
  };
}

/** `rename-command old new` lines (new empty: the command is removed). */
function renameCommands(table: CommandTable, config: Config): void {
  for (const line of config.get<string[]>('rename-command')) {
    const args = splitArgs(line) ?? [];
    if (args.length < 1 || args.length > 2) throw new ConfigError('wrong number of arguments', undefined, `rename-command ${line}`);
    const err = table.rename(args[0], args[1] ?? '');
    if (err !== undefined) throw new ConfigError(err, undefined, `rename-command ${line}`);
  }
}

/** Directives of Redis's that mean nothing here: accepted, and said so once each. */
function reportInert(config: Config, directives: Directive[], logger: Logger): void {
  const seen = new Set<string>();
  for (const d of directives) {
    const p = config.find(d.name);
    if (p?.inert !== true || seen.has(p.name)) continue;
    seen.add(p.name);
    logger.notice(`'${p.name}' is accepted for compatibility with Redis and has no effect in Ferrous`);
  }
}

/** `pidfile`: the process id while the server runs, removed at shutdown. */
function writePidFile(file: string, hooks: Hooks): void {
  if (file === '') return;
  fs.writeFileSync(file, `${process.pid}\n`);
  hooks.onLifecycle('shutdown', () => fs.rmSync(file, { force: true }));
}

/** The first bound address as a client dials it (a wildcard bind is reached on loopback). */
function reachableHost(bind: string): string {
  const first = (bind.split(/\s+/).find(Boolean) ?? '*').replace(/^-/, '');
  return first === '*' ? '127.0.0.1' : first === '::*' ? '::1' : first;
}

function ephemeralDefaults(dir: string | undefined): Directive[] {
  if (dir === undefined) return [];
  const d = (name: string, value: string, optional = false): Directive => ({ name, args: [value], source: 'ephemeral', optional });
  return [d('port', '0'), d('bind', '127.0.0.1'), d('loglevel', 'warning'), d('save', '', true), d('appendonly', 'no', true), d('dir', dir, true)];
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
    table.register(def, (fn as Handler).bind(instance), opts.name, { fn: fn as Handler, receiver: instance });
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
  const known = new Set(copies);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(file) as typeof exported;
  } catch (e) {
    // Node's message goes on with the require stack: the first line says what is wrong.
    throw new ConfigError(`Cannot load ${origin} from ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const other = [...copies].find((root) => !known.has(root));
  if (other !== undefined) {
    throw new ConfigError(
      `${origin} loaded a second copy of Ferrous from ${other}, but this server runs ${projectRoot}. ` +
        'A plugin must use the server\'s copy: install the plugin into the project that runs Ferrous (npm pack it, then npm install the tarball there), ' +
        'or remove the ferrous package from the plugin\'s own node_modules.',
    );
  }
  if (exported.plugin !== undefined) {
    const { manifest, modules } = exported.plugin;
    if (!semver.satisfies(KERNEL_API_VERSION, manifest.kernelApi)) {
      throw new ConfigError(
        `Plugin '${manifest.name}' ${manifest.version} needs kernel API ${manifest.kernelApi}, but this Ferrous provides ${KERNEL_API_VERSION}`,
      );
    }
    return { name: manifest.name, version: manifest.version, origin, requires: manifest.requires ?? [], modules, spec: null };
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
  // Redis reads the flags as config lines after the file's and a blank one; errors count so.
  let line = 2;
  if (file !== undefined) {
    config.file = path.resolve(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'latin1');
    } catch (e) {
      throw new ConfigError(`Fatal error, can't open config file '${path.resolve(file)}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const lines = text.split('\n');
    line = lines.length + 1;
    lines.forEach((raw, i) => {
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
      cur = { name: a.slice(2).toLowerCase(), args: [], source: 'command line', line: line++ };
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
      if (d.optional === true && final) continue;
      if (!final) {
        later.push(d);
        continue;
      }
    }
    const err = config.applyDirective(d.name, d.args.length === 0 ? [''] : d.args, true);
    if (err !== undefined) throw new ConfigError(err, d.line, d.text ?? [d.name, ...d.args.map((a) => JSON.stringify(a))].join(' '));
  }
  return later;
}
