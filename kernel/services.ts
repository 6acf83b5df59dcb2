import type { DependencyContainer } from 'tsyringe';
import type { Client } from './client';
import type { RegisteredCommand } from './commands/registry';
import type { ReplyError } from './reply';
import type { AccessControl } from './access';

/**
 * A service the kernel declares and a module provides. It is a tsyringe injection token: a
 * module that cannot work without it takes it in its constructor (`@inject(PUBLISHER)`,
 * `@injectAll(WRITE_GATE)` for a multi-service); one that can do without asks `Services` when
 * it needs it. The type parameter only carries the service's type to `provide` and `Services`.
 */
export type ServiceToken<T> = symbol & { readonly __service?: T };

const names = new Map<symbol, { name: string; multi: boolean }>();

/** Declare a service: `multi` ones have any number of providers, the others at most one. */
export function serviceToken<T>(name: string, multi = false): ServiceToken<T> {
  const token = Symbol(`ferrous:${name}`) as ServiceToken<T>;
  names.set(token, { name, multi });
  return token;
}

export function serviceName(token: symbol): string | undefined {
  return names.get(token)?.name;
}

export function isMultiService(token: symbol): boolean {
  return names.get(token)?.multi === true;
}

/** What a module's `@RedisModule({ provides })` lists: a token and how to get it from the module. */
export interface Provision {
  readonly token: symbol;
  readonly from: (module: never) => unknown;
}

/** `provide(PUBLISHER, (m: PubSubModule) => m.publisher)`: the module instance is built first. */
export function provide<M, T>(token: ServiceToken<T>, from: (module: M) => T): Provision {
  return { token, from: from as (module: never) => unknown };
}

/** Lookup of the services modules provide, for consumers that work without a provider. */
export class Services {
  constructor(private readonly di: DependencyContainer) {}

  /** The provider of a service, or undefined when no loaded module provides it. */
  find<T>(token: ServiceToken<T>): T | undefined {
    return this.di.isRegistered(token, true) ? this.di.resolve<T>(token) : undefined;
  }

  /** Every provider of a multi-service, in registration order. */
  all<T>(token: ServiceToken<T>): T[] {
    return this.di.isRegistered(token, true) ? this.di.resolveAll<T>(token) : [];
  }
}

// ---- the services the kernel declares ------------------------------------------------------

/**
 * Function libraries, which Redis saves and loads with the data (RDB, AOF) though they are no
 * key: provided by the scripting module, saved and read by the persistence module.
 */
export interface FunctionStore {
  /** Every library's code, in the order they were loaded. */
  codes(): string[];
  /** Load a saved library (replacing one of the same name). Throws with Redis's error text. */
  restore(code: string): void;
}
export const FUNCTION_STORE = serviceToken<FunctionStore>('function-store');

/** FUNCTION DUMP's payload format, which is the RDB's: provided by the persistence module. */
export interface FunctionPayloads {
  /** The libraries' code as a payload (RDB records, the RDB version, a CRC64). */
  encode(codes: string[]): Buffer;
  /** The libraries' code in a payload; throws with Redis's error text when it is not one. */
  decode(payload: Buffer): string[];
}
export const FUNCTION_PAYLOADS = serviceToken<FunctionPayloads>('function-payloads');

/**
 * Delivery of a message to a channel's subscribers (and matching patterns), returning how many
 * received it: provided by the pub/sub module, used through the kernel's Messaging.
 */
export type Publisher = (channel: string, message: string) => number;
export const PUBLISHER = serviceToken<Publisher>('publisher');

/**
 * A command (a script) running across event-loop turns: while `running`, other clients'
 * commands go through `refuse` (Redis's isInsideYieldingLongCommand). Provided by scripting.
 */
export interface BusyScript {
  readonly running: boolean;
  /** The error refusing this command while the script runs, or null to let it run. */
  refuse(c: Client, cmd: RegisteredCommand, argv: string[]): ReplyError | null;
}
export const BUSY_SCRIPT = serviceToken<BusyScript>('busy-script');

