import { injectable } from 'tsyringe';
import type { CommandContext } from '../client';
import type { HandlerResult } from '../reply';
import type { LatencyHistogram } from '../util/latency-histogram';
import type { CommandDefinition, KeySpec } from './spec';
import { redisSpec } from './spec';
import { commandCategories } from './categories';

export type Handler = (ctx: CommandContext, argv: string[]) => HandlerResult;

/** Bit flags precomputed from a definition's flags, for checks on the hot path. */
export const enum CmdFlag {
  Write = 1,
  ReadOnly = 2,
  DenyOom = 4,
  Admin = 8,
  PubSub = 16,
  NoScript = 32,
  Blocking = 64,
  Loading = 128,
  Stale = 256,
  Fast = 512,
  NoAuth = 1024,
  NoMulti = 2048,
  AllowBusy = 4096,
  MayReplicate = 8192,
  /** DEBUG and MODULE: allowed by `enable-debug-command` / `enable-module-command`. */
  Protected = 16384,
}

const FLAG_BITS: Record<string, number> = {
  write: CmdFlag.Write,
  readonly: CmdFlag.ReadOnly,
  denyoom: CmdFlag.DenyOom,
  admin: CmdFlag.Admin,
  pubsub: CmdFlag.PubSub,
  noscript: CmdFlag.NoScript,
  blocking: CmdFlag.Blocking,
  loading: CmdFlag.Loading,
  stale: CmdFlag.Stale,
  fast: CmdFlag.Fast,
  no_auth: CmdFlag.NoAuth,
  no_multi: CmdFlag.NoMulti,
  allow_busy: CmdFlag.AllowBusy,
  may_replicate: CmdFlag.MayReplicate,
  protected: CmdFlag.Protected,
};

export class CommandStats {
  calls = 0;
  usec = 0;
  rejected = 0;
  failed = 0;
  /** Created on the first call while `latency-tracking` is on. */
  histogram: LatencyHistogram | null = null;
}

export class RegisteredCommand {
  def!: CommandDefinition;
  bits!: number;
  readonly stats = new CommandStats();
  /** Subcommands by lower-case name, for containers such as CONFIG. */
  subcommands: Map<string, RegisteredCommand> | null = null;
  /** Legacy [first, last, step] derived from the key specs as Redis does. */
  legacyKeys!: [number, number, number];
  movableKeys!: boolean;
  /** ACL categories, declared and implied by the flags, without '@' (commandCategories). */
  categories!: string[];

  /**
   * What dispatch calls: `method.call(receiver, ctx, argv)`. A module's handler is its class's
   * method and the module instance, called directly: `handler`, the same method bound to the
   * instance, would add a bound function's call layer to every command.
   */
  method: Handler | null;
  receiver: object | undefined;

  constructor(
    def: CommandDefinition,
    public handler: Handler | null,
    readonly module: string,
    readonly parent: RegisteredCommand | null,
    method?: { fn: Handler; receiver: object },
  ) {
    this.method = method?.fn ?? handler;
    this.receiver = method?.receiver;
    this.define(def);
  }

  /** Set the definition and what is derived from it. */
  define(def: CommandDefinition): void {
    this.def = def;
    let bits = 0;
    for (const f of def.flags) bits |= FLAG_BITS[f] ?? 0;
    this.bits = bits;
    const [legacy, movable] = legacyRange(def.keySpecs ?? []);
    this.legacyKeys = legacy;
    this.movableKeys = movable;
    this.categories = commandCategories(def);
  }

  get name(): string {
    return this.def.name;
  }

  has(flag: CmdFlag): boolean {
    return (this.bits & flag) !== 0;
  }
}

