/**
 * `ferrous/testing`: Ferrous inside a test suite. An in-process server with test defaults
 * (loopback, a free port, nothing saved, warnings only, a temporary directory removed on stop),
 * a drop-in for redis-memory-server's API, and Jest global setup/teardown functions.
 */
import { startServer, type DirectiveValue, type Ferrous, type ServerOptions } from '../kernel';

export type { Ferrous, ServerOptions, DirectiveValue };

/** startServer() with `ephemeral: true`: every option still overrides the test defaults. */
export function startEphemeralServer(options: Omit<ServerOptions, 'ephemeral'> = {}): Promise<Ferrous> {
  return startServer({ ...options, ephemeral: true });
}

/** The options redis-memory-server takes that mean something here. */
export interface RedisMemoryServerOptions {
  instance?: {
    /** A fixed port (default: a free one). */
    port?: number;
    /** The address to bind (default 127.0.0.1). */
    ip?: string;
    /** redis-server style arguments, e.g. `['--databases', '4']`. */
    args?: string[];
  };
  /** Start in the constructor (default true, as redis-memory-server). */
  autoStart?: boolean;
}

/**
 * redis-memory-server's API on an in-process Ferrous: switching is one import. Nothing is
 * downloaded or spawned; start-up takes tens of milliseconds.
 */
export class RedisMemoryServer {
  private running: Promise<Ferrous> | null = null;
  private started: Ferrous | null = null;

  constructor(private readonly opts: RedisMemoryServerOptions = {}) {
    if (opts.autoStart !== false) void this.start().catch(() => undefined);
  }

  /** A started server. */
  static async create(opts: RedisMemoryServerOptions = {}): Promise<RedisMemoryServer> {
    const s = new RedisMemoryServer({ ...opts, autoStart: false });
    await s.start();
    return s;
  }

  /** Start (again after stop()); resolves true once it accepts connections. */
  async start(): Promise<boolean> {
    if (this.running === null) {
      const { port, ip, args = [] } = this.opts.instance ?? {};
      const config: Record<string, DirectiveValue> = {};
      if (port !== undefined) config.port = port;
      if (ip !== undefined) config.bind = ip;
      this.running = startServer({ ephemeral: true, argv: args, config });
      this.running.then(
        (s) => (this.started = s),
        () => (this.running = null),
      );
    }
    await this.running;
    return true;
  }

  /** Start if needed; the server. */
  async ensureInstance(): Promise<Ferrous> {
    await this.start();
    return this.running!;
  }

  async getHost(): Promise<string> {
    return (await this.ensureInstance()).host;
  }

  async getPort(): Promise<number> {
    return (await this.ensureInstance()).port;
  }

  /** `redis://host:port`. */
  async getUri(): Promise<string> {
    const s = await this.ensureInstance();
    return redisUri(s);
  }

  /** `{ ip, port }` of the running server, false before it started (as redis-memory-server). */
  getInstanceInfo(): { ip: string; port: number } | false {
    return this.started === null ? false : { ip: this.started.host, port: this.started.port };
  }

  /** Stop and free everything (port, timers, temporary files); true when it was running. */
  async stop(): Promise<boolean> {
    const running = this.running;
    this.running = null;
    this.started = null;
    if (running === null) return false;
    await (await running).stop();
    return true;
  }
}

/** `redis://host:port` for a server (IPv6 addresses in brackets). */
export function redisUri(s: Pick<Ferrous, 'host' | 'port'>): string {
  return `redis://${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`;
}

const GLOBAL_KEY = Symbol.for('ferrous.jest.server');

/**
 * Jest `globalSetup`: one server for the whole run. The workers find it in REDIS_URL,
 * REDIS_HOST and REDIS_PORT. Extra directives: FERROUS_ARGS (`--databases 4`).
 */
export async function jestGlobalSetup(): Promise<void> {
  const argv = (process.env.FERROUS_ARGS ?? '').split(/\s+/).filter(Boolean);
  const server = await startServer({ ephemeral: true, argv });
  (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] = server;
  process.env.REDIS_HOST = server.host;
  process.env.REDIS_PORT = String(server.port);
  process.env.REDIS_URL = redisUri(server);
}

/** Jest `globalTeardown`: stops the server jestGlobalSetup started. */
export async function jestGlobalTeardown(): Promise<void> {
  const g = globalThis as Record<symbol, unknown>;
  const server = g[GLOBAL_KEY] as Ferrous | undefined;
  delete g[GLOBAL_KEY];
  await server?.stop();
}
