import type * as net from 'net';
import type { RegisteredCommand } from './commands/registry';
import { Notify, type NotifyClass } from './hooks';
import { JournalTarget } from './journal';
import type { Database } from './keyspace/database';
import { MapReply, type Reply, ReplyError, PushReply, SetReply } from './reply';
import { encode } from './resp/encoder';
import { RespParser, ProtocolError } from './resp/parser';
import { OutputClass } from './config/output-limits';
import type { Server } from './server';
import type { Transport } from './transport';

/** Pending output past this many bytes leaves the string for the chunk queue (Client.spill). */
const SPILL_BYTES = 64 * 1024;
/** Redis's PROTO_REPLY_CHUNK_BYTES and PROTO_REPLY_MIN_BYTES: the largest and smallest reply buffer. */
const REPLY_CHUNK_BYTES = 16 * 1024;
const REPLY_MIN_BYTES = 1024;
/** Redis's reply_buffer_peak_reset_time: the reply buffer's peak is forgotten this often (ms). */
const REPLY_PEAK_RESET_MS = 5000;

/**
 * Decides about a command before it runs (RESP2 subscriber mode, MULTI queueing).
 * Returns true when it has dealt with the command (replied or queued it).
 */
export type Interceptor = (client: Client, cmd: RegisteredCommand, argv: string[]) => boolean;

/**
 * Where an interceptor runs among a client's interceptors, lowest first, in the order of
 * Redis's processCommand checks: the pub/sub context check comes before MULTI queueing.
 */
export const InterceptorOrder = {
  PubSub: 10,
  Multi: 20,
} as const;

export const enum ReplyMode {
  On = 0,
  Off = 1,
  Skip = 2,
}

/** What a handler sees: the calling client with its database, protocol and helpers. */
export type CommandContext = Client;

let nextClientId = 1;

/** A client connection (or a connection-less caller such as a script). */
export class Client {
  readonly id = nextClientId++;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  db: Database;
  resp: 2 | 3 = 2;
  name = '';
  user = 'default';
  authenticated = false;
  /** The user's permissions are limited: the dispatcher asks `Server.access` about each command. */
  restricted = false;
  /** The command being run now, and the last one run (CLIENT LIST's `cmd`). */
  current: RegisteredCommand | null = null;
  lastCommand = 'NULL';
  replyMode = ReplyMode.On;
  /**
   * Replies not yet written to the socket: the latest as one string (a turn's small replies
   * leave in one write), older output in `chunks` once it passed SPILL_BYTES (spill).
   */
  out = '';
  private chunks: Buffer[] | null = null;
  /** Bytes in `chunks`. */
  private chunkBytes = 0;

