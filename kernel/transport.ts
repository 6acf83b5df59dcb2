import type * as net from 'net';
import { types } from 'util';

/**
 * A connection's byte pipe: what a Client reads from and writes to.
 *
 * Ferrous answers a request with one read and one write. Node's stream layers on top of
 * libuv (a Readable pushing a freshly allocated Buffer per read, a Writable with its state
 * machine, a WriteWrap and a nextTick per write) cost about as much CPU as the command itself,
 * so where the runtime allows, the transport drives the socket's libuv handle directly: reads
 * land in one shared buffer (no allocation per read) and writes go straight to
 * `writeLatin1String`. Where those internals are missing (another runtime or Node version),
 * it falls back to the public stream API with the same behaviour.
 */
export interface Transport {
  /** Whether this transport drives the libuv handle itself (false: the stream API). */
  readonly direct: boolean;
  /** Queue latin1 data for the peer. */
  write(data: string): void;
  /** Queue bytes for the peer (kept, not copied, until written). */
  writeBuffer(data: Buffer): void;
  /** Bytes accepted but not yet handed to the kernel (output buffer limits). */
  readonly pending: number;
  /** Close after the queued output was written. */
  end(): void;
  /** Close now, dropping queued output. */
  destroy(): void;
}

export interface TransportEvents {
  /** Bytes arrived. The buffer may be reused once this returns: copy what must be kept. */
  data(chunk: Buffer): void;
  /** The peer closed or the connection failed. */
  closed(): void;
}

interface StreamBinding {
  streamBaseState: Int32Array;
  WriteWrap: new () => WriteReq;
  kReadBytesOrError: number;
  kLastWriteWasAsync: number;
}

interface WriteReq {
  handle: unknown;
  /** The Buffer an asynchronous write still reads from, kept alive until it completes. */
  buffer: Buffer | null;
  oncomplete: (status: number) => void;
  async: boolean;
}

interface StreamHandle {
  onread: (buf?: ArrayBuffer) => void;
  useUserBuffer(buf: Uint8Array): void;
  writeLatin1String(req: WriteReq, data: string): number;
  writeBuffer(req: WriteReq, data: Uint8Array): number;
  readonly writeQueueSize: number;
}

/** Node's stream_wrap binding, or null where it is not reachable. */
function loadBinding(): StreamBinding | null {
  try {
    const p = process as unknown as { binding?: (name: string) => unknown };
    const b = p.binding?.('stream_wrap') as Partial<StreamBinding> | undefined;
    if (b === undefined || !types.isInt32Array(b.streamBaseState) || typeof b.WriteWrap !== 'function') return null;
    if (typeof b.kReadBytesOrError !== 'number' || typeof b.kLastWriteWasAsync !== 'number') return null;
    return b as StreamBinding;
  } catch {
    return null;
  }
}

const binding = loadBinding();
/** One read buffer for every connection: a read is consumed before the next one lands. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
/**
 * Views of READ_BUFFER's first n bytes for reads of up to VIEW_CACHE bytes (a request that is
 * not pipelined), each made once: a subarray per read is a Buffer object allocated for every
 * request (~100 bytes, ~40 ns), garbage at once. Sound for the same reason as the buffer itself.
 */
const VIEW_CACHE = 1024;
const views: (Buffer | undefined)[] = new Array<Buffer | undefined>(VIEW_CACHE + 1).fill(undefined);

function readView(n: number): Buffer {
  if (n > VIEW_CACHE) return READ_BUFFER.subarray(0, n);
  return (views[n] ??= READ_BUFFER.subarray(0, n));
}

function usableHandle(socket: net.Socket): StreamHandle | null {
  if (binding === null) return null;
  const h = (socket as unknown as { _handle?: Partial<StreamHandle> })._handle;
  if (h == null || typeof h.useUserBuffer !== 'function' || typeof h.writeLatin1String !== 'function' || typeof h.writeBuffer !== 'function') return null;
  return h as StreamHandle;
}

/** The fastest transport the runtime supports for an accepted socket (`direct` false: the stream API). */
export function openTransport(socket: net.Socket, events: TransportEvents, direct = true): Transport {
  const handle = direct ? usableHandle(socket) : null;
  return handle !== null ? new HandleTransport(socket, handle, events) : new StreamTransport(socket, events);
}

class HandleTransport implements Transport {
  readonly direct = true;
  /** A write request object, reused while writes complete synchronously (the usual case). */
  private req: WriteReq | null = null;
  /**
   * Writes libuv still holds. While there are none the socket's write queue is empty (a write
   * is tried at once only when nothing is queued before it), so `pending` is 0 without asking
   * the handle: a C++ accessor call per reply otherwise.
   */
  private queued = 0;
  private failed = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly handle: StreamHandle,
    private readonly events: TransportEvents,
  ) {
    const state = binding!.streamBaseState;
    const kRead = binding!.kReadBytesOrError;
    handle.useUserBuffer(READ_BUFFER);
    // Replaces net.Socket's reader: the socket object stays for addresses, options and close.
    handle.onread = () => {
      const n = state[kRead];
      if (n > 0) events.data(readView(n));
      // EOF or a read error: Redis closes the client whatever output is pending.
      else if (n < 0) this.fail();
    };
    socket.on('error', () => events.closed());
    socket.on('close', () => events.closed());
  }

  get pending(): number {
    return this.queued === 0 || this.failed ? 0 : this.handle.writeQueueSize;
  }

  write(data: string): void {
    if (this.failed) return;
    this.written(this.handle.writeLatin1String(this.req ?? this.newReq(), data));
  }

  writeBuffer(data: Buffer): void {
    if (this.failed) return;
    const req = this.req ?? this.newReq();
    req.buffer = data;
    this.written(this.handle.writeBuffer(req, data));
    // Written at once: the reused request must not keep the bytes alive.
    if (this.req === req) req.buffer = null;
  }

  private written(err: number): void {
    if (err !== 0) {
      this.fail();
      return;
    }
    // A request libuv still holds completes later: the next write needs another one.
    if (binding!.streamBaseState[binding!.kLastWriteWasAsync] !== 0) {
      this.req = null;
      this.queued++;
    }
  }

  private newReq(): WriteReq {
    const req = new binding!.WriteWrap();
    req.handle = this.handle;
    req.buffer = null;
    req.async = false;
    req.oncomplete = this.writeDone;
    this.req = req;
    return req;
  }

  private readonly writeDone = (status: number): void => {
    this.queued--;
    if (status < 0) this.fail();
  };

  end(): void {
    if (!this.failed) this.socket.destroySoon();
  }

  destroy(): void {
    this.failed = true;
    this.socket.destroy();
  }

  private fail(): void {
    if (this.failed) return;
    this.failed = true;
    this.socket.destroy();
    this.events.closed();
  }
}

class StreamTransport implements Transport {
  readonly direct = false;
  constructor(
    private readonly socket: net.Socket,
    events: TransportEvents,
  ) {
    socket.on('data', (chunk: Buffer) => events.data(chunk));
    socket.on('error', () => events.closed());
    socket.on('close', () => events.closed());
  }

  get pending(): number {
    return this.socket.writableLength;
  }

  write(data: string): void {
    this.socket.write(data, 'latin1');
  }

  writeBuffer(data: Buffer): void {
    this.socket.write(data);
  }

  end(): void {
    this.socket.destroySoon();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
