import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import { performance } from 'perf_hooks';
import { inject, injectable } from 'tsyringe';
import { type AccessControl, PasswordAccess, isLocalAddress, protectedActionAllowed } from './access';
import { Blocking } from './blocking';
import { Client } from './client';
import { CmdFlag, CommandTable, type RegisteredCommand, Unresolved } from './commands/registry';
import { Config } from './config/config';
import { DEFAULT_OUTPUT_LIMITS, type OutputLimits, outputLimits } from './config/output-limits';
import { cstr, Errors, truncate } from './errors';
import { Hooks, type ShutdownOptions } from './hooks';
import { Journal, JournalTarget } from './journal';
import { Keyspace } from './keyspace/keyspace';
import { Logger, type LogLevel } from './logging';
import { Memory } from './memory';
import { type HandlerResult, NO_REPLY, type Reply, ReplyError } from './reply';
import type { ParserLimits } from './resp/parser';
import { openTransport } from './transport';
import { ACCESS_CONTROL, BUSY_SCRIPT, type BusyScript, ClosedGates, type Services, TrackedGate, WRITE_GATE, type WriteGate } from './services';
import { LatencyHistogram } from './util/latency-histogram';

export class ServerStats {
  totalConnections = 0;
  rejectedConnections = 0;
  totalCommands = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  /** Handler bugs answered with -ERR. */
  handlerErrors = 0;
  /** Connections closed by maxmemory-clients (the eviction module). */
  evictedClients = 0;
  /** Connections closed for overcoming their output buffer limits (not in INFO: Redis 7.0 has no such field). */
  outputLimitClosed = 0;
  /** Error replies by code (INFO errorstats). */
  readonly errors = new Map<string, number>();
  resetAt = Date.now();
}

/**
 * Redis's instantaneous metrics: rates sampled every 100 ms, averaged over the last 16
 * samples (STATS_METRIC_SAMPLES), for INFO's instantaneous_* fields.
 */
export class InstantaneousMetrics {
  private readonly samples = { ops: [] as number[], input: [] as number[], output: [] as number[] };
  private last = { time: 0, ops: 0, input: 0, output: 0 };

  sample(stats: ServerStats): void {
    const now = Date.now();
    const prev = this.last;
    if (prev.time !== 0 && now > prev.time) {
      const secs = (now - prev.time) / 1000;
      push(this.samples.ops, (stats.totalCommands - prev.ops) / secs);
      push(this.samples.input, (stats.netInputBytes - prev.input) / secs);
      push(this.samples.output, (stats.netOutputBytes - prev.output) / secs);
    }
    this.last = { time: now, ops: stats.totalCommands, input: stats.netInputBytes, output: stats.netOutputBytes };
  }

  get opsPerSec(): number {
    return mean(this.samples.ops);
  }
  get inputBytesPerSec(): number {
    return mean(this.samples.input);
  }
  get outputBytesPerSec(): number {
    return mean(this.samples.output);
  }
}

function push(list: number[], v: number): void {
  list.push(v);
  if (list.length > 16) list.shift();
}

function mean(list: number[]): number {
  return list.length === 0 ? 0 : list.reduce((a, b) => a + b, 0) / list.length;
}

/** CLIENT PAUSE state: until when, and whether all commands or only writes wait. */
interface PauseState {
  until: number;
  writesOnly: boolean;
}

/**
 * Connections, dispatch and the server's lifecycle. Handlers reach the rest of the kernel
 * through `ctx.server`.
 */
