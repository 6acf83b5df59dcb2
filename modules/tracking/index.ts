import {
  type Client,
  CmdFlag,
  Command,
  type CommandContext,
  Config,
  Errors,
  Hooks,
  inject,
  MapReply,
  OK,
  parseInt64,
  RedisModule,
  type RegisteredCommand,
  type Reply,
  ReplyError,
  Server,
  SetReply,
} from '../../kernel';
import { readKeys } from './keys';

const TRACKING = Symbol('tracking');

/** A tracking client's options (Redis's CLIENT_TRACKING_* flags). */
const enum Opt {
  Bcast = 1,
  OptIn = 2,
  OptOut = 4,
  NoLoop = 8,
  /** CLIENT CACHING given for the next command (or transaction). */
  Caching = 16,
  BrokenRedir = 32,
}

class TrackingState {
  opts = 0;
  /** The client id invalidations go to; 0 for the client itself. */
  redirect = 0;
  /** BCAST prefixes. */
  readonly prefixes = new Set<string>();
}

/** A BCAST prefix: its clients, and the keys written since the last broadcast with their writer. */
class Prefix {
  readonly clients = new Set<Client>();
  readonly keys = new Map<string, Client | null>();
}

const INVALIDATE = '>2\r\n$10\r\ninvalidate\r\n';
const MESSAGE = '*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n';
/** The "keys" of a flush: a null in the tracking client's protocol. */
const FLUSHED = { 2: '$-1\r\n', 3: '_\r\n' } as const;

