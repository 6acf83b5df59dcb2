import { injectable } from 'tsyringe';
import type { Database } from './keyspace/database';
import type { Client } from './client';
import type { RegisteredCommand } from './commands/registry';
import type { ReplyError } from './reply';

/** Keyspace notification classes, as in `notify-keyspace-events`. */
export const Notify = {
  GENERIC: 'g',
  STRING: '$',
  LIST: 'l',
  SET: 's',
  HASH: 'h',
  ZSET: 'z',
  EXPIRED: 'x',
  EVICTED: 'e',
  STREAM: 't',
  KEY_MISS: 'm',
  MODULE: 'd',
  NEW: 'n',
} as const;
export type NotifyClass = (typeof Notify)[keyof typeof Notify];

export type KeyModifiedListener = (db: Database, key: string) => void;
export type KeyspaceEventListener = (cls: NotifyClass, event: string, key: string, dbid: number) => void;
export type CommandListener = (client: Client, cmd: RegisteredCommand, argv: string[], usec: number) => void;
export type FlushListener = (dbid: number) => void;
export type ClientListener = (client: Client) => void;
/** Sees a refused command (null when unknown) and returns the error to send in its place. */
export type RejectedListener = (client: Client, cmd: RegisteredCommand | null, error: ReplyError) => ReplyError;
/** SHUTDOWN's options; signals and close() pass none (then persistence saves if save points are set). */
export interface ShutdownOptions {
  save?: boolean;
  nosave?: boolean;
  force?: boolean;
  /** SHUTDOWN NOW: do not wait (for lagging replicas). */
  now?: boolean;
  /** Aborted by SHUTDOWN ABORT: a hook that waits stops waiting and throws, which cancels the shutdown. */
  signal?: AbortSignal;
}
export type LifecycleListener = (options: ShutdownOptions) => void | Promise<void>;
/** A write is about to touch `key` of `db` (null: the whole database, FLUSH/SWAPDB). */
export type BeforeWriteListener = (db: Database, key: string | null) => void;
export type InfoField = [name: string, value: string | number];

/** An INFO section a module owns: a new one (printed after Redis's), or one of Redis's it fills (replication). */
export interface InfoSection {
  /** The name INFO is asked for, lower case. */
  readonly name: string;
  /** The `# Title` line. */
  readonly title: string;
  /** Whether a plain INFO (the default sections) prints it; a new section always prints for `everything` and `modules`. */
  readonly inDefault: boolean;
  readonly fields: () => InfoField[];
}

/**
 * The kernel's events. Modules subscribe; the kernel and handlers emit, without knowing who
 * listens. Every emitter checks for listeners first so an unused hook costs nothing.
 */
@injectable()
export class Hooks {
  private readonly keyModified: KeyModifiedListener[] = [];
  private readonly keyspaceEvent: KeyspaceEventListener[] = [];
  private readonly command: CommandListener[] = [];
  private readonly commandFloors: number[] = [];
  /**
   * The shortest duration (µs) a command listener asks to hear of, Infinity with none: the
   * dispatcher calls emitCommand for no faster command, so a pipeline of fast commands calls
   * no listener while only the slow log listens.
   */
  commandFloor = Infinity;
  private readonly flushed: FlushListener[] = [];
  private readonly clientClosed: ClientListener[] = [];
  private readonly clientReset: ClientListener[] = [];
  private readonly rejected: RejectedListener[] = [];
  private readonly beforeWrite: BeforeWriteListener[] = [];
  private readonly beforeReplies: Array<() => void> = [];
  private readonly info = new Map<string, Array<() => InfoField[]>>();
  private readonly infoSectionList: InfoSection[] = [];
  private readonly lifecycle = { start: [] as LifecycleListener[], loaded: [] as LifecycleListener[], prepareShutdown: [] as LifecycleListener[], shutdown: [] as LifecycleListener[] };

