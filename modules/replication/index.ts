import { randomBytes } from 'crypto';
import * as path from 'path';
import {
  Blocking,
  Client,
  CmdFlag,
  Command,
  type CommandContext,
  Config,
  encodeCommand,
  Errors,
  GateOrder,
  Hooks,
  type InfoField,
  inject,
  Journal,
  JournalTarget,
  type JournalSubscription,
  Keyspace,
  Logger,
  NO_REPLY,
  OK,
  OutboundConnection,
  parseIntArg,
  provide,
  RDB_SNAPSHOTS,
  type RdbSnapshots,
  REPLICATION_ROLE,
  RedisModule,
  type RegisteredCommand,
  type ShutdownOptions,
  type Reply,
  ReplyError,
  ReplyMode,
  Server,
  StatusReply,
  WRITE_GATE,
  TrackedGate,
} from '../../kernel';
import { Backlog } from './backlog';
import { parseReplicaOf, replicationParams } from './config';
import { LinkState, ReplicaLink, SyncRound } from './master';
import { SyncPayload } from './payload';
import { ImageReceiver, type ReceivePlan } from './receive';

const READONLY = new ReplyError("READONLY You can't write against a read only replica.");
const NOREPLICAS = new ReplyError('NOREPLICAS Not enough good replicas to write.');
const MASTERDOWN = new ReplyError("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
const LOADING = new ReplyError('LOADING Redis is loading the dataset in memory');
const NOMASTERLINK = new ReplyError("NOMASTERLINK Can't SYNC while not connected with my master");
const WAIT_ON_REPLICA = new ReplyError(
  'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.',
);
const NOT_FOR_REPLICA_CLIENT = new ReplyError('ERR Command is not valid when client is a replica.');
const ALREADY_CONNECTED = new StatusReply('OK Already connected to specified master');
const NULL_REPLID = '0'.repeat(40);
/** The event WAIT's clients block on: a replica acknowledged an offset. */
const ACK_EVENT = 'replication:ack';

/** A write gate that refuses per a fixed rule while `closed`. */
class Gate extends TrackedGate {
  constructor(
    readonly order: number,
    private readonly error: ReplyError,
    /** Refuse commands without this flag (MASTERDOWN: not STALE) instead of those with it (writes). */
    private readonly unless: boolean,
    private readonly flag: CmdFlag,
    /** The master link's client, obeyed whatever the gate says (Redis's obey_client). */
    private readonly obeyed: () => Client | null = () => null,
  ) {
    super();
  }

  refuse(cmd: RegisteredCommand, client: Client | null): ReplyError | null {
    if (client !== null && client === this.obeyed()) return null;
    return cmd.has(this.flag) !== this.unless ? this.error : null;
  }
}

/** A FAILOVER under way (Redis's failover_* fields). */
interface Failover {
  inProgress: boolean;
  host: string | null;
  port: number;
  /** 0: no TIMEOUT. */
  endTime: number;
  force: boolean;
}

/** The replica side's link to its master (Redis's REPL_STATE_*). */
const enum ReplState {
  None,
  Connect,
  Connecting,
  Handshake,
  Transfer,
  Connected,
}

/**
 * Master–replica replication, PSYNC2 as Redis 7.0 speaks it, both ways. The master side keeps
 * a backlog fed by the journal's replicas target, answers PSYNC with +CONTINUE from it or
 * +FULLRESYNC and a point-in-time snapshot (RDB_SNAPSHOTS) while it keeps serving, then
 * streams the writes. The replica side connects, handshakes, loads the image, applies the
 * stream as its master client and forwards it byte for byte to its own replicas.
 */
@RedisModule({
  name: 'replication',
  requires: ['persistence'],
  config: replicationParams,
  provides: [
    provide(WRITE_GATE, (m: ReplicationModule) => m.noReplicas),
    provide(WRITE_GATE, (m: ReplicationModule) => m.readOnly),
    provide(WRITE_GATE, (m: ReplicationModule) => m.masterDown),
    provide(WRITE_GATE, (m: ReplicationModule) => m.loading),
    provide(REPLICATION_ROLE, (m: ReplicationModule) => m),
  ],
})
export default class ReplicationModule {
  readonly noReplicas = new Gate(GateOrder.NoReplicas, NOREPLICAS, false, CmdFlag.Write);
  readonly readOnly = new Gate(GateOrder.ReadOnly, READONLY, false, CmdFlag.Write, () => this.masterClient);
  readonly masterDown = new Gate(GateOrder.MasterDown, MASTERDOWN, true, CmdFlag.Stale);
  /** While a master's image loads in slices: only commands flagged LOADING run. */
  readonly loading = new Gate(GateOrder.Loading, LOADING, true, CmdFlag.Loading);

  // ---- master side ------------------------------------------------------------------------
  private backlog: Backlog | null = null;
  private subscription: JournalSubscription | null = null;
  /** second_repl_offset: up to where replicationId2's history is shared with ours. */
  private secondOffset = -1;
  /** REPLCONF state of connections that have not asked to sync yet. */
  private readonly handshakes = new Map<Client, ReplicaLink>();
  private readonly links = new Map<Client, ReplicaLink>();
  /** The links' values as an array, for the per-write fan-out (no iterator per write). */
  private fanout: ReplicaLink[] = [];
  private round: SyncRound | null = null;
  private roundTimer: NodeJS.Timeout | null = null;
  private noReplicasSince = Date.now();
  private goodReplicas = 0;
  private syncFull = 0;
  private syncPartialOk = 0;
  private syncPartialErr = 0;

  // ---- replica side -----------------------------------------------------------------------
  private masterHost: string | null = null;
  private masterPort = 0;
  private state = ReplState.None;
  private conn: OutboundConnection | null = null;
  /** The client the master's commands run as (CLIENT LIST flag M). */
  private masterClient: Client | null = null;
  /** Stream bytes fed to the master client's parser and not yet part of a whole command. */
  private unapplied: Buffer = Buffer.alloc(0);
  private payload: SyncPayload | null = null;
  /** The image of a full sync, being received or loaded. */
  private receiver: ImageReceiver | null = null;
  /**
   * The database the master's stream was in when the link dropped (a partial resync continues
   * there) or, after a full sync, the image's repl-stream-db.
   */
  private streamDb = 0;
  /** The reply to PSYNC as it arrives. */
  private psyncLine = '';
  /** Bumped on every REPLICAOF and link loss: a handshake under way notices it is stale. */
  private generation = 0;
  private lastIo = 0;
  private linkDownSince = 0;
  /** No history worth offering the master: PSYNC ? -1 (a start with `replicaof` in the config). */
  private fresh = false;
  private cron: NodeJS.Timeout | null = null;
  private cronTicks = 0;

  /** Set while a shutdown waits for lagging replicas: checks whether it may go on (called on ACKs). */
  private shutdownWait: (() => void) | null = null;

  /** FAILOVER under way: waiting for a replica to catch up, then handing over to it. */
  private failover: Failover | null = null;

  constructor(
    @inject(Server) private readonly server: Server,
    @inject(Config) private readonly config: Config,
    @inject(Hooks) hooks: Hooks,
    @inject(Journal) private readonly journal: Journal,
    @inject(Keyspace) private readonly keyspace: Keyspace,
    @inject(Blocking) private readonly blocking: Blocking,
    @inject(Logger) private readonly logger: Logger,
    @inject(RDB_SNAPSHOTS) private readonly snapshots: RdbSnapshots,
  ) {
    hooks.onInfoSection('replication', () => this.infoFields(), { inDefault: true });
    hooks.onInfo('stats', () => [
      ['sync_full', this.syncFull],
      ['sync_partial_ok', this.syncPartialOk],
      ['sync_partial_err', this.syncPartialErr],
    ]);
    hooks.onClientClosed((c) => this.clientClosed(c));
    config.watch('repl-backlog-size', (v) => {
      if (this.backlog === null) return;
      this.backlog.resize(v as number);
      this.setBacklog(this.backlog);
    });
    config.watch('replica-read-only', () => this.updateGates());
    config.watch('replica-serve-stale-data', () => this.updateGates());
    config.watch('min-replicas-to-write', () => this.refreshGoodReplicas());
    config.watch('min-replicas-max-lag', () => this.refreshGoodReplicas());
  }

  onStart(): void {
    const of = this.config.get<string>('replicaof');
    const target = of === '' ? null : parseReplicaOf(of);
    if (target !== null) {
      this.fresh = true;
      this.becomeReplica(target[0], target[1]);
    }
    this.cron = setInterval(() => this.replicationCron(), 1000);
    this.cron.unref();
    if (this.state === ReplState.Connect) void this.connectToMaster();
  }

  async onPrepareShutdown(options: ShutdownOptions): Promise<void> {
    const timeout = this.config.get<number>('shutdown-timeout');
    if (!options.now && !this.isReplica && timeout > 0 && this.lagging().length !== 0) await this.waitForReplicas(timeout * 1000, options.signal);
  }

  onShutdown(): void {
    if (this.cron !== null) clearInterval(this.cron);
    if (this.roundTimer !== null) clearTimeout(this.roundTimer);
    this.generation++;
    this.conn?.close();
  }

  /** Online replicas that have not acknowledged the whole stream yet. */
  private lagging(): ReplicaLink[] {
    const offset = this.journal.offset;
    return this.fanout.filter((l) => l.state === LinkState.Online && !l.presync && l.ackOffset < offset);
  }

  /**
   * A master shutting down gives lagging replicas up to shutdown-timeout to acknowledge the
   * final offset, as Redis 7.0: writes are held meanwhile (CLIENT PAUSE WRITE), GETACK asks
   * for their offsets. SHUTDOWN ABORT (the signal) ends the wait with an error, which cancels
   * the shutdown; the pause is lifted then.
   */
  private waitForReplicas(ms: number, signal: AbortSignal | undefined): Promise<void> {
    this.logger.notice('Waiting for replicas before shutting down.');
    const deadline = Date.now() + ms;
    this.server.pauseClients(deadline, true);
    this.requestAcks();
    return new Promise<void>((resolve, reject) => {
      const finish = (aborted: boolean): void => {
        clearInterval(timer);
        this.shutdownWait = null;
        signal?.removeEventListener('abort', onAbort);
        if (aborted) {
          this.server.unpause();
          this.logger.warning('Shutdown manually aborted.');
          reject(new Error('Shutdown manually aborted'));
          return;
        }
        const behind = this.lagging();
        for (const l of behind) this.logger.warning(`Lagging replica ${l.address}:${l.port} reported offset ${l.ackOffset} behind master, lag=${Math.floor((Date.now() - l.ackTime) / 1000)}, state=online.`);
        this.logger.notice(`${this.fanout.length - behind.length} of ${this.fanout.length} replicas are in sync when shutting down.`);
        resolve();
      };
      const check = (): void => {
        if (this.lagging().length === 0 || Date.now() >= deadline) finish(false);
      };
      const onAbort = (): void => finish(true);
      this.shutdownWait = check;
      const timer = setInterval(check, 100);
      signal?.addEventListener('abort', onAbort);
    });
  }

  /** REPLICATION_ROLE: a replica now (REPLICAOF or `replicaof`). */
  get isReplica(): boolean {
    return this.masterHost !== null;
  }

  // ---- the backlog and the live stream ------------------------------------------------------

  private createBacklog(): void {
    this.setBacklog(new Backlog(this.config.get<number>('repl-backlog-size'), this.journal.offset));
    this.subscription ??= this.journal.attach(JournalTarget.Replicas, this.feed);
  }

  private freeBacklog(): void {
    this.subscription?.detach();
    this.subscription = null;
    this.setBacklog(null);
  }

  /** The backlog changes: MEMORY STATS and INFO memory show what it holds allocated. */
  private setBacklog(b: Backlog | null): void {
    this.backlog = b;
    this.server.memory.replicationBacklog = b === null ? 0 : b.size;
  }

  /** The replicas' stream, from the journal (a master's writes, a replica's forwarded stream). */
  private readonly feed = (chunk: string): void => {
    this.backlog!.append(chunk);
    const links = this.fanout;
    for (let i = 0; i < links.length; i++) {
      const link = links[i];
      if (link.state === LinkState.Online) link.client.pushEncoded(chunk);
      else if (link.buffered !== null) link.buffered.push(chunk);
    }
  };

  // ---- master side: commands ------------------------------------------------------------------

  @Command('replconf')
  replconf(ctx: CommandContext, argv: string[]): Reply | typeof NO_REPLY {
    if (argv.length % 2 === 0) throw Errors.syntax;
    const link = this.links.get(ctx) ?? this.handshakes.get(ctx) ?? new ReplicaLink(ctx);
    for (let i = 1; i < argv.length; i += 2) {
      const opt = argv[i].toLowerCase();
      const val = argv[i + 1];
      if (opt === 'listening-port') {
        const port = parseIntArg(val);
        if (Number.isNaN(port)) throw Errors.notInteger;
        link.port = port;
      } else if (opt === 'ip-address') {
        if (val.length >= 46) throw new ReplyError(`ERR REPLCONF ip-address provided by replica instance is too long: ${val.length} bytes`);
        link.ip = val;
      } else if (opt === 'capa') {
        const capa = val.toLowerCase();
        if (capa === 'eof') link.capaEof = true;
        else if (capa === 'psync2') link.capaPsync2 = true;
      } else if (opt === 'ack') {
        // From a replica only, and never answered: the stream it rides on is one-way.
        if (!this.links.has(ctx)) return NO_REPLY;
        const offset = parseIntArg(val);
        if (Number.isNaN(offset)) return NO_REPLY;
        if (offset > link.ackOffset) link.ackOffset = offset;
        link.ackTime = Date.now();
        if (link.state === LinkState.WaitAck) link.goOnline();
        this.blocking.signalEvent(ACK_EVENT);
        if (this.failover !== null) this.updateFailover();
        this.shutdownWait?.();
        return NO_REPLY;
      } else if (opt === 'getack') {
        if (ctx === this.masterClient) this.sendAck();
        return NO_REPLY;
      } else if (opt === 'rdb-only' || opt === 'rdb-filter-only') {
        if (opt === 'rdb-only' && val !== '0' && val !== '1') throw Errors.notInteger;
      } else {
        throw new ReplyError(`ERR Unrecognized REPLCONF option: ${argv[i]}`);
      }
    }
    if (!this.links.has(ctx)) this.handshakes.set(ctx, link);
    return OK;
  }

  @Command('psync')
  psync(ctx: CommandContext, argv: string[]): Reply | typeof NO_REPLY {
    return this.sync(ctx, argv, false);
  }

  @Command('sync')
  syncCommand(ctx: CommandContext, argv: string[]): Reply | typeof NO_REPLY {
    return this.sync(ctx, argv, true);
  }

  /** syncCommand: a partial resync from the backlog when possible, else a full one. */
  private sync(ctx: CommandContext, argv: string[], presync: boolean): Reply | typeof NO_REPLY {
    if (this.links.has(ctx)) return NO_REPLY;
    if (!presync && argv.length > 3 && argv[3].toLowerCase() === 'failover') {
      // The master hands over to us: become a master first, then serve its PSYNC.
      if (argv[1] !== this.server.replicationId) throw new ReplyError('ERR PSYNC FAILOVER replid must match my replid.');
      this.becomeMaster();
      this.logger.notice(`MASTER MODE enabled (failover request from 'id=${ctx.id} addr=${ctx.addr}')`);
    }
    if (this.isReplica && this.state !== ReplState.Connected) throw NOMASTERLINK;
    let offset = 0;
    if (!presync) {
      offset = parseIntArg(argv[2]);
      if (Number.isNaN(offset)) throw Errors.notInteger;
    }
    const link = this.handshakes.get(ctx) ?? new ReplicaLink(ctx);
    this.handshakes.delete(ctx);
    link.presync = presync;
    if (!presync && this.tryPartial(link, argv[1], offset)) {
      this.syncPartialOk++;
      return NO_REPLY;
    }
    if (!presync && argv[1] !== '?') this.syncPartialErr++;
    this.syncFull++;
    this.attach(link);
    if (this.backlog === null) {
      // A new history starts with the first replica: Redis changes the id as it creates the backlog.
      this.server.replicationId = randomBytes(20).toString('hex');
      this.server.replicationId2 = NULL_REPLID;
      this.secondOffset = -1;
      this.createBacklog();
    }
    this.logger.notice(`Replica ${link.address}:${link.port} asks for synchronization`);
    this.scheduleRound();
    return NO_REPLY;
  }

  /** masterTryPartialResynchronization. */
  private tryPartial(link: ReplicaLink, replid: string, offset: number): boolean {
    const server = this.server;
    if (replid !== server.replicationId && (replid !== server.replicationId2 || offset > this.secondOffset)) {
      if (replid !== '?') this.logger.notice(`Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${replid}', my replication IDs are '${server.replicationId}' and '${server.replicationId2}')`);
      return false;
    }
    const backlog = this.backlog;
    if (backlog === null || !backlog.holds(offset)) {
      this.logger.notice(`Unable to partial resync with replica ${link.address}:${link.port} for lack of backlog (Replica request was: ${offset}).`);
      return false;
    }
    this.attach(link);
    link.client.pushEncoded(link.capaPsync2 ? `+CONTINUE ${server.replicationId}\r\n` : '+CONTINUE\r\n');
    const missing = backlog.readFrom(offset);
    if (missing.length !== 0) link.client.pushEncoded(missing);
    link.goOnline();
    this.logger.notice(`Partial resynchronization request from ${link.address}:${link.port} accepted. Sending ${missing.length} bytes of backlog starting from offset ${offset}.`);
    return true;
  }

  /** The connection becomes a replica: no more replies, its own output class. */
  private attach(link: ReplicaLink): void {
    const c = link.client;
    c.flags.add('replica');
    c.replyMode = ReplyMode.Off;
    this.links.set(c, link);
    this.fanout = [...this.links.values()];
    this.refreshGoodReplicas();
  }

  /** Start a snapshot round now, or after repl-diskless-sync-delay to let more replicas join. */
  private scheduleRound(): void {
    if (this.round !== null) return;
    const diskless = this.config.get<boolean>('repl-diskless-sync');
    const delay = diskless ? this.config.get<number>('repl-diskless-sync-delay') : 0;
    const max = this.config.get<number>('repl-diskless-sync-max-replicas');
    let waiting = 0;
    for (const l of this.links.values()) if (l.state === LinkState.WaitStart) waiting++;
    const later = delay > 0 && !(max > 0 && waiting >= max);
    if (this.roundTimer !== null) {
      // Enough replicas came during the delay: start now.
      if (later) return;
      clearTimeout(this.roundTimer);
    }
    // Even without a delay, replicas that ask in the same event-loop turn share the snapshot.
    this.roundTimer = setTimeout(() => {
      this.roundTimer = null;
      this.startRound();
    }, later ? delay * 1000 : 0);
  }

  /** replicationSetupSlaveForFullResync for every waiting replica, then one snapshot for them. */
  private startRound(): void {
    const waiting = [...this.links.values()].filter((l) => l.state === LinkState.WaitStart);
    if (waiting.length === 0 || this.round !== null) return;
    // Replicas without the EOF capability (SYNC, old ones) get the length-prefixed form.
    const diskless = this.config.get<boolean>('repl-diskless-sync') && waiting.every((l) => l.capaEof);
    // The stream the replicas get after the image starts with a SELECT.
    this.subscription!.reselect();
    const header = `+FULLRESYNC ${this.server.replicationId} ${this.journal.offset}\r\n`;
    for (const l of waiting) {
      if (!l.presync) l.client.pushEncoded(header);
      l.state = LinkState.Transfer;
      l.buffered = [];
    }
    this.logger.notice(`Starting full synchronization of ${waiting.length} replica(s) (${diskless ? 'diskless' : 'disk-backed form'})`);
    // The database the stream after the image is in: a master's next write selects one, a
    // replica forwards its master's stream as it is, in its master client's database.
    const aux: Array<[string, string]> = [
      ['repl-stream-db', String(this.isReplica ? (this.masterClient?.db.id ?? this.streamDb) : 0)],
      ['repl-id', this.server.replicationId],
      ['repl-offset', String(this.journal.offset)],
    ];
    this.round = new SyncRound(waiting, diskless, this.snapshots, aux, this.logger, (r) => {
      if (this.round === r) this.round = null;
      // Replicas that asked while this round ran.
      if ([...this.links.values()].some((l) => l.state === LinkState.WaitStart)) this.scheduleRound();
    });
  }

  // ---- WAIT and min-replicas ------------------------------------------------------------------

  @Command('wait')
  wait(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    if (this.isReplica) throw WAIT_ON_REPLICA;
    const wanted = parseIntArg(argv[1]);
    if (Number.isNaN(wanted)) throw Errors.notInteger;
    const timeout = parseIntArg(argv[2]);
    if (Number.isNaN(timeout)) throw new ReplyError('ERR timeout is not an integer or out of range');
    if (timeout < 0) throw new ReplyError('ERR timeout is negative');
    // The offset right after this client's last write, as Redis's c->woff.
    const target = ctx.woff;
    const acked = this.acked(target);
    if (acked >= wanted || ctx.denyBlocking) return acked;
    this.requestAcks();
    const deadline = timeout === 0 ? Infinity : Date.now() + timeout;
    const timer = timeout === 0 ? null : setTimeout(() => this.blocking.signalEvent(ACK_EVENT), timeout);
    return this.blocking.blockOnEvent(
      ctx,
      ACK_EVENT,
      0,
      () => {
        const n = this.acked(target);
        if (n < wanted && Date.now() < deadline) return undefined;
        if (timer !== null) clearTimeout(timer);
        return n;
      },
      0,
    );
  }

  /** Replicas that acknowledged at least `offset`. */
  private acked(offset: number): number {
    let n = 0;
    for (const l of this.links.values()) if (l.state === LinkState.Online && l.ackOffset >= offset) n++;
    return n;
  }

  /** REPLCONF GETACK * through the stream: each replica answers with its offset. */
  private requestAcks(): void {
    if (this.links.size === 0 || this.subscription === null) return;
    this.journal.appendRaw(JournalTarget.Replicas, encodeCommand(['REPLCONF', 'GETACK', '*']));
  }

  /** refreshGoodSlavesCount: online replicas whose last ACK is recent enough. */
  private refreshGoodReplicas(): void {
    const toWrite = this.config.get<number>('min-replicas-to-write');
    const maxLag = this.config.get<number>('min-replicas-max-lag');
    let good = 0;
    const now = Date.now();
    for (const l of this.links.values()) if (l.state === LinkState.Online && (now - l.ackTime) / 1000 <= maxLag) good++;
    this.goodReplicas = good;
    this.noReplicas.closed = !this.isReplica && toWrite > 0 && maxLag > 0 && good < toWrite;
  }

  private updateGates(): void {
    this.readOnly.closed = this.isReplica && this.config.get<boolean>('replica-read-only');
    this.masterDown.closed = this.isReplica && this.state !== ReplState.Connected && !this.config.get<boolean>('replica-serve-stale-data');
    this.refreshGoodReplicas();
  }

  // ---- replica side -------------------------------------------------------------------------

  @Command('replicaof')
  replicaof(ctx: CommandContext, argv: string[]): Reply {
    return this.replicaofCommand(ctx, argv);
  }

  @Command('slaveof')
  slaveof(ctx: CommandContext, argv: string[]): Reply {
    return this.replicaofCommand(ctx, argv);
  }

  private replicaofCommand(ctx: CommandContext, argv: string[]): Reply {
    if (this.failover !== null) throw new ReplyError('ERR REPLICAOF not allowed while failing over.');
    if (argv[1].toLowerCase() === 'no' && argv[2].toLowerCase() === 'one') {
      if (this.isReplica) {
        this.becomeMaster();
        this.logger.notice(`MASTER MODE enabled (user request from 'id=${ctx.id} addr=${ctx.addr}')`);
      }
      return OK;
    }
    if (this.links.has(ctx)) throw NOT_FOR_REPLICA_CLIENT;
    const port = parseIntArg(argv[2]);
    if (Number.isNaN(port) || port < 0 || port > 65535) throw new ReplyError('ERR Invalid master port');
    if (this.masterHost === argv[1] && this.masterPort === port) {
      this.logger.notice('REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.');
      return ALREADY_CONNECTED;
    }
    this.fresh = false;
    this.becomeReplica(argv[1], port);
    this.logger.notice(`REPLICAOF ${argv[1]}:${port} enabled (user request from 'id=${ctx.id} addr=${ctx.addr}')`);
    if (this.cron !== null) void this.connectToMaster();
    return OK;
  }

  /** replicationSetMaster. */
  private becomeReplica(host: string, port: number): void {
    this.dropMasterLink();
    this.masterHost = host;
    this.masterPort = port;
    // CONFIG GET replicaof and CONFIG REWRITE show the master REPLICAOF set, as in Redis.
    this.config.set('replicaof', `${host} ${port}`);
    this.state = ReplState.Connect;
    this.linkDownSince = 0;
    this.journal.forwardOnly = true;
    this.keyspace.expiryEnabled = false;
    // A replica keeps a backlog, for its own replicas and to offer its offset to a new master.
    if (this.backlog === null) this.createBacklog();
    this.updateGates();
    this.logger.notice(`Connecting to MASTER ${host}:${port}`);
  }

  /** replicationUnsetMaster: the history so far stays resumable under the old id (PSYNC2). */
  private becomeMaster(): void {
    this.dropMasterLink();
    this.masterHost = null;
    this.config.set('replicaof', '');
    this.state = ReplState.None;
    this.streamDb = 0;
    const server = this.server;
    server.replicationId2 = server.replicationId;
    this.secondOffset = this.journal.offset + 1;
    server.replicationId = randomBytes(20).toString('hex');
    this.journal.forwardOnly = false;
    this.subscription?.reselect();
    this.keyspace.expiryEnabled = true;
    // The replicas learn the new id when they reconnect (+CONTINUE <new id>).
    this.disconnectReplicas();
    this.noReplicasSince = Date.now();
    this.updateGates();
  }

  private disconnectReplicas(): void {
    for (const c of [...this.links.keys()]) c.close();
  }

  /** Close the link to the master (if any) and forget what was half received. */
  private dropMasterLink(): void {
    this.generation++;
    const conn = this.conn;
    this.conn = null;
    this.payload = null;
    const receiver = this.receiver;
    this.receiver = null;
    if (receiver !== null) {
      // Half an image: what was loaded of it goes (a load as it arrives emptied the dataset first).
      receiver.abort();
      this.loading.closed = false;
    }
    this.unapplied = Buffer.alloc(0);
    const mc = this.masterClient;
    this.masterClient = null;
    if (mc !== null) {
      this.streamDb = mc.db.id;
      mc.close();
    }
    conn?.close();
  }

  /** The link went down (closed, killed, timed out, failed): retry from the cron. */
  private linkLost(conn: OutboundConnection, why: string): void {
    if (conn !== this.conn) return;
    const wasConnected = this.state === ReplState.Connected;
    this.dropMasterLink();
    if (this.masterHost === null) return;
    this.state = ReplState.Connect;
    this.linkDownSince = Date.now();
    this.updateGates();
    this.logger.warning(wasConnected ? `Connection with master lost (${why}).` : `Master ${this.masterHost}:${this.masterPort}: ${why}`);
  }

  /** connectWithMaster and syncWithMaster's handshake, up to PSYNC's reply. */
  private async connectToMaster(): Promise<void> {
    if (this.state !== ReplState.Connect || this.masterHost === null) return;
    const gen = ++this.generation;
    const host = this.masterHost;
    const timeoutMs = this.config.get<number>('repl-timeout') * 1000;
    this.state = ReplState.Connecting;
    this.lastIo = Date.now();
    let conn: OutboundConnection;
    try {
      conn = await OutboundConnection.open(host, this.masterPort, timeoutMs);
    } catch (e) {
      if (gen === this.generation) {
        this.state = ReplState.Connect;
        this.logger.warning(`Error condition on socket for SYNC: ${(e as Error).message}`);
      }
      return;
    }
    if (gen !== this.generation) {
      conn.close();
      return;
    }
    this.conn = conn;
    conn.onClose((e) => this.linkLost(conn, e === null ? 'closed' : e.message));
    this.logger.notice('MASTER <-> REPLICA sync started');
    try {
      this.state = ReplState.Handshake;
      const pong = await conn.call(['PING'], timeoutMs);
      if (pong instanceof ReplyError && !/^(NOAUTH|NOPERM|ERR operation not permitted)/.test(pong.message)) {
        throw new Error(`Error reply to PING from master: '-${pong.message}'`);
      }
      const auth = this.config.get<string>('masterauth');
      if (auth !== '') {
        const user = this.config.get<string>('masteruser');
        const r = await conn.call(user === '' ? ['AUTH', auth] : ['AUTH', user, auth], timeoutMs);
        if (r instanceof ReplyError) throw new Error(`Unable to AUTH to MASTER: -${r.message}`);
      }
      const announcedPort = this.config.get<number>('replica-announce-port');
      await conn.call(['REPLCONF', 'listening-port', String(announcedPort !== 0 ? announcedPort : this.server.port)], timeoutMs);
      const ip = this.config.get<string>('replica-announce-ip');
      if (ip !== '') await conn.call(['REPLCONF', 'ip-address', ip], timeoutMs);
      await conn.call(['REPLCONF', 'capa', 'eof', 'capa', 'psync2'], timeoutMs);
      if (gen !== this.generation) return;
      const [replid, offset] = this.fresh ? ['?', '-1'] : [this.server.replicationId, String(this.journal.offset + 1)];
      this.logger.notice(`Trying a partial resynchronization (request ${replid}:${offset}).`);
      const psync = ['PSYNC', replid, offset];
      if (this.failover?.inProgress === true) psync.push('FAILOVER');
      // The reply is read from the raw stream: a master may send newlines to keep the link
      // alive before it answers (while a snapshot round waits), which are no RESP reply.
      this.psyncLine = '';
      conn.stream((chunk) => this.psyncData(conn, chunk));
      conn.send(encodeCommand(psync));
    } catch (e) {
      if (gen !== this.generation) return;
      this.psyncFailed(conn, (e as Error).message);
    }
  }

  private psyncFailed(conn: OutboundConnection, why: string): void {
    if (this.failover?.inProgress === true) this.abortFailover(`Failover target rejected psync request (${why})`);
    else this.linkLost(conn, why);
  }

  /** Bytes after PSYNC: keep-alive newlines, then the reply line, then the image or the stream. */
  private psyncData(conn: OutboundConnection, chunk: Buffer): void {
    if (conn !== this.conn) return;
    this.lastIo = Date.now();
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b !== 10) {
        this.psyncLine += String.fromCharCode(b);
        if (this.psyncLine.length > 1024) {
          this.psyncFailed(conn, 'the reply to PSYNC is too long');
          return;
        }
        continue;
      }
      const line = this.psyncLine.endsWith('\r') ? this.psyncLine.slice(0, -1) : this.psyncLine;
      this.psyncLine = '';
      if (line === '') continue;
      try {
        this.psyncReply(conn, line, chunk.subarray(i + 1));
      } catch (e) {
        this.psyncFailed(conn, (e as Error).message);
        return;
      }
      // The new master took over: the failover is done.
      if (this.failover?.inProgress === true) this.clearFailover();
      return;
    }
  }

  /** slaveTryPartialResynchronization's reading of the PSYNC reply; `rest` is what followed it. */
  private psyncReply(conn: OutboundConnection, text: string, rest: Buffer): void {
    const words = text.split(' ');
    if (words[0] === '+FULLRESYNC' && words.length >= 3) {
      const replid = words[1];
      const offset = parseIntArg(words[2]);
      if (replid.length !== 40 || Number.isNaN(offset)) throw new Error(`Master replied with wrong +FULLRESYNC syntax: ${text}`);
      this.logger.notice(`Full resync from master: ${replid}:${offset}`);
      this.state = ReplState.Transfer;
      this.payload = new SyncPayload();
      conn.stream((chunk) => this.transferData(conn, chunk, replid, offset));
      if (rest.length !== 0) this.transferData(conn, rest, replid, offset);
      return;
    }
    if (words[0] === '+CONTINUE') {
      const newId = words[1];
      const server = this.server;
      if (newId !== undefined && newId.length === 40 && newId !== server.replicationId) {
        // PSYNC2: the master's history continues ours under a new id; our replicas must learn it.
        server.replicationId2 = server.replicationId;
        this.secondOffset = this.journal.offset + 1;
        server.replicationId = newId;
        this.disconnectReplicas();
      }
      this.logger.notice('Successful partial resynchronization with master.');
      this.linkUp(conn);
      conn.stream((chunk) => this.streamData(conn, chunk));
      if (rest.length !== 0) this.streamData(conn, rest);
      return;
    }
    // -NOMASTERLINK, -LOADING: the master cannot serve us yet; the cron retries.
    throw new Error(`Unexpected reply to PSYNC from master: ${text}`);
  }

  /**
   * How this replica takes the image (repl-diskless-load): an empty dataset loads it as it
   * arrives, whatever the mode, as there is nothing to serve stale or to keep if the transfer
   * fails; otherwise it is loaded once complete, the old data served until then. `disabled`
   * (and `on-empty-db` with data) also write it to the data file, as Redis's disk load does.
   */
  private receivePlan(): ReceivePlan {
    const mode = this.config.get<string>('repl-diskless-load');
    let empty = true;
    for (const db of this.keyspace.dbs) if (db.size !== 0) empty = false;
    const disk = mode === 'disabled' || (mode === 'on-empty-db' && !empty);
    return { stream: empty, file: disk ? path.resolve(this.config.get<string>('dir'), this.config.get<string>('dbfilename')) : null };
  }

  /** The first bytes of the image: decide how to take it; a load as it arrives starts now. */
  private startReceiving(size: number): ImageReceiver {
    const plan = this.receivePlan();
    this.logger.notice(`MASTER <-> REPLICA sync: receiving ${size < 0 ? 'streamed RDB' : `${size} bytes`} from master${plan.file !== null ? ' to disk' : ''}${plan.stream ? ', loading it as it arrives' : ''}`);
    if (plan.stream) this.loadingStarts();
    return new ImageReceiver(this.snapshots, plan, size, this.logger);
  }

  /** The dataset is about to be replaced: refuse commands meanwhile; our replicas' history ends. */
  private loadingStarts(): void {
    this.disconnectReplicas();
    this.loading.closed = true;
  }

  /** The RDB image after +FULLRESYNC, then whatever stream followed it. */
  private transferData(conn: OutboundConnection, chunk: Buffer, replid: string, offset: number): void {
    if (conn !== this.conn || this.payload === null) return;
    this.lastIo = Date.now();
    const payload = this.payload;
    let rest: Buffer | null;
    try {
      rest = payload.feed(chunk, (bytes) => (this.receiver ??= this.startReceiving(payload.total)).data(bytes));
    } catch (e) {
      this.linkLost(conn, (e as Error).message);
      return;
    }
    if (rest === null) return;
    this.payload = null;
    const receiver = (this.receiver ??= this.startReceiving(payload.total));
    if (this.loading.closed) {
      this.logger.notice('MASTER <-> REPLICA sync: all of the image received; finishing its load');
    } else {
      this.logger.notice('MASTER <-> REPLICA sync: Flushing old data; loading the DB in memory');
      this.loadingStarts();
    }
    // The stream that arrives while the image loads waits for it.
    const held: Buffer[] = rest.length !== 0 ? [Buffer.from(rest)] : [];
    conn.stream((c) => held.push(Buffer.from(c)));
    receiver.finish().then(
      (loaded) => {
        if (this.receiver !== receiver) return;
        this.receiver = null;
        this.loading.closed = false;
        this.logger.notice(`MASTER <-> REPLICA sync: Finished with success (${loaded.keys} keys)`);
        if (conn !== this.conn) return;
        const server = this.server;
        server.replicationId = replid;
        server.replicationId2 = NULL_REPLID;
        this.secondOffset = -1;
        this.journal.offset = offset;
        this.setBacklog(new Backlog(this.config.get<number>('repl-backlog-size'), offset));
        this.fresh = false;
        const db = Number(loaded.aux.get('repl-stream-db') ?? '0');
        this.streamDb = Number.isInteger(db) && db >= 0 && db < this.keyspace.dbs.length ? db : 0;
        this.linkUp(conn);
        // The ACK tells a diskless master the image is in: the stream follows it.
        this.sendAck();
        conn.stream((c) => this.streamData(conn, c));
        for (const b of held) this.streamData(conn, b);
      },
      (e: Error) => {
        if (this.receiver !== receiver) return;
        this.receiver = null;
        this.loading.closed = false;
        this.linkLost(conn, `Failed trying to load the MASTER synchronization DB from socket: ${e.message}`);
      },
    );
  }

  /** The link is up: the master client that runs the stream. */
  private linkUp(conn: OutboundConnection): void {
    const c = new Client(this.server, conn.socket);
    c.authenticated = true;
    c.restricted = false;
    c.replyMode = ReplyMode.Off;
    c.flags.add('master');
    c.select(this.streamDb);
    this.server.clients.set(c.id, c);
    this.masterClient = c;
    this.unapplied = Buffer.alloc(0);
    this.state = ReplState.Connected;
    this.lastIo = Date.now();
    this.linkDownSince = 0;
    this.updateGates();
    this.logger.notice('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization or finished a full one: the link is up.');
  }

  /**
   * The master's command stream: each whole command runs as the master client, then its exact
   * bytes go to our backlog and replicas (`appendRaw`), which counts them in our offset.
   */
  private streamData(conn: OutboundConnection, chunk: Buffer): void {
    const c = this.masterClient;
    if (conn !== this.conn || c === null) return;
    this.lastIo = Date.now();
    c.lastInteraction = this.lastIo;
    const parser = c.parser!;
    parser.feed(chunk);
    this.unapplied = this.unapplied.length === 0 ? chunk : Buffer.concat([this.unapplied, chunk]);
    // The master's commands see keys past their TTL (its DEL decides when they go).
    this.keyspace.expiredVisible = true;
    this.server.tick();
    try {
      while (!c.waiting && !c.closed) {
        const argv = parser.next();
        if (argv === null) break;
        const used = this.unapplied.length - parser.pending;
        const bytes = this.unapplied.latin1Slice(0, used);
        this.unapplied = this.unapplied.subarray(used);
        if (argv.length !== 0) this.server.execute(c, argv);
        this.journal.appendRaw(JournalTarget.Replicas, bytes);
      }
    } catch (e) {
      this.linkLost(conn, `protocol error in the master's stream: ${(e as Error).message}`);
      return;
    } finally {
      this.keyspace.expiredVisible = false;
      c.out = '';
    }
    parser.retain();
    // The remaining bytes may sit in a buffer the socket reuses.
    this.unapplied = Buffer.from(this.unapplied);
  }

  /** REPLCONF ACK <offset>: what we have applied. */
  private sendAck(): void {
    this.conn?.send(encodeCommand(['REPLCONF', 'ACK', String(this.journal.offset)]));
  }

  // ---- connections closing, the cron ------------------------------------------------------

  private clientClosed(c: Client): void {
    this.handshakes.delete(c);
    if (c === this.masterClient) {
      if (this.conn !== null) this.linkLost(this.conn, 'the master client was closed');
      return;
    }
    const link = this.links.get(c);
    if (link === undefined) return;
    this.links.delete(c);
    this.fanout = [...this.links.values()];
    this.round?.drop(link);
    if (this.links.size === 0) this.noReplicasSince = Date.now();
    this.logger.notice(`Connection with replica ${link.address}:${link.port} lost.`);
    this.refreshGoodReplicas();
    this.blocking.signalEvent(ACK_EVENT);
  }

  /** replicationCron, once a second. */
  private replicationCron(): void {
    const now = Date.now();
    const timeoutMs = this.config.get<number>('repl-timeout') * 1000;
    this.cronTicks++;
    if (this.isReplica) {
      if (this.state === ReplState.Connect) void this.connectToMaster();
      else if (this.conn !== null && now - this.lastIo > timeoutMs) {
        this.linkLost(this.conn, this.state === ReplState.Connected ? 'MASTER timeout: no data nor PING received' : 'Timeout connecting to the MASTER');
      } else if (this.state === ReplState.Connected) this.sendAck();
    } else if (this.failover === null && this.links.size !== 0 && this.cronTicks % this.config.get<number>('repl-ping-replica-period') === 0) {
      // Through the stream, so replicas see the master alive even without writes.
      this.journal.append(-1, ['PING'], JournalTarget.Replicas);
    }
    for (const l of [...this.links.values()]) {
      // Newlines keep a replica waiting for its image from timing out (Redis's replicationCron).
      if (l.state === LinkState.WaitStart || (l.state === LinkState.Transfer && this.round?.diskless === false)) l.client.pushEncoded('\n');
      if (l.state === LinkState.Online && !l.presync && now - l.ackTime > timeoutMs) {
        this.logger.warning(`Disconnecting timedout replica: ${l.address}:${l.port}`);
        l.client.close();
      }
    }
    const ttl = this.config.get<number>('repl-backlog-ttl');
    if (!this.isReplica && this.links.size === 0 && this.backlog !== null && ttl > 0 && now - this.noReplicasSince > ttl * 1000) {
      this.server.replicationId = randomBytes(20).toString('hex');
      this.server.replicationId2 = NULL_REPLID;
      this.secondOffset = -1;
      this.freeBacklog();
      this.logger.notice(`Replication backlog freed after ${ttl} seconds without connected replicas.`);
    }
    this.refreshGoodReplicas();
    this.updateFailover();
  }

  // ---- FAILOVER ---------------------------------------------------------------------------

  @Command('failover')
  failoverCommand(_ctx: CommandContext, argv: string[]): Reply {
    if (argv.length === 2 && argv[1].toLowerCase() === 'abort') {
      if (this.failover === null) throw new ReplyError('ERR No failover in progress.');
      this.abortFailover('Failover manually aborted');
      return OK;
    }
    let timeout = 0;
    let force = false;
    let host: string | null = null;
    let port = 0;
    for (let j = 1; j < argv.length; j++) {
      const opt = argv[j].toLowerCase();
      if (opt === 'timeout' && j + 1 < argv.length && timeout === 0) {
        timeout = parseIntArg(argv[++j]);
        if (Number.isNaN(timeout)) throw Errors.notInteger;
        if (timeout <= 0) throw new ReplyError('ERR FAILOVER timeout must be greater than 0');
      } else if (opt === 'to' && j + 2 < argv.length && host === null) {
        port = parseIntArg(argv[j + 2]);
        if (Number.isNaN(port)) throw Errors.notInteger;
        host = argv[j + 1];
        j += 2;
      } else if (opt === 'force' && !force) {
        force = true;
      } else {
        throw Errors.syntax;
      }
    }
    if (this.failover !== null) throw new ReplyError('ERR FAILOVER already in progress.');
    if (this.isReplica) throw new ReplyError('ERR FAILOVER is not valid when server is a replica.');
    if (this.links.size === 0) throw new ReplyError('ERR FAILOVER requires connected replicas.');
    if (force && (timeout === 0 || host === null)) throw new ReplyError('ERR FAILOVER with force option requires both a timeout and target HOST and IP.');
    if (host !== null) {
      const target = this.findReplica(host, port);
      if (target === undefined) throw new ReplyError('ERR FAILOVER target HOST and PORT is not a replica.');
      if (target.state !== LinkState.Online) throw new ReplyError('ERR FAILOVER target replica is not online.');
      this.logger.notice(`FAILOVER requested to ${host}:${port}.`);
    } else {
      this.logger.notice('FAILOVER requested to any replica.');
    }
    this.failover = { inProgress: false, host, port, endTime: timeout === 0 ? 0 : Date.now() + timeout, force };
    // Writes wait while the replica catches up (replicas and the master link are not paused).
    this.server.pauseClients(Number.MAX_SAFE_INTEGER, true);
    return OK;
  }

  private findReplica(host: string, port: number): ReplicaLink | undefined {
    for (const l of this.links.values()) if (l.address === host && l.port === port) return l;
    return undefined;
  }

  /** updateFailoverStatus: hand over once a replica acknowledged everything, or on timeout. */
  private updateFailover(): void {
    const f = this.failover;
    if (f === null || f.inProgress) return;
    if (f.endTime !== 0 && f.endTime <= Date.now()) {
      if (f.force && f.host !== null) {
        this.logger.notice(`FAILOVER to ${f.host}:${f.port} time out exceeded, failing over.`);
        this.handOver(f, f.host, f.port);
      } else {
        this.abortFailover('Replica never caught up before timeout');
      }
      return;
    }
    const offset = this.journal.offset;
    let target: ReplicaLink | undefined;
    if (f.host !== null) target = this.findReplica(f.host, f.port);
    else for (const l of this.links.values()) if (l.ackOffset === offset) target = l;
    if (target === undefined || target.ackOffset !== offset) return;
    this.logger.notice(`Failover target ${target.address}:${target.port} is synced, failing over.`);
    this.handOver(f, target.address, target.port);
  }

  private handOver(f: Failover, host: string, port: number): void {
    f.inProgress = true;
    f.host = host;
    f.port = port;
    this.becomeReplica(host, port);
    void this.connectToMaster();
  }

  private abortFailover(why: string): void {
    const f = this.failover;
    if (f === null) return;
    if (f.inProgress) this.becomeMaster();
    this.logger.notice(`FAILOVER to ${f.host ?? 'any replica'}:${f.port} aborted: ${why}`);
    this.clearFailover();
  }

  private clearFailover(): void {
    this.failover = null;
    this.server.unpause();
  }

  // ---- ROLE and INFO ------------------------------------------------------------------------

  @Command('role')
  role(): Reply {
    if (!this.isReplica) {
      const replicas: Reply[] = [];
      for (const l of this.links.values()) if (l.state === LinkState.Online) replicas.push([l.address, String(l.port), String(l.ackOffset)]);
      return ['master', this.journal.offset, replicas];
    }
    return ['slave', this.masterHost!, this.masterPort, this.stateName(), this.masterClient !== null ? this.journal.offset : -1];
  }

  private stateName(): string {
    switch (this.state) {
      case ReplState.Connect:
        return 'connect';
      case ReplState.Connecting:
        return 'connecting';
      case ReplState.Handshake:
        return 'handshake';
      case ReplState.Transfer:
        return 'sync';
      case ReplState.Connected:
        return 'connected';
      default:
        return 'none';
    }
  }

  private infoFields(): InfoField[] {
    const now = Date.now();
    const out: InfoField[] = [['role', this.isReplica ? 'slave' : 'master']];
    if (this.isReplica) {
      const up = this.state === ReplState.Connected;
      out.push(
        ['master_host', this.masterHost!],
        ['master_port', this.masterPort],
        ['master_link_status', up ? 'up' : 'down'],
        ['master_last_io_seconds_ago', this.masterClient !== null ? Math.floor((now - this.lastIo) / 1000) : -1],
        ['master_sync_in_progress', this.state === ReplState.Transfer ? 1 : 0],
        ['slave_read_repl_offset', this.journal.offset + this.unapplied.length],
        ['slave_repl_offset', this.journal.offset],
      );
      const p = this.payload;
      if (this.state === ReplState.Transfer && p !== null) {
        out.push(
          ['master_sync_total_bytes', p.total],
          ['master_sync_read_bytes', p.read],
          ['master_sync_left_bytes', p.total < 0 ? -1 : p.total - p.read],
          ['master_sync_perc', p.total <= 0 ? '0.00' : ((p.read / p.total) * 100).toFixed(2)],
          ['master_sync_last_io_seconds_ago', Math.floor((now - this.lastIo) / 1000)],
        );
      }
      if (!up) out.push(['master_link_down_since_seconds', this.linkDownSince === 0 ? -1 : Math.floor((now - this.linkDownSince) / 1000)]);
      out.push(
        ['slave_priority', this.config.get<number>('replica-priority')],
        ['slave_read_only', this.config.get<boolean>('replica-read-only') ? 1 : 0],
        ['replica_announced', this.config.get<boolean>('replica-announced') ? 1 : 0],
      );
    }
    out.push(['connected_slaves', this.links.size]);
    if (this.config.get<number>('min-replicas-to-write') > 0 && this.config.get<number>('min-replicas-max-lag') > 0) {
      out.push(['min_slaves_good_slaves', this.goodReplicas]);
    }
    let i = 0;
    for (const l of this.links.values()) {
      const state = l.state === LinkState.Online ? 'online' : l.state === LinkState.WaitStart ? 'wait_bgsave' : 'send_bulk';
      const lag = Math.floor((now - l.ackTime) / 1000);
      out.push([`slave${i++}`, `ip=${l.address},port=${l.port},state=${state},offset=${l.ackOffset},lag=${lag}`]);
    }
    const b = this.backlog;
    out.push(
      ['master_failover_state', this.failover === null ? 'no-failover' : this.failover.inProgress ? 'failover-in-progress' : 'waiting-for-sync'],
      ['master_replid', this.server.replicationId],
      ['master_replid2', this.server.replicationId2],
      ['master_repl_offset', this.journal.offset],
      ['second_repl_offset', this.secondOffset],
      ['repl_backlog_active', b === null ? 0 : 1],
      ['repl_backlog_size', b === null ? this.config.get<number>('repl-backlog-size') : b.size],
      ['repl_backlog_first_byte_offset', b === null ? 0 : b.firstOffset],
      ['repl_backlog_histlen', b === null ? 0 : b.histlen],
    );
    return out;
  }
}
