import Redis from 'ioredis';
import { createClient } from 'redis';
import type { Ferrous } from '../../../kernel/bootstrap';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

describe('lists module through real clients', () => {
  let f: Ferrous;
  let io: Redis;
  let nr: ReturnType<typeof createClient>;
  let raw: RawClient;

  beforeAll(async () => {
    f = await startTestServer();
    io = new Redis(f.port, '127.0.0.1');
    nr = createClient({ socket: { port: f.port, host: '127.0.0.1' } });
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

  it('round-trips every byte value as keys and elements through ioredis buffers', async () => {
    const all = Array.from({ length: 256 }, (_, i) => Buffer.from([i]));
    const key = Buffer.from([0, 13, 10, 255]);
    expect(await io.rpush(key, ...all)).toBe(256);
    const back = await io.lrangeBuffer(key, 0, -1);
    expect(back.map((b) => b[0])).toEqual(all.map((b) => b[0]));
    expect((await io.lindexBuffer(key, -1))!.equals(Buffer.from([255]))).toBe(true);
    expect(await io.lpos(key, Buffer.from([13]))).toBe(13);
    expect(await io.lrem(key, 0, Buffer.from([0]))).toBe(1);
    expect((await io.lpopBuffer(key))!.equals(Buffer.from([1]))).toBe(true);
    expect(await io.llen(key)).toBe(254);
  });

  it('covers the list commands through node-redis', async () => {
    expect(await nr.rPush('l', ['a', 'b', 'c'])).toBe(3);
    expect(await nr.lPush('l', 'z')).toBe(4);
    expect(await nr.lRange('l', 0, -1)).toEqual(['z', 'a', 'b', 'c']);
    expect(await nr.lInsert('l', 'AFTER', 'a', 'a2')).toBe(5);
    expect(await nr.lSet('l', -1, 'C')).toBe('OK');
    expect(await nr.lPos('l', 'C')).toBe(4);
    expect(await nr.lPosCount('l', 'a', 0)).toEqual([1]);
    expect(await nr.lMove('l', 'm', 'LEFT', 'RIGHT')).toBe('z');
    expect(await nr.lmPop(['none', 'l'], 'RIGHT', { COUNT: 2 })).toEqual(['l', ['C', 'b']]);
    expect(await nr.lTrim('l', 0, 0)).toBe('OK');
    expect(await nr.lRange('l', 0, -1)).toEqual(['a']);
    expect(await nr.blPop('l', 0)).toEqual({ key: 'l', element: 'a' });
    expect(await nr.exists('l')).toBe(0);
    await expect(nr.lSet('l', 0, 'x')).rejects.toThrow('ERR no such key');
    await nr.set('s', 'v');
    await expect(nr.lPush('s', 'x')).rejects.toThrow('WRONGTYPE');
  });

  it('LINDEX and LSET near both ends of a 100k-element list, after pops and pushes on both sides', async () => {
    const n = 100000;
    for (let start = 0; start < n; start += 10000) {
      const chunk = Array.from({ length: 10000 }, (_, i) => String(start + i));
      await io.rpush('big', ...chunk);
    }
    // Move the buffer's head around so indexes wrap inside the circular buffer.
    expect(await io.lpop('big', 3)).toEqual(['0', '1', '2']);
    expect(await io.lpush('big', 'h2', 'h1')).toBe(n - 1);
    expect(await io.rpop('big')).toBe(String(n - 1));
    expect(await io.llen('big')).toBe(n - 2);
    expect(await io.lindex('big', 0)).toBe('h1');
    expect(await io.lindex('big', 1)).toBe('h2');
    expect(await io.lindex('big', 2)).toBe('3');
    expect(await io.lindex('big', -1)).toBe(String(n - 2));
    expect(await io.lindex('big', -2)).toBe(String(n - 3));
    expect(await io.lindex('big', n - 3)).toBe(String(n - 2));
    expect(await io.lindex('big', n - 2)).toBeNull();
    expect(await io.lindex('big', 50000)).toBe('50001');
    expect(await io.lset('big', 0, 'first')).toBe('OK');
    expect(await io.lset('big', -1, 'last')).toBe('OK');
    expect(await io.lset('big', 2, 'third')).toBe('OK');
    expect(await io.lset('big', -3, 'third-last')).toBe('OK');
    await expect(io.lset('big', n - 2, 'x')).rejects.toThrow('ERR index out of range');
    await expect(io.lset('big', -(n - 1), 'x')).rejects.toThrow('ERR index out of range');
    expect(await io.lrange('big', 0, 3)).toEqual(['first', 'h2', 'third', '4']);
    expect(await io.lrange('big', -3, -1)).toEqual(['third-last', String(n - 3), 'last']);
    expect(await io.llen('big')).toBe(n - 2);
  });

  it('answers LPOP count forms with RESP2 and RESP3 nulls over a raw socket', async () => {
    expect(await raw.call('LPOP', 'none', '1')).toBe('*-1\r\n');
    expect(await raw.call('LPOP', 'none')).toBe('$-1\r\n');
    await raw.call('HELLO', '3');
    expect(await raw.call('LPOP', 'none', '1')).toBe('_\r\n');
    expect(await raw.call('RPUSH', 'l', 'a')).toBe(':1\r\n');
    expect(await raw.call('LPOP', 'l', '0')).toBe('*0\r\n');
    expect(await raw.call('LPOP', 'l', '5')).toBe('*1\r\n$1\r\na\r\n');
    await raw.call('HELLO', '2');
  });

  it('reports the list type, quicklist encoding and a deep COPY', async () => {
    await io.rpush('l', 'a', 'b');
    expect(await io.type('l')).toBe('list');
    expect(await io.object('ENCODING', 'l')).toBe('quicklist');
    expect(await io.copy('l', 'c')).toBe(1);
    await io.lset('c', 0, 'changed');
    expect(await io.lrange('l', 0, -1)).toEqual(['a', 'b']);
    expect(await io.lrange('c', 0, -1)).toEqual(['changed', 'b']);
  });
});
