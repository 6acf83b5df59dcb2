import { useServer, waitFor } from '../../helpers/fixtures';

describe('SLOWLOG', () => {
  const f = useServer();
  afterEach(async () => {
    await f.io.config('SET', 'slowlog-log-slower-than', '10000');
    await f.io.slowlog('RESET');
  });

  it('logs commands over the threshold with truncated argv, address and name', async () => {
    await f.io.config('SET', 'slowlog-log-slower-than', '0');
    await f.io.slowlog('RESET');
    await f.io.client('SETNAME', 'me');
    await f.io.rpush('l', ...Array.from({ length: 40 }, (_, i) => String(i)));
    await f.io.set('k', 'x'.repeat(200));
    const entries = (await f.io.slowlog('GET', '2')) as unknown[][];
    expect(entries).toHaveLength(2);
    const [set, rpush] = entries;
    expect(set[3]).toEqual(['set', 'k', 'x'.repeat(128) + '... (72 more bytes)']);
    expect((rpush[3] as string[]).length).toBe(32);
    expect((rpush[3] as string[])[31]).toBe('... (11 more arguments)');
    expect(set[5]).toBe('me');
    expect(set[4]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(Number(set[0])).toBe(Number(rpush[0]) + 1);
    expect(await f.io.slowlog('LEN')).toBeGreaterThanOrEqual(4);
  });

  it('keeps at most slowlog-max-len entries and logs nothing at -1', async () => {
    await f.io.config('SET', 'slowlog-log-slower-than', '0');
    await f.io.config('SET', 'slowlog-max-len', '3');
    for (let i = 0; i < 5; i++) await f.io.ping();
    expect(await f.io.slowlog('LEN')).toBe(3);
    await f.io.config('SET', 'slowlog-max-len', '128');
    await f.io.config('SET', 'slowlog-log-slower-than', '-1');
    await f.io.slowlog('RESET');
    await f.io.ping();
    expect(await f.io.slowlog('LEN')).toBe(0);
  });
});

describe('LATENCY', () => {
  const f = useServer({ 'latency-monitor-threshold': 1 });

  it('records command latency events and resets them', async () => {
    await f.io.latency('RESET');
    // A script spinning 5 ms is a "command" latency event of at least 1 ms.
    await f.io.eval("local t=redis.call('time') while true do local n=redis.call('time') if (n[1]-t[1])*1000000+(n[2]-t[2]) > 5000 then break end end", 0);
    const latest = (await f.io.latency('LATEST')) as unknown[][];
    const cmd = latest.find((e) => e[0] === 'command')!;
    expect(cmd).toBeDefined();
    expect(Number(cmd[2])).toBeGreaterThanOrEqual(5);
    const hist = (await f.io.latency('HISTORY', 'command')) as number[][];
    expect(hist.length).toBe(1);
    expect(String(await f.io.latency('GRAPH', 'command'))).toMatch(/^command - high \d+ ms, low \d+ ms \(all time high \d+ ms\)\n-{80}\n/);
    // A loaded machine may also record a fast command over the threshold: look for this event only.
    expect(String(await f.io.latency('DOCTOR'))).toMatch(/\n\d+\. command: 1 latency spikes/);
    expect(await f.io.latency('RESET', 'command', 'nosuch')).toBe(1);
    expect(((await f.io.latency('LATEST')) as unknown[][]).filter((e) => e[0] === 'command')).toEqual([]);
  });
});

describe('time spent blocked is not execution time (SLOWLOG, LATENCY, commandstats), as in Redis', () => {
  const f = useServer({ 'latency-monitor-threshold': 50, 'slowlog-log-slower-than': 50000 });

  it('a BLPOP that times out or is served after a wait records microseconds, not the wait', async () => {
    await f.io.config('RESETSTAT');
    await f.io.slowlog('RESET');
    await f.io.latency('RESET');
    expect(await f.io.blpop('nolist', 0.3)).toBeNull();
    const other = f.ioredis();
    const served = f.io.blpop('l', 10);
    await waitFor(() => f.server.blocking.count === 1, 'BLPOP to block');
    // Blocked for longer than both thresholds before the push serves it.
    await new Promise((r) => setTimeout(r, 200));
    expect(await other.rpush('l', 'x')).toBe(1);
    expect(await served).toEqual(['l', 'x']);
    expect(await f.io.slowlog('LEN')).toBe(0);
    expect(await f.io.latency('LATEST')).toEqual([]);
    const stat = /cmdstat_blpop:calls=2,usec=(\d+),/.exec(await f.io.info('commandstats'));
    expect(stat).not.toBeNull();
    expect(Number(stat![1])).toBeLessThan(50000);
  });
});

describe('MEMORY and LOLWUT', () => {
  const f = useServer();

  it('MEMORY USAGE grows with the value', async () => {
    await f.io.set('small', 'x');
    await f.io.set('big', 'x'.repeat(10000));
    const small = Number(await f.io.memory('USAGE', 'small'));
    const big = Number(await f.io.memory('USAGE', 'big', 'SAMPLES', '0'));
    expect(small).toBeGreaterThan(0);
    expect(big - small).toBeGreaterThanOrEqual(9000);
    expect(await f.io.memory('USAGE', 'missing')).toBeNull();
  });

  /** MEMORY USAGE with the given arguments after the key, as a number. */
  async function usage(key: string, ...args: string[]): Promise<number> {
    return Number(await f.io.call('MEMORY', 'USAGE', key, ...args));
  }

  /**
   * Deleting the key: what it took off used_memory. The clients' part is left out: the cron
   * samples it again at any tick, and one may come during the DEL's round trip.
   */
  async function share(key: string): Promise<number> {
    const data = (): number => f.server.memory.used - f.server.memory.clientBytes;
    const before = data();
    await f.io.del(key);
    return before - data();
  }

  it('MEMORY USAGE SAMPLES n extrapolates a hashtable hash, set or skiplist from its first n elements; 0 measures all', async () => {
    const hash: string[] = [];
    const set: string[] = [];
    for (let i = 0; i < 300; i++) {
      hash.push(`f${i}`, i < 100 ? 'v' : 'w'.repeat(500));
      set.push(i < 100 ? `m${i}` : `${'s'.repeat(500)}${i}`);
    }
    await f.io.call('HSET', 'h', ...hash);
    await f.io.call('SADD', 's', ...set);
    const zadd: string[] = [];
    for (let i = 0; i < 300; i++) zadd.push(String(i), i < 100 ? `m${i}` : `${'z'.repeat(500)}${i}`);
    await f.io.call('ZADD', 'z', ...zadd);
    for (const key of ['h', 's', 'z']) {
      const all = await usage(key, 'SAMPLES', '0');
      // The first elements are the short ones: sampling them alone underestimates, as in Redis.
      expect(await usage(key)).toBeLessThan(all / 2);
      expect(await usage(key, 'SAMPLES', '5')).toBe(await usage(key));
      expect(await usage(key, 'SAMPLES', '100')).toBeLessThan(all / 2);
      // Sampling more than there are is measuring all.
      expect(await usage(key, 'SAMPLES', '1000')).toBe(all);
      expect(await usage(key, 'samples', '9223372036854775807')).toBe(all);
      // used_memory keeps a skiplist's estimate from its first 16 members (a cheap re-measure).
      const kept = key === 'z' ? await usage(key, 'SAMPLES', '16') : all;
      expect(await share(key)).toBe(kept);
    }
  });

  it('MEMORY USAGE of packed values, strings and lists does not depend on SAMPLES', async () => {
    await f.io.hset('small', 'a', '1', 'b', 'x'.repeat(50));
    await f.io.rpush('l', ...Array.from({ length: 2000 }, (_, i) => (i < 1000 ? `a${i}` : 'x'.repeat(1000))));
    await f.io.set('str', 'x'.repeat(5000));
    for (const key of ['small', 'l', 'str']) {
      const all = await usage(key, 'SAMPLES', '0');
      expect(await usage(key)).toBe(all);
      expect(await usage(key, 'SAMPLES', '1')).toBe(all);
      expect(await share(key)).toBe(all);
    }
  });

  it('MEMORY USAGE refuses bad SAMPLES as Redis, and answers nil for a missing key', async () => {
    await f.io.rpush('l', 'a');
    await expect(f.io.call('MEMORY', 'USAGE', 'l', 'SAMPLES', '-1')).rejects.toThrow('ERR syntax error');
    await expect(f.io.call('MEMORY', 'USAGE', 'l', 'SAMPLES', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(f.io.call('MEMORY', 'USAGE', 'l', 'SAMPLES', '1.5')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(f.io.call('MEMORY', 'USAGE', 'l', 'SAMPLES')).rejects.toThrow('ERR syntax error');
    await expect(f.io.call('MEMORY', 'USAGE', 'l', 'SAMPLES', '1', 'x')).rejects.toThrow('ERR syntax error');
    await expect(f.io.call('MEMORY', 'USAGE')).rejects.toThrow("ERR wrong number of arguments for 'memory|usage' command");
    await expect(f.io.call('MEMORY', 'USAGE', 'missing', 'SAMPLES', '-1')).rejects.toThrow('ERR syntax error');
    expect(await f.io.call('MEMORY', 'USAGE', 'missing', 'SAMPLES', '0')).toBeNull();
  });

  it('MEMORY STATS names the fields as Redis', async () => {
    await f.io.set('k', 'v');
    const flat = (await f.io.memory('STATS')) as unknown[];
    const keys = flat.filter((_, i) => i % 2 === 0);
    expect(keys.slice(0, 11)).toEqual([
      'peak.allocated', 'total.allocated', 'startup.allocated', 'replication.backlog', 'clients.slaves',
      'clients.normal', 'cluster.links', 'aof.buffer', 'lua.caches', 'functions.caches', 'db.0',
    ]);
    expect(flat[flat.indexOf('keys.count') + 1]).toBe(1);
    expect(keys[keys.length - 1]).toBe('fragmentation.bytes');
  });

  it('LOLWUT ends with the version line', async () => {
    expect(String(await f.io.call('LOLWUT'))).toMatch(/Original 8 bit image from Plaguemon by hikikomori\. Redis ver\. 7\.0\.15\n$/);
    expect(String(await f.io.call('LOLWUT', 'VERSION', '5'))).toMatch(/\nGeorg Nees - schotter, plotter on paper, 1968\. Redis ver\. 7\.0\.15\n$/);
  });
});
