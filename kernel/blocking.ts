import { inject, injectable } from 'tsyringe';
import type { Client } from './client';
import { Journal } from './journal';
import { Hooks } from './hooks';
import type { Database } from './keyspace/database';
import { type Reply, ReplyError } from './reply';
import { parseLongDouble } from './util/long-double';

/** Tries to serve a blocked client once a key it waits on changed; undefined = keep waiting. */
export type ServeFn = (ctx: Client) => Reply | undefined;

class Waiter {
  timer: NodeJS.Timeout | null = null;
  done = false;
  readonly since = performance.now();
  constructor(
    readonly client: Client,
    readonly dbid: number,
    readonly keys: string[],
    readonly serve: ServeFn,
    readonly timeoutReply: Reply,
    readonly resolve: (r: Reply) => void,
    /** Set for a client waiting on an event instead of keys. */
    readonly event: string | null = null,
  ) {}
}

const MAX_TIMER = 2 ** 31 - 1;
const UNBLOCKED = new ReplyError('UNBLOCKED client unblocked via CLIENT UNBLOCK');
const TIMEOUT_NOT_FLOAT = new ReplyError('ERR timeout is not a float or out of range');
const TIMEOUT_NEGATIVE = new ReplyError('ERR timeout is negative');

/**
 * Clients waiting on keys (BLPOP, BZPOPMIN, XREAD BLOCK, BLMOVE...). A blocking handler first
 * tries to serve at once; if it cannot, it returns `blocking.block(...)`, a Promise the
 * kernel waits on while holding that client's later commands. When a waited key is modified,
 * the waiters are retried after the command that modified it, first blocked first served.
 * Knows nothing about data types: the handler's `serve` callback does the type work.
 */
@injectable()
export class Blocking {
  /** dbid -> key -> waiters in arrival order. */
  private readonly waiting = new Map<number, Map<string, Waiter[]>>();
  private readonly byClient = new Map<Client, Waiter>();
  /** Clients waiting on an event (blockOnEvent): event -> waiters in arrival order. */
  private readonly events = new Map<string, Waiter[]>();
  /** Keys signalled since the last serve round: "dbid\0key" -> [db, key]. */
  private ready = new Map<string, [number, string]>();

  /** Whether the write listener is installed: at the first client blocked on keys, so until then a write runs none. */
  private listening = false;

  constructor(
    @inject(Hooks) private readonly hooks: Hooks,
    @inject(Journal) private readonly journal: Journal,
  ) {
    hooks.onClientClosed((c) => this.cancel(c));
  }

  /** Blocked client count (INFO clients `blocked_clients`). */
  get count(): number {
    return this.byClient.size;
  }

  /** Keys with at least one waiter (INFO `total_blocking_keys`). */
  get keyCount(): number {
    let n = 0;
    for (const m of this.waiting.values()) n += m.size;
    return n;
  }

  isBlocked(c: Client): boolean {
    return this.byClient.has(c);
  }

  /** Whether anything waits to be served: the dispatcher then calls serveReady(). */
  get pending(): boolean {
    return this.ready.size !== 0;
  }

  /**
   * Park `ctx` on `keys` of its current database. Resolves with what `serve` returns once it
   * returns a reply, or `timeoutReply` after `timeoutMs` (0 = forever). A client that may not
   * block (inside MULTI or a script) gets `timeoutReply` at once, as in Redis.
   */
  block(ctx: Client, keys: string[], timeoutMs: number, serve: ServeFn, timeoutReply: Reply): Reply | Promise<Reply> {
    if (ctx.denyBlocking) return timeoutReply;
    // A parked command propagates nothing when it completes: serving propagates its effect
    // at once (serveReady), a timeout wrote nothing.
    ctx.propagateInstead = [];
    if (!this.listening) {
      this.listening = true;
      this.hooks.onKeyModified((db, key) => this.signal(db, key));
    }
    return new Promise<Reply>((resolve) => {
      const w = new Waiter(ctx, ctx.db.id, [...new Set(keys)], serve, timeoutReply, resolve);
      let perDb = this.waiting.get(w.dbid);
      if (perDb === undefined) this.waiting.set(w.dbid, (perDb = new Map()));
      for (const k of w.keys) {
        const list = perDb.get(k);
        if (list === undefined) perDb.set(k, [w]);
        else list.push(w);
      }
      this.byClient.set(ctx, w);
      ctx.flags.add('blocked');
      if (timeoutMs > 0) this.arm(w, Date.now() + timeoutMs);
    });
  }

