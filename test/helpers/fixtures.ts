import Redis, { type RedisOptions } from 'ioredis';
import { createClient } from 'redis';
import type { DirectiveValue, Ferrous } from '../../kernel/bootstrap';
import { RawClient } from './raw-client';
import { startTestServer } from './server';
import { recordJournal } from './journal';

/**
 * Shared jest fixtures for suites that run one in-process Ferrous: call them at the top of a
 * describe block, they register the beforeAll/beforeEach/afterEach/afterAll hooks.
 *
 *   const f = useServer();             // f.port, f.server, f.raw, f.io, f.nr
 *   const rec = useRecorder(f);        // rec.events, rec.propagated: reset before each test
 */

/** A node-redis client as createClient returns it (RESP2 unless asked). */
export type NodeRedis<RESP extends 2 | 3 = 2> = ReturnType<typeof createClient<{}, {}, {}, RESP, {}>>;

export interface ServerFixture {
  /** The running server (from beforeAll on). */
  readonly ferrous: Ferrous;
  readonly port: number;
  /** Shorthand for `ferrous.server`: hooks, keyspace, blocking, clients. */
  readonly server: Ferrous['server'];
  /** Shorthand for `ferrous.container`, to resolve kernel services. */
  readonly container: Ferrous['container'];
  /**
   * A raw connection opened before each test (the FLUSHALL goes through it) and closed after
   * it, so no test inherits another's MULTI, WATCH, SELECT, HELLO or CLIENT REPLY state.
   */
  readonly raw: RawClient;
  /** One ioredis client for the suite, created on first use (ioredis queues until connected). */
  readonly io: Redis;
  /** One node-redis client for the suite, created on first use (it queues until connected). */
  readonly nr: NodeRedis;
  /** Another raw connection, closed after the suite. */
  connect(): Promise<RawClient>;
  /** Another ioredis client, disconnected after the suite. */
  ioredis(options?: RedisOptions): Redis;
  /** Another node-redis client, connected (e.g. `{ RESP: 3 }`), closed after the suite. */
  nodeRedis<RESP extends 2 | 3 = 2>(options?: { RESP?: RESP }): Promise<NodeRedis<RESP>>;
}

export interface ServerOptions {
  /** FLUSHALL before each test (default true). */
  flush?: boolean;
}

/** Start Ferrous (startTestServer `config`) for the enclosing describe block, with clients that are closed for you. */
export function useServer(config: Record<string, DirectiveValue> = {}, options: ServerOptions = {}): ServerFixture {
  const flush = options.flush ?? true;
  let ferrous: Ferrous | undefined;
  let raw: RawClient | undefined;
  let io: Redis | undefined;
  let nr: NodeRedis | undefined;
  const raws: RawClient[] = [];
  const ios: Redis[] = [];
  const nrs: Array<{ isOpen: boolean; close(): Promise<unknown> }> = [];

  const running = (): Ferrous => {
    if (ferrous === undefined) throw new Error('useServer: the server is not running (use it inside a test or hook)');
    return ferrous;
  };

  const fixture: ServerFixture = {
    get ferrous() {
      return running();
    },
    get port() {
      return running().port;
    },
    get server() {
      return running().server;
    },
    get container() {
      return running().container;
    },
    get raw() {
      if (raw === undefined) throw new Error('useServer: f.raw exists only inside a test');
      return raw;
    },
    get io() {
      io ??= fixture.ioredis();
      return io;
    },
    get nr() {
      if (nr === undefined) {
        nr = createClient({ socket: { port: running().port, host: '127.0.0.1' } });
        nrs.push(nr);
        nr.connect().catch(() => undefined); // a failed connect shows up as the first command's error
      }
      return nr;
    },
    async connect() {
      const c = await RawClient.connect(running().port);
      raws.push(c);
      return c;
    },
    ioredis(opts = {}) {
      const r = new Redis(running().port, '127.0.0.1', opts);
      ios.push(r);
      return r;
    },
    async nodeRedis(opts) {
      const client = createClient({ socket: { port: running().port, host: '127.0.0.1' }, ...opts });
      nrs.push(client);
      await client.connect();
      return client;
    },
  };

  beforeAll(async () => {
    ferrous = await startTestServer(config);
  });
  beforeEach(async () => {
    raw = await RawClient.connect(running().port);
    if (flush) expect(await raw.call('FLUSHALL')).toBe('+OK\r\n');
  });
  afterEach(() => {
    raw?.close();
    raw = undefined;
  });
  afterAll(async () => {
    for (const c of raws) c.close();
    for (const r of ios) r.disconnect();
    for (const c of nrs) if (c.isOpen) await c.close();
    await ferrous?.close();
  });
  return fixture;
}

