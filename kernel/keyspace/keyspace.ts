import { inject, injectable } from 'tsyringe';
import { Hooks, Notify } from '../hooks';
import { Journal } from '../journal';
import { Database } from './database';
import { TypeRegistry } from './types';

export class KeyspaceStats {
  keyspaceHits = 0;
  keyspaceMisses = 0;
  expiredKeys = 0;
  /** Writes since the last save (Redis's server.dirty). */
  dirty = 0;
}

/** The databases, expiry and the change counters. */
@injectable()
export class Keyspace {
  readonly dbs: Database[] = [];
  readonly stats = new KeyspaceStats();
  /** Seconds clock for LRU stamps, refreshed by the server cron. */
  lruClock = Math.floor(Date.now() / 1000);
  /**
   * Whether key creation fires the `new` keyspace event (class n): only when asked for (the
   * pub/sub module, while notify-keyspace-events has n), so creating a key costs nothing more.
   */
  newKeyEvents = false;
  /** Off while loading data or on a replica: keys then expire only when the source says so. */
  expiryEnabled = true;
  /**
   * While expiry is off, whether keys past their TTL still count as present: a replica hides
   * them from its clients but applies its master's commands to them (expireIfNeeded's
   * `current_client == server.master` case), since the master decides when they go.
   */
  expiredVisible = false;
  /** DEBUG SET-ACTIVE-EXPIRE 0 turns the active cycle off; lazy expiry still runs. */
  activeExpireEnabled = true;

  constructor(
    @inject(Hooks) private readonly hooks: Hooks,
    @inject(TypeRegistry) readonly types: TypeRegistry,
    @inject(Journal) readonly journal: Journal,
  ) {}

  /** Create the databases (`databases` config). */
  init(count: number): void {
    this.dbs.length = 0;
    for (let i = 0; i < count; i++) this.dbs.push(new Database(i, this));
  }

  db(index: number): Database {
    return this.dbs[index];
  }

  /** dbAdd: a key was created (the `new` keyspace event, class n). */
  keyAdded(db: Database, key: string): void {
    this.hooks.emitKeyspaceEvent(Notify.NEW, 'new', key, db.id);
  }

  /** A key reached its TTL: tell everyone who cares and propagate the deletion. */
  keyExpired(db: Database, key: string): void {
    this.stats.expiredKeys++;
    this.hooks.emitKeyspaceEvent(Notify.EXPIRED, 'expired', key, db.id);
    this.hooks.emitKeyModified(db, key);
    this.journal.append(db.id, ['DEL', key]);
  }

  /**
   * Redis's activeExpireCycle (slow mode): sample 20 keys with a TTL per database per round,
   * repeat while more than 10% of a sample had expired, within `budgetMs`.
   */
  activeExpireCycle(budgetMs: number): void {
    if (!this.expiryEnabled || !this.activeExpireEnabled) return;
    const start = Date.now();
    for (const db of this.dbs) {
      if (db.expires.size === 0) continue;
      for (;;) {
        const [examined, expired] = db.expireSample(20, Date.now());
        if (examined === 0 || expired * 10 <= examined) break;
        if (Date.now() - start >= budgetMs) return;
      }
    }
  }

  /** A write is about to touch `key` (null: all of `db`): see Hooks.onBeforeWrite. */
  willWrite(db: Database, key: string | null): void {
    if (this.hooks.guardingWrites) this.hooks.emitBeforeWrite(db, key);
  }

  /** Empty one database, or all with -1. */
  flush(dbid: number): number {
    let removed = 0;
    for (const db of dbid < 0 ? this.dbs : [this.dbs[dbid]]) {
      removed += db.size;
      db.clear();
    }
    this.hooks.emitFlush(dbid);
    return removed;
  }
}
