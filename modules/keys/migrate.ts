import {
  type CommandContext,
  dumpPayload,
  Errors,
  type Keyspace,
  Notify,
  OK,
  OutboundConnection,
  OutboundTimeout,
  parseInt64,
  type Reply,
  ReplyError,
  StatusReply,
} from '../../kernel';

const NOKEY = new StatusReply('NOKEY');
const KEYS_NEEDS_EMPTY_KEY = new ReplyError('ERR When using MIGRATE KEYS option, the key argument must be set to the empty string');
const CONNECT_ERROR = new ReplyError('IOERR error or timeout connecting to the client');
/** Redis's MIGRATE_SOCKET_CACHE_ITEMS and MIGRATE_SOCKET_CACHE_TTL. */
const CACHE_ITEMS = 64;
const CACHE_TTL_MS = 10000;

/** A connection to a MIGRATE target, kept for reuse (migrateCachedSocket). */
class TargetConnection {
  lastDbid = -1;
  lastUse = Date.now();

  /** null: the connect was refused or broke, which Redis finds out at the first write. */
  constructor(readonly link: OutboundConnection | null) {}

  get closed(): boolean {
    return this.link === null || this.link.closed;
  }

  close(): void {
    this.link?.close();
  }
}

/** The cached target connections, by host:port; idle ones close after ten seconds. */
export class MigrateSockets {
  private readonly cache = new Map<string, TargetConnection>();
  private timer: NodeJS.Timeout | null = null;

  get size(): number {
    return this.cache.size;
  }

  async get(host: string, port: string, timeoutMs: number): Promise<TargetConnection | null> {
    const name = `${host}:${port}`;
    const cached = this.cache.get(name);
    if (cached !== undefined && !cached.closed) {
      cached.lastUse = Date.now();
      return cached;
    }
    if (this.cache.size >= CACHE_ITEMS) {
      const victim = [...this.cache.keys()][Math.floor(Math.random() * this.cache.size)];
      this.close(victim);
    }
    // As Redis's connBlockingConnect: only a timeout fails the connect; a refused connection
    // counts as made, and the first write reports it.
    // Redis passes atoi(port) to connect(): a value outside int fails the connect, and one in
    // range is cut to the 16 bits of sin_port.
    const n = parseInt(port, 10) || 0;
    if (n < 0 || n > 0x7fffffff) return null;
    let link: OutboundConnection | null = null;
    try {
      link = await OutboundConnection.open(host, n & 0xffff, timeoutMs);
    } catch (e) {
      if (e instanceof OutboundTimeout) return null;
    }
    const conn = new TargetConnection(link);
    this.cache.set(name, conn);
    this.startSweeper();
    return conn;
  }

  close(name: string): void {
    this.cache.get(name)?.close();
    this.cache.delete(name);
  }

  closeAll(): void {
    for (const name of [...this.cache.keys()]) this.close(name);
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private startSweeper(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const [name, c] of this.cache) if (now - c.lastUse > CACHE_TTL_MS) this.close(name);
      if (this.cache.size === 0 && this.timer !== null) {
        clearInterval(this.timer);
        this.timer = null;
      }
    }, 1000);
    this.timer.unref();
  }
}

/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
 * [AUTH2 username password] [KEYS key ...] (migrateCommand): the keys' DUMP payloads go to the
 * target as RESTORE commands on a cached connection; each key the target accepted is deleted
 * here (not with COPY) and propagated as one DEL. A broken cached connection is retried once.
 */
