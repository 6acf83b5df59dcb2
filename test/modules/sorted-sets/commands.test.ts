import { useServer } from '../../helpers/fixtures';

describe('sorted sets through real clients', () => {
  const f = useServer();

  it('ioredis: ZADD options, ranges and scores', async () => {
    expect(await f.io.zadd('z', 1, 'a', 2, 'b', 3, 'c')).toBe(3);
    expect(await f.io.zadd('z', 'GT', 'CH', 0, 'a', 5, 'b')).toBe(1);
    expect(await f.io.zadd('z', 'INCR', 1.5, 'a')).toBe('2.5');
    expect(await f.io.zrange('z', 0, -1, 'WITHSCORES')).toEqual(['a', '2.5', 'c', '3', 'b', '5']);
    expect(await f.io.zrangebyscore('z', '(2.5', '+inf')).toEqual(['c', 'b']);
    expect(await f.io.zrevrangebyscore('z', '+inf', '-inf', 'LIMIT', 1, 1)).toEqual(['c']);
    expect(await f.io.zrank('z', 'b')).toBe(2);
    expect(await f.io.zrevrank('z', 'b')).toBe(0);
    expect(await f.io.zscore('z', 'a')).toBe('2.5');
    expect(await f.io.zmscore('z', 'a', 'x')).toEqual(['2.5', null]);
    expect(await f.io.zcount('z', 3, 5)).toBe(2);
    expect(await f.io.zpopmax('z')).toEqual(['b', '5']);
    expect(await f.io.zcard('z')).toBe(2);
    await expect(f.io.zadd('z', 'NX', 'XX', 1, 'a')).rejects.toThrow('ERR XX and NX options at the same time are not compatible');
  });

  it('ioredis: binary members round-trip as buffers', async () => {
    const m = Buffer.from([0, 255, 13, 10, 128]);
    expect(await f.io.zadd('bin', 1, m, 2, Buffer.from('plain'))).toBe(2);
    const range = await f.io.zrangeBuffer('bin', 0, -1);
    expect(range[0].equals(m)).toBe(true);
    expect(await f.io.zscore('bin', m)).toBe('1');
    expect(await f.io.zrem('bin', m)).toBe(1);
    expect(await f.io.zcard('bin')).toBe(1);
  });

  it('node-redis: ZRANGE variants, stores and set operations', async () => {
    await f.nr.zAdd('a', [
      { score: 1, value: 'x' },
      { score: 2, value: 'y' },
    ]);
    await f.nr.zAdd('b', [
      { score: 10, value: 'y' },
      { score: 20, value: 'w' },
    ]);
    expect(await f.nr.zRange('a', 0, -1, { REV: true })).toEqual(['y', 'x']);
    expect(await f.nr.zRange('a', '-inf', '+inf', { BY: 'SCORE', LIMIT: { offset: 1, count: 1 } })).toEqual(['y']);
    expect(await f.nr.zRangeWithScores('b', 0, -1)).toEqual([
      { value: 'y', score: 10 },
      { value: 'w', score: 20 },
    ]);
    expect(await f.nr.zRangeStore('d', 'a', 0, 0)).toBe(1);
    expect(await f.nr.zUnionStore('u', ['a', 'b'])).toBe(3);
    expect(await f.nr.zRangeWithScores('u', 0, -1)).toEqual([
      { value: 'x', score: 1 },
      { value: 'y', score: 12 },
      { value: 'w', score: 20 },
    ]);
    expect(await f.nr.zInter(['a', 'b'])).toEqual(['y']);
    expect(await f.nr.zDiff(['a', 'b'])).toEqual(['x']);
    expect(await f.nr.zInterCard(['a', 'b'])).toBe(1);
    expect(await f.nr.zIncrBy('a', 0.5, 'x')).toBe(1.5);
  });

  it('node-redis over RESP3: doubles and pairs', async () => {
    const r3 = await f.nodeRedis({ RESP: 3 });
    await r3.zAdd('z', [
      { score: 1.1, value: 'a' },
      { score: 2, value: 'b' },
    ]);
    // RESP3 doubles arrive as numbers; a bulk string would stay '1.1000000000000001'.
    expect(await r3.sendCommand(['ZSCORE', 'z', 'a'])).toBe(1.1);
    expect(await r3.sendCommand(['ZRANGE', 'z', '0', '-1', 'WITHSCORES'])).toEqual([
      ['a', 1.1],
      ['b', 2],
    ]);
    expect(await r3.sendCommand(['ZPOPMIN', 'z', '1'])).toEqual([['a', 1.1]]);
  });

  it('WRONGTYPE against other types leaves the value intact', async () => {
    await f.io.set('s', 'v');
    for (const cmd of [
      ['ZADD', 's', '1', 'a'],
      ['ZRANGE', 's', '0', '-1'],
      ['ZSCORE', 's', 'a'],
      ['ZPOPMIN', 's'],
      ['ZUNIONSTORE', 'd', '1', 's'],
      ['ZRANDMEMBER', 's'],
      ['ZSCAN', 's', '0'],
    ]) {
      expect(await f.raw.call(...cmd)).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    }
    expect(await f.io.get('s')).toBe('v');
  });

  it('ZRANDMEMBER: distinct members for positive counts, repeats allowed for negative', async () => {
    const members = Array.from({ length: 50 }, (_, i) => `m${i}`);
    await f.io.zadd('z', ...members.flatMap((m, i) => [i, m]));
    for (const count of [1, 5, 20, 40]) {
      const got = await f.io.zrandmember('z', count);
      expect(new Set(got).size).toBe(count);
      for (const m of got) expect(members).toContain(m);
    }
    const repeated = await f.io.zrandmember('z', -200);
    expect(repeated).toHaveLength(200);
    for (const m of repeated) expect(members).toContain(m);
    const withScores = (await f.io.call('ZRANDMEMBER', 'z', '-3', 'WITHSCORES')) as string[];
    expect(withScores).toHaveLength(6);
    for (let i = 0; i < 6; i += 2) expect(withScores[i + 1]).toBe(String(members.indexOf(withScores[i])));
    expect(members).toContain(await f.io.zrandmember('z'));
  });

  it('keeps O(log N) operations correct on a large set', async () => {
    const n = 20000;
    const p = f.io.pipeline();
    for (let i = 0; i < n; i += 1000) {
      const args: (string | number)[] = [];
      for (let j = i; j < i + 1000; j++) args.push(j, `m${j}`);
      p.zadd('big', ...args);
    }
    await p.exec();
    expect(await f.io.zcard('big')).toBe(n);
    expect(await f.io.object('ENCODING', 'big')).toBe('skiplist');
    expect(await f.io.zrange('big', 12345, 12347)).toEqual(['m12345', 'm12346', 'm12347']);
    expect(await f.io.zrevrange('big', 0, 1)).toEqual(['m19999', 'm19998']);
    expect(await f.io.zrank('big', 'm15000')).toBe(15000);
    expect(await f.io.zcount('big', '(100', 199)).toBe(99);
    expect(await f.io.zrangebyscore('big', 500, '+inf', 'LIMIT', 10000, 2)).toEqual(['m10500', 'm10501']);
    expect(await f.io.zremrangebyrank('big', 0, 9999)).toBe(10000);
    expect(await f.io.zrange('big', 0, 0)).toEqual(['m10000']);
    expect(await f.io.zpopmin('big', 2)).toEqual(['m10000', '10000', 'm10001', '10001']);
    expect(await f.io.zrank('big', 'm19999')).toBe(9997);
  });
});
