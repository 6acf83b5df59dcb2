import {
  type Client,
  CmdFlag,
  Command,
  type CommandContext,
  type Database,
  type DenyReason,
  Hooks,
  inject,
  type Interceptor,
  InterceptorOrder,
  Keyspace,
  NO_REPLY,
  NULL_ARRAY,
  OK,
  QUEUED,
  RedisModule,
  type Reply,
  ReplyError,
  ReplyMode,
} from '../../kernel';
import { stored, TxState, WatchedKey } from './state';

const TX = Symbol('transactions');

const NESTED = new ReplyError('ERR MULTI calls can not be nested');
const EXEC_WITHOUT_MULTI = new ReplyError('ERR EXEC without MULTI');
const DISCARD_WITHOUT_MULTI = new ReplyError('ERR DISCARD without MULTI');
const WATCH_INSIDE_MULTI = new ReplyError('ERR WATCH inside MULTI is not allowed');
const NOT_ALLOWED = new ReplyError('ERR Command not allowed inside a transaction');
const EXECABORT = new ReplyError('EXECABORT Transaction discarded because of previous errors.');

/** Commands that run at once inside MULTI instead of being queued (Redis's processCommand). */
const EXEC_NOPERM =
  'NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ';
const EXEC_NOPERM_REASONS: Record<DenyReason, string> = {
  command: 'no permission to execute the command or subcommand',
  key: 'no permission to touch the specified keys',
  channel: 'no permission to access one of the channels used as arguments',
};
const NOT_QUEUED = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/**
 * MULTI/EXEC/DISCARD and optimistic locking with WATCH, as Redis 7.0's multi.c.
 *
 * Queuing is an interceptor; commands the kernel refuses while a client queues (unknown,
 * wrong arity) reach us through `hooks.onRejected` and abort the transaction. EXEC runs the
 * queue through `Server.call`, so blocked clients are served only after the whole EXEC, and
 * holds the writes' propagation so they reach the AOF and replicas as one unit.
 */
@RedisModule({ name: 'transactions' })
export default class TransactionsModule {
  /** Watched keys: database -> key -> watchers (Redis's db->watched_keys). */
  private readonly watchers = new Map<Database, Map<string, WatchedKey[]>>();
  /** How many keys are watched in all: writes skip the lookup when none are. */
  private watchedCount = 0;
  /**
   * Whether the write listener is installed: at the first WATCH, so a server where nobody
   * watches runs no listener per write.
   */
  private listening = false;

  constructor(
    @inject(Hooks) private readonly hooks: Hooks,
    @inject(Keyspace) private readonly keyspace: Keyspace,
  ) {
    hooks.onFlush((dbid) => {
      if (this.watchedCount !== 0) this.flushed(dbid);
    });
    hooks.onRejected((c, cmd, error) => {
      const tx = c.state.get(TX) as TxState | undefined;
      if (cmd === null || cmd.name !== 'exec') {
        if (tx !== undefined && tx.queue !== null) tx.aborted = true;
        return error;
      }
      // Redis's execCommandAbort, inside MULTI or not: a refused EXEC ends the transaction.
      if (tx !== undefined) this.discard(tx);
      const text = error.code === 'ERR' ? error.message.slice(4) : error.message;
      return new ReplyError(`EXECABORT Transaction discarded because of: ${text}`);
    });
    hooks.onClientClosed((c) => this.unwatchAll(c.state.get(TX) as TxState | undefined));
    hooks.onClientReset((c) => {
      const tx = c.state.get(TX) as TxState | undefined;
      if (tx !== undefined) this.discard(tx);
    });
  }

  private static state(c: Client): TxState {
    let tx = c.state.get(TX) as TxState | undefined;
    if (tx === undefined) c.state.set(TX, (tx = new TxState(c)));
    return tx;
  }

  /** Installed while a client is inside MULTI: answers +QUEUED for what EXEC will run. */
  private readonly queueing: Interceptor = (c, cmd, argv) => {
    if (NOT_QUEUED.has(cmd.name)) return false;
    if (cmd.has(CmdFlag.NoMulti)) {
      cmd.stats.rejected++;
      c.server.reject(c, cmd, NOT_ALLOWED);
      return true;
    }
    const tx = c.state.get(TX) as TxState;
    // An aborted transaction never runs: no point keeping its commands.
    if (!tx.aborted && !tx.dirty) {
      tx.queue!.push([cmd, argv]);
      c.queuedCommands++;
      // Redis's mstate.argv_len_sums: the arguments' bytes and a pointer for each.
      let bytes = 8 * argv.length;
      for (let i = 0; i < argv.length; i++) bytes += argv[i].length;
      c.queuedBytes += bytes;
    }
    c.queuedFlags |= cmd.bits;
    // Redis sets lastcmd before it queues: CLIENT LIST shows the queued command.
    c.lastCommand = cmd.name;
    c.reply(QUEUED);
    return true;
  };

  @Command('multi')
  multi(ctx: CommandContext): Reply {
    const tx = TransactionsModule.state(ctx);
    if (tx.queue !== null) throw NESTED;
    tx.queue = [];
    ctx.flags.add('multi');
    ctx.addInterceptor(this.queueing, InterceptorOrder.Multi);
    return OK;
  }

  @Command('discard')
  discardCommand(ctx: CommandContext): Reply {
    const tx = ctx.state.get(TX) as TxState | undefined;
    if (tx === undefined || tx.queue === null) throw DISCARD_WITHOUT_MULTI;
    this.discard(tx);
    return OK;
  }