@injectable()
export class Server {
  readonly clients = new Map<number, Client>();
  readonly stats = new ServerStats();
  readonly metrics = new InstantaneousMetrics();
  private lastMetricsSample = 0;
  readonly startTime = Date.now();
  readonly parserLimits: ParserLimits = { maxBulkLen: 512 * 1024 * 1024, maxQueryBuffer: 1024 * 1024 * 1024 };
  /** Users, passwords and permissions: the kernel's `requirepass` alone, or the acl module's. */
  access: AccessControl = new PasswordAccess();
  private protectedMode = true;
  /**
   * When the running command started (ms, performance.now). One clock read per command: a
   * command's end is the next one's start, and each batch of input starts it afresh
   * (tick), so durations include the few hundred ns of parsing that precede a command.
   */
  private clock = 0;
  /**
   * Date.now() less performance.now(), refreshed by the cron: a batch's wall-clock time
   * (wallClock) derived from the command clock's read, not from a second clock read per batch.
   */
  private wallOffset = Date.now() - performance.now();
  /** The TCP port actually bound (useful with `port 0`). */
  port = 0;
  /** Until ready(): the port is bound while the data loads. */
  private loading = true;
  /** `latency-tracking`: record each call's duration in its command's histogram. */
  latencyTracking = true;
  /** The replication ids INFO replication shows (DEBUG CHANGE-REPL-ID renews the first). */
  replicationId = randomBytes(20).toString('hex');
  replicationId2 = '0'.repeat(40);
  pause: PauseState | null = null;
  /** The BUSY_SCRIPT service, when a module provides it. */
  private busyScript: BusyScript | null = null;
  /** The WRITE_GATE services, in GateOrder. */
  private gates: WriteGate[] = [];
  /** How many of the TrackedGates among them are closed. */
  private readonly closedGates = new ClosedGates();
  /** The gates that are not TrackedGates (the kernel's heap gate, a plugin's own): read per command. */
  private polledGates: WriteGate[] = [];
  private readonly paused: Array<[Client, RegisteredCommand, string[]]> = [];
  private pauseTimer: NodeJS.Timeout | null = null;
  private readonly listeners: net.Server[] = [];
  private cron: NodeJS.Timeout | null = null;
  private maxClients = 10000;
  private idleTimeout = 0;
  /** `tcp-keepalive` (seconds): read at every accept, kept here rather than asked of the configuration each time. */
  private keepalive = 300;
  private shuttingDown = false;
  /** The shutdown under way, and what aborts it while its hooks wait (SHUTDOWN ABORT). */
  private shutdownRun: Promise<void> | null = null;
  private shutdownAbort: AbortController | null = null;
  /** `client-output-buffer-limit` by client class. */
  outputLimits: OutputLimits = outputLimits(DEFAULT_OUTPUT_LIMITS);
  /** Clients with out-of-band output to write at the end of this tick (Client.pushEncoded). */
  private readonly flushQueue: Client[] = [];
  /** Called once the server has stopped (the process entry point exits then). */
  onStopped: (() => void) | null = null;

  constructor(
    @inject(Config) readonly config: Config,
    @inject(Keyspace) readonly keyspace: Keyspace,
    @inject(Hooks) readonly hooks: Hooks,
    @inject(CommandTable) readonly commands: CommandTable,
    @inject(Logger) readonly logger: Logger,
    @inject(Blocking) readonly blocking: Blocking,
    @inject(Journal) readonly journal: Journal,
    @inject(Memory) readonly memory: Memory,
  ) {}

  /** Read the kernel's settings and follow their changes. */
  configure(): void {
    const c = this.config;
    this.keyspace.init(c.get<number>('databases'));
    c.watch('requirepass', (v) => this.access.requirePass(v as string));
    c.watch('protected-mode', (v) => (this.protectedMode = v as boolean));
    c.watch('maxclients', (v) => (this.maxClients = v as number));
    c.watch('timeout', (v) => (this.idleTimeout = v as number));
    c.watch('tcp-keepalive', (v) => (this.keepalive = v as number));
    c.watch('proto-max-bulk-len', (v) => (this.parserLimits.maxBulkLen = v as number));
    c.watch('client-query-buffer-limit', (v) => (this.parserLimits.maxQueryBuffer = v as number));
    c.watch('client-output-buffer-limit', (v) => (this.outputLimits = outputLimits(v as string)));
    c.watch('loglevel', (v) => this.logger.setLevel(v as LogLevel));
    c.watch('hz', () => this.startCron());
    c.watch('latency-tracking', (v) => (this.latencyTracking = v as boolean));
  }