  /** Queued output Buffers and their bytes (CLIENT LIST's `oll` and `omem`, Redis's reply list). */
  get outputChunks(): number {
    return this.chunks?.length ?? 0;
  }
  get outputChunkBytes(): number {
    return this.chunkBytes;
  }
  /** Bytes held for this client: unparsed input, queued replies, and what the socket has not taken yet. */
  get bufferedBytes(): number {
    return this.out.length + this.chunkBytes + (this.parser?.pending ?? 0) + (this.transport?.pending ?? 0);
  }
  /** An asynchronous command is under way: later commands wait, so replies keep pipeline order. */
  waiting = false;
  /**
   * A parked command is being completed (Blocking serves it): it runs again for this client,
   * so what it causes is this client's own (tracking defers the invalidations until its reply).
   */
  serving = false;
  /** Milliseconds the running command spent parked on keys: not execution time (SLOWLOG, commandstats). */
  blockedMs = 0;
  /** Close once the pending replies are written (QUIT, protocol errors, CLIENT KILL). */
  closing = false;
  closed = false;
  /** Inside MULTI/EXEC or a script: blocking commands must answer at once (Redis's CLIENT_DENY_BLOCKING). */
  denyBlocking = false;
  /**
   * For a script's connection-less client while a script runs: the client that called it and
   * the keys it declared (client tracking remembers those when the script reads, as Redis does).
   */
  caller: Client | null = null;
  callerKeys: string[] = [];
  /** The flags of the commands queued in MULTI, or-ed (Redis's mstate.cmd_flags): EXEC of a denyoom one is refused when out of memory. */
  queuedFlags = 0;
  /**
   * The command this client is parked in (blocked on keys, held by CLIENT PAUSE, waiting for
   * an asynchronous handler), as Redis keeps `c->argv` until it runs: CLIENT LIST's argv-mem.
   */
  argv: string[] | null = null;
  /**
   * Commands queued in MULTI and their bytes as Redis counts `mstate.argv_len_sums` (each
   * argument's bytes plus a pointer per argument): CLIENT LIST's `multi` and `multi-mem`.
   */
  queuedCommands = 0;
  queuedBytes = 0;
  /**
   * The bytes Redis's query buffer held when this pass over the input began (the whole read,
   * pipelined commands before and after the running one included, as Redis trims its buffer
   * only after the pass): CLIENT LIST's qbuf for the caller. -1 until the first read.
   */
  queryBuffered = -1;
  /**
   * The reply buffer Redis would hold for this client (`buf_usable_size`, `buf_peak`): its size
   * follows the largest batch of replies, resized by the cron as Redis's
   * clientsCronResizeOutputBuffer does (CLIENT LIST's rbs and rbp). Ferrous's own pending
   * output is a string that is emptied at each write, so this is bookkeeping, not memory.
   */
  replyBufferSize = REPLY_CHUNK_BYTES;
  replyBufferPeak = REPLY_CHUNK_BYTES;
  private replyPeakResetAt = 0;
  /** `CLIENT NO-EVICT`. */
  noEvict = false;
  /** Interceptors by order; null (not empty) when none, so the dispatcher checks one field. */
  interceptors: Interceptor[] | null = null;
  private interceptorOrder: number[] = [];
  /** Set by a handler to propagate other commands instead of its own argv. */
  propagateInstead: string[][] | null = null;
  /** The replication offset right after this client's last propagated write (WAIT waits for it). */
  woff = 0;
  /** Where this command's writes go (JournalTarget): all but for a script's redis.set_repl. */
  propagateTargets: number = JournalTarget.All;
  /** Per-client state that modules keep, keyed by a symbol of their own. */
  readonly state = new Map<symbol, unknown>();
  readonly parser: RespParser | null;
  /** Where replies go; null for connection-less callers and until the server attaches one. */
  transport: Transport | null = null;
  readonly addr: string;
  readonly laddr: string;
  /** Statistics for CLIENT LIST. */
  commandsProcessed = 0;
  /** Flags shown in CLIENT LIST (besides those the kernel derives). */
  readonly flags = new Set<string>();
  /** Subscription counts (channels, patterns, shard channels) the pub/sub module keeps, for CLIENT LIST. */
  subscriptions = 0;
  patternSubscriptions = 0;
  shardSubscriptions = 0;
  /** The client tracking redirects invalidations to (0: none) while tracking is on, else -1 (CLIENT LIST's redir). */
  trackingRedirect = -1;
  /** In the server's flush queue (Server.queueFlush). */
  flushQueued = false;
  /** Since when (unix seconds) the output has been over its class's soft limit; 0 if not. */
  private softLimitSince = 0;

  constructor(
    readonly server: Server,
    readonly socket: net.Socket | null,
  ) {
    this.db = server.keyspace.db(0);
    server.access.connect(this);
    this.addr = socket ? formatAddr(socket.remoteAddress, socket.remotePort) : '';
    this.laddr = socket ? formatAddr(socket.localAddress, socket.localPort) : '';
    this.parser = socket
      ? new RespParser(server.parserLimits, () => !this.authenticated)
      : null;
  }

  /** A connection from this machine (loopback or unix socket), or no connection: `local` protected commands may run. */
  get isLocal(): boolean {
    const remote = this.socket?.remoteAddress;
    return remote === undefined || remote === '127.0.0.1' || remote === '::1' || remote === '::ffff:127.0.0.1';
  }

  get dbid(): number {
    return this.db.id;
  }

