import * as fs from 'fs';
import * as path from 'path';
import {
  type Client,
  CmdFlag,
  Command,
  type CommandContext,
  Config,
  Errors,
  DATA_FILE,
  type DataFile,
  FUNCTION_PAYLOADS,
  FUNCTION_STORE,
  type FunctionPayloads,
  GateOrder,
  Hooks,
  inject,
  Keyspace,
  Logger,
  OK,
  provide,
  RDB_SNAPSHOTS,
  RdbError,
  type RdbSnapshots,
  RedisModule,
  type RegisteredCommand,
  type Reply,
  ReplyError,
  Services,
  type ShutdownOptions,
  StatusReply,
  WRITE_GATE,
  TrackedGate,
} from '../../kernel';
import { parseSavePoints, persistenceParams, type SavePoint } from './config';
import { loadRdb } from './apply';
import { ImageLoad } from './image-load';
import { decodeFunctionsPayload, functionsPayload } from './rdb';
import { dump, restore } from './dump';
import { logSkipped, Snapshot } from './snapshot';
// Append-only file (aof*.ts): config, loading, writing, BGREWRITEAOF.
import { Aof, aofParams } from './aof';

/** A save's temporary file (temp-<pid>.rdb, temp-bg-<pid>.rdb, temp-<pid>-<tag>.rdb): group 1 is the pid. */
const TEMP_RDB = /^temp-(?:bg-)?(\d+)(?:-[^/]*)?\.rdb$/;

/**
 * Temporary dump files of processes that no longer run (a kill during BGSAVE) are removed at
 * start: their names carry the pid, so a live server's file, this process's included, is left.
 */
function removeStaleTempFiles(dir: string, logger: Logger): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = TEMP_RDB.exec(name);
    if (m === null || isRunning(Number(m[1]))) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
      logger.notice(`Removed the temporary file ${name} left by a process that no longer runs`);
    } catch (e) {
      logger.warning(`Could not remove the temporary file ${name}: ${(e as Error).message}`);
    }
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const BGSAVE_STARTED = new StatusReply('Background saving started');
const IN_PROGRESS = new ReplyError('ERR Background save already in progress');
/** CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, save points wait this long to retry. */
const RETRY_DELAY_MS = 5000;
/** How often save points are checked. */
const CRON_MS = 100;

const MISCONF = new ReplyError(
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
);

/**
 * writeCommandsDeniedByDiskError's RDB case: closed while the last save failed and save points
 * are set. It refuses writes, and PING from clients as Redis does (not from scripts).
 */
class MisconfGate extends TrackedGate {
  readonly order = GateOrder.Misconf;

  refuse(cmd: RegisteredCommand, client: Client | null): ReplyError | null {
    return cmd.has(CmdFlag.Write) || (client !== null && cmd.name === 'ping') ? MISCONF : null;
  }
}

/**
 * RDB persistence: load at start-up, SAVE, BGSAVE (a point-in-time snapshot written in
 * slices, see Snapshot), save points, saving at shutdown, LASTSAVE, DUMP and RESTORE.
 */
