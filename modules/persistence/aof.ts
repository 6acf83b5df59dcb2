import * as fs from 'fs';
import * as path from 'path';
import {
  Config,
  type ConfigParam,
  FUNCTION_STORE,
  Hooks,
  inject,
  injectable,
  type InfoField,
  Keyspace,
  Logger,
  type Reply,
  ReplyError,
  Server,
  Services,
  type ShutdownOptions,
  StatusReply,
} from '../../kernel';
import { AofLoader, AofLoadError, LoadResult } from './aof-loader';
import {
  type AofFileInfo,
  type AofManifest,
  baseName,
  cloneManifest,
  emptyManifest,
  fsyncDir,
  incrName,
  ManifestError,
  readManifest,
  writeManifest,
} from './aof-manifest';
import { encodeCommand, writeAofBase } from './aof-rewrite';
import { logSkipped, Snapshot } from './snapshot';

export const aofParams: ConfigParam[] = [
  { name: 'appendonly', type: 'bool', default: false, doc: 'Log every write to the append-only file (multi-part AOF in `appenddirname`). CONFIG SET appendonly yes rewrites the AOF first.' },
  {
    name: 'appendfilename',
    type: 'string',
    default: 'appendonly.aof',
    mutable: false,
    doc: 'Base name of the AOF files and of the manifest (`<name>.manifest`).',
    validate: (v) => (/[/\\]/.test(String(v)) ? "appendfilename can't be a path, just a filename" : undefined),
  },
  {
    name: 'appenddirname',
    type: 'string',
    default: 'appendonlydir',
    mutable: false,
    doc: 'Directory inside `dir` holding the AOF files and the manifest.',
    validate: (v) => (/[/\\]/.test(String(v)) ? "appenddirname can't be a path, just a dirname" : undefined),
  },
  { name: 'appendfsync', type: 'enum', values: ['always', 'everysec', 'no'], default: 'everysec', doc: 'fsync policy: always (before the reply), everysec (once a second), no (the OS decides).' },
  { name: 'aof-load-truncated', type: 'bool', default: true, doc: 'Load an AOF whose last file ends in a torn command, cutting the tail off (else refuse to start).' },
  { name: 'aof-use-rdb-preamble', type: 'bool', default: true, doc: 'Write the AOF base file in RDB format (`.base.rdb`) instead of commands (`.base.aof`).' },
  { name: 'aof-timestamp-enabled', type: 'bool', default: false, doc: 'Write `#TS:<unix time>` annotations into the AOF.' },
  { name: 'auto-aof-rewrite-percentage', type: 'int', default: 100, min: 0, max: 2147483647, doc: 'Rewrite the AOF when it grew by this percentage over its size after the last rewrite (0 disables).' },
  { name: 'auto-aof-rewrite-min-size', type: 'memory', default: 64 * 1024 * 1024, min: 0, doc: 'No automatic rewrite below this AOF size.' },
  { name: 'no-appendfsync-on-rewrite', type: 'bool', default: false, doc: 'Skip fsyncs of the AOF while a rewrite is in progress.' },
  { name: 'aof-rewrite-incremental-fsync', type: 'bool', default: true, doc: 'Accepted for compatibility (rewrites fsync when done).' },
];

type State = 'off' | 'on' | 'wait-rewrite';
type Fsync = 'always' | 'everysec' | 'no';