  @Command('exec')
  exec(ctx: CommandContext): Reply | typeof NO_REPLY {
    const tx = ctx.state.get(TX) as TxState | undefined;
    if (tx === undefined || tx.queue === null) throw EXEC_WITHOUT_MULTI;
    if (this.watchedKeyExpired(tx)) this.setDirty(tx);
    if (tx.aborted || tx.dirty) {
      const aborted = tx.aborted;
      this.discard(tx);
      if (aborted) throw EXECABORT;
      return NULL_ARRAY;
    }
    const queue = tx.queue;
    this.unwatchAll(tx);
    const server = ctx.server;
    const denied = ctx.denyBlocking;
    // Each command replies in turn, inside the array this header opens.
    if (ctx.replyMode === ReplyMode.On) ctx.out += `*${queue.length}\r\n`;
    ctx.denyBlocking = true;
    this.keyspace.journal.begin();
    try {
      for (let i = 0; i < queue.length; i++) {
        const [cmd, argv] = queue[i];
        // Permissions are checked again: they may have changed since the command was queued.
        const denied = ctx.restricted ? server.access.check(ctx, cmd, argv) : null;
        if (denied === null) server.call(ctx, cmd, argv);
        else ctx.reply(new ReplyError(`${EXEC_NOPERM}${EXEC_NOPERM_REASONS[denied.reason]}`));
      }
    } finally {
      this.keyspace.journal.end();
      ctx.denyBlocking = denied;
      this.discard(tx);
    }
    // The queued commands were propagated themselves; EXEC adds nothing.
    ctx.propagateInstead = [];
    return NO_REPLY;
  }

  @Command('watch')
  watch(ctx: CommandContext, argv: string[]): Reply {
    const tx = TransactionsModule.state(ctx);
    if (tx.queue !== null) throw WATCH_INSIDE_MULTI;
    // A dirty transaction fails anyway: nothing worth watching (Redis 7.0).
    if (tx.dirty) return OK;
    const db = ctx.db;
    for (let i = 1; i < argv.length; i++) this.watchKey(tx, db, argv[i]);
    return OK;
  }

  @Command('unwatch')
  unwatch(ctx: CommandContext): Reply {
    const tx = ctx.state.get(TX) as TxState | undefined;
    if (tx !== undefined) {
      this.unwatchAll(tx);
      tx.dirty = false;
      ctx.flags.delete('dirty-cas');
    }
    return OK;
  }

  // ---- state ------------------------------------------------------------------------------

  /** Leave MULTI and forget the watched keys and CAS flags (Redis's discardTransaction). */
  private discard(tx: TxState): void {
    const c = tx.client;
    tx.queue = null;
    tx.aborted = false;
    tx.dirty = false;
    c.queuedFlags = 0;
    c.queuedCommands = 0;
    c.queuedBytes = 0;
    c.flags.delete('multi');
    c.flags.delete('dirty-cas');
    c.removeInterceptor(this.queueing);
    this.unwatchAll(tx);
  }

  private watchKey(tx: TxState, db: Database, key: string): void {
    for (const wk of tx.watched) if (wk.db === db && wk.key === key) return;
    const wk = new WatchedKey(db, key, tx, db.isExpired(key), stored(db, key));
    tx.watched.push(wk);
    let perDb = this.watchers.get(db);
    if (perDb === undefined) this.watchers.set(db, (perDb = new Map()));
    const list = perDb.get(key);
    if (list === undefined) perDb.set(key, [wk]);
    else list.push(wk);
    this.watchedCount++;
    if (!this.listening) {
      this.listening = true;
      this.hooks.onKeyModified((kdb, key) => {
        if (this.watchedCount !== 0) this.touch(kdb, key);
      });
    }
  }

  private unwatchAll(tx: TxState | undefined): void {
    if (tx === undefined || tx.watched.length === 0) return;
    for (const wk of tx.watched) {
      const perDb = this.watchers.get(wk.db)!;
      const list = perDb.get(wk.key)!;
      list.splice(list.indexOf(wk), 1);
      if (list.length === 0) perDb.delete(wk.key);
      if (perDb.size === 0) this.watchers.delete(wk.db);
    }
    this.watchedCount -= tx.watched.length;
    tx.watched.length = 0;
  }

  /** A watched key changed: the transaction will fail, so its keys need no more watching. */
  private setDirty(tx: TxState): void {
    tx.dirty = true;
    tx.client.flags.add('dirty-cas');
    this.unwatchAll(tx);
  }

  /** Redis's touchWatchedKey. */
  private touch(db: Database, key: string): void {
    const list = this.watchers.get(db)?.get(key);
    if (list === undefined) return;
    for (const wk of list.slice()) {
      if (wk.expired) {
        const exists = stored(db, key);
        // The already expired key was deleted: logically no change.
        if (!exists) {
          wk.expired = false;
          wk.exists = false;
          continue;
        }
      }
      this.setDirty(wk.tx);
    }
  }

  /** Redis's touchAllWatchedKeysInDb for FLUSHDB/FLUSHALL: watched keys that existed changed. */
  private flushed(dbid: number): void {
    for (const db of dbid < 0 ? this.keyspace.dbs : [this.keyspace.db(dbid)]) {
      const perDb = this.watchers.get(db);
      if (perDb === undefined) continue;
      for (const list of [...perDb.values()]) {
        for (const wk of list.slice()) {
          if (wk.expired) {
            wk.expired = false;
            wk.exists = false;
          } else if (wk.exists) {
            this.setDirty(wk.tx);
          }
        }
      }
    }
  }

  /** Redis 7.0's isWatchedKeyExpired: a watched key's TTL passed since WATCH, deleted or not. */
  private watchedKeyExpired(tx: TxState): boolean {
    for (const wk of tx.watched) if (!wk.expired && wk.db.isExpired(wk.key)) return true;
    return false;
  }
}