@RedisModule({
  name: 'persistence',
  config: [...persistenceParams, ...aofParams],
  provides: [
    provide(FUNCTION_PAYLOADS, (m: PersistenceModule) => m.functionPayloads),
    provide(WRITE_GATE, (m: PersistenceModule) => m.misconf),
    provide(DATA_FILE, (m: PersistenceModule) => m.dataFile),
    provide(RDB_SNAPSHOTS, (m: PersistenceModule) => m.rdbSnapshots),
  ],
})
export default class PersistenceModule {
  private savePoints: SavePoint[] = [];
  /** Set once the dataset has been loaded: a server that failed to load must not save over the file. */
  private loaded = false;
  private lastSave = Math.floor(Date.now() / 1000);
  private lastBgsaveOk = true;
  private stopWritesOnError = true;
  private lastBgsaveTry = 0;
  private lastBgsaveSec = -1;
  private saves = 0;
  readonly misconf = new MisconfGate();
  readonly functionPayloads: FunctionPayloads = {
    encode: (codes) => functionsPayload(codes, this.config.get<boolean>('rdbcompression')),
    decode: (payload) => {
      try {
        return decodeFunctionsPayload(payload);
      } catch (e) {
        throw new ReplyError(`ERR ${e instanceof RdbError ? e.message : 'failed loading the given functions payload'}`);
      }
    },
  };
  /** DATA_FILE: SAVE and a load of the file outside start-up (DEBUG RELOAD). */
  readonly dataFile: DataFile = {
    save: () => this.save(),
    load: () => this.applyFile(fs.readFileSync(this.file)),
  };
  /** RDB_SNAPSHOTS: a replication master's full sync, and a replica loading its master's image. */
  readonly rdbSnapshots: RdbSnapshots = {
    stream: (write, aux, toDataFile = false) => {
      const s = new Snapshot(this.keyspace, this.services.find(FUNCTION_STORE), this.hooks, this.config);
      const done = toDataFile ? this.saveForReplicas(s, write, aux) : s.produce(write, aux).then(() => logSkipped(this.logger, s));
      return {
        done,
        abort: () => {
          s.aborted = true;
          s.detach();
        },
      };
    },
    load: (rdb) => {
      const l = this.rdbSnapshots.loadStream(rdb.length);
      l.feed(rdb);
      l.end();
      return l.done;
    },
    loadStream: (size) => {
      // Emptying for a replica's load is no FLUSHALL: it must not trigger the save-point save.
      this.replacing = true;
      try {
        this.keyspace.flush(-1);
      } finally {
        this.replacing = false;
      }
      const t0 = Date.now();
      const load = new ImageLoad(this.keyspace, this.services.find(FUNCTION_STORE), size, this.config.get<boolean>('rdbchecksum'));
      void load.done.then((r) => {
        this.loadedKeys = r.keys;
        this.expiredOnLoad = r.expired;
        this.logger.notice(`DB loaded from the master's image: ${((Date.now() - t0) / 1000).toFixed(3)} seconds (${r.keys} keys)`);
      }, () => undefined);
      return load;
    },
  };
  private replacing = false;
  private loadedKeys = 0;
  private expiredOnLoad = 0;
  private bg: { snapshot: Snapshot; started: number; done: Promise<void> } | null = null;
  private cron: NodeJS.Timeout | null = null;

  constructor(
    @inject(Config) private readonly config: Config,
    @inject(Keyspace) private readonly keyspace: Keyspace,
    @inject(Hooks) private readonly hooks: Hooks,
    @inject(Logger) private readonly logger: Logger,
    @inject(Aof) private readonly aof: Aof,
    @inject(Services) private readonly services: Services,
  ) {
    config.watch('save', (v) => {
      this.savePoints = parseSavePoints(v) ?? [];
      this.updateWriteGate();
    });
    config.watch('stop-writes-on-bgsave-error', (v) => {
      this.stopWritesOnError = v as boolean;
      this.updateWriteGate();
    });
    hooks.onInfo('persistence', () => this.infoFields());
    // FLUSHALL with save points configured saves the now empty dataset, as Redis does.
    hooks.onFlush((dbid) => {
      if (dbid === -1 && this.loaded && !this.replacing && this.savePoints.length !== 0) {
        this.abortBackground();
        this.trySave();
      }
    });
  }

  /** The outcome of a save, which opens or closes the write gate. */
  private saveResult(ok: boolean): void {
    this.lastBgsaveOk = ok;
    this.updateWriteGate();
  }

  private updateWriteGate(): void {
    this.misconf.closed = this.stopWritesOnError && this.savePoints.length !== 0 && !this.lastBgsaveOk;
  }

  private get file(): string {
    return path.resolve(this.config.get<string>('dir'), this.config.get<string>('dbfilename'));
  }

  private get dirty(): number {
    return this.keyspace.stats.dirty;
  }

  // ---- start-up and shutdown ------------------------------------------------------------

  onStart(): void {
    removeStaleTempFiles(path.dirname(this.file), this.logger);
    // With appendonly yes the AOF is loaded instead of the RDB file, as Redis's loadDataFromDisk.
    if (!this.aof.loadAtStart()) this.load();
    this.aof.start();
    this.loaded = true;
    this.cron = setInterval(() => this.checkSavePoints(), CRON_MS);
    this.cron.unref();
  }