  /** A key's value changed (WATCH, client tracking, blocked clients). */
  onKeyModified(fn: KeyModifiedListener): void {
    this.keyModified.push(fn);
  }
  /** A keyspace notification (pub/sub `notify-keyspace-events`). */
  onKeyspaceEvent(fn: KeyspaceEventListener): void {
    this.keyspaceEvent.push(fn);
  }
  /**
   * A command finished (MONITOR, slowlog, latency tracking). `floor`: only commands that took
   * at least this many microseconds (the slow log's threshold); registering the listener again
   * moves its floor.
   */
  onCommand(fn: CommandListener, floor = 0): void {
    // A listener of every command hears of it whatever the measured duration.
    const at = floor > 0 ? floor : -Infinity;
    const i = this.command.indexOf(fn);
    if (i < 0) {
      this.command.push(fn);
      this.commandFloors.push(at);
    } else {
      this.commandFloors[i] = at;
    }
    this.commandFloor = Math.min(...this.commandFloors);
  }
  /** A database was emptied (FLUSHDB/FLUSHALL; dbid -1 means all). */
  onFlush(fn: FlushListener): void {
    this.flushed.push(fn);
  }
  onClientClosed(fn: ClientListener): void {
    this.clientClosed.push(fn);
  }
  /** RESET: drop per-connection state (MULTI, subscriptions, tracking, MONITOR). */
  onClientReset(fn: ClientListener): void {
    this.clientReset.push(fn);
  }
  /**
   * A command was refused before running (unknown, arity, NOAUTH...): MULTI flags its
   * transaction, and a refused EXEC answers EXECABORT instead.
   */
  onRejected(fn: RejectedListener): void {
    this.rejected.push(fn);
  }
  /**
   * Before a write touches a key, while its old value is still there (a BGSAVE snapshot saves
   * it first). Fired by Database.set/delete/setExpire/persist/clear/swap, by the dispatcher for
   * the arguments of write commands, and by `ctx.willModify(key)`. Returns an unsubscribe function.
   */
  onBeforeWrite(fn: BeforeWriteListener): () => void {
    this.beforeWrite.push(fn);
    return () => {
      const i = this.beforeWrite.indexOf(fn);
      if (i >= 0) this.beforeWrite.splice(i, 1);
    };
  }
  /**
   * Once per event-loop turn, before that turn's replies are written (Redis's beforeSleep):
   * the AOF writes and fsyncs what the turn's commands journaled here, so no reply leaves
   * before its write is in the file.
   */
  onBeforeReplies(fn: () => void): void {
    this.beforeReplies.push(fn);
  }
  emitBeforeReplies(): void {
    const l = this.beforeReplies;
    for (let i = 0; i < l.length; i++) l[i]();
  }
  /**
   * Own an INFO section: `fields` is the whole section. Redis's sections a module fills this
   * way replace the server's stand-in (replication); any other name is a new section. Returns
   * the removal (MODULE UNLOAD).
   */
  onInfoSection(name: string, fields: () => InfoField[], options: { title?: string; inDefault?: boolean } = {}): () => void {
    const key = name.toLowerCase();
    if (this.infoSection(key) !== undefined) throw new Error(`INFO section '${key}' has an owner already`);
    const section: InfoSection = {
      name: key,
      title: options.title ?? key[0].toUpperCase() + key.slice(1),
      inDefault: options.inDefault ?? false,
      fields,
    };
    this.infoSectionList.push(section);
    return () => {
      const i = this.infoSectionList.indexOf(section);
      if (i >= 0) this.infoSectionList.splice(i, 1);
    };
  }
  infoSection(name: string): InfoSection | undefined {
    return this.infoSectionList.find((s) => s.name === name);
  }
  /** The module-owned sections, in registration order. */
  get infoSections(): readonly InfoSection[] {
    return this.infoSectionList;
  }
  /** Contribute fields to a section someone else owns (INFO shows those of "clients", "stats", "persistence", "modules"). */
  onInfo(section: string, fn: () => InfoField[]): void {
    const list = this.info.get(section) ?? [];
    list.push(fn);
    this.info.set(section, list);
  }
  /** The fields modules contribute to an INFO section. */
  infoFields(section: string): InfoField[] {
    return (this.info.get(section) ?? []).flatMap((fn) => fn());
  }
  onLifecycle(phase: keyof Hooks['lifecycle'], fn: LifecycleListener): void {
    this.lifecycle[phase].push(fn);
  }

  get guardingWrites(): boolean {
    return this.beforeWrite.length !== 0;
  }
  emitBeforeWrite(db: Database, key: string | null): void {
    const l = this.beforeWrite;
    for (let i = 0; i < l.length; i++) l[i](db, key);
  }

  emitKeyModified(db: Database, key: string): void {
    const l = this.keyModified;
    for (let i = 0; i < l.length; i++) l[i](db, key);
  }
  emitKeyspaceEvent(cls: NotifyClass, event: string, key: string, dbid: number): void {
    const l = this.keyspaceEvent;
    for (let i = 0; i < l.length; i++) l[i](cls, event, key, dbid);
  }
  emitCommand(client: Client, cmd: RegisteredCommand, argv: string[], usec: number): void {
    const l = this.command;
    const floors = this.commandFloors;
    for (let i = 0; i < l.length; i++) if (usec >= floors[i]) l[i](client, cmd, argv, usec);
  }
  emitFlush(dbid: number): void {
    for (const fn of this.flushed) fn(dbid);
  }
  emitClientClosed(client: Client): void {
    for (const fn of this.clientClosed) fn(client);
  }
  emitClientReset(client: Client): void {
    for (const fn of this.clientReset) fn(client);
  }
  emitRejected(client: Client, cmd: RegisteredCommand | null, error: ReplyError): ReplyError {
    const l = this.rejected;
    for (let i = 0; i < l.length; i++) error = l[i](client, cmd, error);
    return error;
  }
  async emitLifecycle(phase: keyof Hooks['lifecycle'], options: ShutdownOptions = {}): Promise<void> {
    for (const fn of this.lifecycle[phase]) await fn(options);
  }
}
