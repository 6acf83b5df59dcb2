import { useServer } from '../../helpers/fixtures';

describe('sets module through real clients', () => {
  const f = useServer();

  it('round-trips every byte value as members through ioredis buffers', async () => {
    const members = Array.from({ length: 256 }, (_, i) => Buffer.from([i, 0, 255 - i]));
    const key = Buffer.from([0, 13, 10, 255]);
    expect(await f.io.sadd(key, ...members)).toBe(256);
    expect(await f.io.sadd(key, members[7])).toBe(0);
    const got = await f.io.smembersBuffer(key);
    expect(got.map((b) => b.toString('hex')).sort()).toEqual(members.map((b) => b.toString('hex')).sort());
    expect(await f.io.sismember(key, members[200])).toBe(1);
    expect(await f.io.smismember(key, members[0], Buffer.from([1, 2]))).toEqual([1, 0]);
    expect(await f.io.srem(key, members[0], members[1])).toBe(2);
    expect(await f.io.scard(key)).toBe(254);
  });

  it('set algebra and SINTERCARD through node-redis', async () => {
    await f.nr.sAdd('a', ['1', '2', '3', 'x']);
    await f.nr.sAdd('b', ['2', '3', '4', 'x']);
    expect((await f.nr.sInter(['a', 'b'])).sort()).toEqual(['2', '3', 'x']);
    expect((await f.nr.sUnion(['a', 'b'])).sort()).toEqual(['1', '2', '3', '4', 'x']);
    expect((await f.nr.sDiff(['a', 'b'])).sort()).toEqual(['1']);
    expect(await f.nr.sInterCard(['a', 'b'])).toBe(3);
    expect(await f.nr.sInterCard(['a', 'b'], { LIMIT: 2 })).toBe(2);
    expect(await f.nr.sInterStore('d', ['a', 'b'])).toBe(3);
    expect(await f.nr.sUnionStore('u', ['a', 'b'])).toBe(5);
    expect(await f.nr.sDiffStore('f', ['b', 'a'])).toBe(1);
    expect(await f.nr.sMembers('f')).toEqual(['4']);
    expect(await f.nr.sMove('a', 'f', '1')).toBe(1);
    expect((await f.nr.sMembers('f')).sort()).toEqual(['1', '4']);
    await expect(f.nr.sendCommand(['SINTERCARD', '0', 'a'])).rejects.toThrow('ERR numkeys should be greater than 0');
  });

  it('small integer sets reply in ascending order, as Redis intsets do', async () => {
    await f.io.sadd('n', 10, -2, 7, 0, 300, -40);
    expect(await f.io.smembers('n')).toEqual(['-40', '-2', '0', '7', '10', '300']);
    expect(await f.io.object('ENCODING', 'n')).toBe('intset');
    await f.io.sadd('n', 'x');
    expect(await f.io.object('ENCODING', 'n')).toBe('hashtable');
    await f.io.srem('n', 'x');
    expect(await f.io.object('ENCODING', 'n')).toBe('hashtable');
  });

  it('set-max-intset-entries is a config parameter that later additions obey', async () => {
    expect(await f.io.config('GET', 'set-max-intset-entries')).toEqual(['set-max-intset-entries', '512']);
    await f.io.config('SET', 'set-max-intset-entries', '2');
    try {
      await f.io.sadd('s', 1, 2);
      expect(await f.io.object('ENCODING', 's')).toBe('intset');
      await f.io.sadd('s', 3);
      expect(await f.io.object('ENCODING', 's')).toBe('hashtable');
    } finally {
      await f.io.config('SET', 'set-max-intset-entries', '512');
    }
  });

  it('SPOP removes what it returns; with a count, distinct members; whole set deletes the key', async () => {
    const all = Array.from({ length: 100 }, (_, i) => `m${i}`);
    await f.io.sadd('s', ...all);
    const one = (await f.io.spop('s')) as string;
    expect(all).toContain(one);
    expect(await f.io.sismember('s', one)).toBe(0);
    const some = (await f.io.spop('s', 30)) as string[];
    expect(new Set(some).size).toBe(30);
    expect(some).not.toContain(one);
    const most = (await f.io.spop('s', 60)) as string[];
    expect(new Set([...some, ...most]).size).toBe(90);
    expect(await f.io.scard('s')).toBe(9);
    const left = await f.io.smembers('s');
    expect(new Set([one, ...some, ...most, ...left]).size).toBe(100);
    const rest = (await f.io.spop('s', 50)) as string[];
    expect(rest.sort()).toEqual(left.sort());
    expect(await f.io.exists('s')).toBe(0);
  });

  it('SRANDMEMBER: distinct members for positive counts, repeats allowed for negative', async () => {
    const all = Array.from({ length: 20 }, (_, i) => `m${i}`);
    await f.io.sadd('s', ...all);
    for (const count of [1, 5, 7, 15, 19, 20, 25]) {
      const got = (await f.io.srandmember('s', count)) as string[];
      expect(got).toHaveLength(Math.min(count, 20));
      expect(new Set(got).size).toBe(got.length);
      for (const m of got) expect(all).toContain(m);
    }
    const many = (await f.io.srandmember('s', -1000)) as string[];
    expect(many).toHaveLength(1000);
    // 1000 draws from 20 members must repeat, and (with overwhelming probability) hit them all.
    expect(new Set(many).size).toBe(20);
    expect(await f.io.scard('s')).toBe(20);
  });

  it('SRANDMEMBER and SPOP sample every member over many calls', async () => {
    await f.io.sadd('s', 'a', 'b', 'c', 'd');
    const seen = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const m = (await f.io.srandmember('s')) as string;
      seen.set(m, (seen.get(m) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    // Uniform: each expected 100 times; 30 is many standard deviations (~8.7) away.
    for (const n of seen.values()) expect(n).toBeGreaterThan(30);
  });

  it('SSCAN walks a large set completely through ioredis scanStream', async () => {
    const all = Array.from({ length: 1000 }, (_, i) => `member:${i}`);
    await f.io.sadd('big', ...all);
    const seen = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const stream = f.io.sscanStream('big', { count: 50 });
      stream.on('data', (items: string[]) => items.forEach((m) => seen.add(m)));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    expect(seen.size).toBe(1000);
  });

  it('SSCAN returns every member present throughout, while the set changes under it', async () => {
    const stay = Array.from({ length: 300 }, (_, i) => `stay${i}`);
    const go = Array.from({ length: 300 }, (_, i) => `go${i}`);
    await f.io.sadd('s', ...stay, ...go);
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, items] = await f.io.sscan('s', cursor, 'COUNT', 20);
      items.forEach((m) => seen.add(m));
      cursor = next;
      // Remove some members and add new ones between steps: survivors move around.
      await f.io.srem('s', ...go.slice(round * 10, round * 10 + 10));
      await f.io.sadd('s', `new${round}a`, `new${round}b`);
      round++;
    } while (cursor !== '0');
    for (const m of stay) expect(seen.has(m)).toBe(true);
  });

  it('RESP3 set replies reach node-redis as arrays of members; SPOP count too', async () => {
    const r3 = await f.nodeRedis({ RESP: 3 });
    await r3.sAdd('s', ['3', '1', '2']);
    expect(await r3.sMembers('s')).toEqual(['1', '2', '3']);
    expect(await r3.sendCommand(['SPOP', 's', '5'])).toEqual(['1', '2', '3']);
  });

  it('answers with exact bytes on a raw socket, pipelined, RESP2 and RESP3', async () => {
    const c = f.raw;
    c.write('*4\r\n$4\r\nSADD\r\n$1\r\ns\r\n$1\r\n2\r\n$1\r\n1\r\n*2\r\n$8\r\nSMEMBERS\r\n$1\r\ns\r\n*2\r\n$4\r\nSADD\r\n$1\r\ns\r\n');
    expect(await c.read()).toBe(':2\r\n');
    expect(await c.read()).toBe('*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(await c.read()).toBe("-ERR wrong number of arguments for 'sadd' command\r\n");
    expect(await c.call('SPOP', 's', '-1')).toBe('-ERR value is out of range, must be positive\r\n');
    await c.call('HELLO', '3');
    expect(await c.call('SMEMBERS', 's')).toBe('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(await c.call('SRANDMEMBER', 's', '5')).toBe('*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(await c.call('SPOP', 'nokey', '1')).toBe('~0\r\n');
    expect(await c.call('SPOP', 'nokey')).toBe('_\r\n');
    expect(await c.call('SSCAN', 's', '0')).toBe('*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
  });

  it('SINTER stays fast when a huge set meets a tiny one (iterates the smallest)', async () => {
    const big = Array.from({ length: 50000 }, (_, i) => `b${i}`);
    for (let i = 0; i < big.length; i += 10000) await f.io.sadd('big', ...big.slice(i, i + 10000));
    await f.io.sadd('tiny', 'b5', 'b49999', 'zz');
    expect((await f.io.sinter('big', 'tiny', 'big')).sort()).toEqual(['b49999', 'b5']);
    expect(await f.io.call('SINTERCARD', '2', 'tiny', 'big', 'LIMIT', '1')).toBe(1);
  });
});
