import { injectable } from 'tsyringe';
import { arrayHeader, bulkHeader } from './resp/encoder';

/** Where a write goes: Redis's PROPAGATE_AOF and PROPAGATE_REPL, and redis.set_repl's flags. */
export const enum JournalTarget {
  None = 0,
  Aof = 1,
  Replicas = 2,
  All = 3,
}

/** Receives a target's stream: RESP commands, with SELECT where that stream changes database. */
export type JournalSink = (chunk: string) => void;

export interface JournalSubscription {
  /** Stop receiving. */
  detach(): void;
  /** The next write to this target starts with SELECT (a new AOF file, a new replica). */
  reselect(): void;
}

/** catAppendOnlyGenericCommand: one command in RESP, arguments being binary (latin1) strings. */
export function encodeCommand(argv: string[]): string {
  let s = arrayHeader(argv.length);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    s += bulkHeader(a.length) + a + '\r\n';
  }
  return s;
}

const MULTI = encodeCommand(['MULTI']);
const EXEC = encodeCommand(['EXEC']);

function selectCommand(dbid: number): string {
  const id = String(dbid);
  return `*2\r\n$6\r\nSELECT\r\n$${id.length}\r\n${id}\r\n`;
}

/**
 * The write journal: every write any module makes passes through `append`, already rewritten
 * to be deterministic (`ctx.propagate`). Each write is encoded to RESP once and handed to the
 * subscribers of its targets (the AOF, a replication backlog), each target's stream getting a
 * SELECT when its database changes. A command that writes several times (EXEC, a script) runs
 * inside begin/end and is delivered as one unit, wrapped in MULTI/EXEC as Redis 7.0's
 * propagatePendingCommands does. `offset` counts the bytes of the replicas' stream (Redis's
 * master_repl_offset), growing only while a replicas' subscriber listens.
 */
@injectable()
export class Journal {
  /** The targets with subscribers (JournalTarget bits). */
  private listening = 0;
  /** master_repl_offset. */
  offset = 0;
  /**
   * Set on a replica: its replicas' stream is its master's, forwarded byte for byte through
   * `appendRaw`, so its own writes (a writable replica's, and those the master's commands
   * make) reach the AOF only, as Redis's replicationFeedSlaves skips a replica.
   */
  forwardOnly = false;
  /** Per target (0: AOF, 1: replicas): the subscribers and the database their stream has selected. */
  private readonly sinks: [JournalSink[], JournalSink[]] = [[], []];
  private readonly selected = [-1, -1];
  private depth = 0;
  private held: Array<[dbid: number, argv: string[], targets: number]> = [];

  attach(target: JournalTarget.Aof | JournalTarget.Replicas, sink: JournalSink): JournalSubscription {
    const i = target === JournalTarget.Aof ? 0 : 1;
    this.sinks[i].push(sink);
    this.selected[i] = -1;
    this.update();
    return {
      detach: () => {
        const list = this.sinks[i];
        const at = list.indexOf(sink);
        if (at >= 0) list.splice(at, 1);
        this.update();
      },
      reselect: () => {
        this.selected[i] = -1;
      },
    };
  }

  /** Whether anyone listens: producers skip building what they would propagate when nobody does. */
  get active(): boolean {
    return this.listening !== 0;
  }

  private update(): void {
    this.listening = (this.sinks[0].length !== 0 ? JournalTarget.Aof : 0) | (this.sinks[1].length !== 0 ? JournalTarget.Replicas : 0);
  }

  /** A write to propagate to `targets`. Inside a unit it waits for the unit's end. */
  append(dbid: number, argv: string[], targets: number = JournalTarget.All): void {
    // As Redis's shouldPropagate: a target nobody listens to takes nothing, and a write that
    // reaches no one does not count towards a unit's MULTI/EXEC.
    if ((targets & this.listening) === 0) return;
    if (this.depth !== 0) {
      this.held.push([dbid, argv, targets]);
      return;
    }
    this.emit(dbid, encodeCommand(argv), targets);
  }

  /** Raw bytes for a target, as they are (a replica forwarding its master's stream). */
  appendRaw(target: JournalTarget.Aof | JournalTarget.Replicas, chunk: string): void {
    this.deliver(target === JournalTarget.Aof ? 0 : 1, chunk);
  }

  /** Open a unit: writes are held until the matching end(). Units nest; the outermost delivers. */
  begin(): void {
    this.depth++;
  }

  /** Close a unit: its writes go out, inside MULTI ... EXEC when there are several. */
  end(): void {
    if (--this.depth !== 0) return;
    const ops = this.held;
    if (ops.length === 0) return;
    this.held = [];
    if (ops.length === 1) {
      this.emit(ops[0][0], encodeCommand(ops[0][1]), ops[0][2]);
      return;
    }
    // As Redis 7.0: MULTI and EXEC go to every target, MULTI in the first write's database
    // (its SELECT comes first), EXEC without a SELECT of its own.
    this.emit(ops[0][0], MULTI, JournalTarget.All);
    for (const [dbid, argv, targets] of ops) this.emit(dbid, encodeCommand(argv), targets);
    this.emit(-1, EXEC, JournalTarget.All);
  }

  private emit(dbid: number, encoded: string, targets: number): void {
    if ((targets & JournalTarget.Aof) !== 0 && this.sinks[0].length !== 0) this.deliver(0, this.selecting(0, dbid) + encoded);
    if ((targets & JournalTarget.Replicas) !== 0 && this.sinks[1].length !== 0 && !this.forwardOnly) this.deliver(1, this.selecting(1, dbid) + encoded);
  }

  private selecting(i: number, dbid: number): string {
    if (dbid < 0 || this.selected[i] === dbid) return '';
    this.selected[i] = dbid;
    return selectCommand(dbid);
  }

  private deliver(i: number, chunk: string): void {
    const list = this.sinks[i];
    if (list.length === 0) return;
    if (i === 1) this.offset += chunk.length;
    for (let k = 0; k < list.length; k++) list[k](chunk);
  }
}