/** Where each write gate is checked: the order of Redis's processCommand. */
export const enum GateOrder {
  Loading = 5,
  Oom = 10,
  Misconf = 20,
  NoReplicas = 30,
  ReadOnly = 40,
  MasterDown = 50,
}

/**
 * A reason to refuse commands for a while (MISCONF after a failed save; OOM, NOREPLICAS and a
 * read-only replica's READONLY are the same shape). Checked in `order` only while `closed`, so
 * an open gate costs one property read per command.
 */
export interface WriteGate {
  readonly order: number;
  readonly closed: boolean;
  /** The refusal for this command, or null. `client`: the connection that sent it, null for a script's redis.call. */
  refuse(cmd: RegisteredCommand, client: Client | null): ReplyError | null;
}
export const WRITE_GATE = serviceToken<WriteGate>('write-gate', true);

/** How many of a server's TrackedGates are closed (the dispatcher's one comparison). */
export class ClosedGates {
  count = 0;
}

/**
 * A WriteGate whose `closed` the kernel counts as it changes: while every gate is open a
 * command costs the dispatcher one comparison, where reading `closed` from gates of several
 * classes was a megamorphic property read each. A gate that implements WriteGate directly
 * still works; its `closed` is read for every command.
 */
export abstract class TrackedGate implements WriteGate {
  abstract readonly order: number;
  private shut = false;
  private closedGates: ClosedGates | null = null;

  get closed(): boolean {
    return this.shut;
  }

  set closed(closed: boolean) {
    if (closed === this.shut) return;
    this.shut = closed;
    if (this.closedGates !== null) this.closedGates.count += closed ? 1 : -1;
  }

  /** Called by the server that checks this gate: it is counted there from now on. */
  countIn(closedGates: ClosedGates): void {
    if (this.closedGates !== null && this.shut) this.closedGates.count--;
    this.closedGates = closedGates;
    if (this.shut) closedGates.count++;
  }

  abstract refuse(cmd: RegisteredCommand, client: Client | null): ReplyError | null;
}

/**
 * `maxmemory` as scripts see it (Redis's script_oom): provided by the eviction module. A
 * script started while the server was out of memory may not run a denyoom command before it
 * has written (unless `allow-oom`); a shebang script that may write is refused at once.
 */
export interface MemoryLimit {
  /** Out of memory when the last EVAL, EVALSHA, FCALL or FCALL_RO was checked (and maxmemory set). */
  readonly scriptOom: boolean;
}
export const MEMORY_LIMIT = serviceToken<MemoryLimit>('memory-limit');

/**
 * Users, passwords and permissions (`Server.access` uses it): provided by the acl module;
 * without it the kernel's PasswordAccess (`requirepass` only) serves.
 */
export const ACCESS_CONTROL = serviceToken<AccessControl>('access-control');

/**
 * A client's subscriptions: channel names and patterns, each with whether it is a pattern.
 * Provided by the pub/sub module; ACL disconnects clients whose channels it no longer allows.
 */
export type SubscriptionLister = (c: Client) => Array<[string, boolean]>;
export const SUBSCRIPTIONS = serviceToken<SubscriptionLister>('subscriptions');

/** A client as its CLIENT LIST line: provided by the connection module; ACL LOG shows it. */
export type ClientDescriber = (c: Client) => string;
export const CLIENT_INFO = serviceToken<ClientDescriber>('client-info');

/** A position in a sorted set, in (score, member) order. */
export interface SortedSetCursor {
  readonly valid: boolean;
  readonly score: number;
  readonly ele: string;
  next(): void;
  /** To the first member scoring at least `min` (invalid when none), from wherever the cursor is. */
  seek(min: number): void;
}

/** A stored sorted set, read through the methods its module implements. */
export interface SortedSetValue {
  readonly size: number;
  /** A member's score, or undefined. */
  score(ele: string): number | undefined;
  /** A cursor at the first member scoring at least `min`. */
  fromScore(min: number): SortedSetCursor;
}

/**
 * Sorted sets as other modules may use them (geo keeps its points in them, as Redis does):
 * provided by the sorted-sets module, so no module imports another's files.
 */