  /**
   * Park `ctx` until an event, not a key: each `signalEvent(name)` retries `serve`, which
   * returns the reply once the client's condition holds (WAIT's acknowledged replicas, the end
   * of a pause). The client counts as blocked like one waiting on keys (INFO, CLIENT UNBLOCK,
   * timeouts); inside MULTI or a script it gets `timeoutReply` at once.
   */
  blockOnEvent(ctx: Client, event: string, timeoutMs: number, serve: ServeFn, timeoutReply: Reply): Reply | Promise<Reply> {
    if (ctx.denyBlocking) return timeoutReply;
    ctx.propagateInstead = [];
    return new Promise<Reply>((resolve) => {
      const w = new Waiter(ctx, ctx.db.id, [], serve, timeoutReply, resolve, event);
      const list = this.events.get(event);
      if (list === undefined) this.events.set(event, [w]);
      else list.push(w);
      this.byClient.set(ctx, w);
      ctx.flags.add('blocked');
      if (timeoutMs > 0) this.arm(w, Date.now() + timeoutMs);
    });
  }

  /** Retry the clients waiting on `event`, first blocked first served. */
  signalEvent(event: string): void {
    const list = this.events.get(event);
    if (list === undefined) return;
    for (const w of [...list]) if (!w.done) this.tryServe(w);
  }

  /** Node timers cap at 2^31-1 ms: longer timeouts re-arm until the deadline. */
  private arm(w: Waiter, deadline: number): void {
    const left = deadline - Date.now();
    if (left <= 0) {
      this.finish(w, w.timeoutReply);
      return;
    }
    w.timer = setTimeout(() => this.arm(w, deadline), Math.min(left, MAX_TIMER));
  }

  /** CLIENT UNBLOCK: end a client's wait with its timeout reply, or with an error. */
  unblock(c: Client, withError: boolean): boolean {
    const w = this.byClient.get(c);
    if (w === undefined) return false;
    this.finish(w, withError ? UNBLOCKED : w.timeoutReply);
    return true;
  }

  private cancel(c: Client): void {
    const w = this.byClient.get(c);
    if (w !== undefined) this.finish(w, null, false);
  }

  private finish(w: Waiter, reply: Reply, deliver = true): void {
    if (w.done) return;
    w.done = true;
    w.client.blockedMs += performance.now() - w.since;
    if (w.timer !== null) clearTimeout(w.timer);
    this.byClient.delete(w.client);
    w.client.flags.delete('blocked');
    if (w.event !== null) {
      const list = this.events.get(w.event)!;
      list.splice(list.indexOf(w), 1);
      if (list.length === 0) this.events.delete(w.event);
    }
    const perDb = this.waiting.get(w.dbid);
    if (perDb !== undefined) {
      for (const k of w.keys) {
        const list = perDb.get(k);
        if (list === undefined) continue;
        const i = list.indexOf(w);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) perDb.delete(k);
      }
      if (perDb.size === 0) this.waiting.delete(w.dbid);
    }
    if (deliver) w.resolve(reply);
  }

  private signal(db: Database, key: string): void {
    if (this.byClient.size === 0) return;
    const perDb = this.waiting.get(db.id);
    if (perDb === undefined || !perDb.has(key)) return;
    this.ready.set(`${db.id}\0${key}`, [db.id, key]);
  }

  /**
   * A served waiter's write goes to the AOF and replicas right away, just after the command
   * that fed it, as Redis does: deferring it to the waiter's completion would let the feeding
   * client's next pipelined write be propagated first.
   */
  private propagateServed(w: Waiter): void {
    const c = w.client;
    const writes = c.propagateInstead;
    c.propagateInstead = [];
    if (writes === null || !this.journal.active) return;
    for (const argv of writes) this.journal.append(w.dbid, argv);
  }

  /**
   * Serve waiters on the keys signalled since the last round, first blocked first served,
   * each with its own database selected. Serving may signal more keys (BLMOVE): loop.
   */
  serveReady(): void {
    while (this.ready.size !== 0) {
      const round = this.ready;
      this.ready = new Map();
      for (const [dbid, key] of round.values()) {
        const list = this.waiting.get(dbid)?.get(key);
        if (list === undefined) continue;
        for (const w of [...list]) if (!w.done) this.tryServe(w);
      }
    }
  }

  /** Serve one waiter if its condition holds. A blocked client runs nothing else, so it is still in the database it waits in. */
  private tryServe(w: Waiter): void {
    let r: Reply | undefined;
    w.client.serving = true;
    try {
      for (const k of w.keys) w.client.willModify(k);
      r = w.serve(w.client);
    } catch (e) {
      r = e instanceof ReplyError ? e : new ReplyError(`ERR ${(e as Error).message}`);
    } finally {
      w.client.serving = false;
    }
    if (r !== undefined) {
      this.propagateServed(w);
      this.finish(w, r);
    }
  }
}

/** A blocking command's timeout argument (seconds, fractions allowed) in ms; 0 = forever. */
export function parseTimeout(arg: string): number {
  // A long double, as Redis reads it: 1e309 is a valid (huge) timeout there, not a bad float.
  const v = parseLongDouble(arg);
  if (Number.isNaN(v)) throw TIMEOUT_NOT_FLOAT;
  const ms = Math.ceil(v * 1000);
  // Redis casts the milliseconds to long long: beyond its range (inf too) they turn negative.
  if (!(ms >= 0 && ms < 2 ** 63)) throw TIMEOUT_NEGATIVE;
  return ms;
}