  // ---- dispatch -------------------------------------------------------------------------

  /** Look up, check and run one command from a client, as Redis's processCommand does. */
  execute(c: Client, argv: string[]): void {
    const cmd = this.commands.resolve(argv);
    if (typeof cmd === 'number') {
      this.unresolved(c, argv, cmd);
      return;
    }
    if ((cmd.bits & CmdFlag.Protected) !== 0 && !this.protectedCommandAllowed(c, cmd)) {
      cmd.stats.rejected++;
      this.reject(c, cmd, protectedCommandError(cmd));
      return;
    }
    if (!c.authenticated && (cmd.bits & CmdFlag.NoAuth) === 0) {
      cmd.stats.rejected++;
      this.reject(c, cmd, Errors.noAuth);
      return;
    }
    if (c.restricted) {
      const denied = this.access.check(c, cmd, argv);
      if (denied !== null) {
        cmd.stats.rejected++;
        this.reject(c, cmd, denied);
        return;
      }
    }
    const busy = this.busyScript;
    if (busy !== null && busy.running) {
      const err = busy.refuse(c, cmd, argv);
      if (err !== null) {
        cmd.stats.rejected++;
        this.reject(c, cmd, err);
        return;
      }
    }
    const refused = this.gateRefusal(cmd, c);
    if (refused !== null) {
      cmd.stats.rejected++;
      this.reject(c, cmd, refused);
      return;
    }
    const icpt = c.interceptors;
    if (icpt !== null) {
      for (let i = 0; i < icpt.length; i++) if (icpt[i](c, cmd, argv)) return;
    }
    if (this.pause !== null && this.mustWait(c, cmd)) {
      c.waiting = true;
      c.argv = argv;
      // As Redis's blockPostponeClient: CLIENT LIST shows it blocked (b) in the command it sent.
      c.flags.add('blocked');
      c.lastCommand = cmd.name;
      this.paused.push([c, cmd, argv]);
      return;
    }
    this.call(c, cmd, argv);
    // Like Redis's handleClientsBlockedOnKeys after each command: a pushed key feeds waiters
    // before this client's next pipelined command can take it.
    if (this.blocking.pending) this.blocking.serveReady();
  }

  /**
   * Whether `c` may run a command flagged `protected` (DEBUG, MODULE): Redis's
   * `enable-debug-command` / `enable-module-command`, `yes`, `no` or `local`.
   */
  protectedCommandAllowed(c: Client, cmd: RegisteredCommand): boolean {
    return protectedActionAllowed(this.config.get<string>(`enable-${rootName(cmd)}-command`), c);
  }

  /** Called by the loader once every module is built. */
  bindServices(services: Services): void {
    this.busyScript = services.find(BUSY_SCRIPT) ?? null;
    this.access = services.find(ACCESS_CONTROL) ?? this.access;
    // Array.sort is stable: the kernel's heap gate goes before a module's OOM gate.
    this.gates = [this.memory.heapGate, ...services.all(WRITE_GATE)].sort((a, b) => a.order - b.order);
    this.polledGates = [];
    for (const g of this.gates) {
      if (g instanceof TrackedGate) g.countIn(this.closedGates);
      else this.polledGates.push(g);
    }
  }

  /** Whether a script holds the server across event-loop turns. */
  get scriptRunning(): boolean {
    return this.busyScript !== null && this.busyScript.running;
  }

  /** The first closed write gate's refusal of a command a script runs, or null. */
  scriptWriteRefusal(cmd: RegisteredCommand): ReplyError | null {
    return this.gateRefusal(cmd, null);
  }

  /** `client`: the connection that sent the command; null for a script's redis.call. */
  private gateRefusal(cmd: RegisteredCommand, client: Client | null): ReplyError | null {
    if (this.closedGates.count === 0 && !this.polledGateClosed()) return null;
    const gates = this.gates;
    for (let i = 0; i < gates.length; i++) {
      if (!gates[i].closed) continue;
      const err = gates[i].refuse(cmd, client);
      if (err !== null) return err;
    }
    return null;
  }

