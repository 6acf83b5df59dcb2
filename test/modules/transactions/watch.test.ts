import Redis from 'ioredis';
import { createClient, WatchError } from 'redis';
import type { Ferrous } from '../../../kernel/bootstrap';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WATCH / UNWATCH', () => {
  let f: Ferrous;
  let io: Redis;
  let other: Redis;
  let raw: RawClient;

  beforeAll(async () => {
    f = await startTestServer();
    io = new Redis(f.port, '127.0.0.1');
    other = new Redis(f.port, '127.0.0.1');
  });
  afterAll(async () => {
    io.disconnect();
    other.disconnect();
    await f.close();
  });
  beforeEach(async () => {
    await io.flushall();
    raw = await RawClient.connect(f.port);
  });
  afterEach(() => raw.close());

  /** MULTI, PING, EXEC on `raw`: the raw EXEC reply. */
  async function execPing(): Promise<string> {
    await raw.call('MULTI');
    await raw.call('PING');
    return raw.call('EXEC');
  }
  const RAN = '*1\r\n+PONG\r\n';
  const FAILED = '*-1\r\n';

  it('EXEC runs when nothing watched changed, and fails when another client wrote the key', async () => {
    await io.set('k', '1');
    expect(await raw.call('WATCH', 'k', 'other')).toBe('+OK\r\n');
    expect(await execPing()).toBe(RAN);
    await raw.call('WATCH', 'k');
    await other.set('k', '2');
    expect(await execPing()).toBe(FAILED);
    // EXEC forgets the watched keys, failed or not.
    await other.set('k', '3');
    expect(await execPing()).toBe(RAN);
  });

  it('a WATCH race between two ioredis clients loses no increment', async () => {
    const a = new Redis(f.port, '127.0.0.1');
    const b = new Redis(f.port, '127.0.0.1');
    try {
      await io.set('counter', '0');
      const rounds = 50;
      // Optimistic read-modify-write: read, then write only if nobody wrote in between.
      const worker = async (c: Redis): Promise<void> => {
        for (let i = 0; i < rounds; i++) {
          for (;;) {
            await c.watch('counter');
            const v = Number(await c.get('counter'));
            if ((await c.multi().set('counter', String(v + 1)).exec()) !== null) break;
          }
        }
      };
      await Promise.all([worker(a), worker(b)]);
      // Without WATCH, the interleaved GET/SET pairs would lose updates.
      expect(await io.get('counter')).toBe(String(2 * rounds));
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('a deterministic race: the second writer sees a null EXEC (ioredis)', async () => {
    const a = new Redis(f.port, '127.0.0.1');
    const b = new Redis(f.port, '127.0.0.1');
    try {
      await io.set('seat', 'free');
      await a.watch('seat');
      await b.watch('seat');
      expect(await a.get('seat')).toBe('free');
      expect(await b.get('seat')).toBe('free');
      expect(await a.multi().set('seat', 'alice').exec()).toEqual([[null, 'OK']]);
      expect(await b.multi().set('seat', 'bob').exec()).toBeNull();
      expect(await io.get('seat')).toBe('alice');
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('node-redis raises WatchError for a changed watched key', async () => {
    const nr = createClient({ socket: { port: f.port, host: '127.0.0.1' } });
    await nr.connect();
    try {
      await nr.set('k', '1');
      await nr.watch('k');
      await other.incr('k');
      await expect(nr.multi().set('k', 'mine').exec()).rejects.toBeInstanceOf(WatchError);
      expect(await nr.get('k')).toBe('2');
      await nr.watch('k');
      expect(await nr.multi().set('k', 'mine').exec()).toEqual(['OK']);
    } finally {
      await nr.quit();
    }
  });

  it("the client's own writes before MULTI count too", async () => {
    await raw.call('WATCH', 'k');
    await raw.call('SET', 'k', '1');
    expect(await execPing()).toBe(FAILED);
  });

  it('deleting, creating, or modifying with any command fails the transaction', async () => {
    await io.set('k', '1');
    await io.rpush('l', 'a');
    const writes = [() => other.del('k'), () => other.set('new', 'x'), () => other.rpush('l', 'b'), () => other.expire('l', 100)];
    for (const write of writes) {
      await raw.call('WATCH', 'k', 'new', 'l');
      await write();
      expect(await execPing()).toBe(FAILED);
    }
  });

  it('reads and failed writes do not fail the transaction', async () => {
    await io.set('k', 'str');
    await raw.call('WATCH', 'k', 'missing');
    await other.get('k');
    await other.del('missing');
    await expect(other.lpush('k', 'x')).rejects.toThrow('WRONGTYPE');
    expect(await execPing()).toBe(RAN);
  });

  it('a write in the transaction itself does not fail it', async () => {
    await raw.call('WATCH', 'k');
    await raw.call('MULTI');
    await raw.call('SET', 'k', '1');
    await raw.call('GET', 'k');
    expect(await raw.call('EXEC')).toBe('*2\r\n+OK\r\n$1\r\n1\r\n');
  });

  it('keys are watched in the database selected at WATCH time', async () => {
    await raw.call('WATCH', 'k');
    await raw.call('SELECT', '1');
    await raw.call('SET', 'k', 'in db 1');
    expect(await execPing()).toBe(RAN);
    // Now in database 1: the key of database 0 is another key.
    await raw.call('WATCH', 'k');
    await other.set('k', 'in db 0 again');
    expect(await execPing()).toBe(RAN);
    await raw.call('WATCH', 'k');
    await raw.call('SET', 'k', 'in db 1 again');
    expect(await execPing()).toBe(FAILED);
  });

  it('MOVE and SWAPDB touch watched keys in other databases', async () => {
    await io.set('k', 'v');
    await raw.call('SELECT', '1');
    await raw.call('WATCH', 'k');
    await other.move('k', 1);
    expect(await execPing()).toBe(FAILED);
    await raw.call('WATCH', 'k');
    await other.swapdb(0, 1);
    expect(await execPing()).toBe(FAILED);
  });

  it('UNWATCH, DISCARD and RESET forget the watched keys and the dirty state', async () => {
    await raw.call('WATCH', 'k');
    await other.set('k', '1');
    expect(await raw.call('UNWATCH')).toBe('+OK\r\n');
    expect(await execPing()).toBe(RAN);

    await raw.call('WATCH', 'k');
    await raw.call('MULTI');
    expect(await raw.call('DISCARD')).toBe('+OK\r\n');
    await other.set('k', '2');
    expect(await execPing()).toBe(RAN);

    await raw.call('WATCH', 'k');
    await other.set('k', '3');
    expect(await raw.call('RESET')).toBe('+RESET\r\n');
    expect(await execPing()).toBe(RAN);
  });

  it('UNWATCH inside MULTI is queued and does not save the transaction', async () => {
    await raw.call('WATCH', 'k');
    await raw.call('MULTI');
    expect(await raw.call('UNWATCH')).toBe('+QUEUED\r\n');
    await other.set('k', '1');
    expect(await raw.call('EXEC')).toBe(FAILED);
  });

  it("shows the 'd' flag in CLIENT LIST once a watched key changed", async () => {
    await raw.call('CLIENT', 'SETNAME', 'watcher');
    await raw.call('WATCH', 'k');
    expect(await io.client('LIST')).toMatch(/name=watcher .*flags=N /);
    await other.set('k', '1');
    expect(await io.client('LIST')).toMatch(/name=watcher .*flags=d /);
    await raw.call('MULTI');
    expect(await io.client('LIST')).toMatch(/name=watcher .*flags=xd /);
    await raw.call('EXEC');
    expect(await io.client('LIST')).toMatch(/name=watcher .*flags=N /);
  });

  it('a closed client stops watching; the other watchers of the key still do', async () => {
    const second = await RawClient.connect(f.port);
    try {
      await raw.call('WATCH', 'k');
      await second.call('WATCH', 'k');
      raw.close();
      await raw.waitClosed();
      await other.set('k', '1');
      await second.call('MULTI');
      expect(await second.call('EXEC')).toBe(FAILED);
    } finally {
      second.close();
    }
  });

  describe('expiry', () => {
    it('a watched key reaching its TTL fails the transaction', async () => {
      await io.set('k', 'v', 'PX', 30);
      await raw.call('WATCH', 'k');
      await sleep(80);
      expect(await execPing()).toBe(FAILED);
    });

    it('fails even when the expired key was not deleted yet (isWatchedKeyExpired)', async () => {
      await io.set('k', 'v', 'EX', 100);
      await raw.call('WATCH', 'k');
      // The TTL passes with nobody touching the key: no deletion, no modification event.
      f.server.keyspace.db(0).setExpire('k', Date.now() - 1);
      expect(await execPing()).toBe(FAILED);
    });

    it('fails when the expired key is deleted by another client looking it up', async () => {
      await io.set('k', 'v', 'EX', 100);
      await raw.call('WATCH', 'k');
      f.server.keyspace.db(0).setExpire('k', Date.now() - 1);
      expect(await other.get('k')).toBeNull();
      // The deletion touched the key at once, before any EXEC check.
      expect(await io.client('LIST')).toMatch(/flags=d /);
      expect(await execPing()).toBe(FAILED);
    });

    it('a key already expired at WATCH: its deletion is no change, setting it again is', async () => {
      await io.set('k', 'v', 'EX', 100);
      f.server.keyspace.db(0).setExpire('k', Date.now() - 1);
      await raw.call('WATCH', 'k');
      expect(await execPing()).toBe(RAN);

      await io.set('k', 'v', 'EX', 100);
      f.server.keyspace.db(0).setExpire('k', Date.now() - 1);
      await raw.call('WATCH', 'k');
      expect(await other.get('k')).toBeNull();
      expect(await execPing()).toBe(RAN);

      await io.set('k', 'v', 'EX', 100);
      f.server.keyspace.db(0).setExpire('k', Date.now() - 1);
      await raw.call('WATCH', 'k');
      await other.set('k', 'back');
      expect(await execPing()).toBe(FAILED);
    });
  });

  describe('FLUSHDB / FLUSHALL', () => {
    it('FLUSHALL fails a transaction watching an existing key', async () => {
      await io.set('k', 'v');
      await raw.call('WATCH', 'k');
      await other.flushall();
      expect(await execPing()).toBe(FAILED);
    });

    it('FLUSHDB of the watched database fails it; of another database does not', async () => {
      await io.set('k', 'v');
      await raw.call('WATCH', 'k');
      await other.select(1);
      await other.flushdb();
      expect(await execPing()).toBe(RAN);
      await raw.call('WATCH', 'k');
      await other.select(0);
      await other.flushdb();
      expect(await execPing()).toBe(FAILED);
    });

    it('flushing a database without the watched key is no change to it, as in Redis', async () => {
      await io.set('unrelated', 'v');
      await raw.call('WATCH', 'k');
      await other.flushall();
      expect(await execPing()).toBe(RAN);
    });

    it('a key whose TTL passed is still flushed, and so changed', async () => {
      await io.set('k', 'v', 'EX', 100);
      await raw.call('WATCH', 'k');
      f.server.keyspace.db(0).setExpire('k', Date.now() - 1);
      await raw.call('FLUSHALL');
      expect(await execPing()).toBe(FAILED);
    });
  });
});
