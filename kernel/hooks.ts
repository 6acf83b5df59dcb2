import { injectable } from 'tsyringe';
import type { Database } from './keyspace/database';
import type { Client } from './client';
import type { RegisteredCommand } from './commands/registry';

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
export type PropagateListener = (dbid: number, argv: string[]) => void;
export type CommandListener = (client: Client, cmd: RegisteredCommand, argv: string[], usec: number) => void;
export type FlushListener = (dbid: number) => void;
export type ClientListener = (client: Client) => void;
export type LifecycleListener = () => void | Promise<void>;

/**
 * The kernel's events. Modules subscribe; the kernel and handlers emit, without knowing who
 * listens. Every emitter checks for listeners first so an unused hook costs nothing.
 */
@injectable()
export class Hooks {
  private readonly keyModified: KeyModifiedListener[] = [];
  private readonly keyspaceEvent: KeyspaceEventListener[] = [];
  private readonly propagate: PropagateListener[] = [];
  private readonly command: CommandListener[] = [];
  private readonly flushed: FlushListener[] = [];
  private readonly clientClosed: ClientListener[] = [];
  private readonly clientReset: ClientListener[] = [];
  private readonly lifecycle = { start: [] as LifecycleListener[], loaded: [] as LifecycleListener[], shutdown: [] as LifecycleListener[] };

  /** A key's value changed (WATCH, client tracking, blocked clients). */
  onKeyModified(fn: KeyModifiedListener): void {
    this.keyModified.push(fn);
  }
  /** A keyspace notification (pub/sub `notify-keyspace-events`). */
  onKeyspaceEvent(fn: KeyspaceEventListener): void {
    this.keyspaceEvent.push(fn);
  }
  /** A write to propagate to the AOF and replicas, already rewritten to be deterministic. */
  onPropagate(fn: PropagateListener): void {
    this.propagate.push(fn);
  }
  /** A command finished (MONITOR, slowlog, latency tracking). */
  onCommand(fn: CommandListener): void {
    this.command.push(fn);
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
  onLifecycle(phase: keyof Hooks['lifecycle'], fn: LifecycleListener): void {
    this.lifecycle[phase].push(fn);
  }

  get propagating(): boolean {
    return this.propagate.length !== 0;
  }
  get observingCommands(): boolean {
    return this.command.length !== 0;
  }

  emitKeyModified(db: Database, key: string): void {
    const l = this.keyModified;
    for (let i = 0; i < l.length; i++) l[i](db, key);
  }
  emitKeyspaceEvent(cls: NotifyClass, event: string, key: string, dbid: number): void {
    const l = this.keyspaceEvent;
    for (let i = 0; i < l.length; i++) l[i](cls, event, key, dbid);
  }
  emitPropagate(dbid: number, argv: string[]): void {
    const l = this.propagate;
    for (let i = 0; i < l.length; i++) l[i](dbid, argv);
  }
  emitCommand(client: Client, cmd: RegisteredCommand, argv: string[], usec: number): void {
    const l = this.command;
    for (let i = 0; i < l.length; i++) l[i](client, cmd, argv, usec);
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
  async emitLifecycle(phase: keyof Hooks['lifecycle']): Promise<void> {
    for (const fn of this.lifecycle[phase]) await fn();
  }
}
