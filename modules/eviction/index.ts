import {
  type Client,
  CmdFlag,
  Config,
  type ConfigParam,
  type Database,
  Errors,
  GateOrder,
  inject,
  Keyspace,
  Logger,
  MEMORY_LIMIT,
  type MemoryLimit,
  Memory,
  parseMemory,
  provide,
  RedisModule,
  REPLICATION_ROLE,
  type ReplicationRole,
  Services,
  type RegisteredCommand,
  type ReplyError,
  Server,
  WRITE_GATE,
  TrackedGate,
} from '../../kernel';
import { CLIENT_EVICTED, ClientEviction } from './clients';
import { EvictionPool } from './pool';

/** The policies in the order Redis lists them in its error text. */
const POLICIES = ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'];

const enum Pick {
  Lru,
  Lfu,
  Ttl,
  Random,
  None,
}

/** performEvictions' results. */
const enum Evict {
  Ok,
  /** Over the limit, more to evict in the background (the time budget ran out). */
  Running,
  /** Over the limit with nothing (more) to evict. */
  Fail,
}

/** The commands whose OOM state a script sees (processCommand's evalCommand, evalShaCommand, fcallCommand, fcallroCommand). */
const SCRIPT_COMMANDS = new Set(['eval', 'evalsha', 'fcall', 'fcall_ro']);
/** What a client inside MULTI may still send when out of memory. */
const MULTI_ALLOWED = new Set(['exec', 'discard', 'quit', 'reset']);

/** maxmemory-clients: bytes (with units) or a percentage of maxmemory; shown as given. */
function parseClientsLimit(raw: string): string | { error: string } {
  if (/^\d+%$/.test(raw)) {
    const pct = Number(raw.slice(0, -1));
    if (pct > 100) return { error: 'percentage argument must be less or equal to 100' };
    return pct === 0 ? '0' : `${pct}%`;
  }
  const n = parseMemory(raw);
  return Number.isNaN(n) ? { error: 'argument must be a memory or percent value' } : String(n);
}

const params: ConfigParam[] = [
  { name: 'maxmemory', type: 'memory', default: 0, min: 0, max: 2 ** 64, doc: 'Evict keys (or refuse writes, per maxmemory-policy) once used_memory passes this many bytes (0: no limit). Accepts units (64mb, 1gb).' },
  { name: 'maxmemory-policy', type: 'enum', default: 'noeviction', values: POLICIES, doc: 'Which keys to evict over maxmemory: the least recently used (lru), least frequently used (lfu), random ones, those closest to expiring (volatile-ttl), among all keys or only those with a TTL (volatile); noeviction refuses writes instead.' },
  { name: 'maxmemory-samples', type: 'int', default: 5, min: 1, max: 2147483647, doc: 'Keys sampled per database for each eviction (more is closer to true LRU/LFU, and slower).' },
  { name: 'maxmemory-eviction-tenacity', type: 'int', default: 10, min: 0, max: 100, doc: 'Time an eviction cycle may take before the rest is left to the background (10: 500 microseconds; 100: no limit).' },
  { name: 'lfu-log-factor', type: 'int', default: 10, min: 0, max: 2147483647, doc: 'How many hits it takes to saturate the LFU counter (higher: more hits per step).' },
  { name: 'lfu-decay-time', type: 'int', default: 1, min: 0, max: 2147483647, doc: 'Minutes per step by which an idle key\'s LFU counter is decremented (0: it never decays).' },
  { name: 'replica-ignore-maxmemory', aliases: ['slave-ignore-maxmemory'], type: 'bool', default: true, doc: 'A replica does not evict (nor refuse its clients for memory): its master sends the deletions.' },
  { name: 'lazyfree-lazy-eviction', type: 'bool', default: false, doc: 'Free evicted values off the command\'s path (propagated as UNLINK).' },
  { name: 'lazyfree-lazy-expire', type: 'bool', default: false, doc: 'Free expired values off the command\'s path (propagated as UNLINK).' },
  { name: 'lazyfree-lazy-server-del', type: 'bool', default: false, doc: 'Free values a write replaces (SET over a collection, RENAME over a key) off the command\'s path.' },
  { name: 'lazyfree-lazy-user-del', type: 'bool', default: false, doc: 'DEL frees large values off the command\'s path, as UNLINK does.' },
  { name: 'lazyfree-lazy-user-flush', type: 'bool', default: false, doc: 'FLUSHALL, FLUSHDB, SCRIPT FLUSH and FUNCTION FLUSH without SYNC or ASYNC behave as with ASYNC.' },
  { name: 'maxmemory-clients', type: 'string', default: '0', parse: parseClientsLimit, doc: 'Disconnect the largest clients (but those with CLIENT NO-EVICT on) while the normal and pub/sub connections together hold this much: bytes (with units) or a percentage of maxmemory (10%); 0: never. At least 128 KB.' },
];

