import * as net from 'net';
import { replyLength, decode, type Decoded } from './resp-reader';

/** Encode a command as a RESP multibulk array (arguments are binary strings). */
export function command(...args: string[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return out;
}

/**
 * A raw socket client: send bytes, read whole replies as raw strings. Lets tests check the
 * exact bytes a server writes, and send malformed input no real client would.
 */
export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.createConnection({ port, host }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Send a command and return its raw reply. */
  async call(...args: string[]): Promise<string> {
    this.write(command(...args));
    return this.read();
  }

  /** This connection's CLIENT ID. */
  async id(): Promise<number> {
    const reply = await this.call('CLIENT', 'ID');
    if (!/^:\d+\r\n$/.test(reply)) throw new Error(`CLIENT ID answered ${JSON.stringify(reply)}`);
    return Number(reply.slice(1, -2));
  }

  /** Send a command and return its decoded reply. */
  async exec(...args: string[]): Promise<Decoded> {
    return decode(await this.call(...args));
  }

  /** The next whole reply's raw bytes (rejects after `timeoutMs`, or if the connection closes first). */
  async read(timeoutMs = 10000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buf.length > 0) {
        const n = replyLength(this.buf);
        if (n >= 0) {
          const raw = this.buf.latin1Slice(0, n);
          this.buf = this.buf.subarray(n);
          return raw;
        }
      }
      if (this.closed) throw new Error(`connection closed (unread: ${JSON.stringify(this.buf.latin1Slice(0, this.buf.length))})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a reply (have: ${JSON.stringify(this.buf.latin1Slice(0, this.buf.length))})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Resolves once the server has closed the connection. */
  async waitClosed(timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Bytes received and not yet read as replies. */
  get unread(): string {
    return this.buf.latin1Slice(0, this.buf.length);
  }

  close(): void {
    this.socket.destroy();
  }
}
