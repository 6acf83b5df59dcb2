import Redis from 'ioredis';
import { createClient } from 'redis';
import type { Ferrous } from '../../../kernel/bootstrap';
import { sortScore } from '../../../modules/sort/lookup';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

describe('sort module', () => {
  let f: Ferrous;
  let io: Redis;
  let nr: ReturnType<typeof createClient>;
  let events: string[] = [];

  beforeAll(async () => {
    f = await startTestServer();
    f.server.hooks.onKeyspaceEvent((cls, event, key) => events.push(`${cls}:${event}:${key}`));
    io = new Redis(f.port, '127.0.0.1');
    nr = createClient({ socket: { port: f.port, host: '127.0.0.1' } });
    await nr.connect();
  });
  afterAll(async () => {
    io.disconnect();
    await nr.quit();
    await f.close();
  });
  beforeEach(async () => {
    await io.flushall();
    events = [];
  });

  it('sorts lists, sets and sorted sets numerically and by ALPHA through ioredis', async () => {
    await io.rpush('l', '10', '9', '-1', '2.5');
    await io.sadd('s', 'pear', 'apple', 'fig');
    await io.zadd('z', 1, 'c', 2, 'a', 3, 'b');
    expect(await io.sort('l')).toEqual(['-1', '2.5', '9', '10']);
    expect(await io.sort('l', 'DESC', 'LIMIT', 1, 2)).toEqual(['9', '2.5']);
    expect(await io.sort('s', 'ALPHA')).toEqual(['apple', 'fig', 'pear']);
    expect(await io.sort('z', 'ALPHA', 'DESC')).toEqual(['c', 'b', 'a']);
    expect(await io.sort('z', 'BY', 'nosort')).toEqual(['c', 'a', 'b']);
    await expect(io.sort('s')).rejects.toThrow("ERR One or more scores can't be converted into double");
  });

  it('BY and GET read strings and hash fields; SORT_RO through node-redis', async () => {
    await io.rpush('ids', '1', '2', '3');
    await io.hset('user:1', { name: 'ann', age: '31' });
    await io.hset('user:2', { name: 'bob', age: '25' });
    await io.set('nick:3', 'cy');
    const r = await nr.sortRo('ids', { BY: 'user:*->age', GET: ['#', 'user:*->name', 'nick:*'] });
    expect(r).toEqual(['3', null, 'cy', '2', 'bob', null, '1', 'ann', null]);
    expect(await nr.sort('ids', { BY: 'user:*->name', DIRECTION: 'DESC', ALPHA: true })).toEqual(['2', '1', '3']);
  });

  it('STORE writes a list, fires sortstore, and deletes the destination for an empty result', async () => {
    await io.sadd('s', '3', '1', '2');
    events = [];
    expect(await io.sort('s', 'STORE', 'dst')).toBe(3);
    expect(await io.lrange('dst', 0, -1)).toEqual(['1', '2', '3']);
    expect(await io.type('dst')).toBe('list');
    expect(await io.sort('nokey', 'STORE', 'dst')).toBe(0);
    expect(events).toEqual(['l:sortstore:dst', 'm:keymiss:nokey', 'g:del:dst']);
    expect(await io.exists('dst')).toBe(0);
  });

  it('a WRONGTYPE source, a bad LIMIT and SORT_RO STORE answer Redis errors', async () => {
    const raw = await RawClient.connect(f.port);
    try {
      await raw.call('HSET', 'h', 'a', '1');
      expect(await raw.call('SORT', 'h')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
      expect(await raw.call('SORT', 'h', 'LIMIT', 'x', '1')).toBe('-ERR value is not an integer or out of range\r\n');
      expect(await raw.call('SORT_RO', 'h', 'STORE', 'd')).toBe('-ERR syntax error\r\n');
    } finally {
      raw.close();
    }
  });

  it('reads weights like strtod: spaces before, NUL ends, ERANGE and NaN refused', () => {
    expect(sortScore('')).toBe(0);
    expect(sortScore(' \t7')).toBe(7);
    expect(sortScore('5\x00junk')).toBe(5);
    expect(sortScore('0x10')).toBe(16);
    expect(sortScore('-inf')).toBe(-Infinity);
    for (const bad of ['  ', '1 ', 'nan', '1e-310', '1e400', 'abc', '0x']) expect(sortScore(bad)).toBeNaN();
  });
});