/**
 * maxmemory and eviction, as Redis's evict.c: before each command, while used_memory
 * (kernel `Memory`) is over `maxmemory`, keys are evicted by the policy, from a pool of sampled
 * candidates; under noeviction, or with nothing left to evict, commands flagged denyoom (and
 * anything queued in MULTI) are refused with the OOM error by a write gate.
 */
@RedisModule({
  name: 'eviction',
  config: params,
  provides: [provide(WRITE_GATE, (m: EvictionModule) => m.gate), provide(MEMORY_LIMIT, (m: EvictionModule) => m.limit)],
})
export default class EvictionModule {
  maxmemory = 0;
  private pick = Pick.None;
  private volatile = false;
  private samples = 5;
  private tenacity = 10;
  private lazy = false;
  private readonly pool = new EvictionPool();
  private readonly sample: string[] = [];
  /** Where allkeys-random/volatile-random look first (Redis's next_db). */
  private nextDb = 0;
  /** An eviction cycle continues from a timer (Redis's evictionTimeProc). */
  private background = false;
  private ignoreOnReplica = true;
  /** The REPLICATION_ROLE provider, looked up on first use (null: none loaded). */
  private replication: ReplicationRole | null | undefined = undefined;

  readonly limit: { -readonly [K in keyof MemoryLimit]: MemoryLimit[K] } = { scriptOom: false };
  readonly gate: OomGate = new OomGate(this);
  private readonly clients: ClientEviction;

  constructor(
    @inject(Server) private readonly server: Server,
    @inject(Keyspace) private readonly keyspace: Keyspace,
    @inject(Memory) private readonly memory: Memory,
    @inject(Logger) private readonly logger: Logger,
    @inject(Config) config: Config,
    @inject(Services) private readonly services: Services,
  ) {
    this.clients = new ClientEviction(server, logger);
    config.watch('maxmemory-clients', (v) => {
      this.clients.configure(v as string, this.maxmemory);
      this.gate.closed = this.maxmemory !== 0 || this.clients.limit !== 0;
    });
    config.watch('replica-ignore-maxmemory', (v) => (this.ignoreOnReplica = v as boolean));
    config.watch('maxmemory', (v) => this.setMaxmemory(v as number));
    config.watch('maxmemory-policy', (v) => this.setPolicy(v as string));
    config.watch('maxmemory-samples', (v) => (this.samples = v as number));
    config.watch('maxmemory-eviction-tenacity', (v) => (this.tenacity = v as number));
    config.watch('lfu-log-factor', (v) => (keyspace.lfuLogFactor = v as number));
    config.watch('lfu-decay-time', (v) => (keyspace.lfuDecayTime = v as number));
    config.watch('lazyfree-lazy-eviction', (v) => (this.lazy = v as boolean));
    config.watch('lazyfree-lazy-expire', (v) => (keyspace.lazyExpire = v as boolean));
    config.watch('lazyfree-lazy-server-del', (v) => (keyspace.lazyServerDel = v as boolean));
  }

