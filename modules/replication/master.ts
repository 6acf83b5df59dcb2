import { randomBytes } from 'crypto';
import type { Client, Logger, RdbSnapshots, RdbStream } from '../../kernel';
import { EOF_MARK_SIZE } from './payload';

/** Where a replica of this server stands (Redis's SLAVE_STATE_*). */
export const enum LinkState {
  /** Asked for a full sync; waits for the next snapshot round. */
  WaitStart,
  /** Its snapshot is being produced and sent; the live stream is buffered meanwhile. */
  Transfer,
  /** A diskless image was sent: the stream follows its first ACK (the end mark must come last). */
  WaitAck,
  Online,
}

/** A connected replica, as the master sees it (its client plus what REPLCONF told). */
export class ReplicaLink {
  state = LinkState.WaitStart;
  /** REPLCONF listening-port and ip-address. */
  port = 0;
  ip = '';
  capaEof = false;
  capaPsync2 = false;
  /** The last offset it acknowledged, and when (ms). */
  ackOffset = 0;
  ackTime = Date.now();
  /** Stream written while its snapshot is being sent. */
  buffered: string[] | null = null;
  /** Came with SYNC, not PSYNC: no +FULLRESYNC line, no ACKs expected. */
  presync = false;

  constructor(readonly client: Client) {}

  /** The address INFO and ROLE show: the announced one, else the connection's. */
  get address(): string {
    if (this.ip !== '') return this.ip;
    const a = this.client.addr;
    const colon = a.lastIndexOf(':');
    const host = colon < 0 ? a : a.slice(0, colon);
    return host.startsWith('[') ? host.slice(1, -1) : host;
  }

  /** The replica's stream now flows directly: what was buffered first. */
  goOnline(): void {
    this.state = LinkState.Online;
    this.ackTime = Date.now();
    const held = this.buffered;
    this.buffered = null;
    if (held !== null) for (const s of held) this.client.pushEncoded(s);
  }
}

/**
 * One snapshot sent to the replicas that asked for a full sync together (Redis attaches
 * replicas to the same BGSAVE). Diskless: `$EOF:<mark>\r\n`, the image as it is produced, the
 * mark. Disk-backed form: the image is gathered (and saved as the data file, as Redis's
 * disk-backed sync is a BGSAVE), then `$<len>\r\n` and the bytes.
 */
export class SyncRound {
  private readonly stream: RdbStream;
  private readonly gathered: Buffer[] = [];
  private readonly mark: string;

  constructor(
    readonly links: ReplicaLink[],
    readonly diskless: boolean,
    snapshots: RdbSnapshots,
    /** repl-stream-db, repl-id, repl-offset for the image's header. */
    aux: ReadonlyArray<[string, string]>,
    private readonly logger: Logger,
    private readonly done: (round: SyncRound) => void,
  ) {
    this.mark = randomBytes(EOF_MARK_SIZE / 2).toString('hex');
    if (diskless) this.send(`$EOF:${this.mark}\r\n`);
    this.stream = snapshots.stream((chunk) => {
      if (this.diskless) this.sendBytes(chunk);
      else this.gathered.push(chunk);
    }, aux, !diskless);
    this.stream.done.then(
      () => this.finish(),
      (e: Error) => this.fail(e),
    );
  }

  private send(s: string): void {
    for (const l of this.links) l.client.pushEncoded(s);
  }

  /** Image bytes, shared by the round's replicas (snapshot chunks are never reused). */
  private sendBytes(b: Buffer): void {
    for (const l of this.links) l.client.pushBuffer(b);
  }

  private finish(): void {
    if (this.diskless) {
      this.send(this.mark);
      for (const l of this.links) l.state = LinkState.WaitAck;
    } else {
      let len = 0;
      for (const b of this.gathered) len += b.length;
      this.send(`$${len}\r\n`);
      for (const b of this.gathered) this.sendBytes(b);
      for (const l of this.links) l.goOnline();
    }
    this.logger.notice(`Synchronization with ${this.links.length} replica(s) succeeded (${this.diskless ? 'diskless' : 'disk-backed form'})`);
    this.done(this);
  }

  private fail(e: Error): void {
    this.logger.warning(`Full synchronization failed: ${e.message}`);
    for (const l of this.links) l.client.close();
    this.done(this);
  }

  /** A replica of the round went away: stop when none is left. */
  drop(link: ReplicaLink): void {
    const i = this.links.indexOf(link);
    if (i >= 0) this.links.splice(i, 1);
    if (this.links.length === 0) this.stream.abort();
  }
}