/** What the kernel hooks saw: keyspace events and propagated commands (emptied before each test). */
export interface Recorder<Argv = string[]> {
  /** `class:event:key`, e.g. `$:set:k` (`g:del:k@0` with `eventDb`). */
  events: string[];
  /** Each propagated command's argv (`[db, ...argv]` with `propagateDb`). */
  propagated: Argv[];
}

export interface RecorderOptions {
  /** Suffix events with `@<db>`. */
  eventDb?: boolean;
  /** Prefix propagated commands with their database id. */
  propagateDb?: boolean;
}

/**
 * Record keyspace events and propagated commands through `f.server.hooks`. Call it after
 * useServer, so the records are emptied after the FLUSHALL. Tests may also reassign
 * `rec.events = []` mid-test to look at what follows only.
 */
export function useRecorder(f: ServerFixture, options?: RecorderOptions & { propagateDb?: false }): Recorder;
export function useRecorder(f: ServerFixture, options: RecorderOptions & { propagateDb: true }): Recorder<Array<number | string>>;
export function useRecorder(f: ServerFixture, options: RecorderOptions = {}): Recorder<Array<number | string>> {
  const rec: Recorder<Array<number | string>> = { events: [], propagated: [] };
  beforeAll(() => {
    f.server.hooks.onKeyspaceEvent((cls, event, key, db) => rec.events.push(`${cls}:${event}:${key}${options.eventDb ? `@${db}` : ''}`));
    recordJournal(f.server.journal, (db, argv) => rec.propagated.push(options.propagateDb ? [db, ...argv] : argv));
  });
  beforeEach(() => {
    rec.events = [];
    rec.propagated = [];
  });
  return rec;
}

/** Connections for tests of blocking commands, closed after each test (which waits until no client is parked). */
export interface BlockingClients {
  /** A fresh connection. */
  client(): Promise<RawClient>;
  /** Resolves once `n` clients are parked in the blocking service. */
  blocked(n: number): Promise<void>;
}

export function useBlockingClients(f: ServerFixture): BlockingClients {
  const extra: RawClient[] = [];
  const blocked = (n: number): Promise<void> => waitFor(() => f.server.blocking.count === n, `${n} parked client(s)`);
  afterEach(async () => {
    for (const r of extra.splice(0)) r.close();
    await blocked(0);
  });
  return {
    async client() {
      const r = await f.connect();
      extra.push(r);
      return r;
    },
    blocked,
  };
}

/**
 * Poll until `cond` holds (messages and disconnects travel asynchronously); fails with `what`
 * after `timeoutMs`. The default leaves a loaded CI machine room and stays well within jest's
 * per-test timeout (30 s, package.json), so a wait that never ends fails with its own message.
 */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Wait until the server lists connection `id` as blocked (CLIENT LIST flags b), asking through
 * `ctl`: by id, since other connections may still be parked or closing, so a count of blocked
 * clients could match before this one is.
 */
export async function waitParked(ctl: RawClient, id: number): Promise<void> {
  await waitFor(async () => /^id=\d+ .* flags=[A-Za-z]*b[A-Za-z]* /.test(await ctl.exec('CLIENT', 'LIST', 'ID', String(id)) as string), `client ${id} to block`);
}
