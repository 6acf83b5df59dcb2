import * as net from 'net';
import { encodeCommand } from './journal';
import type { Reply } from './reply';
import { INCOMPLETE, ReplyReader } from './resp/reply-reader';

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
}

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
        reject(new Error(`timeout connecting to ${host}:${port}`));
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

  /** Send a command; the promise gets its reply (a ReplyError reply resolves, it does not reject). */
  call(argv: string[], timeoutMs = 0): Promise<Reply> {
    if (this.ended !== null) return Promise.reject(this.ended);
    return new Promise<Reply>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      if (timeoutMs > 0) {
        timer = setTimeout(() => this.end(new Error(`timeout waiting for the reply to ${argv[0]}`)), timeoutMs);
      }
      const done = () => timer !== null && clearTimeout(timer);
      this.pending.push({
        resolve: (r) => (done(), resolve(r)),
        reject: (e) => (done(), reject(e)),
      });
      this.socket.write(Buffer.from(encodeCommand(argv), 'latin1'));
    });
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

  private end(e: Error | null): void {
    if (this.ended !== null) return;
    const reason = e ?? new Error('connection closed');
    this.ended = reason;
    this.socket.destroy();
    for (const p of this.pending.splice(0)) p.reject(reason);
    for (const fn of this.closeListeners.splice(0)) fn(e);
  }
}