  private setMaxmemory(bytes: number): void {
    this.maxmemory = bytes;
    this.clients.maxmemoryChanged(bytes);
    this.gate.closed = bytes !== 0 || this.clients.limit !== 0;
    if (bytes === 0) this.limit.scriptOom = false;
    if (bytes === 0 || this.memory.startup === 0) return;
    const used = this.memory.used;
    if (bytes < used) {
      this.logger.warning(
        `WARNING: the new maxmemory value set via CONFIG SET (${bytes}) is smaller than the current memory usage (${used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.`,
      );
      this.startBackground();
    }
  }

  private setPolicy(policy: string): void {
    this.volatile = policy.startsWith('volatile-');
    this.pick = policy.endsWith('-lru') ? Pick.Lru : policy.endsWith('-lfu') ? Pick.Lfu : policy === 'volatile-ttl' ? Pick.Ttl : policy.endsWith('-random') ? Pick.Random : Pick.None;
    this.keyspace.lfu = this.pick === Pick.Lfu;
    // Candidates scored under another policy would compare wrongly with new ones.
    this.pool.clear();
  }

  /** evictionTimeLimitUs: 50 us per tenacity step up to 10, then 15% more per step; 100 is unlimited. */
  private timeLimitMs(): number {
    const t = this.tenacity;
    if (t <= 10) return (50 * t) / 1000;
    if (t < 100) return (500 * Math.pow(1.15, t - 10)) / 1000;
    return Infinity;
  }

  /** isSafeToPerformEvictions: not while a script holds the server or writes are paused. */
  private get safe(): boolean {
    return !this.server.scriptRunning && this.server.pause === null && !(this.ignoreOnReplica && this.role()?.isReplica === true);
  }

  /** isSafeToPerformEvictions' replica case: the replication module, when loaded. */
  private role(): ReplicationRole | undefined {
    if (this.replication === undefined) this.replication = this.services.find(REPLICATION_ROLE) ?? null;
    return this.replication ?? undefined;
  }

  /** Bytes over maxmemory (0 when under), as Redis counts them. Collections changed in place are measured first. */
  private excess(): number {
    const used = this.memory.used;
    if (used <= this.maxmemory) return 0;
    this.keyspace.remeasure(Date.now() + 1);
    // getMaxmemoryState: the replicas' output buffers do not count.
    const again = this.memory.used - this.memory.replicaBytes;
    return again > this.maxmemory ? again - this.maxmemory : 0;
  }

  /** performEvictions: evict until used_memory is under maxmemory, within the tenacity's time. */
  perform(): Evict {
    if (!this.safe) return Evict.Ok;
    const toFree = this.excess();
    if (toFree === 0) return Evict.Ok;
    if (this.pick === Pick.None) return Evict.Fail;
    const start = performance.now();
    const limit = this.timeLimitMs();
    let freed = 0;
    let keys = 0;
    while (freed < toFree) {
      const best = this.pick === Pick.Random ? this.randomKey() : this.bestKey();
      if (best === null) return this.excess() === 0 ? Evict.Ok : Evict.Fail;
      const db = this.keyspace.db(best[0]);
      const before = db.bytes;
      db.evict(best[1], this.lazy);
      freed += before - db.bytes;
      this.keyspace.keyEvicted(db, best[1], this.lazy);
      keys++;
      if ((keys & 15) === 0 && performance.now() - start > limit) {
        this.startBackground();
        return Evict.Running;
      }
    }
    return Evict.Ok;
  }

  /** The best candidate of the pool after sampling every database (LRU, LFU, TTL). */
  private bestKey(): [number, string] | null {
    for (;;) {
      let total = 0;
      for (const db of this.keyspace.dbs) {
        const n = this.volatile ? db.expires.size : db.size;
        if (n === 0) continue;
        total += n;
        this.populate(db);
      }
      if (total === 0) return null;
      const best = this.pool.take(this.stored);
      if (best !== null) return best;
    }
  }