/** populateCommandLegacyRangeSpec + populateCommandMovableKeys from Redis 7.0. */
function legacyRange(specs: KeySpec[]): [[number, number, number], boolean] {
  if (specs.length === 0) return [[0, 0, 0], false];
  let movable = false;
  for (const s of specs) {
    if (!('index' in s.begin_search) || !('range' in s.find_keys)) movable = true;
  }
  if (specs.length === 1 && 'index' in specs[0].begin_search && 'range' in specs[0].find_keys) {
    const pos = specs[0].begin_search.index.pos;
    const r = specs[0].find_keys.range;
    if (specs[0].flags.includes('INCOMPLETE')) movable = true;
    return [[pos, r.lastkey >= 0 ? r.lastkey + pos : r.lastkey, r.step], movable];
  }
  let first = Infinity;
  let last = 0;
  let prevLast = 0;
  for (const s of specs) {
    if (!('index' in s.begin_search) || !('range' in s.find_keys)) continue;
    const pos = s.begin_search.index.pos;
    const r = s.find_keys.range;
    if (r.step !== 1 || (prevLast !== 0 && prevLast !== pos - 1)) {
      movable = true;
      continue;
    }
    if (s.flags.includes('INCOMPLETE')) movable = true;
    first = Math.min(first, pos);
    const abs = r.lastkey >= 0 ? r.lastkey + pos : r.lastkey;
    // Redis compares as unsigned, so a negative (to-the-end) last key wins.
    last = unsigned(abs) > unsigned(last) ? abs : last;
    prevLast = last;
  }
  if (first === Infinity) return [[0, 0, 0], true];
  return [[first, last, 1], movable];
}

function unsigned(n: number): number {
  return n < 0 ? 2 ** 32 + n : n;
}

/** Why CommandTable.resolve found no command to run. */
export const enum Unresolved {
  UnknownCommand = 0,
  UnknownSubcommand = 1,
  WrongArity = 2,
}

/** The command table: every registered command by lower-case name. */
@injectable()
export class CommandTable {
  private readonly commands = new Map<string, RegisteredCommand>();
  /**
   * The last name looked up and what it found: a pipeline or a script's loop repeats one
   * command, and comparing a short name is cheaper than hashing it (a script passes the
   * same string object each time, which compares at once).
   */
  private lastName = '';
  private lastCmd: RegisteredCommand | undefined = undefined;

  /** Exact-case lookup first: clients almost always send one case, so this avoids lower-casing. */
  lookup(name: string): RegisteredCommand | undefined {
    if (name === this.lastName) return this.lastCmd;
    const cmd = this.commands.get(name) ?? this.commands.get(name.toLowerCase());
    this.lastName = name;
    this.lastCmd = cmd;
    return cmd;
  }

  /**
   * Redis's lookupCommand plus the arity check, shared by dispatch, scripts and COMMAND
   * GETKEYS: the command (a container's subcommand when one is named) that `argv` runs, or why
   * there is none. On a failure `failedAt` holds the container (UnknownSubcommand) or the
   * command (WrongArity), so nothing is allocated either way.
   */
  resolve(argv: string[]): RegisteredCommand | Unresolved {
    let cmd = this.lookup(argv[0]);
    if (cmd === undefined) return Unresolved.UnknownCommand;
    if (cmd.subcommands !== null && argv.length > 1) {
      const sub = cmd.subcommands.get(argv[1]) ?? cmd.subcommands.get(argv[1].toLowerCase());
      if (sub === undefined) {
        this.failedAt = cmd;
        return Unresolved.UnknownSubcommand;
      }
      cmd = sub;
    }
    const arity = cmd.def.arity;
    const argc = argv.length;
    if ((arity > 0 && arity !== argc) || argc < -arity) {
      this.failedAt = cmd;
      return Unresolved.WrongArity;
    }
    return cmd;
  }

  /** What the last failed resolve() reached: the container or the command. */
  failedAt: RegisteredCommand | null = null;

  /** Changes whenever a command is registered, renamed or removed (for what is derived from the table). */
  version = 0;