const SEPARATE_MODES = new ReplyError(
  "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
);
const SWITCH_OPTIN = new ReplyError(
  "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
);
const NO_SUCH_REDIRECT = new ReplyError('ERR The client ID you want redirect to does not exist');
const ONE_REDIRECT = new ReplyError('ERR A client can only redirect to a single other client');
const PREFIX_WITHOUT_BCAST = new ReplyError('ERR PREFIX option requires BCAST mode to be enabled');
const BCAST_OPTIN = new ReplyError('ERR OPTIN and OPTOUT are not compatible with BCAST');
const OPTIN_AND_OPTOUT = new ReplyError("ERR You can't specify both OPTIN mode and OPTOUT mode");
const CACHING_NOT_TRACKING = new ReplyError(
  'ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled',
);
const CACHING_YES = new ReplyError('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
const CACHING_NO = new ReplyError('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');

function stateOf(c: Client): TrackingState | undefined {
  return c.state.get(TRACKING) as TrackingState | undefined;
}

/**
 * `c` is running a command right now (Redis's current_client with CLIENT_EXECUTING_COMMAND):
 * its invalidations wait until its reply is out. A client parked on a blocking command is not,
 * until the write that frees it serves it (BLMOVE's move is its own).
 */
function executing(c: Client): boolean {
  return c.current !== null && (!c.waiting || c.serving);
}

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

function keyArray(keys: string[]): string {
  let out = `*${keys.length}\r\n`;
  for (const k of keys) out += bulk(k);
  return out;
}

/** One prefix is a prefix of the other (Redis's stringCheckPrefix). */
function overlap(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/**
 * Client-side caching (Redis 7.0's tracking.c): CLIENT TRACKING / CACHING / GETREDIR /
 * TRACKINGINFO and the invalidation messages.
 *
 * Default mode remembers, per key, the ids of the clients that read it; a write sends each
 * one invalidation and forgets the key. Like Redis, the table is keyed by name only (any
 * database), and ids of clients that stopped tracking are dropped lazily, when their key is
 * invalidated. BCAST mode collects the written keys under each matching prefix and
 * broadcasts them once per tick, sorted. Every hook returns at once while nobody tracks.
 */
@RedisModule({
  name: 'tracking',
  requires: ['connection'],
  config: [
    {
      name: 'tracking-table-max-keys',
      type: 'int',
      default: 1000000,
      min: 0,
      max: 2 ** 63,
      doc: 'Most keys the client-side caching table remembers (0: no limit); beyond it the oldest are invalidated.',
    },
  ],
})
export default class TrackingModule {
  /** Clients with tracking on. */
  private clients = 0;
  /** Whether the per-command listener is installed (see observeCommands). */
  private observing = false;
  /** Key -> ids of the clients that read it (default mode), oldest key first. */
  private readonly table = new Map<string, Set<number>>();
  /** Sum of the table's id sets (INFO tracking_total_items). */
  private items = 0;
  private readonly prefixes = new Map<string, Prefix>();
  /** BCAST clients with NOLOOP: the only writers a broadcast needs to know. */
  private readonly noLoopBcast = new Set<Client>();
  private broadcastQueued = false;
  /**
   * Invalidations for clients running a command, sent after their reply (tracking_pending_keys):
   * the writer, and blocked clients its write served, whose replies come after.
   */
  private readonly pending = new Map<Client, Array<string | null>>();
  private maxKeys = 1000000;

  constructor(
    @inject(Server) private readonly server: Server,
    @inject(Hooks) private readonly hooks: Hooks,
    @inject(Config) config: Config,
  ) {
    config.watch('tracking-table-max-keys', (v) => (this.maxKeys = v as number));
    hooks.onFlush(() => {
      if (this.clients !== 0 || this.table.size !== 0) this.flushed();
    });
    hooks.onRejected((c, cmd, error) => {
      if (this.clients !== 0) this.commandDone(c, cmd);
      return error;
    });
    hooks.onClientClosed((c) => {
      this.pending.delete(c);
      this.disable(c);
    });
    hooks.onClientReset((c) => this.disable(c));
    hooks.onInfo('clients', () => [['tracking_clients', this.clients]]);
    hooks.onInfo('stats', () => [
      ['tracking_total_keys', this.table.size],
      ['tracking_total_items', this.items],
      ['tracking_total_prefixes', this.prefixes.size],
    ]);
  }

  /**
   * Listen to every command and write only once some client has used tracking, so a server
   * where nobody tracks pays nothing per command.
   */
  private observeCommands(): void {
    if (this.observing) return;
    this.observing = true;
    this.hooks.onCommand((c, cmd, argv) => {
      if (this.clients !== 0 || this.pending.size !== 0) this.afterCommand(c, cmd, argv);
    });
    // Keys enter the table and prefixes only once some client tracks: writes need no listener before.
    this.hooks.onKeyModified((_db, key) => {
      if (this.table.size !== 0) this.invalidateKey(key);
      if (this.prefixes.size !== 0) this.collectForBroadcast(key);
    });
  }

  // ---- commands ---------------------------------------------------------------------------

  @Command('client|tracking')
  tracking(ctx: CommandContext, argv: string[]): Reply {
    let redirect = 0;
    let opts = 0;
    const prefixes: string[] = [];
    for (let j = 3; j < argv.length; j++) {
      const opt = argv[j].toLowerCase();
      const more = j < argv.length - 1;
      if (opt === 'redirect' && more) {
        j++;
        if (redirect !== 0) throw ONE_REDIRECT;
        const id = parseInt64(argv[j]);
        if (id === null) throw Errors.notInteger;
        if (typeof id !== 'number' || !this.server.clients.has(id)) throw NO_SUCH_REDIRECT;
        redirect = id;
      } else if (opt === 'bcast') {
        opts |= Opt.Bcast;
      } else if (opt === 'optin') {
        opts |= Opt.OptIn;
      } else if (opt === 'optout') {
        opts |= Opt.OptOut;
      } else if (opt === 'noloop') {
        opts |= Opt.NoLoop;
      } else if (opt === 'prefix' && more) {
        prefixes.push(argv[++j]);
      } else {
        throw Errors.syntax;
      }
    }
    const onOff = argv[2].toLowerCase();
    if (onOff === 'off') {
      this.disable(ctx);
      return OK;
    }
    if (onOff !== 'on') throw Errors.syntax;
    const st = stateOf(ctx);
    if ((opts & Opt.Bcast) === 0 && prefixes.length !== 0) throw PREFIX_WITHOUT_BCAST;
    if (st !== undefined && (st.opts & Opt.Bcast) !== (opts & Opt.Bcast)) throw SEPARATE_MODES;
    if ((opts & Opt.Bcast) !== 0 && (opts & (Opt.OptIn | Opt.OptOut)) !== 0) throw BCAST_OPTIN;
    if ((opts & Opt.OptIn) !== 0 && (opts & Opt.OptOut) !== 0) throw OPTIN_AND_OPTOUT;
    if (st !== undefined && (((opts & Opt.OptIn) !== 0 && (st.opts & Opt.OptOut) !== 0) || ((opts & Opt.OptOut) !== 0 && (st.opts & Opt.OptIn) !== 0))) {
      throw SWITCH_OPTIN;
    }
    if ((opts & Opt.Bcast) !== 0) checkPrefixes(st, prefixes);
    this.enable(ctx, st, redirect, opts, prefixes);
    return OK;
  }

  @Command('client|caching')
  caching(ctx: CommandContext, argv: string[]): Reply {
    const st = stateOf(ctx);
    if (st === undefined) throw CACHING_NOT_TRACKING;
    const opt = argv[2].toLowerCase();
    if (opt === 'yes') {
      if ((st.opts & Opt.OptIn) === 0) throw CACHING_YES;
    } else if (opt === 'no') {
      if ((st.opts & Opt.OptOut) === 0) throw CACHING_NO;
    } else {
      throw Errors.syntax;
    }
    st.opts |= Opt.Caching;
    return OK;
  }

  @Command('client|getredir')
  getredir(ctx: CommandContext): Reply {
    return stateOf(ctx)?.redirect ?? -1;
  }

  @Command('client|trackinginfo')
  trackinginfo(ctx: CommandContext): Reply {
    const st = stateOf(ctx);
    const flags: string[] = [st === undefined ? 'off' : 'on'];
    const o = st?.opts ?? 0;
    if (o & Opt.Bcast) flags.push('bcast');
    if (o & Opt.OptIn) flags.push('optin');
    if (o & Opt.OptIn && o & Opt.Caching) flags.push('caching-yes');
    if (o & Opt.OptOut) flags.push('optout');
    if (o & Opt.OptOut && o & Opt.Caching) flags.push('caching-no');
    if (o & Opt.NoLoop) flags.push('noloop');
    if (o & Opt.BrokenRedir) flags.push('broken_redirect');
    return new MapReply([
      'flags',
      new SetReply(flags),
      'redirect',
      st?.redirect ?? -1,
      'prefixes',
      st === undefined ? [] : [...st.prefixes].sort(),
    ]);
  }

  // ---- enabling ---------------------------------------------------------------------------

  /** enableTracking: options replace the old ones, BCAST prefixes add to them. */
  private enable(c: Client, st: TrackingState | undefined, redirect: number, opts: number, prefixes: string[]): void {
    if (st === undefined) {
      st = new TrackingState();
      c.state.set(TRACKING, st);
      c.flags.add('tracking');
      this.clients++;
      this.observeCommands();
    }
    // CACHING survives re-enabling, as in Redis.
    st.opts = (st.opts & Opt.Caching) | opts;
    st.redirect = redirect;
    c.trackingRedirect = redirect;
    c.flags.delete('tracking-broken-redir');
    if (opts & Opt.Bcast) {
      c.flags.add('bcast');
      if (prefixes.length === 0) prefixes.push('');
      for (const p of prefixes) {
        let prefix = this.prefixes.get(p);
        if (prefix === undefined) this.prefixes.set(p, (prefix = new Prefix()));
        prefix.clients.add(c);
        st.prefixes.add(p);
      }
      if (opts & Opt.NoLoop) this.noLoopBcast.add(c);
      else this.noLoopBcast.delete(c);
    }
  }

  /** disableTracking (CLIENT TRACKING OFF, RESET, disconnect). */
  private disable(c: Client): void {
    const st = stateOf(c);
    if (st === undefined) return;
    for (const p of st.prefixes) {
      const prefix = this.prefixes.get(p)!;
      prefix.clients.delete(c);
      if (prefix.clients.size === 0) this.prefixes.delete(p);
    }
    this.noLoopBcast.delete(c);
    c.state.delete(TRACKING);
    c.trackingRedirect = -1;
    c.flags.delete('tracking');
    c.flags.delete('tracking-broken-redir');
    c.flags.delete('bcast');
    this.clients--;
  }

  // ---- remembering reads ------------------------------------------------------------------

  private afterCommand(c: Client, cmd: RegisteredCommand, argv: string[]): void {
    const st = stateOf(c);
    if (st !== undefined && (cmd.bits & CmdFlag.ReadOnly) !== 0 && (st.opts & Opt.Bcast) === 0) this.remember(c, st, cmd, argv);
    // A read inside a script: the calling client remembers the keys the script declared.
    const caller = c.caller;
    if (caller !== null && (cmd.bits & CmdFlag.ReadOnly) !== 0 && (cmd.bits & CmdFlag.PubSub) === 0) {
      const cst = stateOf(caller);
      if (cst !== undefined && (cst.opts & Opt.Bcast) === 0) this.rememberKeys(caller, cst, c.callerKeys);
    }
    if (this.commandDone(c, cmd)) {
      if (this.pending.size !== 0) this.sendPending(c);
      if (this.maxKeys !== 0 && this.table.size > this.maxKeys) this.evict();
    }
  }

  /** trackingRememberKeys, unless OPTIN without CACHING YES or OPTOUT with CACHING NO. */
  private remember(c: Client, st: TrackingState, cmd: RegisteredCommand, argv: string[]): void {
    if ((cmd.bits & CmdFlag.PubSub) !== 0) return;
    this.rememberKeys(c, st, readKeys(cmd, argv));
  }

  private rememberKeys(c: Client, st: TrackingState, keys: string[]): void {
    const optin = (st.opts & Opt.OptIn) !== 0;
    const optout = (st.opts & Opt.OptOut) !== 0;
    const caching = (st.opts & Opt.Caching) !== 0;
    if ((optin && !caching) || (optout && caching)) return;
    for (const key of keys) {
      const ids = this.table.get(key);
      if (ids === undefined) {
        this.table.set(key, new Set([c.id]));
        this.items++;
      } else if (!ids.has(c.id)) {
        ids.add(c.id);
        this.items++;
      }
    }
  }

  /**
   * A top-level command ended (resetClient): CLIENT CACHING lasts until then, or through
   * the transaction, and is kept by CLIENT subcommands. Returns false inside MULTI/EXEC.
   */
  private commandDone(c: Client, cmd: RegisteredCommand | null): boolean {
    if (c.flags.has('multi')) return false;
    const st = stateOf(c);
    if (st !== undefined && cmd?.parent?.name !== 'client') st.opts &= ~Opt.Caching;
    return true;
  }

  /** trackingLimitUsedSlots: invalidate the oldest keys until the table fits again. */
  private evict(): void {
    for (const key of this.table.keys()) {
      if (this.table.size <= this.maxKeys) return;
      this.invalidateKey(key);
    }
  }

  // ---- invalidating -----------------------------------------------------------------------

  /** trackingInvalidateKey: tell every client that read `key`, then forget it. */
  private invalidateKey(key: string): void {
    const ids = this.table.get(key);
    if (ids === undefined) return;
    this.table.delete(key);
    this.items -= ids.size;
    let keys: string | null = null;
    for (const id of ids) {
      const c = this.server.clients.get(id);
      if (c === undefined) continue;
      const st = stateOf(c);
      if (st === undefined || (st.opts & Opt.Bcast) !== 0) continue;
      if (executing(c)) {
        if ((st.opts & Opt.NoLoop) === 0) this.defer(c, key);
        continue;
      }
      this.send(c, st, (keys ??= keyArray([key])));
    }
  }

  /** FLUSHALL/FLUSHDB (trackingInvalidateKeysOnFlush): every tracking client drops everything. */
  private flushed(): void {
    if (this.clients !== 0) {
      for (const c of this.server.clients.values()) {
        const st = stateOf(c);
        if (st === undefined) continue;
        if (executing(c)) this.defer(c, null);
        else this.send(c, st, FLUSHED[c.resp]);
      }
    }
    this.table.clear();
    this.items = 0;
  }

  private defer(c: Client, key: string | null): void {
    this.observeCommands();
    const keys = this.pending.get(c);
    if (keys === undefined) this.pending.set(c, [key]);
    else keys.push(key);
  }

  private sendPending(c: Client): void {
    const pending = this.pending.get(c);
    if (pending === undefined) return;
    this.pending.delete(c);
    const st = stateOf(c);
    if (st === undefined) return;
    for (const key of pending) this.send(c, st, key === null ? FLUSHED[c.resp] : keyArray([key]));
  }

  /**
   * sendTrackingMessage: a push to the client, or to its redirect target (RESP3, or a RESP2
   * client in subscriber mode as a `__redis__:invalidate` message). A vanished target marks
   * the redirect broken and tells a RESP3 client so.
   */
  private send(c: Client, st: TrackingState, keys: string): void {
    let to = c;
    const redirected = st.redirect !== 0;
    if (redirected) {
      const target = this.server.clients.get(st.redirect);
      if (target === undefined) {
        st.opts |= Opt.BrokenRedir;
        c.flags.add('tracking-broken-redir');
        if (c.resp === 3) c.pushEncoded(`>2\r\n$21\r\ntracking-redir-broken\r\n:${st.redirect}\r\n`);
        return;
      }
      to = target;
    }
    if (to.resp === 3) to.pushEncoded(INVALIDATE + keys);
    else if (redirected && to.flags.has('pubsub')) to.pushEncoded(MESSAGE + keys);
  }

  // ---- broadcasting -----------------------------------------------------------------------

  /** trackingRememberKeyToBroadcast: file the key under every prefix it starts with. */
  private collectForBroadcast(key: string): void {
    let writer: Client | null = null;
    for (const c of this.noLoopBcast) {
      if (executing(c)) {
        writer = c;
        break;
      }
    }
    let any = false;
    for (const [p, prefix] of this.prefixes) {
      if (!key.startsWith(p)) continue;
      prefix.keys.set(key, writer);
      any = true;
    }
    if (any && !this.broadcastQueued) {
      this.broadcastQueued = true;
      queueMicrotask(this.broadcast);
    }
  }

  /**
   * trackingBroadcastInvalidationMessages (beforeSleep): per prefix in order, one message
   * with its keys sorted; a NOLOOP client does not hear of its own writes.
   */
  private readonly broadcast = (): void => {
    this.broadcastQueued = false;
    const names = [...this.prefixes.keys()].filter((p) => this.prefixes.get(p)!.keys.size !== 0).sort();
    for (const name of names) {
      const prefix = this.prefixes.get(name)!;
      const keys = [...prefix.keys.keys()].sort();
      let all: string | null = null;
      for (const c of prefix.clients) {
        const st = stateOf(c)!;
        if ((st.opts & Opt.NoLoop) === 0) {
          this.send(c, st, (all ??= keyArray(keys)));
          continue;
        }
        const others = keys.filter((k) => prefix.keys.get(k) !== c);
        if (others.length !== 0) this.send(c, st, keyArray(others));
      }
      prefix.keys.clear();
    }
  };
}

/** checkPrefixCollisionsOrReply: a client's prefixes may not be prefixes of one another. */
function checkPrefixes(st: TrackingState | undefined, prefixes: string[]): void {
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i];
    if (st !== undefined) {
      for (const existing of [...st.prefixes].sort()) {
        if (overlap(existing, p)) {
          throw new ReplyError(`ERR Prefix '${p}' overlaps with an existing prefix '${existing}'. Prefixes for a single client must not overlap.`);
        }
      }
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      if (overlap(p, prefixes[j])) {
        throw new ReplyError(`ERR Prefix '${p}' overlaps with another provided prefix '${prefixes[j]}'. Prefixes for a single client must not overlap.`);
      }
    }
  }
}