  /** SELECT: switch database; throws Redis's error for a bad index. */
  select(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.server.keyspace.dbs.length) {
      throw new ReplyError('ERR DB index is out of range');
    }
    this.db = this.server.keyspace.db(index);
  }

  /**
   * A write changed `key`: count it as dirty, tell WATCH/tracking/blocked clients, and fire
   * the keyspace notification `event` of class `cls` when given.
   */
  modified(key: string, cls?: NotifyClass, event?: string): void {
    const ks = this.server.keyspace;
    ks.stats.dirty++;
    // A collection changed in place: used_memory measures it again (Keyspace.remeasure).
    this.db.changed(key);
    this.server.hooks.emitKeyModified(this.db, key);
    if (cls !== undefined) this.server.hooks.emitKeyspaceEvent(cls, event!, key, this.db.id);
  }

  /**
   * About to change `key`'s value in place outside the current command's own arguments (a
   * blocked client's serve callback writing a destination, a script's undeclared key): call
   * first, so a BGSAVE in progress saves the old value. Whole-value writes through Database
   * and the arguments of write commands are covered by the kernel already.
   */
  willModify(key: string): void {
    this.server.keyspace.willWrite(this.db, key);
  }

  /** Install an interceptor (see InterceptorOrder); installing one twice is a no-op. */
  addInterceptor(fn: Interceptor, order: number): void {
    const list = this.interceptors ?? [];
    if (list.includes(fn)) return;
    let i = 0;
    while (i < list.length && this.interceptorOrder[i] <= order) i++;
    list.splice(i, 0, fn);
    this.interceptorOrder.splice(i, 0, order);
    this.interceptors = list;
  }

  removeInterceptor(fn: Interceptor): void {
    const list = this.interceptors;
    if (list === null) return;
    const i = list.indexOf(fn);
    if (i < 0) return;
    list.splice(i, 1);
    this.interceptorOrder.splice(i, 1);
    if (list.length === 0) this.interceptors = null;
  }

  /** A keyspace notification without a modification (e.g. `del` after the modified call). */
  notify(cls: NotifyClass, event: string, key: string): void {
    this.server.hooks.emitKeyspaceEvent(cls, event, key, this.db.id);
  }

  /** A key lookup missed (class `m` notifications). */
  keyMiss(key: string): void {
    this.server.hooks.emitKeyspaceEvent(Notify.KEY_MISS, 'keymiss', key, this.db.id);
  }

  /** Propagate `argv` in place of (or besides, when called repeatedly) the command's own. */
  propagate(argv: string[]): void {
    (this.propagateInstead ??= []).push(argv);
  }

  /** Queue a reply (the client's reply mode decides whether it is sent). */
  reply(r: Reply): void {
    if (this.replyMode !== ReplyMode.On) {
      if (this.replyMode === ReplyMode.Skip) this.replyMode = ReplyMode.On;
      return;
    }
    try {
      this.out += encode(r, this.resp);
    } catch (e) {
      if (e instanceof RangeError && this.transport !== null) {
        try {
          this.replyInPieces(r);
        } catch (inner) {
          // Part of the reply is out: the connection cannot be put back in step.
          this.server.handlerBug(this.current?.name ?? '?', inner);
          this.close();
        }
      } else {
        this.server.handlerBug(this.current?.name ?? '?', e);
        this.out += `-ERR internal error while encoding the reply\r\n`;
      }
    }
    if (this.out.length >= SPILL_BYTES) this.spill();
  }

  /**
   * A reply longer than V8's longest string (~512 MB: MGET or LRANGE of values of hundreds of
   * MB): its items are encoded one by one and queued as they come, as Redis appends an
   * aggregate's items to its reply list; an item still too long is split the same way, a bulk
   * string into its header, its bytes as a Buffer and its CRLF.
   */
  private replyInPieces(r: Reply): void {
    const resp = this.resp;
    let items: Reply[];
    if (Array.isArray(r)) {
      items = r;
      this.out += `*${items.length}\r\n`;
    } else if (r instanceof MapReply) {
      items = r.entries;
      this.out += resp === 3 ? `%${items.length / 2}\r\n` : `*${items.length}\r\n`;
    } else if (r instanceof SetReply || r instanceof PushReply) {
      items = r.items;
      this.out += `${resp !== 3 ? '*' : r instanceof SetReply ? '~' : '>'}${items.length}\r\n`;
    } else if (typeof r === 'string') {
      this.out += `$${r.length}\r\n`;
      this.pushBuffer(Buffer.from(r, 'latin1'));
      this.out += '\r\n';
      return;
    } else {
      throw new RangeError('a reply too long for one string that is not an aggregate');
    }
    for (let i = 0; i < items.length; i++) {
      try {
        this.out += encode(items[i], resp);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        this.replyInPieces(items[i]);
      }
      if (this.out.length >= SPILL_BYTES) this.spill();
    }
  }

  /** An out-of-band message (pub/sub, invalidation): sent whatever the reply mode. */
  push(items: Reply[]): void {
    this.pushEncoded(encode(new PushReply(items), this.resp));
  }

  /**
   * An out-of-band message already encoded for this client's protocol, so one encoding serves
   * every receiver. Written at the end of this event-loop turn, after replies queued before it.
   */
  pushEncoded(data: string): void {
    if (this.closed) return;
    this.out += data;
    if (this.out.length >= SPILL_BYTES) this.spill();
    this.scheduleFlush();
  }

  /**
   * Output already in bytes (a replica's RDB image), queued after what is pending without
   * passing through a string; the Buffer must not change afterwards.
   */
  pushBuffer(data: Buffer): void {
    if (this.closed || this.transport === null || data.length === 0) return;
    if (this.out.length !== 0) this.spill();
    (this.chunks ??= []).push(data);
    this.chunkBytes += data.length;
    this.checkOutputLimit();
    this.scheduleFlush();
  }

  /**
   * Move the pending string into the chunk queue as a Buffer (off the V8 heap): a pipeline of
   * large replies would otherwise build one string past V8's maximum length. What is queued
   * counts against the client's output buffer limit at once, as Redis checks while it appends
   * replies. A connection-less client keeps its string (its caller takes and clears it).
   */
  private spill(): void {
    if (this.transport === null) return;
    if (this.closed) {
      this.out = '';
      return;
    }
    const b = Buffer.from(this.out, 'latin1');
    this.out = '';
    (this.chunks ??= []).push(b);
    this.chunkBytes += b.length;
    this.checkOutputLimit();
  }

  /**
   * Write this client's output once every ready connection of this event-loop turn was read,
   * as Redis's beforeSleep does (handleClientsWithPendingWrites): the replies to a turn's
   * commands leave in one burst, which keeps the peers busy instead of waking them one by one.
   */
  scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    this.server.queueFlush(this);
  }

  /** Write queued replies to the socket in one write. */
  flush(): void {
    if ((this.out.length === 0 && this.chunks === null) || this.transport === null) {
      // QUIT or CLIENT KILL under CLIENT REPLY OFF: nothing to write, close all the same.
      if (this.closing && !this.waiting) this.close();
      return;
    }
    const out = this.out;
    this.out = '';
    const chunks = this.chunks;
    // What Redis's reply buffer would have held at its fullest this turn.
    const held = chunks !== null ? this.replyBufferSize : Math.min(out.length, this.replyBufferSize);
    if (held > this.replyBufferPeak) this.replyBufferPeak = held;
    if (chunks !== null) {
      this.chunks = null;
      this.server.stats.netOutputBytes += this.chunkBytes;
      this.chunkBytes = 0;
      if (!this.closed) for (let i = 0; i < chunks.length; i++) this.transport.writeBuffer(chunks[i]);
    }
    if (this.closed) return;
    this.server.stats.netOutputBytes += out.length;
    if (out.length !== 0) this.transport.write(out);
    if (this.transport.pending !== 0 || this.softLimitSince !== 0) this.checkOutputLimit();
    if (this.closing && !this.waiting) this.close();
  }

  /**
   * clientsCronResizeOutputBuffer: shrink the reply buffer to its peak (at least 1 KB) when the
   * peak stayed under half of it, double it (up to 16 KB) when the peak filled it; the peak is
   * forgotten every 5 seconds, so an idle client's buffer shrinks.
   */
  resizeReplyBuffer(now: number): void {
    const size = this.replyBufferSize;
    const peak = this.replyBufferPeak;
    if (size / 2 >= REPLY_MIN_BYTES && peak < size / 2) this.replyBufferSize = Math.max(REPLY_MIN_BYTES, peak + 1);
    else if (size * 2 < REPLY_CHUNK_BYTES * 2 && peak === size) this.replyBufferSize = Math.min(REPLY_CHUNK_BYTES, size * 2);
    if (now - this.replyPeakResetAt >= REPLY_PEAK_RESET_MS) {
      this.replyBufferPeak = Math.min(this.out.length, this.replyBufferSize);
      this.replyPeakResetAt = now;
    }
  }

  /**
   * checkClientOutputBufferLimits: output the peer has not taken yet (what the socket still
   * holds) over the hard limit of the client's class, or over the soft limit for longer than
   * its seconds, closes the client at once, dropping that output: memory stays bounded.
   */
  private checkOutputLimit(): void {
    const f = this.flags;
    const cls =
      f.size === 0 || f.has('master') ? OutputClass.Normal
      : f.has('replica') && !f.has('monitor') ? OutputClass.Replica
      : f.has('pubsub') ? OutputClass.PubSub
      : OutputClass.Normal;
    const limit = this.server.outputLimits[cls];
    const used = this.transport!.pending + this.chunkBytes;
    let over = limit.hard !== 0 && used >= limit.hard;
    if (limit.soft !== 0 && used >= limit.soft) {
      const now = Math.floor(Date.now() / 1000);
      if (this.softLimitSince === 0) this.softLimitSince = now;
      else if (now - this.softLimitSince > limit.softSeconds) over = true;
    } else {
      this.softLimitSince = 0;
    }
    if (!over || this.closed) return;
    this.server.logger.warning(`Client id=${this.id} addr=${this.addr} closed for overcoming of output buffer limits.`);
    this.server.stats.outputLimitClosed++;
    this.out = '';
    this.transport!.destroy();
    this.close();
  }

  /** Bytes arrived: parse and run every complete command; the replies leave at the end of the turn. */
  onData(chunk: Buffer): void {
    const stats = this.server.stats;
    stats.netInputBytes += chunk.length;
    if (stats.netInputBytes >= this.server.memory.nextHeapCheck) this.server.memory.checkHeap(stats.netInputBytes);
    const parser = this.parser!;
    parser.feed(chunk);
    this.server.tick();
    this.lastInteraction = this.server.wallClock;
    this.process();
    parser.retain();
    this.scheduleFlush();
  }

  /** Run queued commands until input runs out or an asynchronous command holds the line. */
  process(): void {
    const parser = this.parser!;
    this.queryBuffered = parser.pending;
    while (!this.waiting && !this.closing && !this.closed) {
      let argv: string[] | null;
      try {
        argv = parser.next();
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        this.out += `-ERR Protocol error: ${e.message}\r\n`;
        this.server.logger.verbose(`Protocol error (${e.message}) from client: id=${this.id} addr=${this.addr}`);
        this.closing = true;
        return;
      }
      if (argv === null) break;
      if (argv.length !== 0) this.server.execute(this, argv);
    }
    if (!this.closing && parser.pending > this.server.parserLimits.maxQueryBuffer) {
      this.server.logger.warning(`Closing client that reached max query buffer length: id=${this.id} addr=${this.addr}`);
      this.close();
    }
  }

  /** Close the connection now. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.chunks = null;
    this.chunkBytes = 0;
    this.transport?.end();
    this.server.clientClosed(this);
  }
}

function formatAddr(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return '';
  return host.includes(':') && !host.startsWith('::ffff:') ? `[${host}]:${port}` : `${host.replace(/^::ffff:/, '')}:${port}`;
}