  private polledGateClosed(): boolean {
    const polled = this.polledGates;
    for (let i = 0; i < polled.length; i++) if (polled[i].closed) return true;
    return false;
  }

  /** Refuse a command CommandTable.resolve could not resolve, with Redis's error. */
  private unresolved(c: Client, argv: string[], why: Unresolved): void {
    const at = this.commands.failedAt!;
    if (why === Unresolved.WrongArity) {
      at.stats.rejected++;
      this.reject(c, at, Errors.wrongArity(at.name));
    } else if (why === Unresolved.UnknownSubcommand) {
      this.reject(c, at, Errors.unknownSubcommand(argv[1], argv[0]));
    } else if (isCrossProtocolAttack(argv[0])) {
      // Redis drops such a client at once, without a reply (not even to earlier commands).
      this.logger.warning(
        'Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. Connection aborted.',
      );
      c.out = '';
      c.closing = true;
      c.close();
    } else {
      this.reject(c, null, unknownCommand(argv));
    }
  }

  /** Restart the command clock: new input arrived, or a held command runs again. */
  tick(): void {
    this.clock = performance.now();
  }

  /** The wall-clock time (ms since the epoch) of the last tick or command end. */
  get wallClock(): number {
    return Math.floor(this.wallOffset + this.clock);
  }

  /**
   * Run a checked command and send its reply. Transactions and scripts call this for each
   * command they run.
   */
  call(c: Client, cmd: RegisteredCommand, argv: string[]): void {
    const dirty = this.keyspace.stats.dirty;
    const t0 = this.clock;
    const r = this.invoke(c, cmd, argv);
    if (r instanceof Promise) {
      c.waiting = true;
      c.argv = argv;
      r.then(
        (v) => this.asyncDone(c, cmd, argv, v, t0, dirty),
        (e) => this.asyncDone(c, cmd, argv, this.toReplyError(cmd, e), t0, dirty),
      );
      return;
    }
    this.finish(c, cmd, argv, r, t0, dirty);
  }

  /**
   * Run a checked command for a connection-less caller (a script's client) and return its
   * reply instead of sending it. The handler must answer synchronously (the caller sets
   * `denyBlocking`). Stats, command listeners and propagation work as in call(); the
   * command's writes go to `targets` only (redis.set_repl).
   */
  run(c: Client, cmd: RegisteredCommand, argv: string[], targets: number = JournalTarget.All): Reply {
    const dirty = this.keyspace.stats.dirty;
    const t0 = (this.clock = performance.now());
    let r = this.invoke(c, cmd, argv);
    if (r instanceof Promise) {
      r.catch((e: unknown) => this.handlerBug(cmd.name, e));
      r = this.toReplyError(cmd, new Error('asynchronous reply to a synchronous caller'));
    }
    const reply = r === NO_REPLY ? null : r;
    if (reply instanceof ReplyError) {
      cmd.stats.failed++;
      this.countError(reply);
    }
    c.propagateTargets = targets;
    this.finish(c, cmd, argv, NO_REPLY, t0, dirty);
    c.propagateTargets = JournalTarget.All;
    return reply;
  }

  /** The handler itself, after BGSAVE's guard; a thrown error becomes the reply. */
  private invoke(c: Client, cmd: RegisteredCommand, argv: string[]): HandlerResult {
    c.current = cmd;
    // A snapshot in progress must see the old values of whatever this write may change in
    // place; any argument may be a key, and guarding a non-key costs only a lookup.
    if (this.hooks.guardingWrites && (cmd.bits & (CmdFlag.Write | CmdFlag.MayReplicate)) !== 0) {
      for (let i = 1; i < argv.length; i++) this.hooks.emitBeforeWrite(c.db, argv[i]);
    }
    try {
      return cmd.method!.call(cmd.receiver, c, argv);
    } catch (e) {
      return this.toReplyError(cmd, e);
    }
  }

