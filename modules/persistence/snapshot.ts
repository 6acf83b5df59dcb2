import * as fs from 'fs';
import {
  type Config,
  Crc64,
  type Database,
  type FunctionStore,
  type Hooks,
  type Keyspace,
  type Logger,
  RdbOutput,
  REDIS_VERSION,
  writeKeyValue,
} from '../../kernel';
import { writeFunctions, writeHeader, writeSelectDb, writeTrailer } from './rdb';

/** Keys serialised between two looks at the clock (BGSAVE): a power of two. */
const SLICE_KEYS = 64;
/**
 * How long one slice may hold the event loop (ms). A command arriving during a slice waits
 * for its end, so this bounds the latency a BGSAVE adds.
 */
const SLICE_MS = 0.25;
/** Bytes buffered before a slice's output goes to the sink (a replica loads each chunk as it arrives: small ones start it sooner). */
const FLUSH_BYTES = 64 * 1024;

interface DbState {
  /**
   * The walk goes down the database's rows (Database.rowOf), in memory order: the rows from
   * `below` up were walked (Infinity: not started). Only keys that writes made the snapshot
   * handle out of turn are remembered by name, so the memory a BGSAVE needs follows the writes
   * during it, not the size of the data.
   */
  below: number;
  /**
   * Keys the walk skips: handled out of turn because a write touched them before the walk
   * reached them (saved as they were, or, for a key the write creates, left out: it did not
   * exist when the snapshot began), or walked already and moved down by a removal.
   */
  readonly done: Set<string>;
  /** Early-saved entries for a database the writer has not reached yet. */
  early: RdbOutput | null;
  /** Everything was saved early (FLUSHDB, SWAPDB): nothing left to iterate. */
  complete: boolean;
}

/**
 * A point-in-time RDB snapshot without fork. The snapshot begins at one instant (when it
 * starts watching writes); keys are then serialised a slice at a time. Before any write
 * touches a key the snapshot has not saved yet (Hooks.onBeforeWrite), its current — still old
 * — value is serialised at once, so the file holds every key as it was when the snapshot
 * began, whatever happens while it is written.
 */
export class Snapshot {
  private readonly states: DbState[];
  /** The database being iterated; lower ones are finished. */
  private current = -1;
  private readonly out: RdbOutput;
  private readonly crc: Crc64 | null;
  /** The function libraries as they are when the snapshot begins. */
  private readonly functions: string[];
  private unsubscribe: (() => void) | null = null;
  keysSaved = 0;
  skippedTypes = new Set<string>();
  aborted = false;

  /** A snapshot of the keyspace as it is now, with the rdbcompression/rdbchecksum settings. */
  constructor(
    private readonly keyspace: Keyspace,
    functions: FunctionStore | undefined,
    private readonly hooks: Hooks,
    config: Config,
  ) {
    this.out = new RdbOutput(config.get<boolean>('rdbcompression'));
    this.crc = config.get<boolean>('rdbchecksum') ? new Crc64() : null;
    this.functions = functions?.codes() ?? [];
    this.states = keyspace.dbs.map(() => ({ below: Infinity, done: new Set<string>(), early: null, complete: false }));
  }

