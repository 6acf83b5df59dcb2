import { type Client, CLIENT_OVERHEAD, type Logger, ReplyError, type Server } from '../../kernel';

/** The refusal of a command whose client was evicted before it ran: never seen, the connection is closed. */
export const CLIENT_EVICTED = new ReplyError('ERR client evicted (maxmemory-clients)');

/** getClientEvictionLimit: a smaller maxmemory-clients would leave no client able to talk to the server. */
const MIN_LIMIT = 128 * 1024;

/**
 * Bytes a connection holds as CLIENT LIST's tot-mem counts them (Redis's getClientMemoryUsage):
 * the fixed cost, unparsed input, a parked command's arguments, the MULTI queue, the reply
 * buffer and the output the peer has not taken yet.
 */
function clientMemory(c: Client): number {
  const argv = c.argv;
  let argvMem = 0;
  if (argv !== null) for (let i = 0; i < argv.length; i++) argvMem += argv[i].length + 8;
  const rbs = c.replyBufferSize;
  const omem = c.out.length - Math.min(c.out.length, rbs) + c.outputChunkBytes + (c.transport?.pending ?? 0);
  return CLIENT_OVERHEAD + (c.parser?.pending ?? 0) + argvMem + c.queuedBytes + rbs + omem;
}

/** Normal and pub/sub connections count against maxmemory-clients; master and replica links do not (stat_clients_type_memory). */
function counted(c: Client): boolean {
  if (c.transport === null) return false;
  const f = c.flags;
  return f.size === 0 || !(f.has('master') || (f.has('replica') && !f.has('monitor')));
}

/**
 * maxmemory-clients, as Redis 7.0's evictClients: the memory of the normal and pub/sub
 * connections is summed (each measured before each of its commands and at every tick of a
 * timer, as Redis measures after each command and in clientsCron); while the sum is at or over
 * the limit, the largest evictable connection (not `CLIENT NO-EVICT on`) is closed, counted in
 * INFO's evicted_clients. No-evict connections still count towards the sum, as in Redis.
 */
export class ClientEviction {
  /** maxmemory-clients as configured: bytes, or a percentage of maxmemory ("10%"). */
  private setting = '0';
  /** The limit in bytes (0: off), recomputed when either setting changes. */
  limit = 0;
  /** What each counted connection held when last measured, and the sum. */
  private readonly measured = new Map<Client, number>();
  private total = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Over the limit with only protected clients left: warned once until back under it (Redis warns at each check). */
  private warned = false;

  constructor(
    private readonly server: Server,
    private readonly logger: Logger,
  ) {
    server.hooks.onClientClosed((c) => this.forget(c));
    server.hooks.onLifecycle('shutdown', () => this.stopTimer());
  }

  configure(setting: string, maxmemory: number): void {
    this.setting = setting;
    let bytes: number;
    if (setting.endsWith('%')) bytes = maxmemory === 0 ? 0 : Math.floor((maxmemory * Number(setting.slice(0, -1))) / 100) || MIN_LIMIT;
    else bytes = Number(setting);
    this.limit = bytes === 0 ? 0 : Math.max(bytes, MIN_LIMIT);
    if (this.limit === 0) {
      this.stopTimer();
      this.measured.clear();
      this.total = 0;
    } else if (this.timer === null) {
      this.timer = setInterval(this.tick, 100);
      this.timer.unref();
      // Not within CONFIG SET itself: its caller may be the one to go.
      setImmediate(this.tick);
    }
  }

  /** maxmemory changed: a percentage follows it. */
  maxmemoryChanged(maxmemory: number): void {
    if (this.setting.endsWith('%')) this.configure(this.setting, maxmemory);
  }

  /** Before `c`'s command (processCommand): measure it, evict if over. False when `c` itself was evicted. */
  beforeCommand(c: Client): boolean {
    this.measure(c);
    this.evict();
    return !c.closed;
  }

  private readonly tick = (): void => {
    if (this.limit === 0) return;
    for (const c of this.server.clients.values()) this.measure(c);
    this.evict();
  };

  private measure(c: Client): void {
    if (c.closed || !counted(c)) {
      this.forget(c);
      return;
    }
    const bytes = clientMemory(c);
    this.total += bytes - (this.measured.get(c) ?? 0);
    this.measured.set(c, bytes);
  }

  private forget(c: Client): void {
    const bytes = this.measured.get(c);
    if (bytes === undefined) return;
    this.total -= bytes;
    this.measured.delete(c);
  }

  /** evictClients: the largest evictable connections first, until under the limit. */
  private evict(): void {
    if (this.total < this.limit) this.warned = false;
    while (this.total >= this.limit) {
      let victim: Client | null = null;
      let most = -1;
      for (const [c, bytes] of this.measured) {
        if (!c.noEvict && bytes > most) {
          victim = c;
          most = bytes;
        }
      }
      if (victim === null) {
        if (!this.warned) this.logger.warning('Over client maxmemory after evicting all evictable clients');
        this.warned = true;
        return;
      }
      this.logger.notice(`Evicting client: id=${victim.id} addr=${victim.addr} name=${victim.name} tot-mem=${most}`);
      this.forget(victim);
      this.server.stats.evictedClients++;
      // freeClient: at once, dropping the output the peer has not taken.
      victim.out = '';
      victim.transport?.destroy();
      victim.close();
    }
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