  private asyncDone(c: Client, cmd: RegisteredCommand, argv: string[], r: Reply | typeof NO_REPLY, t0: number, dirty: number): void {
    c.waiting = false;
    c.argv = null;
    // Time parked on keys is waiting, not execution: Redis's SLOWLOG and commandstats leave it out.
    const start = t0 + c.blockedMs;
    c.blockedMs = 0;
    this.finish(c, cmd, argv, r, start, dirty);
    if (c.closed) return;
    if (c.parser !== null) c.process();
    c.scheduleFlush();
  }

  private finish(c: Client, cmd: RegisteredCommand, argv: string[], r: Reply | typeof NO_REPLY, t0: number, dirty: number): void {
    const st = cmd.stats;
    if (r !== NO_REPLY) {
      if (r instanceof ReplyError) {
        st.failed++;
        this.countError(r);
      }
      c.reply(r);
    }
    // After the reply is encoded, as Redis's handlers build theirs inside the timed call: read
    // before, a large reply's encoding went to the next command of a pipeline (SLOWLOG, commandstats).
    const now = performance.now();
    this.clock = now;
    const usec = (now - t0) * 1000;
    st.calls++;
    st.usec += usec;
    if (this.latencyTracking) (st.histogram ??= new LatencyHistogram()).record(usec);
    this.stats.totalCommands++;
    c.commandsProcessed++;
    c.lastCommand = cmd.name;
    c.current = null;
    if (this.keyspace.stats.dirty !== dirty && this.journal.active) {
      this.propagate(c, argv);
      c.woff = this.journal.offset;
    } else {
      c.propagateInstead = null;
    }
    if (usec >= this.hooks.commandFloor) this.hooks.emitCommand(c, cmd, argv, usec);
  }

  private propagate(c: Client, argv: string[]): void {
    const instead = c.propagateInstead;
    if (instead === null) {
      this.journal.append(c.db.id, argv, c.propagateTargets);
      return;
    }
    c.propagateInstead = null;
    for (const a of instead) this.journal.append(c.db.id, a, c.propagateTargets);
  }

  /**
   * Refuse a command before it runs (Redis's rejectCommand). The listeners may change the
   * error: a transaction being queued is flagged to abort, a refused EXEC answers EXECABORT.
   */
  reject(c: Client, cmd: RegisteredCommand | null, e: ReplyError): void {
    c.reply(this.countError(this.hooks.emitRejected(c, cmd, e)));
  }

  private countError(e: ReplyError): ReplyError {
    const code = e.code;
    this.stats.errors.set(code, (this.stats.errors.get(code) ?? 0) + 1);
    return e;
  }

  /** A thrown ReplyError is a reply; anything else is a bug: logged, answered -ERR, server lives on. */
  toReplyError(cmd: RegisteredCommand, e: unknown): ReplyError {
    if (e instanceof ReplyError) return e;
    this.handlerBug(cmd.name, e);
    return new ReplyError(`ERR internal error in '${cmd.name}': ${e instanceof Error ? e.message : String(e)}`);
  }