export interface SortedSets {
  /** Whether a stored value is a sorted set. */
  is(value: unknown): value is SortedSetValue;
  /** A new, empty sorted set (the caller stores it). */
  create(): SortedSetValue;
  /**
   * Set a member's score, adding the member when absent, under the current encoding limits
   * (ZADD's NX: only add; XX: only update). Returns 1 when added, 2 when the score changed, 0
   * otherwise.
   */
  put(z: SortedSetValue, ele: string, score: number, nx?: boolean, xx?: boolean): 0 | 1 | 2;
  /**
   * A new sorted set of the first `n` members of `eles`, which are distinct, with the scores at
   * the same indexes, in any order (GEOSEARCHSTORE's result): built at once rather than by n
   * put()s, each of which walks a listpack.
   */
  build(eles: readonly string[], scores: Float64Array, n: number): SortedSetValue;
}
export const SORTED_SETS = serviceToken<SortedSets>('sorted-sets');

/** The RDB file as DEBUG RELOAD uses it: provided by the persistence module. */
export interface DataFile {
  /** SAVE: write the dataset to the file now; throws a ReplyError when it cannot. */
  save(): void;
  /** Read the file into the keyspace (which the caller emptied); throws with the reason. */
  load(): void;
}
export const DATA_FILE = serviceToken<DataFile>('data-file');

/** A point-in-time RDB image being produced in slices (RdbSnapshots.stream). */
export interface RdbStream {
  /** Resolves once the last chunk was handed over; rejects when aborted or failing. */
  readonly done: Promise<void>;
  /** Stop producing: `done` rejects. */
  abort(): void;
}

/**
 * RDB images in memory rather than in the data file, as replication needs them: provided by
 * the persistence module, used by the replication module (a master's full sync, a replica
 * loading what its master sent).
 */
export interface RdbSnapshots {
  /**
   * The dataset as it is at this call, as an RDB image produced in slices between which the
   * server keeps serving (BGSAVE's fork-less snapshot); each chunk goes to `write` in order.
   * `aux`: AUX fields for the header (repl-stream-db, repl-id, repl-offset). `toDataFile`: the
   * image is also the data file, saved as a BGSAVE's is (a disk-backed full sync, as Redis's
   * rdbSaveBackground for replicas writes `dbfilename`).
   */
  stream(write: (chunk: Buffer) => void, aux?: ReadonlyArray<[string, string]>, toDataFile?: boolean): RdbStream;
  /**
   * Replace the dataset with a master's RDB image: the keyspace is emptied first, keys past
   * their TTL are kept for the master to delete, and the keys are read in slices between which
   * the server keeps serving (the caller refuses what must not see a partial dataset). Resolves
   * with the key count and the image's AUX fields; rejects with the reason, the keyspace emptied.
   */
  load(rdb: Buffer): Promise<{ keys: number; aux: Map<string, string> }>;
  /**
   * The same as `load`, of an image still arriving (a diskless replica load): the keyspace is
   * emptied now, and keys are read in slices as their bytes are fed. `size`: the image's
   * length when announced, else -1.
   */
  loadStream(size: number): RdbLoad;
}

/** An RDB image loaded as it arrives (RdbSnapshots.loadStream). */
export interface RdbLoad {
  /** The next bytes of the image (copied: the caller may reuse the buffer). */
  feed(chunk: Uint8Array): void;
  /** Every byte was fed: the load ends once they are read (a short image is an error). */
  end(): void;
  /** Stop and empty the keyspace: `done` rejects. */
  abort(): void;
  /** Resolves with the key count and the AUX fields; rejects with the reason, the keyspace emptied. */
  readonly done: Promise<{ keys: number; aux: Map<string, string> }>;
}
export const RDB_SNAPSHOTS = serviceToken<RdbSnapshots>('rdb-snapshots');

/**
 * Whether this server replicates another one now (Redis's `server.masterhost != NULL`):
 * provided by the replication module; eviction leaves a replica's keys to its master
 * (`replica-ignore-maxmemory`).
 */
export interface ReplicationRole {
  readonly isReplica: boolean;
}
export const REPLICATION_ROLE = serviceToken<ReplicationRole>('replication-role');