export async function migrate(ctx: CommandContext, keyspace: Keyspace, sockets: MigrateSockets, argv: string[]): Promise<Reply> {
  let copy = false;
  let replace = false;
  let username: string | null = null;
  let password: string | null = null;
  let firstKey = 3;
  let numKeys = 1;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j].toLowerCase();
    if (opt === 'copy') copy = true;
    else if (opt === 'replace') replace = true;
    else if (opt === 'auth') {
      if (more < 1) throw Errors.syntax;
      password = argv[++j];
    } else if (opt === 'auth2') {
      if (more < 2) throw Errors.syntax;
      username = argv[++j];
      password = argv[++j];
    } else if (opt === 'keys') {
      if (argv[3].length !== 0) throw KEYS_NEEDS_EMPTY_KEY;
      firstKey = j + 1;
      numKeys = argv.length - j - 1;
      break;
    } else throw Errors.syntax;
  }
  const timeoutArg = parseInt64(argv[5]);
  const dbidArg = parseInt64(argv[4]);
  if (timeoutArg === null || dbidArg === null) throw Errors.notInteger;
  // Node's timers take at most 2^31-1 ms (a longer one fires at once): a longer wait is as good as forever.
  const timeout = Number(timeoutArg) <= 0 ? 1000 : Math.min(Number(timeoutArg), 2 ** 31 - 1);
  const dbid = Number(dbidArg);

  const db = ctx.db;
  const keys: string[] = [];
  for (let j = 0; j < numKeys; j++) {
    const key = argv[firstKey + j];
    if (db.get(key) !== undefined) keys.push(key);
    else ctx.keyMiss(key);
  }
  if (keys.length === 0) return NOKEY;

  const host = argv[1];
  const port = argv[2];
  let mayRetry = true;
  for (;;) {
    const conn = await sockets.get(host, port, timeout);
    if (conn === null) return CONNECT_ERROR;
    const commands: string[][] = [];
    if (password !== null) commands.push(username !== null ? ['AUTH', username, password] : ['AUTH', password]);
    const select = conn.lastDbid !== dbid;
    if (select) commands.push(['SELECT', String(dbid)]);
    const sent: string[] = [];
    for (const key of keys) {
      const v = db.peek(key);
      if (v === undefined) continue;
      const expireAt = db.expires.get(key);
      let ttl = 0;
      if (expireAt !== undefined) {
        ttl = expireAt - Date.now();
        if (ttl < 0) continue;
        if (ttl < 1) ttl = 1;
      }
      const payload = dumpPayload(keyspace.types.of(v), v);
      if (payload === null) throw new ReplyError(`ERR values of type '${keyspace.types.of(v).name}' cannot be serialized`);
      const restore = ['RESTORE', key, String(ttl), payload.latin1Slice(0, payload.length)];
      if (replace) restore.push('REPLACE');
      commands.push(restore);
      sent.push(key);
    }

    // A connection already known broken fails the write; once written, a failure is the read's.
    const writeError = conn.closed;
    let timedOut = false;
    let targetError: string | null = null;
    const deleted: string[] = [];
    let read = 0;
    try {
      if (conn.link === null) throw new Error('not connected');
      const replies = conn.link.callAll(commands, timeout);
      const preamble = commands.length - sent.length;
      for (let i = 0; i < preamble; i++) {
        const r = await replies[i];
        if (r instanceof ReplyError && targetError === null) targetError = r.message;
      }
      for (let i = 0; i < sent.length; i++) {
        const key = sent[i];
        const reply = await replies[preamble + i];
        read++;
        if (targetError !== null || reply instanceof ReplyError) {
          if (targetError === null) targetError = (reply as ReplyError).message;
          conn.lastDbid = -1;
        } else if (!copy) {
          db.delete(key);
          ctx.modified(key, Notify.GENERIC, 'del');
          deleted.push(key);
        }
      }
    } catch (e) {
      timedOut = e instanceof OutboundTimeout;
      sockets.close(`${host}:${port}`);
      if (deleted.length !== 0) ctx.propagate(['DEL', ...deleted]);
      // A retry only when nothing was processed and the connection broke (not a timeout).
      if (targetError === null && read === 0 && mayRetry && !timedOut) {
        mayRetry = false;
        continue;
      }
      if (targetError !== null) return new ReplyError(`ERR Target instance replied with error: ${targetError}`);
      return new ReplyError(`IOERR error or timeout ${writeError ? 'writing' : 'reading'} to target instance`);
    }
    if (deleted.length !== 0) ctx.propagate(['DEL', ...deleted]);
    if (targetError !== null) return new ReplyError(`ERR Target instance replied with error: ${targetError}`);
    conn.lastDbid = dbid;
    return OK;
  }
}
