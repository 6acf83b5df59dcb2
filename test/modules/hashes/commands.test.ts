import Redis from 'ioredis';
import { createClient, RESP_TYPES } from 'redis';
import type { Ferrous } from '../../../kernel/bootstrap';
import { Hash, HashType } from '../../../modules/hashes';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

describe('hashes module through real clients', () => {
  let f: Ferrous;
  let io: Redis;
  let nr: ReturnType<typeof createClient>;
  let raw: RawClient;

  beforeAll(async () => {
    f = await startTestServer();
    io = new Redis(f.port, '127.0.0.1');
    nr = createClient({ socket: { port: f.port, host: '127.0.0.1' }, RESP: 3 });
    await nr.connect();
    raw = await RawClient.connect(f.port);
  });
  afterAll(async () => {
    io.disconnect();
    await nr.quit();
    raw.close();
    await f.close();
  });
  beforeEach(async () => {
    await io.flushall();
  });

  it('round-trips every byte value in fields and values through ioredis buffers', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const field = Buffer.from([0, 13, 10, 255]);
    expect(await io.hset('h', field, all, all, field)).toBe(2);
    expect((await io.hgetBuffer('h', field))!.equals(all)).toBe(true);
    expect((await io.hgetBuffer('h', all))!.equals(field)).toBe(true);
    expect(await io.hstrlen('h', field)).toBe(256);
    const flat = await io.hgetallBuffer('h');
    expect(Object.keys(flat)).toHaveLength(2);
    expect(await io.object('ENCODING', 'h')).toBe('hashtable');
  });

  it('HGETALL is a map over RESP3 (node-redis) and an object over RESP2 (ioredis)', async () => {
    await io.hset('h', { a: '1', b: '2' });
    expect(await io.hgetall('h')).toEqual({ a: '1', b: '2' });
    const m = await nr.withTypeMapping({ [RESP_TYPES.MAP]: Map }).hGetAll('h');
    expect(m).toEqual(new Map([['a', '1'], ['b', '2']]));
    expect(await nr.hGetAll('nokey')).toEqual({});
    expect(await nr.hLen('h')).toBe(2);
  });

  it('HINCRBY and HINCRBYFLOAT through node-redis', async () => {
    expect(await nr.hIncrBy('h', 'n', 41)).toBe(41);
    expect(await nr.hIncrBy('h', 'n', 1)).toBe(42);
    expect(await nr.hIncrByFloat('h', 'x', 0.1)).toBe('0.1');
    expect(await nr.hIncrByFloat('h', 'x', 0.2)).toBe('0.3');
    await expect(nr.hIncrBy('h', 'x', 1)).rejects.toThrow('ERR hash value is not an integer');
    await nr.hSet('h', 'big', '9223372036854775807');
    await expect(nr.hIncrBy('h', 'big', 1)).rejects.toThrow('ERR increment or decrement would overflow');
    expect(await io.hincrby('h', 'big', '-9223372036854775807')).toBe(0);
  });

  it('HRANDFIELD: distinct fields for positive counts, repeats allowed for negative ones', async () => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < 20; i++) fields[`f${i}`] = `v${i}`;
    await io.hset('small', fields);
    const big: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) big[`g${i}`] = `w${i}`;
    await io.hset('big', big);
    expect(await io.object('ENCODING', 'big')).toBe('hashtable');
    for (const [key, all, n] of [['small', fields, 20], ['big', big, 1000]] as const) {
      expect(Object.keys(all)).toContain(await io.hrandfield(key));
      for (const count of [1, 5, n / 2, n - 1]) {
        const got = (await io.hrandfield(key, count)) as string[];
        expect(got).toHaveLength(count);
        expect(new Set(got).size).toBe(count);
        for (const g of got) expect(all[g]).toBeDefined();
      }
      const pairs = (await io.hrandfield(key, 7, 'WITHVALUES')) as string[];
      expect(pairs).toHaveLength(14);
      for (let i = 0; i < pairs.length; i += 2) expect(all[pairs[i]]).toBe(pairs[i + 1]);
      const repeated = (await io.hrandfield(key, -(n * 3))) as string[];
      expect(repeated).toHaveLength(n * 3);
      expect(new Set(repeated).size).toBeLessThan(n * 3);
      for (const g of repeated) expect(all[g]).toBeDefined();
    }
  });

  it('HRANDFIELD WITHVALUES over RESP3 answers an array of [field, value] pairs', async () => {
    await io.hset('h', { a: '1', b: '2', c: '3' });
    const pairs = (await nr.sendCommand(['HRANDFIELD', 'h', '-5', 'WITHVALUES'])) as string[][];
    expect(pairs).toHaveLength(5);
    for (const p of pairs) expect(['a:1', 'b:2', 'c:3']).toContain(p.join(':'));
    const all = (await nr.sendCommand(['HRANDFIELD', 'h', '2', 'WITHVALUES'])) as string[][];
    expect(all).toHaveLength(2);
    expect(all[0]).toHaveLength(2);
  });

  it('HSCAN walks a hashtable with cursors: every field present throughout is returned', async () => {
    const n = 2000;
    const p = io.pipeline();
    for (let i = 0; i < n; i++) p.hset('h', `f${i}`, `v${i}`);
    await p.exec();
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    let added = 0;
    do {
      const [next, items] = await io.hscan('h', cursor, 'COUNT', 50);
      for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
      // Growth and deletion during the scan do not lose fields present all along.
      await io.hset('h', `new${added++}`, 'x');
      if (calls === 3) await io.hdel('h', 'f0');
      cursor = next;
      calls++;
    } while (cursor !== '0');
    expect(calls).toBeGreaterThan(n / 50 - 1);
    for (let i = 1; i < n; i++) expect(seen.get(`f${i}`)).toBe(`v${i}`);
    const [, matched] = await io.hscan('h', '0', 'MATCH', 'f1*', 'COUNT', 100000);
    const names = matched.filter((_, i) => i % 2 === 0);
    expect(names.length).toBe(1111);
    expect(names.every((x) => x.startsWith('f1'))).toBe(true);
  });

  it('HSCAN on a listpack hash answers everything with cursor 0 whatever COUNT says', async () => {
    await io.hset('h', { a: '1', b: '2', c: '3' });
    expect(await io.hscan('h', '0', 'COUNT', 1)).toEqual(['0', ['a', '1', 'b', '2', 'c', '3']]);
    expect(await raw.call('HSCAN', 'h', '99', 'MATCH', '[ab]')).toBe('*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n');
  });

  it('an emptied hash is deleted; the type reports hash and its encodings', async () => {
    await io.hset('h', 'a', '1');
    expect(await io.type('h')).toBe('hash');
    expect(await io.object('ENCODING', 'h')).toBe('listpack');
    expect(await io.hdel('h', 'a', 'b')).toBe(1);
    expect(await io.exists('h')).toBe(0);
    const h = new Hash();
    h.set('f', 'v');
    expect(HashType.is(h)).toBe(true);
    expect(HashType.is('f')).toBe(false);
    expect(HashType.field!(h, 'f')).toBe('v');
    const copy = HashType.clone(h);
    copy.set('f', 'changed');
    expect(h.get('f')).toBe('v');
    h.toTable();
    expect(HashType.encoding(h)).toBe('hashtable');
    expect(HashType.encoding(HashType.clone(h))).toBe('hashtable');
    expect(HashType.memory!(h)).toBeGreaterThan(2);
  });

  it('CONFIG SET of the thresholds applies to later writes', async () => {
    await io.config('SET', 'hash-max-listpack-entries', '3');
    await io.hset('h', { a: '1', b: '2', c: '3' });
    expect(await io.object('ENCODING', 'h')).toBe('listpack');
    await io.hsetnx('h', 'd', '4');
    expect(await io.object('ENCODING', 'h')).toBe('hashtable');
    expect(await io.config('GET', 'hash-max-ziplist-entries')).toEqual(['hash-max-ziplist-entries', '3']);
    await io.config('SET', 'hash-max-listpack-entries', '512');
  });

  it('wrong arity and wrong type errors come with Redis texts', async () => {
    await io.set('s', 'v');
    await expect(io.hset('s', 'a', '1')).rejects.toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(await raw.call('HSET', 'h', 'a')).toBe("-ERR wrong number of arguments for 'hset' command\r\n");
    expect(await raw.call('HMSET', 'h', 'a', '1', 'b')).toBe("-ERR wrong number of arguments for 'hmset' command\r\n");
    expect(await raw.call('HINCRBYFLOAT', 'h', 'a', 'inf')).toBe('-ERR value is NaN or Infinity\r\n');
    expect(await io.exists('h')).toBe(0);
  });
});
