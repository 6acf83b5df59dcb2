import { useServer } from '../../helpers/fixtures';

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
    expect(String(await f.io.latency('DOCTOR'))).toContain('1. command: 1 latency spikes');
    expect(await f.io.latency('RESET', 'command', 'nosuch')).toBe(1);
    expect(await f.io.latency('LATEST')).toEqual([]);
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
    setTimeout(() => void other.rpush('l', 'x'), 200);
    expect(await f.io.blpop('l', 2)).toEqual(['l', 'x']);
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