const REWRITE_STARTED = new StatusReply('Background append only file rewriting started');
const REWRITE_IN_PROGRESS = new ReplyError('ERR Background append only file rewriting already in progress');
const REWRITE_FAILED = new ReplyError("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
/** How often the AOF cron runs (everysec fsync, automatic rewrites). */
const CRON_MS = 100;

interface Rewrite {
  started: number;
  tmp: string;
  snapshot: Snapshot | null;
  /** The incremental file opened when the rewrite started (null when the AOF is off). */
  incr: AofFileInfo | null;
  aborted: boolean;
}

/**
 * The append-only file, as Redis 7.0's multi-part AOF: a manifest, one base file (RDB or
 * commands) and incremental files of RESP commands fed from Hooks.onPropagate. BGREWRITEAOF
 * writes a new base from a point-in-time snapshot (no fork: see Snapshot) while new writes go
 * to a new incremental file, then switches the manifest atomically and deletes the old files.
 */
@injectable()
export class Aof {
  private state: State = 'off';
  private started = false;
  private loading = false;
  private listening = false;
  private manifest: AofManifest = emptyManifest();
  private manifestRead = false;
  private dir = '';
  private fd = -1;
  private buf = '';
  private selectedDb = -1;
  private flushScheduled = false;
  private fsyncPolicy: Fsync = 'everysec';
  private timestamps = false;
  private lastTimestamp = 0;
  private rewrite: Rewrite | null = null;
  private cron: NodeJS.Timeout | null = null;
  // INFO persistence
  private currentSize = 0;
  private baseSize = 0;
  private unsyncedBytes = 0;
  private lastFsync = Date.now();
  private fsyncInFlight = false;
  private lastWriteOk = true;
  private lastRewriteOk = true;
  private lastRewriteSec = -1;
  private rewrites = 0;
  private consecutiveFailures = 0;

  constructor(
    @inject(Config) private readonly config: Config,
    @inject(Keyspace) private readonly keyspace: Keyspace,
    @inject(Hooks) private readonly hooks: Hooks,
    @inject(Logger) private readonly logger: Logger,
    @inject(Server) private readonly server: Server,
    @inject(Services) private readonly services: Services,
  ) {
    config.watch('appendfsync', (v) => (this.fsyncPolicy = v as Fsync));
    config.watch('aof-timestamp-enabled', (v) => (this.timestamps = v as boolean));
    config.watch('appendonly', (v) => this.appendonlyChanged(v as boolean));
  }

  private get aofName(): string {
    return this.config.get<string>('appendfilename');
  }

  private aofDir(): string {
    return path.resolve(this.config.get<string>('dir'), this.config.get<string>('appenddirname'));
  }

  /** The AOF is written (or being started). */
  get enabled(): boolean {
    return this.state !== 'off';
  }

  /** A rewrite under way, for tests and callers that must wait for it. */
  rewriteDone: Promise<void> | null = null;

  // ---- start-up -------------------------------------------------------------------------

  /**
   * loadDataFromDisk's AOF branch: with appendonly yes, load the AOF (and not the RDB file);
   * returns false when the AOF is off, so the caller loads the RDB file instead. A bad AOF
   * throws: the server refuses to start.
   */
  loadAtStart(): boolean {
    if (!this.config.get<boolean>('appendonly')) return false;
    const t0 = Date.now();
    try {
      this.readManifestOnce(true);
    } catch (e) {
      throw this.fatal(e);
    }
    const m = this.manifest;
    const files = [...(m.base ? [m.base] : []), ...m.incr];
    if (files.length === 0) return true;
    let total = 0;
    for (const f of files) {
      try {
        total += fs.statSync(path.join(this.dir, f.name)).size;
      } catch (e) {
        throw this.fatal(new AofLoadError(`The append log file ${f.name} doesn't exist: ${(e as Error).message}`));
      }
    }
    if (total === 0) return true;
    const loader = new AofLoader(this.server, this.keyspace, this.services.find(FUNCTION_STORE), this.logger);
    const expiry = this.keyspace.expiryEnabled;
    this.keyspace.expiryEnabled = false;
    this.loading = true;
    try {
      files.forEach((f, i) => {
        const t = Date.now();
        const last = i === files.length - 1;
        const r = loader.loadFile(this.dir, f.name, { loadTruncated: this.config.get<boolean>('aof-load-truncated'), lastFile: last });
        if (r !== LoadResult.Empty) {
          this.logger.notice(`DB loaded from ${f.type === 'b' ? 'base' : 'incr'} file ${f.name}: ${((Date.now() - t) / 1000).toFixed(3)} seconds`);
        }
      });
    } catch (e) {
      throw this.fatal(e);
    } finally {
      this.loading = false;
      this.keyspace.expiryEnabled = expiry;
    }
    this.keyspace.stats.dirty = 0;
    this.baseSize = m.base ? this.fileSize(m.base.name) : 0;
    this.currentSize = files.reduce((n, f) => n + this.fileSize(f.name), 0);
    this.logger.notice(`DB loaded from append only file: ${((Date.now() - t0) / 1000).toFixed(3)} seconds`);
    return true;
  }

  private fatal(e: unknown): Error {
    const msg = e instanceof ManifestError ? `*** FATAL AOF MANIFEST FILE ERROR *** ${e.message}` : (e as Error).message;
    this.logger.warning(msg);
    return new Error(`Fatal error loading the append only file: ${msg}`);
  }

  private fileSize(name: string): number {
    try {
      return fs.statSync(path.join(this.dir, name)).size;
    } catch {
      return 0;
    }
  }

  /** Read the manifest (once), creating the directory and upgrading an old single-file AOF. */
  private readManifestOnce(create: boolean): void {
    if (this.manifestRead) return;
    this.dir = this.aofDir();
    const name = this.aofName;
    const dirExists = fs.existsSync(this.dir);
    const m = (dirExists ? readManifest(this.dir, name) : null) ?? emptyManifest();
    // aofUpgradePrepare: an AOF from Redis < 7.0 (`<dir>/appendonly.aof`) becomes the base.
    const old = path.resolve(this.config.get<string>('dir'), name);
    if (create && m.base === null && m.incr.length === 0 && fs.existsSync(old) && fs.statSync(old).isFile()) {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.renameSync(old, path.join(this.dir, name));
      m.base = { name, seq: 1, type: 'b' };
      m.baseSeq = Math.max(m.baseSeq, 1);
      writeManifest(this.dir, name, m);
      this.logger.notice(`Successfully migrated an old-style AOF into the AOF directory (${this.dir})`);
    }
    if (create) fs.mkdirSync(this.dir, { recursive: true });
    this.manifest = m;
    this.manifestRead = true;
  }

  /** After loading: INFO fields, the cron, and the AOF opened for writing when on. */
  start(): void {
    this.hooks.onInfo('persistence', () => this.infoFields());
    this.started = true;
    this.cron = setInterval(() => this.serverCron(), CRON_MS);
    this.cron.unref();
    if (this.config.get<boolean>('appendonly')) this.openOnStart();
  }

  /** aofOpenIfNeededOnServerStart: a base for an empty set, the last incremental file for appending. */
  private openOnStart(): void {
    this.readManifestOnce(true);
    const m = cloneManifest(this.manifest);
    const name = this.aofName;
    if (m.base === null && m.incr.length === 0) {
      const seq = m.baseSeq + 1;
      const file = baseName(name, seq, this.config.get<boolean>('aof-use-rdb-preamble'));
      this.writeBaseSync(path.join(this.dir, file));
      m.base = { name: file, seq, type: 'b' };
      m.baseSeq = seq;
      this.baseSize = this.fileSize(file);
      this.currentSize = this.baseSize;
    }
    if (m.incr.length === 0) {
      m.incrSeq++;
      m.incr.push({ name: incrName(name, m.incrSeq), seq: m.incrSeq, type: 'i' });
    }
    const last = m.incr[m.incr.length - 1];
    this.fd = fs.openSync(path.join(this.dir, last.name), 'a');
    const history = m.history;
    m.history = [];
    writeManifest(this.dir, name, m);
    this.manifest = m;
    this.deleteFiles(history);
    this.selectedDb = -1;
    this.setState('on');
  }

  /** A synchronous rewrite into `file` (start-up with no AOF yet). */
  private writeBaseSync(file: string): void {
    const tmp = path.join(this.dir, `temp-rewriteaof-${process.pid}.aof`);
    try {
      if (this.config.get<boolean>('aof-use-rdb-preamble')) {
        const s = new Snapshot(this.keyspace, this.services.find(FUNCTION_STORE), this.hooks, this.config);
        s.saveSync(tmp);
        logSkipped(this.logger, s);
      } else {
        this.logSkippedTypes(writeAofBase(tmp, this.keyspace, this.services.find(FUNCTION_STORE)));
      }
      fs.renameSync(tmp, file);
      fsyncDir(this.dir);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
  }


  private logSkippedTypes(skipped: Set<string>): void {
    if (skipped.size !== 0) this.logger.warning(`AOF: values of type ${[...skipped].join(', ')} cannot be rewritten and were left out`);
  }

  private setState(s: State): void {
    this.state = s;
    if (s !== 'off' && !this.listening) {
      // Subscribed only once the AOF is first on: with appendonly no, writes pay nothing.
      this.listening = true;
      this.hooks.onPropagate((dbid, argv) => this.feed(dbid, argv));
      this.hooks.onBeforeReplies(() => {
        if (this.buf.length !== 0) this.flush(this.fsyncPolicy === 'always');
      });
    }
  }

  // ---- writing --------------------------------------------------------------------------

  /** feedAppendOnlyFile: append a propagated write (with SELECT when the database changes). */
  private feed(dbid: number, argv: string[]): void {
    if (this.state === 'off' || this.loading) return;
    let s = '';
    if (this.timestamps) {
      const now = Math.floor(Date.now() / 1000);
      if (now > this.lastTimestamp) {
        this.lastTimestamp = now;
        s += `#TS:${now}\r\n`;
      }
    }
    if (dbid !== this.selectedDb) {
      const id = String(dbid);
      s += `*2\r\n$6\r\nSELECT\r\n$${id.length}\r\n${id}\r\n`;
      this.selectedDb = dbid;
    }
    this.buf += s + encodeCommand(argv);
    // One write per event-loop turn (with `always`, one fsync: a group commit), done before
    // the turn's replies leave (Hooks.onBeforeReplies). Writes no reply waits for (expiry,
    // timers) are flushed by the task scheduled here.
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushTask);
    }
  }

  private readonly flushTask = (): void => {
    this.flushScheduled = false;
    this.flush(this.fsyncPolicy === 'always');
  };

  /** flushAppendOnlyFile: write the buffer; fsync it too for `always` (or when `sync`). */
  private flush(sync: boolean): void {
    if (this.fd < 0 || this.buf.length === 0) {
      if (sync && this.fd >= 0 && this.unsyncedBytes !== 0) this.fsyncNow();
      return;
    }
    const data = Buffer.from(this.buf, 'latin1');
    this.buf = '';
    let written = 0;
    try {
      while (written < data.length) written += fs.writeSync(this.fd, data, written, data.length - written);
    } catch (e) {
      this.writeError(e as Error, data.subarray(written));
      return;
    }
    if (!this.lastWriteOk) {
      this.logger.warning('AOF write error looks solved, Ferrous can write again.');
      this.lastWriteOk = true;
    }
    this.currentSize += data.length;
    this.unsyncedBytes += data.length;
    if (sync && !(this.rewrite !== null && this.config.get<boolean>('no-appendfsync-on-rewrite'))) this.fsyncNow();
  }

  private fsyncNow(): void {
    try {
      fs.fdatasyncSync(this.fd);
    } catch (e) {
      if (this.fsyncPolicy === 'always') {
        // As Redis: an acknowledged write must be on disk; there is no way to take replies back.
        this.logger.warning(`Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${(e as Error).message}. Exiting...`);
        process.exit(1);
      }
      this.logger.warning(`AOF fsync error: ${(e as Error).message}`);
      return;
    }
    this.unsyncedBytes = 0;
    this.lastFsync = Date.now();
  }

  private writeError(e: Error, rest: Buffer): void {
    this.logger.warning(`Error writing to the AOF file: ${e.message}`);
    if (this.fsyncPolicy === 'always') {
      this.logger.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
      process.exit(1);
    }
    // Keep what was not written; the next flush tries again.
    this.lastWriteOk = false;
    this.buf = rest.latin1Slice(0, rest.length) + this.buf;
  }

  /** The AOF cron: everysec fsync in the background, automatic rewrites. */
  private serverCron(): void {
    if (this.state === 'off') return;
    if (this.buf.length !== 0) this.flush(false);
    const now = Date.now();
    if (this.fsyncPolicy === 'everysec' && this.unsyncedBytes !== 0 && now - this.lastFsync >= 1000 && !this.fsyncInFlight) {
      if (!(this.rewrite !== null && this.config.get<boolean>('no-appendfsync-on-rewrite'))) {
        this.fsyncInFlight = true;
        this.unsyncedBytes = 0;
        this.lastFsync = now;
        // aof_background_fsync: on libuv's thread pool, so the event loop does not wait for the disk.
        fs.fdatasync(this.fd, (err) => {
          this.fsyncInFlight = false;
          if (err && err.code !== 'EBADF') this.logger.warning(`AOF fsync error: ${err.message}`);
        });
      }
    }
    if (this.state === 'on' && this.rewrite === null) {
      const perc = this.config.get<number>('auto-aof-rewrite-percentage');
      if (perc !== 0 && this.currentSize > this.config.get<number>('auto-aof-rewrite-min-size')) {
        const base = this.baseSize === 0 ? 1 : this.baseSize;
        const growth = Math.floor((this.currentSize * 100) / base) - 100;
        if (growth >= perc) {
          this.logger.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
          this.tryRewrite();
        }
      }
    }
  }

  // ---- rewriting ------------------------------------------------------------------------

  /** BGREWRITEAOF. */
  bgrewriteaof(): Reply {
    if (this.rewrite !== null) throw REWRITE_IN_PROGRESS;
    if (!this.tryRewrite()) throw REWRITE_FAILED;
    return REWRITE_STARTED;
  }

  private tryRewrite(): boolean {
    try {
      this.startRewrite();
      return true;
    } catch (e) {
      this.logger.warning(`Can't rewrite append only file in background: ${(e as Error).message}`);
      this.lastRewriteOk = false;
      this.consecutiveFailures++;
      return false;
    }
  }

  /**
   * rewriteAppendOnlyFileBackground without fork: from this instant new writes go to a new
   * incremental file, and the base is written from a snapshot taken at the same instant.
   */
  private startRewrite(): void {
    this.readManifestOnce(true);
    const dir = this.dir;
    let incr: AofFileInfo | null = null;
    if (this.state !== 'off') {
      this.flush(true);
      const m = cloneManifest(this.manifest);
      m.incrSeq++;
      incr = { name: incrName(this.aofName, m.incrSeq), seq: m.incrSeq, type: 'i' };
      const fd = fs.openSync(path.join(dir, incr.name), 'a');
      if (this.state === 'on') {
        // openNewIncrAofForAppend: the manifest lists the new file at once.
        m.incr.push(incr);
        try {
          writeManifest(dir, this.aofName, m);
        } catch (e) {
          fs.closeSync(fd);
          fs.rmSync(path.join(dir, incr.name), { force: true });
          throw e;
        }
      }
      this.manifest.incrSeq = m.incrSeq;
      if (this.state === 'on') this.manifest = m;
      if (this.fd >= 0) fs.closeSync(this.fd);
      this.fd = fd;
      this.selectedDb = -1;
    }
    const tmp = path.join(dir, `temp-rewriteaof-bg-${process.pid}.aof`);
    const r: Rewrite = { started: Date.now(), tmp, snapshot: null, incr, aborted: false };
    this.rewrite = r;
    this.logger.notice('Background append only file rewriting started');
    let done: Promise<void>;
    if (this.config.get<boolean>('aof-use-rdb-preamble')) {
      r.snapshot = new Snapshot(this.keyspace, this.services.find(FUNCTION_STORE), this.hooks, this.config);
      done = r.snapshot.saveInBackground(tmp);
    } else {
      // The command-format base is written synchronously (no point-in-time slicing yet).
      try {
        this.logSkippedTypes(writeAofBase(tmp, this.keyspace, this.services.find(FUNCTION_STORE)));
        done = Promise.resolve();
      } catch (e) {
        done = Promise.reject(e);
      }
    }
    this.rewriteDone = done.then(
      () => this.rewriteFinished(r),
      (e: Error) => this.rewriteFailed(r, e),
    );
  }

  /** backgroundRewriteDoneHandler: install the new base, retire the old files. */
  private rewriteFinished(r: Rewrite): void {
    if (r.aborted || this.rewrite !== r) {
      fs.rmSync(r.tmp, { force: true });
      return;
    }
    try {
      if (r.snapshot !== null) logSkipped(this.logger, r.snapshot);
      const m = cloneManifest(this.manifest);
      const seq = m.baseSeq + 1;
      const name = baseName(this.aofName, seq, r.snapshot !== null);
      fs.renameSync(r.tmp, path.join(this.dir, name));
      const retired: AofFileInfo[] = [];
      if (m.base !== null) retired.push(m.base);
      let keep: AofFileInfo[];
      if (r.incr === null) keep = [];
      else if (this.state === 'wait-rewrite') keep = [r.incr];
      else keep = m.incr.filter((f) => f.seq >= r.incr!.seq);
      for (const f of m.incr) if (!keep.includes(f)) retired.push(f);
      m.base = { name, seq, type: 'b' };
      m.baseSeq = seq;
      m.incr = keep;
      retired.push(...m.history);
      m.history = [];
      writeManifest(this.dir, this.aofName, m);
      this.manifest = m;
      this.deleteFiles(retired.filter((f) => !keep.some((k) => k.name === f.name) && f.name !== name));
      this.baseSize = this.fileSize(name);
      this.currentSize = this.baseSize + keep.reduce((n, f) => n + this.fileSize(f.name), 0) + 0;
      if (this.state === 'wait-rewrite') {
        this.setState('on');
        this.logger.notice('Background AOF rewrite finished successfully');
      }
      this.rewrites++;
      this.consecutiveFailures = 0;
      this.lastRewriteOk = true;
      this.logger.notice('Background AOF rewrite terminated with success');
    } catch (e) {
      this.rewriteFailed(r, e as Error);
      return;
    }
    this.endRewrite(r);
  }

  private rewriteFailed(r: Rewrite, e: Error): void {
    fs.rmSync(r.tmp, { force: true });
    if (r.aborted || this.rewrite !== r) return;
    this.logger.warning(`Background AOF rewrite failed: ${e.message}`);
    this.lastRewriteOk = false;
    this.consecutiveFailures++;
    if (this.state === 'wait-rewrite') {
      // The AOF never got a base: turn it off again (the incremental file is not in any manifest).
      this.closeFile();
      if (r.incr !== null) fs.rmSync(path.join(this.dir, r.incr.name), { force: true });
      this.state = 'off';
      this.logger.warning('Unable to turn on AOF: the initial rewrite failed.');
    }
    this.endRewrite(r);
  }

  private endRewrite(r: Rewrite): void {
    this.lastRewriteSec = Math.round((Date.now() - r.started) / 1000);
    if (this.rewrite === r) this.rewrite = null;
  }

  private abortRewrite(): void {
    const r = this.rewrite;
    if (r === null) return;
    r.aborted = true;
    if (r.snapshot !== null) {
      r.snapshot.aborted = true;
      r.snapshot.detach();
    }
    fs.rmSync(r.tmp, { force: true });
    this.rewrite = null;
    this.logger.notice('Killing running AOF rewrite');
  }

  private deleteFiles(files: AofFileInfo[]): void {
    for (const f of files) {
      try {
        fs.rmSync(path.join(this.dir, f.name), { force: true });
      } catch (e) {
        this.logger.warning(`Can't remove the AOF file ${f.name}: ${(e as Error).message}`);
      }
    }
  }

  // ---- CONFIG SET appendonly ---------------------------------------------------------------

  private appendonlyChanged(on: boolean): void {
    if (!this.started) return;
    if (on && this.state === 'off') this.startAppendOnly();
    else if (!on && this.state !== 'off') this.stopAppendOnly();
  }

  /** startAppendOnly: the AOF is on once a first rewrite has written a base. */
  private startAppendOnly(): void {
    this.abortRewrite();
    this.setState('wait-rewrite');
    if (!this.tryRewrite()) {
      this.state = 'off';
      this.closeFile();
      this.logger.warning('Redis needs to enable the AOF but can\'t trigger a background AOF rewrite operation. Check the above logs for more info about the error.');
    }
  }

  /** stopAppendOnly: flush, fsync and close; an initial rewrite under way is abandoned. */
  private stopAppendOnly(): void {
    const r = this.rewrite;
    const waiting = this.state === 'wait-rewrite';
    this.flush(true);
    this.closeFile();
    this.abortRewrite();
    if (waiting && r?.incr) fs.rmSync(path.join(this.dir, r.incr.name), { force: true });
    this.state = 'off';
  }

  private closeFile(): void {
    if (this.fd < 0) return;
    try {
      fs.fdatasyncSync(this.fd);
    } catch {
      // closing anyway
    }
    fs.closeSync(this.fd);
    this.fd = -1;
    this.unsyncedBytes = 0;
  }

  // ---- shutdown -----------------------------------------------------------------------------

  /** prepareForShutdown's AOF part: stop a rewrite, flush and fsync. */
  shutdown(options: ShutdownOptions): void {
    if (this.cron !== null) clearInterval(this.cron);
    this.cron = null;
    if (this.state === 'off') {
      this.abortRewrite();
      return;
    }
    if (this.state === 'wait-rewrite' && this.rewrite !== null && !options.force) {
      this.cron = setInterval(() => this.serverCron(), CRON_MS);
      this.cron.unref();
      throw new Error("Writing initial AOF, can't exit.");
    }
    this.abortRewrite();
    this.flush(true);
    this.closeFile();
    this.state = 'off';
  }

  // ---- INFO ---------------------------------------------------------------------------------

  private infoFields(): InfoField[] {
    const r = this.rewrite;
    const out: InfoField[] = [
      ['aof_enabled', this.state !== 'off' ? 1 : 0],
      ['aof_rewrite_in_progress', r !== null ? 1 : 0],
      ['aof_rewrite_scheduled', 0],
      ['aof_last_rewrite_time_sec', this.lastRewriteSec],
      ['aof_current_rewrite_time_sec', r === null ? -1 : Math.round((Date.now() - r.started) / 1000)],
      ['aof_last_bgrewrite_status', this.lastRewriteOk ? 'ok' : 'err'],
      ['aof_rewrites', this.rewrites],
      ['aof_rewrites_consecutive_failures', this.consecutiveFailures],
      ['aof_last_write_status', this.lastWriteOk ? 'ok' : 'err'],
      ['aof_last_cow_size', 0],
      ['module_fork_in_progress', 0],
      ['module_fork_last_cow_size', 0],
    ];
    if (this.state !== 'off') {
      out.push(
        ['aof_current_size', this.currentSize],
        ['aof_base_size', this.baseSize],
        ['aof_pending_rewrite', 0],
        ['aof_buffer_length', this.buf.length],
        ['aof_pending_bio_fsync', this.fsyncInFlight ? 1 : 0],
        ['aof_delayed_fsync', 0],
      );
    }
    return out;
  }
}
