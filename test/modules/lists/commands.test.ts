import { useServer } from '../../helpers/fixtures';

describe('lists module through real clients', () => {
  const f = useServer();

  it('round-trips every byte value as keys and elements through ioredis buffers', async () => {
    const all = Array.from({ length: 256 }, (_, i) => Buffer.from([i]));
    const key = Buffer.from([0, 13, 10, 255]);
    expect(await f.io.rpush(key, ...all)).toBe(256);
    const back = await f.io.lrangeBuffer(key, 0, -1);
    expect(back.map((b) => b[0])).toEqual(all.map((b) => b[0]));
    expect((await f.io.lindexBuffer(key, -1))!.equals(Buffer.from([255]))).toBe(true);
    expect(await f.io.lpos(key, Buffer.from([13]))).toBe(13);
    expect(await f.io.lrem(key, 0, Buffer.from([0]))).toBe(1);
    expect((await f.io.lpopBuffer(key))!.equals(Buffer.from([1]))).toBe(true);
    expect(await f.io.llen(key)).toBe(254);
  });

  it('covers the list commands through node-redis', async () => {
    expect(await f.nr.rPush('l', ['a', 'b', 'c'])).toBe(3);
    expect(await f.nr.lPush('l', 'z')).toBe(4);
    expect(await f.nr.lRange('l', 0, -1)).toEqual(['z', 'a', 'b', 'c']);
    expect(await f.nr.lInsert('l', 'AFTER', 'a', 'a2')).toBe(5);
    expect(await f.nr.lSet('l', -1, 'C')).toBe('OK');
    expect(await f.nr.lPos('l', 'C')).toBe(4);
    expect(await f.nr.lPosCount('l', 'a', 0)).toEqual([1]);
    expect(await f.nr.lMove('l', 'm', 'LEFT', 'RIGHT')).toBe('z');
    expect(await f.nr.lmPop(['none', 'l'], 'RIGHT', { COUNT: 2 })).toEqual(['l', ['C', 'b']]);
    expect(await f.nr.lTrim('l', 0, 0)).toBe('OK');
    expect(await f.nr.lRange('l', 0, -1)).toEqual(['a']);
    expect(await f.nr.blPop('l', 0)).toEqual({ key: 'l', element: 'a' });
    expect(await f.nr.exists('l')).toBe(0);
    await expect(f.nr.lSet('l', 0, 'x')).rejects.toThrow('ERR no such key');
    await f.nr.set('s', 'v');
    await expect(f.nr.lPush('s', 'x')).rejects.toThrow('WRONGTYPE');
  });

  it('LINDEX and LSET near both ends of a 100k-element list, after pops and pushes on both sides', async () => {
    const n = 100000;
    for (let start = 0; start < n; start += 10000) {
      const chunk = Array.from({ length: 10000 }, (_, i) => String(start + i));
      await f.io.rpush('big', ...chunk);
    }
    // Move the buffer's head around so indexes wrap inside the circular buffer.
    expect(await f.io.lpop('big', 3)).toEqual(['0', '1', '2']);
    expect(await f.io.lpush('big', 'h2', 'h1')).toBe(n - 1);
    expect(await f.io.rpop('big')).toBe(String(n - 1));
    expect(await f.io.llen('big')).toBe(n - 2);
    expect(await f.io.lindex('big', 0)).toBe('h1');
    expect(await f.io.lindex('big', 1)).toBe('h2');
    expect(await f.io.lindex('big', 2)).toBe('3');
    expect(await f.io.lindex('big', -1)).toBe(String(n - 2));
    expect(await f.io.lindex('big', -2)).toBe(String(n - 3));
    expect(await f.io.lindex('big', n - 3)).toBe(String(n - 2));
    expect(await f.io.lindex('big', n - 2)).toBeNull();
    expect(await f.io.lindex('big', 50000)).toBe('50001');
    expect(await f.io.lset('big', 0, 'first')).toBe('OK');
    expect(await f.io.lset('big', -1, 'last')).toBe('OK');
    expect(await f.io.lset('big', 2, 'third')).toBe('OK');
    expect(await f.io.lset('big', -3, 'third-last')).toBe('OK');
    await expect(f.io.lset('big', n - 2, 'x')).rejects.toThrow('ERR index out of range');
    await expect(f.io.lset('big', -(n - 1), 'x')).rejects.toThrow('ERR index out of range');
    expect(await f.io.lrange('big', 0, 3)).toEqual(['first', 'h2', 'third', '4']);
    expect(await f.io.lrange('big', -3, -1)).toEqual(['third-last', String(n - 3), 'last']);
    expect(await f.io.llen('big')).toBe(n - 2);
  });

  it('answers LPOP count forms with RESP2 and RESP3 nulls over a raw socket', async () => {
    expect(await f.raw.call('LPOP', 'none', '1')).toBe('*-1\r\n');
    expect(await f.raw.call('LPOP', 'none')).toBe('$-1\r\n');
    await f.raw.call('HELLO', '3');
    expect(await f.raw.call('LPOP', 'none', '1')).toBe('_\r\n');
    expect(await f.raw.call('RPUSH', 'l', 'a')).toBe(':1\r\n');
    expect(await f.raw.call('LPOP', 'l', '0')).toBe('*0\r\n');
    expect(await f.raw.call('LPOP', 'l', '5')).toBe('*1\r\n$1\r\na\r\n');
    await f.raw.call('HELLO', '2');
  });

  it('reports the list type, quicklist encoding and a deep COPY', async () => {
    await f.io.rpush('l', 'a', 'b');
    expect(await f.io.type('l')).toBe('list');
    expect(await f.io.object('ENCODING', 'l')).toBe('quicklist');
    expect(await f.io.copy('l', 'c')).toBe(1);
    await f.io.lset('c', 0, 'changed');
    expect(await f.io.lrange('l', 0, -1)).toEqual(['a', 'b']);
    expect(await f.io.lrange('c', 0, -1)).toEqual(['changed', 'b']);
  });
});
