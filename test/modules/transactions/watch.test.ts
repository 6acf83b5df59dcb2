import Redis from 'ioredis';
import { WatchError } from 'redis';
import { useServer } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WATCH / UNWATCH', () => {
  const f = useServer();
  let other: Redis;
  beforeAll(() => {
    other = f.ioredis();
  });

  /** MULTI, PING, EXEC on `raw`: the raw EXEC reply. */
  async function execPing(): Promise<string> {
    await f.raw.call('MULTI');
    await f.raw.call('PING');
    return f.raw.call('EXEC');
  }
  const RAN = '*1\r\n+PONG\r\n';
  const FAILED = '*-1\r\n';

  it('EXEC runs when nothing watched changed, and fails when another client wrote the key', async () => {
    await f.io.set('k', '1');
    expect(await f.raw.call('WATCH', 'k', 'other')).toBe('+OK\r\n');
    expect(await execPing()).toBe(RAN);
    await f.raw.call('WATCH', 'k');
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
      await f.io.set('counter', '0');
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
      expect(await f.io.get('counter')).toBe(String(2 * rounds));
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('a deterministic race: the second writer sees a null EXEC (ioredis)', async () => {
    const a = new Redis(f.port, '127.0.0.1');
    const b = new Redis(f.port, '127.0.0.1');
    try {
      await f.io.set('seat', 'free');
      await a.watch('seat');
      await b.watch('seat');
      expect(await a.get('seat')).toBe('free');
      expect(await b.get('seat')).toBe('free');
      expect(await a.multi().set('seat', 'alice').exec()).toEqual([[null, 'OK']]);
      expect(await b.multi().set('seat', 'bob').exec()).toBeNull();
      expect(await f.io.get('seat')).toBe('alice');
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('node-redis raises WatchError for a changed watched key', async () => {
    const nr = await f.nodeRedis();
    await nr.set('k', '1');
    await nr.watch('k');
    await other.incr('k');
    await expect(nr.multi().set('k', 'mine').exec()).rejects.toBeInstanceOf(WatchError);
    expect(await nr.get('k')).toBe('2');
    await nr.watch('k');
    expect(await nr.multi().set('k', 'mine').exec()).toEqual(['OK']);
  });

  it("the client's own writes before MULTI count too", async () => {
    await f.raw.call('WATCH', 'k');
    await f.raw.call('SET', 'k', '1');
    expect(await execPing()).toBe(FAILED);
  });

  it('deleting, creating, or modifying with any command fails the transaction', async () => {
    await f.io.set('k', '1');
    await f.io.rpush('l', 'a');
    const writes = [() => other.del('k'), () => other.set('new', 'x'), () => other.rpush('l', 'b'), () => other.expire('l', 100)];
    for (const write of writes) {
      await f.raw.call('WATCH', 'k', 'new', 'l');
      await write();
      expect(await execPing()).toBe(FAILED);
    }
  });

  it('reads and failed writes do not fail the transaction', async () => {
    await f.io.set('k', 'str');
    await f.raw.call('WATCH', 'k', 'missing');
    await other.get('k');
    await other.del('missing');
    await expect(other.lpush('k', 'x')).rejects.toThrow('WRONGTYPE');
    expect(await execPing()).toBe(RAN);
  });

  it('a write in the transaction itself does not fail it', async () => {
    await f.raw.call('WATCH', 'k');
    await f.raw.call('MULTI');
    await f.raw.call('SET', 'k', '1');
    await f.raw.call('GET', 'k');
    expect(await f.raw.call('EXEC')).toBe('*2\r\n+OK\r\n$1\r\n1\r\n');
  });

  it('keys are watched in the database selected at WATCH time', async () => {
    await f.raw.call('WATCH', 'k');
    await f.raw.call('SELECT', '1');
    await f.raw.call('SET', 'k', 'in db 1');
    expect(await execPing()).toBe(RAN);
    // Now in database 1: the key of database 0 is another key.
    await f.raw.call('WATCH', 'k');
    await other.set('k', 'in db 0 again');
    expect(await execPing()).toBe(RAN);
    await f.raw.call('WATCH', 'k');
    await f.raw.call('SET', 'k', 'in db 1 again');
    expect(await execPing()).toBe(FAILED);
  });

  it('MOVE and SWAPDB touch watched keys in other databases', async () => {
    await f.io.set('k', 'v');
    await f.raw.call('SELECT', '1');
    await f.raw.call('WATCH', 'k');
    await other.move('k', 1);
    expect(await execPing()).toBe(FAILED);
    await f.raw.call('WATCH', 'k');
    await other.swapdb(0, 1);
    expect(await execPing()).toBe(FAILED);
  });

  it('UNWATCH, DISCARD and RESET forget the watched keys and the dirty state', async () => {
    await f.raw.call('WATCH', 'k');
    await other.set('k', '1');
    expect(await f.raw.call('UNWATCH')).toBe('+OK\r\n');
    expect(await execPing()).toBe(RAN);

    await f.raw.call('WATCH', 'k');
    await f.raw.call('MULTI');
    expect(await f.raw.call('DISCARD')).toBe('+OK\r\n');
    await other.set('k', '2');
    expect(await execPing()).toBe(RAN);

    await f.raw.call('WATCH', 'k');
    await other.set('k', '3');
    expect(await f.raw.call('RESET')).toBe('+RESET\r\n');
    expect(await execPing()).toBe(RAN);
  });

  it('UNWATCH inside MULTI is queued and does not save the transaction', async () => {
    await f.raw.call('WATCH', 'k');
    await f.raw.call('MULTI');
    expect(await f.raw.call('UNWATCH')).toBe('+QUEUED\r\n');
    await other.set('k', '1');
    expect(await f.raw.call('EXEC')).toBe(FAILED);
  });

  it("shows the 'd' flag in CLIENT LIST once a watched key changed", async () => {
    await f.raw.call('CLIENT', 'SETNAME', 'watcher');
    await f.raw.call('WATCH', 'k');
    expect(await f.io.client('LIST')).toMatch(/name=watcher .*flags=N /);
    await other.set('k', '1');
    expect(await f.io.client('LIST')).toMatch(/name=watcher .*flags=d /);
    await f.raw.call('MULTI');
    expect(await f.io.client('LIST')).toMatch(/name=watcher .*flags=xd /);
    await f.raw.call('EXEC');
    expect(await f.io.client('LIST')).toMatch(/name=watcher .*flags=N /);
  });

  it('a closed client stops watching; the other watchers of the key still do', async () => {
    const second = await RawClient.connect(f.port);
    try {
      await f.raw.call('WATCH', 'k');
      await second.call('WATCH', 'k');
      f.raw.close();
      await f.raw.waitClosed();
      await other.set('k', '1');
      await second.call('MULTI');
      expect(await second.call('EXEC')).toBe(FAILED);
    } finally {
      second.close();
    }
  });

  describe('expiry', () => {
    it('a watched key reaching its TTL fails the transaction', async () => {
      // WATCH must see the key alive (a key already expired then is no change): on a slow
      // round trip between SET and WATCH, try again with a longer TTL.
      let expiresAt = 0;
      for (let ttl = 50; expiresAt === 0; ttl *= 2) {
        await f.io.set('k', 'v', 'PX', ttl);
        await f.raw.call('WATCH', 'k');
        if (Number((await f.raw.call('PTTL', 'k')).slice(1, -2)) > 0) expiresAt = Number((await f.raw.call('PEXPIRETIME', 'k')).slice(1, -2));
        else await f.raw.call('UNWATCH');
      }
      await sleep(expiresAt - Date.now() + 10);
      expect(await execPing()).toBe(FAILED);
    });

    it('fails even when the expired key was not deleted yet (isWatchedKeyExpired)', async () => {
      await f.io.set('k', 'v', 'EX', 100);
      await f.raw.call('WATCH', 'k');
      // The TTL passes with nobody touching the key: no deletion, no modification event.
      f.server.keyspace.db(0).setExpire('k', Date.now() - 1);
      expect(await execPing()).toBe(FAILED);
    });

    it('fails when the expired key is deleted by another client looking it up', async () => {
      await f.io.set('k', 'v', 'EX', 100);
      await f.raw.call('WATCH', 'k');
      f.server.keyspace.db(0).setExpire('k', Date.now() - 1);
      expect(await other.get('k')).toBeNull();
      // The deletion touched the key at once, before any EXEC check.
      expect(await f.io.client('LIST')).toMatch(/flags=d /);
      expect(await execPing()).toBe(FAILED);
    });

    it('a key already expired at WATCH: its deletion is no change, setting it again is', async () => {
      await f.io.set('k', 'v', 'EX', 100);
      f.server.keyspace.db(0).setExpire('k', Date.now() - 1);
      await f.raw.call('WATCH', 'k');
      expect(await execPing()).toBe(RAN);

      await f.io.set('k', 'v', 'EX', 100);
      f.server.keyspace.db(0).setExpire('k', Date.now() - 1);
      await f.raw.call('WATCH', 'k');
      expect(await other.get('k')).toBeNull();
      expect(await execPing()).toBe(RAN);

      await f.io.set('k', 'v', 'EX', 100);
      f.server.keyspace.db(0).setExpire('k', Date.now() - 1);
      await f.raw.call('WATCH', 'k');
      await other.set('k', 'back');
      expect(await execPing()).toBe(FAILED);
    });
  });

  describe('FLUSHDB / FLUSHALL', () => {
    it('FLUSHALL fails a transaction watching an existing key', async () => {
      await f.io.set('k', 'v');
      await f.raw.call('WATCH', 'k');
      await other.flushall();
      expect(await execPing()).toBe(FAILED);
    });

    it('FLUSHDB of the watched database fails it; of another database does not', async () => {
      await f.io.set('k', 'v');
      await f.raw.call('WATCH', 'k');
      await other.select(1);
      await other.flushdb();
      expect(await execPing()).toBe(RAN);
      await f.raw.call('WATCH', 'k');
      await other.select(0);
      await other.flushdb();
      expect(await execPing()).toBe(FAILED);
    });

    it('flushing a database without the watched key is no change to it, as in Redis', async () => {
      await f.io.set('unrelated', 'v');
      await f.raw.call('WATCH', 'k');
      await other.flushall();
      expect(await execPing()).toBe(RAN);
    });

    it('a key whose TTL passed is still flushed, and so changed', async () => {
      await f.io.set('k', 'v', 'EX', 100);
      await f.raw.call('WATCH', 'k');
      f.server.keyspace.db(0).setExpire('k', Date.now() - 1);
      await f.raw.call('FLUSHALL');
      expect(await execPing()).toBe(FAILED);
    });
  });
});