  /** Serialise everything now (SAVE, and shutdown). */
  saveSync(file: string): void {
    const fd = fs.openSync(file, 'w');
    try {
      const write = (b: Buffer) => {
        this.crc?.update(b);
        fs.writeSync(fd, b);
      };
      writeHeader(this.out, REDIS_VERSION, process.memoryUsage().heapUsed);
      writeFunctions(this.out, this.functions);
      for (let i = 0; i < this.states.length; i++) {
        this.enterDb(i);
        const db = this.keyspace.dbs[i];
        const now = Date.now();
        for (let r = db.size - 1; r >= 0; r--) {
          this.saveRow(db, r, now);
          if (this.out.len >= FLUSH_BYTES) write(this.out.take());
        }
      }
      const last = writeTrailer(this.out, null);
      this.crc?.update(last.subarray(0, last.length - 8));
      fs.writeSync(fd, last.subarray(0, last.length - 8));
      fs.writeSync(fd, this.crc === null ? Buffer.alloc(8) : this.crc.digest());
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Serialise in slices, yielding between them; writes that touch unsaved keys meanwhile
   * save the old values first. Resolves when the file is complete (not yet renamed). `aux` and
   * `tap` serve a disk-backed full sync: its header fields, and the replicas given each chunk.
   */
  async saveInBackground(file: string, aux?: ReadonlyArray<[string, string]>, tap?: (b: Buffer) => void): Promise<void> {
    // The point in time is now, when BGSAVE answers: writes made while the file opens count.
    this.attach();
    const fh = await fs.promises.open(file, 'w');
    try {
      await this.produce((b) => {
        tap?.(b);
        return fh.write(b);
      }, aux);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  /**
   * Serialise in slices into `sink` (a file, a replica's socket), yielding between slices;
   * writes that touch unsaved keys meanwhile save the old values first. Resolves once the
   * checksum was handed over. `aux`: AUX fields to add to the header (a replication image's).
   */
  async produce(sink: (b: Buffer) => Promise<unknown> | void, aux: ReadonlyArray<[string, string]> = []): Promise<void> {
    this.attach();
    try {
      writeHeader(this.out, REDIS_VERSION, process.memoryUsage().heapUsed, aux);
      writeFunctions(this.out, this.functions);
      for (let i = 0; i < this.states.length; i++) {
        this.enterDb(i);
        const state = this.states[i];
        if (state.complete) continue;
        // Walk the rows down, a fraction of a millisecond at a time, so the server keeps
        // answering between slices: in memory order (each key's name and value were allocated
        // about when its row was), with no up-front key list. Keys created after the snapshot
        // began are in `done` (their creation was a write) and are skipped.
        while (state.below > 0 && !state.complete) {
          if (this.aborted) throw new Error('background save aborted');
          // SWAPDB and FLUSHDB set `complete`; removals may have left fewer rows than `below`.
          const db = this.keyspace.dbs[i];
          if (state.below > db.size) state.below = db.size;
          const sliceStart = performance.now();
          const now = Date.now();
          let n = 0;
          while (state.below > 0) {
            this.saveRow(db, --state.below, now);
            if ((++n & (SLICE_KEYS - 1)) === 0 && performance.now() - sliceStart >= SLICE_MS) break;
          }
          // The checksum runs over each slice's output as it is made, not over a large block later.
          if (this.out.len >= FLUSH_BYTES) await sink(this.checksummed(this.out.take()));
          if (state.below > 0 && !state.complete) await yieldToReplies();
        }
      }
      // The last database's early saves may arrive up to the final synchronous step.
      this.detach();
      const last = writeTrailer(this.out, null);
      await sink(this.checksummed(last.subarray(0, last.length - 8)));
      await sink(this.crc === null ? Buffer.alloc(8) : this.crc.digest());
    } finally {
      this.detach();
    }
  }

  private checksummed(b: Buffer): Buffer {
    this.crc?.update(b);
    return b;
  }

  /** Keep the old value of every key written from now on until the walk has saved it. */
  private attach(): void {
    this.unsubscribe ??= this.hooks.onBeforeWrite((db, key) => this.beforeWrite(db, key));
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Start database `i`'s section: SELECTDB, RESIZEDB and whatever was saved early for it. */
  private enterDb(i: number): void {
    this.current = i;
    const state = this.states[i];
    const db = this.keyspace.dbs[i];
    const early = state.early;
    state.early = null;
    state.below = db.size;
    if (db.size === 0 && early === null) return;
    writeSelectDb(this.out, i, db.size, db.expires.size);
    if (early !== null) this.out.bytes(early.buf.subarray(0, early.len));
  }

  /** The walk's save of row `r`: unless skipped (`done`) or expired at `now`. */
  private saveRow(db: Database, r: number, now: number): void {
    const key = db.keyAt(r);
    const done = this.states[db.id].done;
    if (done.size !== 0 && done.has(key)) return;
    let expire = -1;
    if (db.expires.size !== 0) {
      const t = db.expires.get(key);
      if (t !== undefined) {
        if (t <= now) return;
        expire = t;
      }
    }
    this.write(this.out, key, db.valueAt(r), expire);
  }

  private write(out: RdbOutput, key: string, value: unknown, expire: number): void {
    const type = this.keyspace.types.of(value);
    if (writeKeyValue(out, key, type, value, expire)) this.keysSaved++;
    else this.skippedTypes.add(type.name);
  }

  /** A write is about to change `key` (null: the whole database): save what the walk has not. */
  private beforeWrite(db: Database, key: string | null): void {
    const i = db.id;
    if (i < this.current) return;
    const state = this.states[i];
    if (state.complete) return;
    const out = i === this.current ? this.out : (state.early ??= new RdbOutput(this.out.compress));
    if (key === null) {
      const now = Date.now();
      for (let r = Math.min(state.below, db.size) - 1; r >= 0; r--) {
        const k = db.keyAt(r);
        if (state.done.has(k)) continue;
        const t = db.expires.size === 0 ? undefined : db.expires.get(k);
        if (t === undefined || t > now) this.write(out, k, db.valueAt(r), t ?? -1);
      }
      state.complete = true;
      // The section header of a database not reached yet is written when it is: note the keys there.
      if (i !== this.current && state.early !== null && state.early.len === 0) state.early = null;
      return;
    }
    const r = db.rowOf(key);
    // Walked: saved already. If the write removes it, the last row (walked too) takes its place.
    if (r >= state.below) return;
    // If the write removes it, the last row takes its place: one the walk passed must not be met again.
    if (r >= 0 && db.size - 1 >= state.below) state.done.add(db.keyAt(db.size - 1));
    if (state.done.has(key)) return;
    state.done.add(key);
    if (r >= 0) this.write(out, key, db.valueAt(r), db.getExpire(key));
  }
}

/**
 * Let the replies of this turn go out before the next slice: the turn-end pass that writes
 * them is queued behind an immediate scheduled now, so wait one immediate more.
 */
function yieldToReplies(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** Write through a temporary file and rename, so a crash never leaves a half-written dump. */
export function tempFileFor(dir: string, tag: string): string {
  return `${dir}/temp-${process.pid}-${tag}.rdb`;
}

export function logSkipped(logger: Logger, s: Snapshot): void {
  if (s.skippedTypes.size !== 0) logger.warning(`RDB: values of type ${[...s.skippedTypes].join(', ')} cannot be saved in an RDB file and were left out`);
}