  handlerBug(where: string, e: unknown): void {
    this.stats.handlerErrors++;
    this.logger.warning(`Bug in command '${where}': ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }

  /**
   * Write `c`'s output once the current callback is done, as Redis's beforeSleep does for
   * clients with pending writes (after the onBeforeReplies listeners): a pipeline of
   * PUBLISHes costs each subscriber one write. Every reply leaves through this pass.
   */
  queueFlush(c: Client): void {
    // setImmediate runs after every ready socket of this turn was read: one write per
    // receiver however many publishers fed it meanwhile.
    if (this.flushQueue.push(c) === 1) setImmediate(this.flushQueued);
  }

  private readonly flushQueued = (): void => {
    this.hooks.emitBeforeReplies();
    const q = this.flushQueue;
    // Flushing may close a client, which may push to others: they join this same pass.
    for (let i = 0; i < q.length; i++) {
      q[i].flushQueued = false;
      q[i].flush();
    }
    q.length = 0;
  };

  // ---- CLIENT PAUSE ---------------------------------------------------------------------

  private mustWait(c: Client, cmd: RegisteredCommand): boolean {
    const p = this.pause!;
    if (Date.now() >= p.until) {
      this.unpause();
      return false;
    }
    if (c.flags.has('replica') || c.flags.has('master')) return false;
    if (!p.writesOnly) return true;
    return (cmd.bits & (CmdFlag.Write | CmdFlag.MayReplicate)) !== 0;
  }

  /** Clients holding a command until CLIENT PAUSE ends (Redis counts them as blocked). */
  get pausedClients(): number {
    let n = 0;
    for (const [c] of this.paused) if (!c.closed) n++;
    return n;
  }

  /** CLIENT PAUSE: hold commands (all, or only writes) until `until` (ms). */
  pauseClients(until: number, writesOnly: boolean): void {
    if (this.pause !== null) {
      // A new pause never shortens or weakens one under way, as in Redis.
      until = Math.max(until, this.pause.until);
      writesOnly = writesOnly && this.pause.writesOnly;
    }
    this.pause = { until, writesOnly };
    this.armPause();
  }

  /** Node's timers take at most 2^31-1 ms (a longer one fires at once): a long pause re-arms until it ends. */
  private armPause(): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    const left = this.pause!.until - Date.now();
    this.pauseTimer = setTimeout(() => (Date.now() >= this.pause!.until ? this.unpause() : this.armPause()), Math.min(Math.max(0, left), 2 ** 31 - 1));
  }

  unpause(): void {
    this.pause = null;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
    const held = this.paused.splice(0);
    for (const [c, cmd, argv] of held) {
      if (c.closed) continue;
      c.waiting = false;
      c.argv = null;
      c.flags.delete('blocked');
      this.tick();
      // Checked again, as Redis processes a paused command anew: a FAILOVER's pause ends with
      // this server a read-only replica, and the writes it held must not run here.
      const refused = this.gateRefusal(cmd, c);
      if (refused !== null) this.reject(c, cmd, refused);
      else this.call(c, cmd, argv);
      if (!c.waiting && c.parser !== null) c.process();
      c.scheduleFlush();
    }
  }

  // ---- connections ----------------------------------------------------------------------

  /**
   * Bind every address, before any data is loaded (as Redis does): a port in use fails the start
   * with Redis's messages and leaves the data files alone. Connections that arrive before
   * ready() are refused with -LOADING.
   */
  async listen(): Promise<void> {
    const port = this.config.get<number>('port');
    const backlog = this.config.get<number>('tcp-backlog');
    try {
      await this.listenTcp(port);
      const unix = this.config.get<string>('unixsocket');
      if (unix !== '') {
        if (fs.existsSync(unix)) fs.unlinkSync(unix);
        await this.listenOn({ path: unix, backlog });
        const perm = this.config.get<number>('unixsocketperm');
        if (perm !== 0) fs.chmodSync(unix, perm);
      }
    } catch (e) {
      await Promise.all(this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))));
      this.listeners.length = 0;
      throw e;
    }
  }

  /** Listen on `port` (0: a free one) at every bind address, with Redis's messages when one fails. */
  private async listenTcp(port: number): Promise<void> {
    const binds = this.config.get<string>('bind').split(/\s+/).filter(Boolean);
    const backlog = this.config.get<number>('tcp-backlog');
    for (const spec of binds) {
      const optional = spec.startsWith('-');
      const addr = optional ? spec.slice(1) : spec;
      const host = addr === '*' ? '0.0.0.0' : addr === '::*' ? '::' : addr;
      try {
        await this.listenOn({ port: this.port || port, host, ipv6Only: host.includes(':'), backlog });
      } catch (e) {
        if (optional) continue;
        const failure = `Could not create server TCP listening socket ${addr}:${this.port || port}: bind: ${errnoText(e as NodeJS.ErrnoException)}`;
        this.logger.warning(`Warning: ${failure}`);
        this.logger.warning(`Failed listening on port ${this.port || port} (TCP), aborting.`);
        throw new Error(failure);
      }
    }
  }

  /**
   * CONFIG SET port (Redis's changeListenPort): listen on the new port at every bind address,
   * then stop listening on the old one; connected clients stay. When a bind fails nothing
   * changes and the promise rejects.
   */
  async changePort(port: number): Promise<void> {
    const before = this.listeners.length;
    const previous = this.port;
    this.port = 0;
    try {
      await this.listenTcp(port);
    } catch (e) {
      await Promise.all(this.listeners.splice(before).map((l) => new Promise<void>((resolve) => l.close(() => resolve()))));
      this.port = previous;
      throw e;
    }
    const old = this.listeners.slice(0, before).filter((l) => typeof l.address() === 'object');
    for (const l of old) {
      this.listeners.splice(this.listeners.indexOf(l), 1);
      l.close();
    }
  }

  /** The data is loaded: serve connections, start the cron. */
  ready(): void {
    this.loading = false;
    this.memory.started();
    this.startCron();
  }

  private listenOn(opts: net.ListenOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      const srv = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
      srv.once('error', reject);
      srv.listen(opts, () => {
        srv.off('error', reject);
        srv.on('error', (e) => this.logger.warning(`Listener error: ${e.message}`));
        const a = srv.address();
        if (a !== null && typeof a === 'object' && this.port === 0) this.port = a.port;
        this.listeners.push(srv);
        resolve();
      });
    });
  }

  private accept(socket: net.Socket): void {
    if (this.loading) {
      socket.end('-LOADING Redis is loading the dataset in memory\r\n');
      return;
    }
    if (this.clients.size >= this.maxClients || this.shuttingDown) {
      refuse(socket, '-ERR max number of clients reached\r\n');
      this.stats.rejectedConnections++;
      return;
    }
    if (this.protectedMode && this.access.defaultNoPass && socket.remoteAddress !== undefined && !isLocalAddress(socket.remoteAddress)) {
      refuse(socket, PROTECTED_MODE_DENIED);
      this.stats.rejectedConnections++;
      return;
    }
    socket.setNoDelay(true);
    if (this.keepalive > 0) socket.setKeepAlive(true, this.keepalive * 1000);
    const c = new Client(this, socket);
    this.clients.set(c.id, c);
    this.stats.totalConnections++;
    c.transport = openTransport(socket, {
      data: (chunk) => {
        try {
          c.onData(chunk);
        } catch (e) {
          // The dispatcher answers handler bugs itself; reaching here is a kernel bug.
          this.handlerBug('connection', e);
          c.close();
        }
      },
      closed: () => c.close(),
    });
  }

  /** Forget a closed client and tell the modules (pub/sub, blocking, tracking). */
  clientClosed(c: Client): void {
    if (!this.clients.delete(c.id)) return;
    this.hooks.emitClientClosed(c);
  }

  // ---- background tasks -----------------------------------------------------------------

  private startCron(): void {
    if (this.cron !== null) clearInterval(this.cron);
    if (this.listeners.length === 0) return;
    const hz = this.config.get<number>('hz');
    const period = Math.max(1, Math.floor(1000 / hz));
    this.cron = setInterval(() => this.serverCron(period), period);
    this.cron.unref();
  }

  private serverCron(period: number): void {
    const now = Date.now();
    this.wallOffset = now - performance.now();
    this.keyspace.setClock(now);
    if (now - this.lastMetricsSample >= 100) {
      this.lastMetricsSample = now;
      this.metrics.sample(this.stats);
    }
    // Redis's slow cycle may use 25% of the CPU time; none while a script holds the dataset.
    if (!this.scriptRunning) this.keyspace.activeExpireCycle(period / 4);
    // used_memory follows collections changed in place within a tenth of the period.
    this.keyspace.remeasure(Date.now() + period / 10);
    this.memory.sampleClients(this.clients.values());
    for (const c of this.clients.values()) c.resizeReplyBuffer(now);
    this.memory.checkHeap(this.stats.netInputBytes);
    this.memory.collectWhenIdle(this.stats.netInputBytes, now);
    if (this.idleTimeout > 0) {
      const limit = Date.now() - this.idleTimeout * 1000;
      for (const c of this.clients.values()) {
        if (c.lastInteraction < limit && !c.waiting && c.flags.size === 0 && c.interceptors === null) c.close();
      }
    }
  }

  // ---- shutdown -------------------------------------------------------------------------

  /**
   * Run the modules' shutdown hooks (persistence saves there), then stop accepting and close
   * clients. A failing hook aborts the shutdown (the error is rethrown) unless `force`.
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    // A second SHUTDOWN while hooks wait (for lagging replicas) shares the first one's outcome.
    this.shutdownRun ??= this.runShutdown(options).finally(() => (this.shutdownRun = null));
    return this.shutdownRun;
  }

  /** SHUTDOWN ABORT: stop a shutdown whose hooks are still waiting; false when none is. */
  abortShutdown(): boolean {
    const abort = this.shutdownAbort;
    if (abort === null || abort.signal.aborted) return false;
    abort.abort();
    return true;
  }

  private async runShutdown(options: ShutdownOptions): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    const abort = new AbortController();
    this.shutdownAbort = abort;
    try {
      const withSignal = { ...options, signal: abort.signal };
      await this.hooks.emitLifecycle('prepareShutdown', withSignal);
      await this.hooks.emitLifecycle('shutdown', withSignal);
    } catch (e) {
      if (!options.force || abort.signal.aborted) {
        this.shuttingDown = false;
        throw e;
      }
      this.logger.warning(`Shutting down despite errors (FORCE): ${(e as Error).message}`);
    } finally {
      this.shutdownAbort = null;
    }
    if (this.cron !== null) clearInterval(this.cron);
    if (this.pauseTimer !== null) clearTimeout(this.pauseTimer);
    // net.Server#close waits for open connections to end, so close the clients before awaiting it.
    const closed = Promise.all(this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))));
    for (const c of [...this.clients.values()]) {
      c.flush();
      c.transport?.destroy();
      c.close();
    }
    await closed;
    const unix = this.config.get<string>('unixsocket');
    if (unix !== '' && fs.existsSync(unix)) fs.unlinkSync(unix);
    this.onStopped?.();
  }
}

/** strerror()'s text for the errors bind() meets. */
function errnoText(e: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    EADDRINUSE: 'Address already in use',
    EADDRNOTAVAIL: 'Cannot assign requested address',
    EACCES: 'Permission denied',
    EAFNOSUPPORT: 'Address family not supported by protocol',
  };
  return known[e.code ?? ''] ?? e.message;
}

/** Redis's text: "unknown command 'x', with args beginning with: 'a' 'b' " (%.128s: C strings, cut at NUL). */
function unknownCommand(argv: string[]): ReplyError {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${truncate(cstr(argv[i]), 128 - args.length)}' `;
  return new ReplyError(`ERR unknown command '${truncate(cstr(argv[0]), 128)}', with args beginning with: ${args}`);
}

/** Answer a connection not taken and close it; its input is drained, so the close completes. */
function refuse(socket: net.Socket, text: string): void {
  socket.resume();
  socket.end(text);
}

function rootName(cmd: RegisteredCommand): string {
  return cmd.parent !== null ? cmd.parent.name : cmd.name;
}

/** Redis's text refusing DEBUG or MODULE (rejectCommandFormat in processCommand). */
function protectedCommandError(cmd: RegisteredCommand): ReplyError {
  const name = rootName(cmd);
  return new ReplyError(
    `ERR ${name.toUpperCase()} command not allowed. If the enable-${name}-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`,
  );
}

/** What Redis 7.0 sends a remote client in protected mode before closing the connection. */
const PROTECTED_MODE_DENIED =
  "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/** `POST` and `Host:` (any case) look like HTTP sent to Redis: processCommand refuses them. */
function isCrossProtocolAttack(name: string): boolean {
  const n = name.length;
  return (n === 4 && name.toLowerCase() === 'post') || (n === 5 && name.toLowerCase() === 'host:');
}
