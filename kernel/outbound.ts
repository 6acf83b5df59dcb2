import * as net from 'net';
import { encodeCommand } from './journal';
import type { Reply } from './reply';
import { INCOMPLETE, ReplyReader } from './resp/reply-reader';

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  /** How long the reply may take once the one before it came (0: no limit). */
  timeoutMs: number;
}

function ignore(): void {}

/** A connect or a reply that took longer than its timeout (the connection is closed). */
export class OutboundTimeout extends Error {}

/**
 * A connection this server opens to another one (a master, MIGRATE's target, a cluster peer):
 * commands out as RESP, replies in through a ReplyReader, answered in order. `stream` hands
 * the rest of the byte stream to the caller once replies stop being the protocol (a master's
 * RDB and command stream after PSYNC). Errors and the peer closing reject what is pending.
 */
export class OutboundConnection {
  private readonly reader = new ReplyReader();
  private readonly pending: Pending[] = [];
  private raw: ((chunk: Buffer) => void) | null = null;
  private closeListeners: Array<(e: Error | null) => void> = [];
  private ended: Error | null = null;
  /** Runs out when the first pending reply is late. */
  private timer: NodeJS.Timeout | null = null;

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.data(chunk));
    socket.on('error', (e) => this.end(e));
    socket.on('close', () => this.end(new Error('connection closed by the peer')));
  }

  /** Connect, failing after `timeoutMs` (ETIMEDOUT-like error) or with the socket's error. */
  static open(host: string, port: number, timeoutMs = 5000): Promise<OutboundConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new OutboundTimeout(`timeout connecting to ${host}:${port}`));
      }, timeoutMs);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new OutboundConnection(socket));
      });
    });
  }

  get closed(): boolean {
    return this.ended !== null;
  }

  /**
   * Send a command; the promise gets its reply (a ReplyError reply resolves, it does not
   * reject). With a timeout, a reply later than that closes the connection (OutboundTimeout).
   */
  call(argv: string[], timeoutMs = 0): Promise<Reply> {
    return this.callAll([argv], timeoutMs)[0];
  }

  /**
   * Pipeline commands in one write; one promise per reply, in order. Each reply may take
   * `timeoutMs` from the one before it (Redis's per-read timeout), so a long pipeline is not cut
   * short by its length.
   */
  callAll(commands: string[][], timeoutMs = 0): Promise<Reply>[] {
    const ended = this.ended;
    const replies = commands.map((): Promise<Reply> =>
      ended !== null ? Promise.reject(ended) : new Promise<Reply>((resolve, reject) => this.pending.push({ resolve, reject, timeoutMs })),
    );
    // A caller that stops at the first failure leaves the rest unawaited: not an unhandled rejection.
    for (const r of replies) r.catch(ignore);
    if (ended !== null) return replies;
    if (this.timer === null) this.arm();
    this.socket.write(Buffer.from(commands.map(encodeCommand).join(''), 'latin1'));
    return replies;
  }

  /** Write bytes without waiting for a reply (REPLCONF ACK, a replica's forwarded stream). */
  send(raw: string | Buffer): void {
    if (this.ended === null) this.socket.write(typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw);
  }

  /**
   * From now on, every byte after the replies already read goes to `fn`, bytes already buffered
   * first (they wait in the reader until then: call this from the reply that precedes them).
   */
  stream(fn: (chunk: Buffer) => void): void {
    this.raw = fn;
    const rest = this.reader.takeRest();
    if (rest.length !== 0) fn(rest);
  }

  /** Called once when the connection ends: null when closed by us, else the reason. */
  onClose(fn: (e: Error | null) => void): void {
    if (this.ended !== null) fn(this.ended);
    else this.closeListeners.push(fn);
  }

  close(): void {
    this.end(null);
  }

  private data(chunk: Buffer): void {
    if (this.raw !== null) {
      this.raw(chunk);
      return;
    }
    this.reader.feed(chunk);
    try {
      while (this.pending.length !== 0 && this.raw === null) {
        const r = this.reader.next();
        if (r === INCOMPLETE) return;
        this.pending.shift()!.resolve(r);
        this.arm();
      }
    } catch (e) {
      this.end(e as Error);
      return;
    }
    // A caller switched to the raw stream while handling a reply: hand it what followed.
    const raw = this.raw as ((chunk: Buffer) => void) | null;
    if (raw !== null) {
      const rest = this.reader.takeRest();
      if (rest.length !== 0) raw(rest);
    }
  }

  /** Time the first pending reply, if it has a timeout. */
  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const head = this.pending[0];
    if (head === undefined || head.timeoutMs <= 0) return;
    this.timer = setTimeout(() => this.end(new OutboundTimeout('timeout waiting for a reply')), head.timeoutMs);
  }

  private end(e: Error | null): void {
    if (this.ended !== null) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const reason = e ?? new Error('connection closed');
    this.ended = reason;
    this.socket.destroy();
    for (const p of this.pending.splice(0)) p.reject(reason);
    for (const fn of this.closeListeners.splice(0)) fn(e);
  }
}