  /** Read the whole file, then load it; any problem refuses the start with the reason. */
  private load(): void {
    const file = this.file;
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw this.loadError(file, (e as Error).message);
    }
    try {
      this.applyFile(buf);
    } catch (e) {
      throw this.loadError(file, (e as Error).message);
    }
  }

  private applyFile(buf: Buffer): void {
    const t0 = Date.now();
    const applied = loadRdb(this.keyspace, this.services.find(FUNCTION_STORE), buf, this.config.get<boolean>('rdbchecksum'));
    this.loadedKeys = applied.keys;
    this.expiredOnLoad = applied.expired;
    this.logger.notice(`DB loaded from disk: ${((Date.now() - t0) / 1000).toFixed(3)} seconds (${applied.keys} keys, ${applied.expired} expired)`);
  }

  private loadError(file: string, reason: string): Error {
    const msg = `Fatal error loading the RDB file ${file}: ${reason}. Refusing to start: fix or remove the file.`;
    this.logger.warning(msg);
    return new Error(msg);
  }

  /** SHUTDOWN / SIGTERM: save unless NOSAVE, when SAVE is given or save points are set. */
  onShutdown(options: ShutdownOptions): void {
    this.aof.shutdown(options);
    if (this.cron !== null) clearInterval(this.cron);
    if (!this.loaded) return;
    this.abortBackground();
    if (options.nosave || (!options.save && this.savePoints.length === 0)) return;
    this.logger.notice('Saving the final RDB snapshot before exiting.');
    if (!this.trySave()) {
      this.cron = setInterval(() => this.checkSavePoints(), CRON_MS);
      this.cron.unref();
      throw new Error("Error trying to save the DB, can't exit");
    }
  }

  // ---- saving -----------------------------------------------------------------------------


  /** rdbSave: write the whole dataset now. Returns false (and logs) on failure. */
  private trySave(): boolean {
    const file = this.file;
    const tmp = path.join(path.dirname(file), `temp-${process.pid}.rdb`);
    try {
      const s = new Snapshot(this.keyspace, this.services.find(FUNCTION_STORE), this.hooks, this.config);
      s.saveSync(tmp);
      fs.renameSync(tmp, file);
      logSkipped(this.logger, s);
    } catch (e) {
      this.logger.warning(`Failed saving the DB: ${(e as Error).message}`);
      fs.rmSync(tmp, { force: true });
      this.saveResult(false);
      return false;
    }
    this.logger.notice('DB saved on disk');
    this.keyspace.stats.dirty = 0;
    this.lastSave = Math.floor(Date.now() / 1000);
    this.saveResult(true);
    this.saves++;
    return true;
  }

  /**
   * A disk-backed full sync's image: written to `dbfilename` through a temporary file as it is
   * handed to the replicas, and counted as a background save (dirty, LASTSAVE) once renamed.
   */
  private async saveForReplicas(s: Snapshot, write: (chunk: Buffer) => void, aux?: ReadonlyArray<[string, string]>): Promise<void> {
    const tmp = path.join(path.dirname(this.file), `temp-${process.pid}-repl.rdb`);
    const dirtyBefore = this.dirty;
    try {
      await s.saveInBackground(tmp, aux, write);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    this.savedInBackground(tmp, s, dirtyBefore);
    this.logger.notice('DB saved on disk for the replicas');
  }

  /** A background save's file is complete: it becomes the data file; writes made meanwhile stay dirty. */
  private savedInBackground(tmp: string, s: Snapshot, dirtyBefore: number): void {
    fs.renameSync(tmp, this.file);
    logSkipped(this.logger, s);
    this.keyspace.stats.dirty = Math.max(0, this.dirty - dirtyBefore);
    this.lastSave = Math.floor(Date.now() / 1000);
    this.saveResult(true);
    this.saves++;
  }

  /** rdbSaveBackground: start a snapshot written in slices; it reports when done. */
  private startBackground(): void {
    const file = this.file;
    const tmp = path.join(path.dirname(file), `temp-bg-${process.pid}.rdb`);
    const snapshot = new Snapshot(this.keyspace, this.services.find(FUNCTION_STORE), this.hooks, this.config);
    const started = Date.now();
    const dirtyBefore = this.dirty;
    this.lastBgsaveTry = started;
    this.logger.notice('Background saving started');
    const done = snapshot
      .saveInBackground(tmp)
      .then(() => {
        this.savedInBackground(tmp, snapshot, dirtyBefore);
        this.logger.notice('Background saving terminated with success');
      })
      .catch((e: Error) => {
        fs.rmSync(tmp, { force: true });
        // An abort (shutdown, FLUSHALL) is not a failure, as a child killed with SIGUSR1 is not in Redis.
        if (!snapshot.aborted) {
          this.saveResult(false);
          this.logger.warning(`Background saving error: ${e.message}`);
        }
      })
      .finally(() => {
        this.lastBgsaveSec = Math.round((Date.now() - started) / 1000);
        if (this.bg?.snapshot === snapshot) this.bg = null;
      });
    this.bg = { snapshot, started, done };
  }

  private abortBackground(): void {
    if (this.bg === null) return;
    this.bg.snapshot.aborted = true;
    this.bg.snapshot.detach();
    this.bg = null;
  }

  /** serverCron's save point check. */
  private checkSavePoints(): void {
    if (this.bg !== null) return;
    const now = Date.now();
    for (const sp of this.savePoints) {
      if (this.dirty >= sp.changes && now - this.lastSave * 1000 > sp.seconds * 1000 && (this.lastBgsaveOk || now - this.lastBgsaveTry > RETRY_DELAY_MS)) {
        this.logger.notice(`${sp.changes} changes in ${sp.seconds} seconds. Saving...`);
        this.startBackground();
        return;
      }
    }
  }

  private infoFields(): [string, string | number][] {
    return [
      ['rdb_bgsave_in_progress', this.bg === null ? 0 : 1],
      ['rdb_last_save_time', this.lastSave],
      ['rdb_last_bgsave_status', this.lastBgsaveOk ? 'ok' : 'err'],
      ['rdb_last_bgsave_time_sec', this.lastBgsaveSec],
      ['rdb_current_bgsave_time_sec', this.bg === null ? -1 : Math.round((Date.now() - this.bg.started) / 1000)],
      ['rdb_saves', this.saves],
      ['rdb_last_cow_size', 0],
      ['rdb_last_load_keys_expired', this.expiredOnLoad],
      ['rdb_last_load_keys_loaded', this.loadedKeys],
    ];
  }

  /** A BGSAVE under way, for tests and callers that must wait for it. */
  get backgroundSave(): Promise<void> | null {
    return this.bg?.done ?? null;
  }

  // ---- commands ---------------------------------------------------------------------------

  @Command('save')
  save(): Reply {
    if (this.bg !== null) throw IN_PROGRESS;
    if (!this.trySave()) throw new ReplyError('ERR');
    return OK;
  }

  @Command('bgsave')
  bgsave(_ctx: CommandContext, argv: string[]): Reply {
    if (argv.length > 2 || (argv.length === 2 && argv[1].toLowerCase() !== 'schedule')) throw Errors.syntax;
    if (this.bg !== null) throw IN_PROGRESS;
    this.startBackground();
    return BGSAVE_STARTED;
  }

  @Command('lastsave')
  lastsave(): Reply {
    return this.lastSave;
  }

  @Command('dump')
  dump(ctx: CommandContext, argv: string[]): Reply {
    return dump(ctx, this.keyspace, argv[1]);
  }

  @Command('restore')
  restore(ctx: CommandContext, argv: string[]): Reply {
    return restore(ctx, this.keyspace, argv);
  }

  /** What MIGRATE sends in cluster mode: RESTORE, accepted here as a standalone server does. */
  @Command('restore-asking')
  restoreAsking(ctx: CommandContext, argv: string[]): Reply {
    return restore(ctx, this.keyspace, argv);
  }

  // ---- append-only file (aof.ts) ------------------------------------------------------------

  @Command('bgrewriteaof')
  bgrewriteaof(): Reply {
    return this.aof.bgrewriteaof();
  }
}
