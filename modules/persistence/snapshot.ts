import * as fs from 'fs';
import { type Config, type Database, type Hooks, type Keyspace, type Logger, REDIS_VERSION } from '../../kernel';
import { Crc64 } from './crc64';
import { RdbOutput, writeEntry, writeHeader, writeSelectDb, writeTrailer } from './rdb';

/** Keys serialised between two looks at the clock (BGSAVE). */
const SLICE_KEYS = 128;
/** How long one slice may hold the event loop (ms) before other clients get their turn. */
const SLICE_MS = 1;
/** Bytes buffered before a slice's output goes to the file. */
const FLUSH_BYTES = 1 << 20;

interface DbState {
  /** Entries with a sequence number above this were created after the snapshot began. */
  readonly maxSeq: number;
  /** Keys already saved (or found missing) because a write touched them first. */
  readonly done: Set<string>;
  /** Early-saved entries for a database the writer has not reached yet. */
  early: RdbOutput | null;
  /** Everything was saved early (FLUSHDB, SWAPDB): nothing left to iterate. */
  complete: boolean;
}

/**
 * A point-in-time RDB snapshot without fork. The snapshot begins at one instant (each
 * database's highest entry sequence number is noted); keys are then serialised a slice at a
 * time. Before any write touches a key the snapshot has not saved yet (Hooks.onBeforeWrite),
 * its current — still old — value is serialised at once, so the file holds every key as it
 * was when the snapshot began, whatever happens while it is written.
 */
export class Snapshot {
  private readonly states: DbState[];
  /** The database being iterated; lower ones are finished. */
  private current = -1;
  private readonly out: RdbOutput;
  private readonly crc: Crc64 | null;
  private unsubscribe: (() => void) | null = null;
  keysSaved = 0;
  skippedTypes = new Set<string>();
  aborted = false;

  /** A snapshot of the keyspace as it is now, with the rdbcompression/rdbchecksum settings. */
  constructor(
    private readonly keyspace: Keyspace,
    private readonly hooks: Hooks,
    config: Config,
  ) {
    this.out = new RdbOutput(config.get<boolean>('rdbcompression'));
    this.crc = config.get<boolean>('rdbchecksum') ? new Crc64() : null;
    this.states = keyspace.dbs.map((db) => ({ maxSeq: db.lastSeq, done: new Set<string>(), early: null, complete: false }));
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
      for (let i = 0; i < this.states.length; i++) {
        this.enterDb(i);
        const db = this.keyspace.dbs[i];
        for (const key of db.keys()) this.saveKey(db, this.states[i], key, this.out);
        if (this.out.len >= FLUSH_BYTES) write(this.out.take());
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
   * save the old values first. Resolves when the file is complete (not yet renamed).
   */
  async saveInBackground(file: string): Promise<void> {
    this.unsubscribe = this.hooks.onBeforeWrite((db, key) => this.beforeWrite(db, key));
    const fh = await fs.promises.open(file, 'w');
    try {
      const write = async (b: Buffer) => {
        this.crc?.update(b);
        await fh.write(b);
      };
      writeHeader(this.out, REDIS_VERSION, process.memoryUsage().heapUsed);
      for (let i = 0; i < this.states.length; i++) {
        this.enterDb(i);
        const state = this.states[i];
        if (state.complete) continue;
        // Walk the keys in insertion order with a SCAN cursor, about a millisecond at a time,
        // so the server keeps answering between slices: no up-front key list either. Keys
        // created after the snapshot began have a higher sequence number and are skipped.
        let cursor = 0;
        do {
          if (this.aborted) throw new Error('background save aborted');
          const sliceStart = performance.now();
          do {
            // Re-read the database each slice: SWAPDB may have moved the data (then `complete` is set).
            const db = this.keyspace.dbs[i];
            cursor = db.scan(cursor, SLICE_KEYS, (key) => this.saveKey(db, state, key, this.out));
          } while (cursor !== 0 && !state.complete && performance.now() - sliceStart < SLICE_MS);
          if (this.out.len >= FLUSH_BYTES) await write(this.out.take());
          if (cursor !== 0 && !state.complete) await new Promise<void>((resolve) => setImmediate(resolve));
        } while (cursor !== 0 && !state.complete);
      }
      // The last database's early saves may arrive up to the final synchronous step.
      this.detach();
      const last = writeTrailer(this.out, null);
      await write(last.subarray(0, last.length - 8));
      await fh.write(this.crc === null ? Buffer.alloc(8) : this.crc.digest());
      await fh.sync();
    } finally {
      this.detach();
      await fh.close();
    }
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
    if (db.size === 0 && early === null) return;
    writeSelectDb(this.out, i, db.size, db.expires.size);
    if (early !== null) this.out.bytes(early.buf.subarray(0, early.len));
  }

  /** Save `key` if it belongs to the snapshot and has not been saved yet. */
  private saveKey(db: Database, state: DbState, key: string, out: RdbOutput): void {
    if (state.done.has(key)) return;
    const e = db.peekEntry(key);
    if (e === undefined || e.seq > state.maxSeq) return;
    state.done.add(key);
    const type = this.keyspace.types.of(e.value);
    if (type.toPortable === undefined) {
      this.skippedTypes.add(type.name);
      return;
    }
    if (writeEntry(out, key, type.toPortable(e.value), db.getExpire(key))) this.keysSaved++;
    else this.skippedTypes.add(type.name);
  }

  private beforeWrite(db: Database, key: string | null): void {
    const i = db.id;
    if (i < this.current) return;
    const state = this.states[i];
    if (state.complete) return;
    const out = i === this.current ? this.out : (state.early ??= new RdbOutput(this.out.compress));
    if (key !== null) {
      this.saveKey(db, state, key, out);
      return;
    }
    for (const k of db.keys()) this.saveKey(db, state, k, out);
    state.complete = true;
    // The section header of a database not reached yet is written when it is: note the keys there.
    if (i !== this.current && state.early !== null && state.early.len === 0) state.early = null;
  }
}

/** Write through a temporary file and rename, so a crash never leaves a half-written dump. */
export function tempFileFor(dir: string, tag: string): string {
  return `${dir}/temp-${process.pid}-${tag}.rdb`;
}

export function logSkipped(logger: Logger, s: Snapshot): void {
  if (s.skippedTypes.size !== 0) logger.warning(`RDB: values of type ${[...s.skippedTypes].join(', ')} cannot be saved in an RDB file and were left out`);
}
