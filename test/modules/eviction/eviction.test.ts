import { useRecorder, useServer, waitFor } from '../../helpers/fixtures';

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
const VALUE = 'v'.repeat(1000);

/** maxmemory, the eight policies and the OOM rules, against an in-process server. */
describe('eviction', () => {
  const f = useServer();
  const rec = useRecorder(f);

  afterEach(async () => {
    await f.io.config('SET', 'maxmemory', '0');
    await f.io.config('SET', 'maxmemory-policy', 'noeviction');
    await f.io.config('SET', 'maxmemory-samples', '5');
  });

  async function fill(prefix: string, n: number, ttl?: number): Promise<string[]> {
    const keys = Array.from({ length: n }, (_, i) => `${prefix}:${i}`);
    const p = f.io.pipeline();
    for (const k of keys) {
      if (ttl === undefined) p.set(k, VALUE);
      else p.set(k, VALUE, 'EX', ttl);
    }
    await p.exec();
    return keys;
  }

  /** Set maxmemory so that about `keys` keys of VALUE must go, then send a write. */
  async function squeeze(keys: number): Promise<void> {
    const used = f.server.memory.used;
    await f.io.config('SET', 'maxmemory', String(used - keys * 1200));
    await f.io.set('trigger', '1');
  }

  async function stored(keys: string[]): Promise<number> {
    return (await f.io.exists(...keys)) as number;
  }

  /** Make keys look idle for `seconds` (the LRU clock has a one-second resolution). */
  function age(keys: string[], seconds: number): void {
    const db = f.server.keyspace.db(0);
    for (const k of keys) db.setStamp(k, f.server.keyspace.stampIdle(seconds));
  }

  describe('configuration', () => {
    it('takes maxmemory with units and shows bytes, as Redis', async () => {
      await f.io.config('SET', 'maxmemory', '64mb');
      expect(await f.io.config('GET', 'maxmemory')).toEqual(['maxmemory', '67108864']);
      await f.io.config('SET', 'maxmemory', '1gb');
      expect(await f.io.config('GET', 'maxmemory')).toEqual(['maxmemory', '1073741824']);
      await f.io.config('SET', 'maxmemory', '100k');
      expect(await f.io.config('GET', 'maxmemory')).toEqual(['maxmemory', '100000']);
      const info = await f.io.info('memory');
      expect(info).toContain('maxmemory:100000\r\n');
      expect(info).toContain('maxmemory_human:97.66K\r\n');
    });

    it('refuses bad values with Redis\'s errors and keeps the old ones', async () => {
      const refused = async (name: string, value: string) => expect(f.io.config('SET', name, value)).rejects.toThrow(`ERR CONFIG SET failed (possibly related to argument '${name}') - `);
      await refused('maxmemory', '1.5mb');
      await refused('maxmemory', '-1');
      await refused('maxmemory', 'lots');
      await expect(f.io.config('SET', 'maxmemory-policy', 'lru')).rejects.toThrow(
        'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction',
      );
      await expect(f.io.config('SET', 'maxmemory-samples', '0')).rejects.toThrow('argument must be between 1 and 2147483647 inclusive');
      await expect(f.io.config('SET', 'maxmemory-eviction-tenacity', '101')).rejects.toThrow('argument must be between 0 and 100 inclusive');
      await expect(f.io.config('SET', 'lfu-log-factor', '-1')).rejects.toThrow('argument must be between 0 and 2147483647 inclusive');
      await expect(f.io.config('SET', 'lfu-decay-time', 'x')).rejects.toThrow("argument couldn't be parsed into an integer");
      expect(await f.io.config('GET', 'maxmemory*')).toEqual([
        'maxmemory', '0', 'maxmemory-policy', 'noeviction', 'maxmemory-samples', '5', 'maxmemory-eviction-tenacity', '10', 'maxmemory-clients', '0',
      ]);
    });

    it('takes maxmemory from the start-up configuration', async () => {
      const { startTestServer } = await import('../../helpers/server');
      const other = await startTestServer({ maxmemory: '2gb', 'maxmemory-policy': 'allkeys-lfu' });
      try {
        const info = other.server.config;
        expect(info.get('maxmemory')).toBe(2 * 1024 * 1024 * 1024);
        expect(other.server.keyspace.lfu).toBe(true);
      } finally {
        await other.close();
      }
    });
  });

  describe('noeviction', () => {
    it('refuses denyoom commands with the OOM error and serves the rest', async () => {
      await f.io.set('k', 'v');
      await f.io.config('SET', 'maxmemory', '1');
      await expect(f.io.set('k2', 'v')).rejects.toThrow(OOM);
      await expect(f.io.rpush('l', 'a')).rejects.toThrow(OOM);
      expect(await f.io.get('k')).toBe('v');
      expect(await f.io.del('k')).toBe(1);
      expect(await f.io.dbsize()).toBe(0);
      expect(await f.io.info('stats')).toContain('evicted_keys:0\r\n');
      expect(await f.io.info('errorstats')).toMatch(/errorstat_OOM:count=2/);
    });
  });

  describe('allkeys policies', () => {
    it('allkeys-lru evicts the least recently used keys', async () => {
      const old = await fill('old', 50);
      age(old, 1000);
      const fresh = await fill('new', 50);
      await f.io.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await f.io.config('SET', 'maxmemory-samples', '64');
      await squeeze(25);
      expect(await stored(fresh)).toBe(50);
      expect(await stored(old)).toBeLessThanOrEqual(30);
      expect(f.server.memory.used).toBeLessThanOrEqual(f.server.config.get<number>('maxmemory'));
    });

    it('allkeys-lfu evicts the least frequently used keys', async () => {
      await f.io.config('SET', 'maxmemory-policy', 'allkeys-lfu');
      await f.io.config('SET', 'maxmemory-samples', '64');
      const hot = await fill('hot', 50);
      const cold = await fill('cold', 50);
      const ks = f.server.keyspace;
      for (const k of hot) ks.db(0).setStamp(k, (ks.lfuClock << 8) | 100);
      await squeeze(25);
      expect(await stored(hot)).toBe(50);
      expect(await stored(cold)).toBeLessThanOrEqual(30);
    });

    it('allkeys-random evicts keys whatever their use, counting and announcing each', async () => {
      await f.io.config('SET', 'notify-keyspace-events', 'Ee');
      const sub = f.ioredis();
      const evicted: string[] = [];
      sub.on('message', (_ch: string, key: string) => evicted.push(key));
      await sub.subscribe('__keyevent@0__:evicted');
      const keys = await fill('k', 60);
      await f.io.config('SET', 'maxmemory-policy', 'allkeys-random');
      rec.events = [];
      rec.propagated = [];
      const before = f.server.keyspace.stats.evictedKeys;
      await squeeze(20);
      const left = await stored(keys);
      expect(left).toBeLessThanOrEqual(45);
      const n = 60 - left + (await f.io.exists('trigger') === 1 ? 0 : 1);
      expect(await f.io.info('stats')).toContain(`evicted_keys:${before + n}\r\n`);
      // Each eviction reaches the AOF and replicas as a DEL, and subscribers as `evicted`.
      const dels = rec.propagated.filter((a) => a[0] === 'DEL').map((a) => a[1]);
      expect(dels).toHaveLength(n);
      expect(rec.events.filter((e) => e.startsWith('e:evicted:'))).toHaveLength(n);
      await waitFor(() => evicted.length === n, 'the evicted notifications');
      expect(evicted.sort()).toEqual(dels.sort());
      await f.io.config('SET', 'notify-keyspace-events', '');
    });

    it('samples no more keys than there are, whatever maxmemory-samples says', async () => {
      await f.io.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await f.io.config('SET', 'maxmemory-samples', '2147483647');
      const keys = await fill('k', 20);
      await squeeze(5);
      expect(await stored(keys)).toBeLessThanOrEqual(16);
    });

    it('evicts from every database, and refuses once nothing is left to evict', async () => {
      await f.io.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await fill('a', 10);
      const other = f.ioredis({ db: 3 });
      await other.set('b', VALUE);
      await f.io.config('SET', 'maxmemory', '1');
      await expect(f.io.set('k', 'v')).rejects.toThrow(OOM);
      expect(await f.io.dbsize()).toBe(0);
      expect(await other.dbsize()).toBe(0);
    });
  });

  describe('volatile policies', () => {
    it.each(['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'])('%s evicts only keys with a TTL', async (policy) => {
      await f.io.config('SET', 'maxmemory-policy', policy);
      const persistent = await fill('p', 30);
      const volatile = await fill('t', 30, 1000);
      await squeeze(15);
      expect(await stored(persistent)).toBe(30);
      expect(await stored(volatile)).toBeLessThanOrEqual(20);
      // Without keys with a TTL there is nothing to evict: writes are refused.
      await f.io.config('SET', 'maxmemory', '1');
      await expect(f.io.set('k', 'v')).rejects.toThrow(OOM);
      expect(await stored(persistent)).toBe(30);
      expect(await stored(volatile)).toBe(0);
    });

    it('volatile-ttl evicts the keys closest to expiring first', async () => {
      await f.io.config('SET', 'maxmemory-policy', 'volatile-ttl');
      await f.io.config('SET', 'maxmemory-samples', '64');
      const late = await fill('late', 30, 100000);
      const soon = await fill('soon', 30, 100);
      await squeeze(15);
      expect(await stored(late)).toBe(30);
      expect(await stored(soon)).toBeLessThanOrEqual(20);
    });

    it('volatile-lru prefers idle keys among those with a TTL', async () => {
      await f.io.config('SET', 'maxmemory-policy', 'volatile-lru');
      await f.io.config('SET', 'maxmemory-samples', '64');
      const old = await fill('old', 30, 1000);
      age(old, 1000);
      const fresh = await fill('new', 30, 1000);
      await squeeze(15);
      expect(await stored(fresh)).toBe(30);
      expect(await stored(old)).toBeLessThanOrEqual(20);
    });
  });

  describe('OBJECT FREQ and IDLETIME', () => {
    /**
     * OBJECT IDLETIME of `key`: `seconds`, plus the whole seconds the LRU clock (cron ticks of
     * 100 ms) may have moved on since `since` (a loaded machine can take that long).
     */
    async function expectIdle(key: string, seconds: number, since: number): Promise<void> {
      const idle = (await f.io.object('IDLETIME', key)) as number;
      expect(idle).toBeGreaterThanOrEqual(seconds);
      expect(idle).toBeLessThanOrEqual(seconds + Math.floor((Date.now() - since + 100) / 1000));
    }

    it('counts accesses logarithmically under an LFU policy, with Redis\'s errors otherwise', async () => {
      await f.io.set('k', 'v');
      await expect(f.io.object('FREQ', 'k')).rejects.toThrow(
        'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
      );
      let since = Date.now();
      age(['k'], 100);
      await expectIdle('k', 100, since);
      since = Date.now();
      await f.io.get('k');
      await expectIdle('k', 0, since);
      await f.io.config('SET', 'maxmemory-policy', 'allkeys-lfu');
      await expect(f.io.object('IDLETIME', 'k')).rejects.toThrow('ERR An LFU maxmemory policy is selected, idle time not tracked.');
      await f.io.set('n', 'v');
      expect(await f.io.object('FREQ', 'n')).toBe(5);
      await f.io.get('n');
      expect(await f.io.object('FREQ', 'n')).toBe(6);
      // The counter grows ever more slowly: a thousand reads stay far below 255.
      const p = f.io.pipeline();
      for (let i = 0; i < 1000; i++) p.get('n');
      await p.exec();
      const freq = (await f.io.object('FREQ', 'n')) as number;
      expect(freq).toBeGreaterThan(6);
      expect(freq).toBeLessThan(60);
      // An overwrite keeps the counter, as dbSetValue does under LFU.
      await f.io.set('n', 'w');
      expect(await f.io.object('FREQ', 'n')).toBe(freq);
      expect(await f.io.object('FREQ', 'missing')).toBeNull();
    });

    it('counts a write to a collection as an access, not its creation', async () => {
      await f.io.hset('h', 'a', '1');
      let since = Date.now();
      age(['h'], 100);
      await expectIdle('h', 100, since);
      since = Date.now();
      await f.io.hset('h', 'b', '2');
      await expectIdle('h', 0, since);
      await f.io.config('SET', 'maxmemory-policy', 'allkeys-lfu');
      await f.io.rpush('l', 'a');
      expect(await f.io.object('FREQ', 'l')).toBe(5);
      await f.io.rpush('l', 'b');
      expect(await f.io.object('FREQ', 'l')).toBe(6);
    });

    it('decays the counter by one per lfu-decay-time minutes', async () => {
      await f.io.config('SET', 'maxmemory-policy', 'allkeys-lfu');
      await f.io.set('k', 'v');
      const ks = f.server.keyspace;
      ks.db(0).setStamp('k', (((ks.lfuClock - 10) & 0xffff) << 8) | 50);
      expect(await f.io.object('FREQ', 'k')).toBe(40);
      await f.io.config('SET', 'lfu-decay-time', '5');
      expect(await f.io.object('FREQ', 'k')).toBe(48);
      await f.io.config('SET', 'lfu-decay-time', '0');
      expect(await f.io.object('FREQ', 'k')).toBe(50);
      await f.io.config('SET', 'lfu-decay-time', '1');
    });

    it('RESTORE sets FREQ under LFU and IDLETIME under LRU', async () => {
      await f.io.set('k', 'v');
      const dump = await f.io.dumpBuffer('k');
      const since = Date.now();
      await f.io.restore('r', 0, dump, 'IDLETIME', '500');
      await expectIdle('r', 500, since);
      await f.io.config('SET', 'maxmemory-policy', 'allkeys-lfu');
      await f.io.restore('q', 0, dump, 'FREQ', '77');
      expect(await f.io.object('FREQ', 'q')).toBe(77);
    });
  });

  describe('MULTI and scripts out of memory', () => {
    it('refuses queueing in MULTI, except EXEC, DISCARD, QUIT and RESET', async () => {
      await f.io.config('SET', 'maxmemory', '1');
      expect(await f.raw.call('MULTI')).toBe('+OK\r\n');
      expect(await f.raw.call('GET', 'k')).toBe(`-${OOM}\r\n`);
      expect(await f.raw.call('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
      expect(await f.raw.call('MULTI')).toBe('+OK\r\n');
      expect(await f.raw.call('DISCARD')).toBe('+OK\r\n');
    });

    it('refuses EXEC of a queued denyoom command once memory ran out', async () => {
      expect(await f.raw.call('MULTI')).toBe('+OK\r\n');
      expect(await f.raw.call('SET', 'k', 'v')).toBe('+QUEUED\r\n');
      await f.io.config('SET', 'maxmemory', '1');
      expect(await f.raw.call('EXEC')).toMatch(/^-EXECABORT Transaction discarded because of: OOM command not allowed/);
      expect(await f.io.exists('k')).toBe(0);
    });

    it('runs EXEC of reads only', async () => {
      await f.io.set('k', 'v');
      expect(await f.raw.call('MULTI')).toBe('+OK\r\n');
      expect(await f.raw.call('GET', 'k')).toBe('+QUEUED\r\n');
      await f.io.config('SET', 'maxmemory', '1');
      expect(await f.raw.call('EXEC')).toBe('*1\r\n$1\r\nv\r\n');
    });

    it('applies the script rules: first write refused, allow-oom and no-writes flags', async () => {
      await f.io.config('SET', 'maxmemory', '1');
      await expect(f.io.eval("return redis.call('set','x','y')", 0)).rejects.toThrow(OOM);
      await expect(f.io.eval("redis.call('get','x'); return redis.call('set','x','y')", 0)).rejects.toThrow(OOM);
      expect(await f.io.eval("return redis.call('get','x')", 0)).toBeNull();
      await expect(f.io.eval('#!lua\nreturn 1', 0)).rejects.toThrow(OOM);
      expect(await f.io.eval('#!lua flags=no-writes\nreturn 1', 0)).toBe(1);
      expect(await f.io.eval("#!lua flags=allow-oom\nreturn redis.call('set','x','y')", 0)).toBe('OK');
      await f.io.config('SET', 'maxmemory', '0');
      await f.io.function('LOAD', "#!lua name=lib\nredis.register_function('w', function() return redis.call('set','f','1') end)\nredis.register_function{function_name='o', callback=function() return redis.call('set','f','2') end, flags={'allow-oom'}}");
      await f.io.config('SET', 'maxmemory', '1');
      await expect(f.io.fcall('w', 0)).rejects.toThrow(OOM);
      expect(await f.io.fcall('o', 0)).toBe('OK');
      await f.io.config('SET', 'maxmemory', '0');
      expect(await f.io.eval("return redis.call('set','x','z')", 0)).toBe('OK');
      await f.io.function('FLUSH');
    });
  });

  describe('the heap gate', () => {
    it('refuses denyoom commands while the V8 heap is near its limit, whatever maxmemory', async () => {
      await f.io.set('k', 'v');
      f.server.memory.heapTight = true;
      try {
        await expect(f.io.set('k2', 'v')).rejects.toThrow(OOM);
        expect(await f.io.get('k')).toBe('v');
      } finally {
        f.server.memory.heapTight = false;
      }
      expect(await f.io.set('k2', 'v')).toBe('OK');
    });
  });
});