  private readonly stored = (dbid: number, key: string): boolean => {
    const db = this.keyspace.db(dbid);
    return this.volatile ? db.expires.has(key) : db.peekStored(key) !== undefined;
  };

  /** evictionPoolPopulate: score `maxmemory-samples` keys of `db` into the pool. */
  private populate(db: Database): void {
    const sample = this.sample;
    sample.length = 0;
    db.sampleKeys(this.samples, this.volatile, sample);
    const ks = this.keyspace;
    for (let i = 0; i < sample.length; i++) {
      const key = sample[i];
      let idle: number;
      if (this.pick === Pick.Ttl) {
        // Sooner to expire is better: the score grows as the expiry time shrinks.
        idle = Number.MAX_SAFE_INTEGER - db.getExpire(key);
      } else {
        const lru = db.stamp(key);
        if (lru === undefined) continue;
        // LRU: idle in the stamps' tenths of a second (OBJECT IDLETIME rounds to seconds).
        idle = this.pick === Pick.Lru ? ks.lruStamp - lru : 255 - ks.frequency(lru);
      }
      this.pool.insert(key, db.id, idle);
    }
  }

  /** allkeys-random / volatile-random: a random key of the next database that has one. */
  private randomKey(): [number, string] | null {
    const dbs = this.keyspace.dbs;
    const sample = this.sample;
    for (let i = 0; i < dbs.length; i++) {
      const j = (this.nextDb = (this.nextDb + 1) % dbs.length);
      sample.length = 0;
      dbs[j].sampleKeys(1, this.volatile, sample);
      if (sample.length !== 0) return [j, sample[0]];
    }
    return null;
  }

  /** startEvictionTimeProc: keep evicting between commands until under the limit. */
  private startBackground(): void {
    if (this.background) return;
    this.background = true;
    setImmediate(this.continueBackground);
  }

  private readonly continueBackground = (): void => {
    this.background = false;
    if (this.maxmemory === 0) return;
    // A result of Running has already queued the next turn.
    this.perform();
  };

  /** The OOM gate's decision for a command from a client (processCommand's maxmemory block). */
  refuse(cmd: RegisteredCommand, c: Client): ReplyError | null {
    // A master's stream is applied whatever the memory (mustObeyClient), and a replica leaves
    // eviction to its master, whose DELs it receives (replica-ignore-maxmemory).
    if (this.server.scriptRunning || c.flags.has('master')) return null;
    // processCommand evicts clients first, the caller too (its command is then not run).
    if (this.clients.limit !== 0 && !this.clients.beforeCommand(c)) return CLIENT_EVICTED;
    if (this.maxmemory === 0) return null;
    const oom = this.perform() === Evict.Fail;
    if (SCRIPT_COMMANDS.has(cmd.name)) this.limit.scriptOom = oom;
    if (!oom) return null;
    let deny = (cmd.bits & CmdFlag.DenyOom) !== 0 || (cmd.name === 'exec' && (c.queuedFlags & CmdFlag.DenyOom) !== 0);
    // Queuing in MULTI could take any amount of memory: only leaving it is allowed.
    if (!deny && c.flags.has('multi') && !MULTI_ALLOWED.has(cmd.name)) deny = true;
    return deny ? Errors.oom : null;
  }
}

/** Consulted before every command while maxmemory is set, as Redis calls performEvictions. */
class OomGate extends TrackedGate {
  readonly order = GateOrder.Oom;
  constructor(private readonly module: EvictionModule) {
    super();
  }
  refuse(cmd: RegisteredCommand, client: Client | null): ReplyError | null {
    // A script's commands follow the script rules (MEMORY_LIMIT), applied by the scripting module.
    if (client === null) return null;
    return this.module.refuse(cmd, client);
  }
}