  /**
   * `method`: the unbound method `handler` binds and its receiver, when the handler is a bound
   * method (RegisteredCommand.method).
   */
  register(def: CommandDefinition, handler: Handler | null, module: string, method?: { fn: Handler; receiver: object }): RegisteredCommand {
    this.version++;
    this.lastName = '';
    this.lastCmd = undefined;
    const bar = def.name.indexOf('|');
    if (bar < 0) {
      const existing = this.commands.get(def.name);
      if (existing !== undefined) {
        if (existing.handler === null && handler !== null && existing.subcommands !== null) {
          // The container was made as a placeholder for its subcommands: the declaration wins.
          existing.handler = handler;
          existing.method = method?.fn ?? handler;
          existing.receiver = method?.receiver;
          existing.define(def);
          return existing;
        }
        throw new Error(`command '${def.name}' is registered twice (modules ${existing.module} and ${module})`);
      }
      const cmd = new RegisteredCommand(def, handler, module, null, method);
      this.add(def.name, cmd);
      return cmd;
    }
    const parentName = def.name.slice(0, bar);
    const sub = def.name.slice(bar + 1);
    let parent = this.commands.get(parentName);
    if (parent === undefined) {
      const pdef = redisSpec(parentName) ?? { name: parentName, arity: -2, flags: [], acl: [], keySpecs: [] };
      parent = new RegisteredCommand(pdef, null, module, null);
      this.add(parentName, parent);
    }
    parent.subcommands ??= new Map();
    if (parent.subcommands.has(sub)) throw new Error(`command '${def.name}' is registered twice`);
    const cmd = new RegisteredCommand(def, handler, module, parent, method);
    parent.subcommands.set(sub, cmd);
    return cmd;
  }

  /** Remove every command and subcommand a module registered (MODULE UNLOAD). */
  unregisterModule(module: string): void {
    this.version++;
    this.lastName = '';
    this.lastCmd = undefined;
    for (const cmd of this.all()) {
      if (cmd.subcommands !== null) {
        for (const [sub, c] of cmd.subcommands) if (c.module === module) cmd.subcommands.delete(sub);
      }
      if (cmd.module === module && (cmd.subcommands === null || cmd.subcommands.size === 0)) {
        this.commands.delete(cmd.name);
        this.commands.delete(cmd.name.toUpperCase());
      }
    }
  }

  private add(name: string, cmd: RegisteredCommand): void {
    this.commands.set(name, cmd);
    this.commands.set(name.toUpperCase(), cmd);
  }

  /**
   * `rename-command`: the command answers to `to` from now on, or to nothing when `to` is
   * empty; its own name (COMMAND, stats) stays. Returns Redis's error text.
   */
  rename(from: string, to: string): string | undefined {
    this.version++;
    const cmd = this.commands.get(from.toLowerCase());
    if (cmd === undefined) return 'No such command in rename-command';
    const target = to.toLowerCase();
    if (target !== '' && this.commands.has(target)) return 'Target command name already exists';
    for (const [name, c] of this.commands) if (c === cmd) this.commands.delete(name);
    if (target !== '') this.add(target, cmd);
    this.lastName = '';
    this.lastCmd = undefined;
    return undefined;
  }

  /** Every top-level command, once each. */
  all(): RegisteredCommand[] {
    return [...new Set(this.commands.values())];
  }

  /** Every command and subcommand, once each. */
  allWithSubcommands(): RegisteredCommand[] {
    const out: RegisteredCommand[] = [];
    for (const cmd of this.all()) {
      out.push(cmd);
      if (cmd.subcommands) out.push(...cmd.subcommands.values());
    }
    return out;
  }

  /** A command or subcommand by full name (`config|get`). */
  byFullName(name: string): RegisteredCommand | undefined {
    const lower = name.toLowerCase();
    const bar = lower.indexOf('|');
    if (bar < 0) return this.commands.get(lower);
    return this.commands.get(lower.slice(0, bar))?.subcommands?.get(lower.slice(bar + 1));
  }
}
